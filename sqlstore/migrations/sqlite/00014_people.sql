-- +goose Up
-- People (issue 5): profiles, identity resolution, merge and unmerge, notes,
-- tags, merge suggestions and the do-not-merge list. See docs/design.md,
-- "People".

-- An identity may now exist twice: once verified (a confirmed sign-up, an
-- author the network itself names) and once unverified (typed into a review
-- form, linked by a member): the unverified copy is a claim, so it never
-- joins the verified one's person by itself; it is proposed as a merge. The
-- table is rebuilt because SQLite cannot drop a UNIQUE constraint. Nothing
-- references identities yet, so the copy keeps every id.
CREATE TABLE identities_v2 (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    kind       TEXT NOT NULL,
    network    TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL,
    display    TEXT NOT NULL DEFAULT '',
    verified   INTEGER NOT NULL DEFAULT 0,
    -- how samtal learnt it: signup, staff, member (linked by the person), mention, import
    source     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (kind, network, value, verified)
);
INSERT INTO identities_v2 (id, person_id, kind, network, value, display, verified, source, created_at)
    SELECT id, person_id, kind, network, value, display, verified, 'signup', created_at FROM identities;
DROP TABLE identities;
ALTER TABLE identities_v2 RENAME TO identities;
CREATE INDEX identities_person ON identities(person_id);
-- "an email used as a handle elsewhere": the same value under another kind.
CREATE INDEX identities_value ON identities(value);

ALTER TABLE persons ADD COLUMN location TEXT NOT NULL DEFAULT '';
-- languages the person reads and writes, comma-separated ISO 639-1 codes
ALTER TABLE persons ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;
-- the name folded, accents off, words sorted: "Søren Ærø" and "aero soren"
-- share it; equal keys with the same location or language are proposed.
ALTER TABLE persons ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN erased_at INTEGER;
CREATE INDEX persons_name_key ON persons(name_key) WHERE name_key <> '';
CREATE INDEX persons_merged ON persons(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX persons_name ON persons(name_lower, id);

-- The identity an account signs in with: activity written through the account
-- carries it, so an unmerge sends new activity back with its identity.
ALTER TABLE accounts ADD COLUMN identity_id INTEGER REFERENCES identities(id);
UPDATE accounts SET identity_id = (SELECT i.id FROM identities i
    WHERE i.kind = 'email' AND i.network = '' AND i.value = accounts.email AND i.person_id = accounts.person_id
    ORDER BY i.verified DESC LIMIT 1);

ALTER TABLE ideas ADD COLUMN identity_id INTEGER;
ALTER TABLE comments ADD COLUMN identity_id INTEGER;
ALTER TABLE idea_merge_votes ADD COLUMN identity_id INTEGER;
ALTER TABLE votes ADD COLUMN identity_id INTEGER;
UPDATE ideas SET identity_id = (SELECT identity_id FROM accounts WHERE person_id = ideas.author_person_id);
UPDATE comments SET identity_id = (SELECT identity_id FROM accounts WHERE person_id = comments.author_person_id);
UPDATE votes SET identity_id = (SELECT identity_id FROM accounts WHERE person_id = votes.person_id);
-- the timeline and the figures read a person's ideas and comments newest first, and count them, from these alone
CREATE INDEX ideas_author_time ON ideas(author_person_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX comments_author_time ON comments(author_person_id, created_at) WHERE deleted_at IS NULL;

CREATE TABLE person_tags (
    person_id INTEGER NOT NULL REFERENCES persons(id),
    tag       TEXT NOT NULL,
    PRIMARY KEY (person_id, tag)
) WITHOUT ROWID;
CREATE INDEX person_tags_tag ON person_tags(tag, person_id);

-- Staff notes about a person: never shown to members.
CREATE TABLE person_notes (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES persons(id),
    author_person_id INTEGER REFERENCES persons(id),
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX person_notes_person ON person_notes(person_id, id);

-- A merge of person_id into into_id, and what it moved, so that undo is exact.
CREATE TABLE person_merges (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES persons(id),
    into_id             INTEGER NOT NULL REFERENCES persons(id),
    actor_person_id     INTEGER REFERENCES persons(id),
    created_at          INTEGER NOT NULL,
    undone_at           INTEGER,
    undone_by_person_id INTEGER REFERENCES persons(id)
);
CREATE INDEX person_merges_into ON person_merges(into_id, id);
CREATE INDEX person_merges_person ON person_merges(person_id, id);
-- kind names the table (identity, account, note, tag, follow, invite, …);
-- ref is the row's key there, as text.
CREATE TABLE person_merge_moves (
    merge_id INTEGER NOT NULL REFERENCES person_merges(id),
    kind     TEXT NOT NULL,
    ref      TEXT NOT NULL,
    PRIMARY KEY (merge_id, kind, ref)
) WITHOUT ROWID;

-- Votes the merge took off the merged person because the other had voted for
-- the same idea (one human, one vote): undo puts them back as they were.
CREATE TABLE person_merge_votes (
    merge_id    INTEGER NOT NULL REFERENCES person_merges(id),
    idea_id     INTEGER NOT NULL REFERENCES ideas(id),
    campaign_id INTEGER NOT NULL,
    weight      REAL NOT NULL,
    identity_id INTEGER,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (merge_id, idea_id)
);

-- Proposed merges, one per pair (person_a < person_b), with the strongest
-- reason seen; decided ones stay as the record of the decision.
CREATE TABLE merge_suggestions (
    id         INTEGER PRIMARY KEY,
    person_a   INTEGER NOT NULL REFERENCES persons(id),
    person_b   INTEGER NOT NULL REFERENCES persons(id),
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    score      REAL NOT NULL,
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','accepted','rejected')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by_person_id INTEGER REFERENCES persons(id),
    UNIQUE (person_a, person_b)
);
CREATE INDEX merge_suggestions_open ON merge_suggestions(state, score DESC, id DESC);

-- The do-not-merge list: a rejected pair is never proposed again.
CREATE TABLE merge_blocks (
    person_a   INTEGER NOT NULL REFERENCES persons(id),
    person_b   INTEGER NOT NULL REFERENCES persons(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (person_a, person_b)
) WITHOUT ROWID;

-- +goose Down
-- Migrations are forward-only.
