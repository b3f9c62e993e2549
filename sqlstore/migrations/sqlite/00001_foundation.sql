-- +goose Up
-- Times are Unix milliseconds in UTC on both engines (see docs/design.md).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A person is a human the organisation knows of; everything else points here.
CREATE TABLE persons (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    -- name folded in Go: SQLite's LOWER folds ASCII only.
    name_lower  TEXT NOT NULL DEFAULT '',
    locale      TEXT NOT NULL DEFAULT '',
    merged_into INTEGER REFERENCES persons(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- An identity is one way the person shows up: an email, a handle on a network,
-- a review-site name, a blog URL. value is normalised so that equal means same.
CREATE TABLE identities (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    kind       TEXT NOT NULL,
    network    TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL,
    display    TEXT NOT NULL DEFAULT '',
    verified   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, network, value)
);
CREATE INDEX identities_person ON identities(person_id);

-- An account is a person who signs in.
CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL UNIQUE REFERENCES persons(id),
    email             TEXT NOT NULL UNIQUE,
    password_hash     TEXT NOT NULL DEFAULT '',
    role              TEXT NOT NULL CHECK (role IN ('member','agent','moderator','analyst','admin')),
    locale            TEXT NOT NULL DEFAULT '',
    email_verified_at INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX accounts_role ON accounts(role, id);

-- Sessions live in the database so that any node can serve any request; only
-- a hash of the cookie value is stored.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Personal access tokens for the API; only a hash is stored.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

-- Links sent by mail (verify an email, reset a password, sign in once). They
-- expire and work once; only a hash is stored.
CREATE TABLE link_tokens (
    hash       TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX link_tokens_account ON link_tokens(account_id, purpose);

-- Fixed-window counters shared by every node.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);

-- The audit log is append-only: the triggers refuse any update or delete.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_label TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    via         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
CREATE INDEX audit_log_target ON audit_log(target_kind, target_id, id);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- +goose StatementEnd

-- Every mail goes through the outbox: a job sends it when SMTP is configured;
-- otherwise it stays here for admins to read.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
);
CREATE INDEX outbox_state ON outbox(state, id);

-- Campaigns of concrete questions (the co-creation hub builds on these).
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    brief       TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL CHECK (visibility IN ('public','members','invited')),
    languages   TEXT NOT NULL DEFAULT '',
    vote_budget INTEGER NOT NULL DEFAULT 0,
    starts_at   INTEGER,
    ends_at     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE TABLE questions (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    help        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_campaign ON questions(campaign_id, position);

-- +goose Down
-- Migrations are forward-only.
