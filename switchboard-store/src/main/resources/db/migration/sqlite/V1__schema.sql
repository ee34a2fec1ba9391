-- One row bumped by every administrative change so gateways can cheaply notice changes.
CREATE TABLE store_revision (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL);
INSERT INTO store_revision (id, revision) VALUES (1, 0);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    allowed_models TEXT NOT NULL,
    metadata TEXT NOT NULL,
    rpm_limit BIGINT,
    tpm_limit BIGINT,
    tpd_limit BIGINT,
    budget_micros BIGINT,
    budget_period TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE client_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    team_id TEXT REFERENCES teams (id),
    prefix TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    expires_at BIGINT,
    allowed_models TEXT NOT NULL,
    metadata TEXT NOT NULL,
    rpm_limit BIGINT,
    tpm_limit BIGINT,
    tpd_limit BIGINT,
    budget_micros BIGINT,
    budget_period TEXT,
    revoked BOOLEAN NOT NULL DEFAULT 0,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE upstream_credentials (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    label TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    nonce BLOB NOT NULL,
    key_fingerprint TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX upstream_credentials_provider ON upstream_credentials (provider);

CREATE TABLE access_requests (
    id TEXT PRIMARY KEY,
    requester_kind TEXT NOT NULL,
    requester_id TEXT NOT NULL,
    model TEXT NOT NULL,
    reason TEXT,
    status TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    note TEXT
);
CREATE INDEX access_requests_status ON access_requests (status);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT,
    details TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_ms);

CREATE TABLE usage (
    request_id TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    key_name TEXT,
    team TEXT,
    operation TEXT,
    model TEXT,
    provider TEXT,
    upstream_model TEXT,
    stream BOOLEAN NOT NULL,
    status INTEGER NOT NULL,
    prompt_tokens BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,
    usage_reported BOOLEAN NOT NULL,
    cost_micros BIGINT,
    duration_ms BIGINT NOT NULL,
    ttft_ms BIGINT NOT NULL
);
CREATE INDEX usage_at ON usage (at_ms);
