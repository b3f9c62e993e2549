-- +goose Up
-- One index by (person, campaign, idea) serves both the vote budget (a
-- person's votes in a campaign) and a person's contributions (a person's
-- votes), so a vote writes one index less. (SQLite also moves the rows into
-- their primary key here.)
CREATE INDEX votes_person_campaign_idea ON votes(person_id, campaign_id, idea_id);
DROP INDEX votes_person_campaign;
DROP INDEX votes_person;

-- +goose Down
-- Migrations are forward-only.
