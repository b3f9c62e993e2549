-- +goose Up
-- Listening (issue 6; docs/design.md, "Listening"): sources, topics, the
-- mentions they find, and what staff do with them.

-- A source is where listening happens. config holds the kind's settings as
-- JSON (an import's column mapping, a Mastodon server and query); secret
-- keys a webhook's signatures. etag, last_modified and cursor are what the
-- next fetch sends to ask only for news. A deleted source stays as the
-- source of the mentions it found.
CREATE TABLE sources (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('feed','import','webhook','mastodon')),
    name             TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    config           TEXT NOT NULL DEFAULT '{}',
    secret           TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','paused','failing')),
    interval_seconds INTEGER NOT NULL DEFAULT 900,
    etag             TEXT NOT NULL DEFAULT '',
    last_modified    TEXT NOT NULL DEFAULT '',
    cursor           TEXT NOT NULL DEFAULT '',
    next_fetch_at    INTEGER,
    last_fetch_at    INTEGER,
    last_success_at  INTEGER,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    items            INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    deleted_at       INTEGER
);
CREATE INDEX sources_due ON sources(next_fetch_at) WHERE deleted_at IS NULL;

-- Signatures of webhook calls seen in the last minutes: a replayed call is
-- refused. Rows older than the accepted clock skew are swept.
CREATE TABLE webhook_calls (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    signature TEXT NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (source_id, signature)
) WITHOUT ROWID;
CREATE INDEX webhook_calls_seen ON webhook_calls(seen_at);

-- A topic is a named query in the boolean language of listening/query, with
-- examples that must and must not match (JSON arrays). version counts
-- changes of the query; the background run over the stored history has
-- reached rerun_below (a mention id; 0 when done) for rerun_version.
CREATE TABLE topics (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    query          TEXT NOT NULL,
    must_match     TEXT NOT NULL DEFAULT '[]',
    must_not_match TEXT NOT NULL DEFAULT '[]',
    version        INTEGER NOT NULL DEFAULT 1,
    rerun_version  INTEGER NOT NULL DEFAULT 0,
    rerun_below    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    deleted_at     INTEGER
);

-- A mention is one post, review or comment a source found. key is the
-- item's stable key within its source (listening/importer.Key), so a feed
-- or a file read again stores nothing twice. duplicate_of points at the
-- first mention of a near-duplicate cluster: duplicates are kept (with
-- their link) but not counted or listed twice. person_id and identity_id
-- say who wrote it, as the person resolver decided.
CREATE TABLE mentions (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(id),
    key             TEXT NOT NULL,
    url             TEXT NOT NULL DEFAULT '',
    site            TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL,
    author          TEXT NOT NULL DEFAULT '',
    author_handle   TEXT NOT NULL DEFAULT '',
    author_url      TEXT NOT NULL DEFAULT '',
    person_id       INTEGER REFERENCES persons(id),
    identity_id     INTEGER REFERENCES identities(id),
    published_at    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    lang            TEXT NOT NULL,
    sentiment       REAL NOT NULL,
    sentiment_label TEXT NOT NULL,
    rating          REAL,
    fingerprint     INTEGER NOT NULL,
    duplicate_of    INTEGER REFERENCES mentions(id),
    state           TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new','seen','needs_reply','done','ignored')),
    assignee_id     INTEGER REFERENCES accounts(id),
    updated_at      INTEGER NOT NULL,
    -- Key first: "which of these keys does the source have" is one probe
    -- per key, whatever the planner thinks of a source with a million rows.
    UNIQUE (key, source_id)
);
-- The inbox lists cluster heads, newest first, optionally by state or
-- source; a topic's list walks mention_topics instead.
CREATE INDEX mentions_published ON mentions(published_at, id) WHERE duplicate_of IS NULL;
CREATE INDEX mentions_state ON mentions(state, published_at, id) WHERE duplicate_of IS NULL;
CREATE INDEX mentions_source ON mentions(source_id, published_at, id);
CREATE INDEX mentions_person ON mentions(person_id) WHERE person_id IS NOT NULL;
CREATE INDEX mentions_duplicate ON mentions(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX mentions_assignee ON mentions(assignee_id) WHERE assignee_id IS NOT NULL;

-- Which topics a mention matched, with its time copied so that a topic's
-- list in a date range is one range of this table. Only cluster heads.
CREATE TABLE mention_topics (
    topic_id     INTEGER NOT NULL REFERENCES topics(id),
    published_at INTEGER NOT NULL,
    mention_id   INTEGER NOT NULL REFERENCES mentions(id),
    PRIMARY KEY (topic_id, published_at, mention_id)
) WITHOUT ROWID;
CREATE INDEX mention_topics_mention ON mention_topics(mention_id, topic_id);

-- Mentions per topic per day (day = Unix days), for the topic's chart.
CREATE TABLE topic_days (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    day      INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (topic_id, day)
) WITHOUT ROWID;

-- Lookup keys of the near-duplicate fingerprint (four bands of a SimHash
-- and the exact key of short texts, listening/enrich) of cluster heads, with
-- the fingerprint itself: a new mention finds the heads it may duplicate
-- with a few probes of this table alone.
CREATE TABLE mention_bands (
    k           INTEGER NOT NULL,
    mention_id  INTEGER NOT NULL REFERENCES mentions(id),
    fingerprint INTEGER NOT NULL,
    PRIMARY KEY (k, mention_id)
) WITHOUT ROWID;
CREATE INDEX mention_bands_mention ON mention_bands(mention_id);

CREATE TABLE mention_tags (
    mention_id INTEGER NOT NULL REFERENCES mentions(id),
    tag        TEXT NOT NULL,
    PRIMARY KEY (mention_id, tag)
) WITHOUT ROWID;
CREATE INDEX mention_tags_tag ON mention_tags(tag, mention_id);

-- An import of a review export: its file kept in chunks until it is done
-- (so that a job on any node can resume it after a crash), how far it got
-- and the first row errors (JSON).
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    format       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running','done','failed')),
    rows_done    INTEGER NOT NULL DEFAULT 0,
    rows_stored  INTEGER NOT NULL DEFAULT 0,
    rows_failed  INTEGER NOT NULL DEFAULT 0,
    errors       TEXT NOT NULL DEFAULT '[]',
    error        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX imports_source ON imports(source_id, id);
CREATE TABLE import_chunks (
    import_id INTEGER NOT NULL REFERENCES imports(id),
    n         INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (import_id, n)
) WITHOUT ROWID;

-- Mentions are found by any word of their title and text, folded like
-- ideas (00008). secure-delete: an erased author's texts leave the index at
-- once.
CREATE VIRTUAL TABLE mentions_fts USING fts5(
    title, text,
    content='mentions', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='3'
);
INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('secure-delete', 1);
-- +goose StatementBegin
CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO mentions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mentions_fts_update AFTER UPDATE OF title, text ON mentions BEGIN
    INSERT INTO mentions_fts(mentions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO mentions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO mentions_fts(mentions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations are forward-only.
