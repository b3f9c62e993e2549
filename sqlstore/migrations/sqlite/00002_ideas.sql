-- +goose Up
-- Ideas answer one question of a campaign. Counts are kept on the idea so
-- that lists read them instead of counting (see docs/design.md).
CREATE TABLE ideas (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    question_id      INTEGER NOT NULL REFERENCES questions(id),
    author_person_id INTEGER NOT NULL REFERENCES persons(id),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open','under_review','planned','in_progress','done','declined')),
    votes            INTEGER NOT NULL DEFAULT 0,
    comments         INTEGER NOT NULL DEFAULT 0,
    -- log of the sum of exp((t - epoch) / tau) over the idea's creation and
    -- its votes: sorting by it sorts by recency-weighted votes.
    trending         REAL NOT NULL,
    merged_into      INTEGER REFERENCES ideas(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX ideas_campaign_trending ON ideas(campaign_id, trending DESC, id DESC);
CREATE INDEX ideas_campaign_top ON ideas(campaign_id, votes DESC, id DESC);
CREATE INDEX ideas_campaign_new ON ideas(campaign_id, id DESC);
CREATE INDEX ideas_question_trending ON ideas(question_id, trending DESC, id DESC);
CREATE INDEX ideas_author ON ideas(author_person_id, id DESC);

-- One vote per person per idea; campaign_id is kept for the vote budget.
CREATE TABLE votes (
    idea_id     INTEGER NOT NULL REFERENCES ideas(id),
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    weight      REAL NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (idea_id, person_id)
);
CREATE INDEX votes_person_campaign ON votes(person_id, campaign_id);

-- Every status change with its public note, for the idea page, followers
-- and "what became of my ideas".
CREATE TABLE idea_status_changes (
    id              INTEGER PRIMARY KEY,
    idea_id         INTEGER NOT NULL REFERENCES ideas(id),
    status          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    actor_person_id INTEGER REFERENCES persons(id),
    at              INTEGER NOT NULL
);
CREATE INDEX idea_status_changes_idea ON idea_status_changes(idea_id, id);

-- +goose Down
-- Migrations are forward-only.
