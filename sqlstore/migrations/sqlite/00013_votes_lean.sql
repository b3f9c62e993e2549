-- +goose Up
-- A vote writes every B-tree of its table, in the one writer's transaction:
-- the votes table held four (the rows by rowid, the primary key, and two
-- indexes by person). Now the rows live in their primary key (WITHOUT
-- ROWID), and one index by (person, campaign, idea) serves both the vote
-- budget (a person's votes in a campaign) and a person's contributions (a
-- person's votes): two B-trees. See docs/design.md, "Votes".
CREATE TABLE votes_lean (
    idea_id     INTEGER NOT NULL REFERENCES ideas(id),
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    weight      REAL NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (idea_id, person_id)
) WITHOUT ROWID;
INSERT INTO votes_lean (idea_id, person_id, campaign_id, weight, created_at)
    SELECT idea_id, person_id, campaign_id, weight, created_at FROM votes;
DROP TABLE votes;
ALTER TABLE votes_lean RENAME TO votes;
CREATE INDEX votes_person ON votes(person_id, campaign_id, idea_id);

-- +goose Down
-- Migrations are forward-only.
