-- +goose Up
-- Advocates and briefings (issue 5; docs/design.md, "Advocates and
-- briefings"): engagement scores, the advocate group, briefings and who got
-- and read each one.

-- Each person's engagement score as of computed_at, with its parts as JSON
-- ([{"part":"helping","count":5,"points":6.1}, …]). rank_key is
-- log2(score) + computed_at / half-life: every score decays by the same
-- factor as time passes, so ordering by rank_key orders by the score as it
-- is now, although rows were computed at different times, and "at least S
-- now" is one range of it. Bots, merged and erased persons have no row.
CREATE TABLE advocate_scores (
    person_id   INTEGER PRIMARY KEY REFERENCES persons(id),
    score       REAL NOT NULL,
    rank_key    REAL NOT NULL,
    parts       TEXT NOT NULL,
    computed_at INTEGER NOT NULL
);
CREATE INDEX advocate_scores_rank ON advocate_scores(rank_key, person_id);
CREATE INDEX advocate_scores_computed ON advocate_scores(computed_at);

-- Persons whose score is to be computed again; the job marks them by what
-- happened since its last run and takes them in batches.
CREATE TABLE advocate_score_due (
    person_id INTEGER PRIMARY KEY
);

-- The advocate group: one row per person ever invited, in its current
-- state. Who invited or removed whom, and when, is also in the audit log.
CREATE TABLE advocates (
    person_id            INTEGER PRIMARY KEY REFERENCES persons(id),
    state                TEXT NOT NULL CHECK (state IN ('invited','active','declined','removed')),
    invited_at           INTEGER NOT NULL,
    invited_by_person_id INTEGER REFERENCES persons(id),
    answered_at          INTEGER,
    joined_at            INTEGER,
    removed_at           INTEGER,
    removed_by_person_id INTEGER REFERENCES persons(id)
);
CREATE INDEX advocates_state ON advocates(state, person_id);

-- Briefings: facts for advocates, Markdown with its HTML rendered once.
-- A sent briefing does not change any more.
CREATE TABLE briefings (
    id                   INTEGER PRIMARY KEY,
    title                TEXT NOT NULL,
    body                 TEXT NOT NULL,
    body_html            TEXT NOT NULL,
    state                TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','sent')),
    created_by_person_id INTEGER REFERENCES persons(id),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    sent_at              INTEGER,
    sent_by_person_id    INTEGER REFERENCES persons(id),
    -- advocates it was mailed to, and those held back (no consent, no email)
    mailed               INTEGER NOT NULL DEFAULT 0,
    held_back            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX briefings_state ON briefings(state, id);

-- Who got a briefing by mail (mail_id, queued_at) and who read it on the
-- site (read_at, the first time). mail_id has no foreign key: an erasure
-- removes the person's mails and this row stays. unsubscribe_hash is the
-- SHA-256 of the secret in the mail's unsubscribe link.
CREATE TABLE briefing_recipients (
    briefing_id      INTEGER NOT NULL REFERENCES briefings(id),
    person_id        INTEGER NOT NULL REFERENCES persons(id),
    mail_id          INTEGER,
    queued_at        INTEGER,
    read_at          INTEGER,
    unsubscribe_hash TEXT,
    PRIMARY KEY (briefing_id, person_id)
);
CREATE INDEX briefing_recipients_person ON briefing_recipients(person_id, briefing_id);
CREATE UNIQUE INDEX briefing_recipients_unsubscribe ON briefing_recipients(unsubscribe_hash) WHERE unsubscribe_hash IS NOT NULL;

-- +goose Down
-- Migrations are forward-only.
