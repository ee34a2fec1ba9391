-- Whether a row's token counts are the gateway's own estimate rather than the provider's (some providers report no
-- usage at all, e.g. Gemini's embeddings). Older rows are the provider's figures or none: false. A constant default,
-- so adding it does not rewrite the table.
ALTER TABLE usage ADD COLUMN usage_estimated BOOLEAN NOT NULL DEFAULT FALSE;
