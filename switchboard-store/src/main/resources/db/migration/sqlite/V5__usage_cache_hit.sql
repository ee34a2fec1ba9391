-- Whether a row's answer was replayed from the response cache (no provider called, cost 0), and what that answer
-- would have cost upstream (its usage at the price of the model that made it; NULL when that model has no price).
-- Older rows were all answered upstream: false and 0. Constant defaults, so adding them does not rewrite the table.
ALTER TABLE usage ADD COLUMN cache_hit BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE usage ADD COLUMN saved_micros BIGINT DEFAULT 0;
