-- +goose Up
-- Consent per purpose (issue 5): records given or withdrawn, the versions of
-- the texts people saw, and what a visitor ticked at sign-up until the email
-- is confirmed. See docs/design.md, "Consent".

-- Every version of a consent text, kept whole: a record points at the one
-- its person saw. A body is stored once per purpose and language (sha256);
-- published_at is when an admin last made it the text samtal shows (NULL for
-- a text only recorded from elsewhere).
CREATE TABLE consent_texts (
    id                   INTEGER PRIMARY KEY,
    purpose              TEXT NOT NULL,
    lang                 TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL,
    body                 TEXT NOT NULL,
    sha256               TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    created_by_person_id INTEGER REFERENCES persons(id),
    published_at         INTEGER,
    UNIQUE (purpose, lang, sha256),
    UNIQUE (purpose, lang, version)
);
CREATE INDEX consent_texts_published ON consent_texts(purpose, lang, published_at) WHERE published_at IS NOT NULL;

-- Consent records are only appended (no UPDATE anywhere in the code); the
-- newest per person and purpose decides. Erasure deletes them, so no trigger
-- forbids DELETE. identity_id has no foreign key, like ideas.identity_id: an
-- identity may be removed while the record of what came through it stays.
CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES persons(id),
    purpose         TEXT NOT NULL CHECK (purpose IN ('idea_emails','advocate_briefings','content_reuse','research_contact')),
    given           INTEGER NOT NULL,
    text_id         INTEGER REFERENCES consent_texts(id),
    channel         TEXT NOT NULL,
    identity_id     INTEGER,
    actor_person_id INTEGER REFERENCES persons(id),
    created_at      INTEGER NOT NULL
);
-- the current consent (newest per purpose) and the history, newest first
CREATE INDEX consents_person_purpose ON consents(person_id, purpose, created_at, id);
CREATE INDEX consents_person_time ON consents(person_id, created_at, id);

-- What a visitor ticked on the sign-up form, until the email is confirmed.
CREATE TABLE consent_offers (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    purpose    TEXT NOT NULL,
    text_id    INTEGER NOT NULL REFERENCES consent_texts(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, purpose)
) WITHOUT ROWID;

-- +goose Down
-- Migrations are forward-only.
