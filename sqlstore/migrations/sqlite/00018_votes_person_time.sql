-- +goose Up
-- A person's timeline and figures read their votes newest first and their
-- last vote's time: with the time in the person index, both read the index
-- alone, also for a person with 10,000 votes. The index keeps its order
-- (person, campaign, idea) for the vote budget; a vote writes the same two
-- B-trees as before. See docs/design.md, "People".
DROP INDEX votes_person;
CREATE INDEX votes_person ON votes(person_id, campaign_id, idea_id, created_at);

-- +goose Down
-- Migrations are forward-only.
