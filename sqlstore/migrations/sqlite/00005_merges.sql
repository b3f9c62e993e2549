-- +goose Up
-- One row per merge of an idea into another of the same campaign. With the
-- rows below it is the whole record of what the merge moved, so that undo
-- puts back exactly that and nothing else (see docs/design.md).
CREATE TABLE idea_merges (
    id                   INTEGER PRIMARY KEY,
    idea_id              INTEGER NOT NULL REFERENCES ideas(id),
    into_id              INTEGER NOT NULL REFERENCES ideas(id),
    actor_person_id      INTEGER REFERENCES persons(id),
    at                   INTEGER NOT NULL,
    undone_at            INTEGER,
    undone_by_person_id  INTEGER REFERENCES persons(id)
);
CREATE INDEX idea_merges_into ON idea_merges(into_id, id);
CREATE INDEX idea_merges_idea ON idea_merges(idea_id, id);

-- Every vote the merge found on the merged idea: 'moved' to the target, or
-- 'dropped' because its voter had voted for the target already. Weight and
-- time are kept so that a vote comes back with its trending term unchanged.
CREATE TABLE idea_merge_votes (
    merge_id   INTEGER NOT NULL REFERENCES idea_merges(id),
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    kind       TEXT NOT NULL CHECK (kind IN ('moved','dropped')),
    weight     REAL NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (merge_id, person_id)
);

-- Every comment the merge moved (replies move with their thread).
CREATE TABLE idea_merge_comments (
    merge_id   INTEGER NOT NULL REFERENCES idea_merges(id),
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    PRIMARY KEY (merge_id, comment_id)
);

-- Staff notes on an idea: never shown to members.
CREATE TABLE idea_notes (
    id               INTEGER PRIMARY KEY,
    idea_id          INTEGER NOT NULL REFERENCES ideas(id),
    author_person_id INTEGER NOT NULL REFERENCES persons(id),
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX idea_notes_idea ON idea_notes(idea_id, id);

-- The roadmap reads a campaign's ideas by status, most votes first.
CREATE INDEX ideas_campaign_status ON ideas(campaign_id, status, votes DESC, id DESC);
-- "What became of my ideas" reads a person's votes without the campaign.
CREATE INDEX votes_person ON votes(person_id, idea_id);

-- +goose Down
-- Migrations are forward-only.
