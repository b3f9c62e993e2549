-- +goose Up
-- Responses to API POSTs that carried an Idempotency-Key, so that a client
-- retrying after a lost answer gets the same answer instead of a second
-- idea or comment. Kept for a day (the maintenance job deletes older ones).
-- status 0 means the first request is still running.
CREATE TABLE idempotency_keys (
    account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- +goose Down
-- Migrations are forward-only.
