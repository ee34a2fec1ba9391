-- The caller's own x-request-id, kept beside the gateway's id (request_id, the ledger's unique key) and never unique:
-- a client that repeats or guesses ids can no longer make the ledger skip rows. Nullable, so adding it is instant;
-- no index (filters on it run inside an at_ms range).
ALTER TABLE usage ADD COLUMN client_request_id TEXT;
