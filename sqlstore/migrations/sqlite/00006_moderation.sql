-- +goose Up
-- Moderation: ideas and comments are visible, held (waiting for a
-- moderator) or hidden (with a reason the author reads). moderated_at is
-- when the state last changed, so that the queue shows the oldest first.
-- ideas.comments counts only visible comments that are not deleted.
ALTER TABLE ideas ADD COLUMN moderation TEXT NOT NULL DEFAULT 'visible' CHECK (moderation IN ('visible','held','hidden'));
ALTER TABLE ideas ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN moderated_at INTEGER NOT NULL DEFAULT 0;
-- A deleted idea keeps its row and its votes; it leaves every list.
ALTER TABLE ideas ADD COLUMN deleted_at INTEGER;
ALTER TABLE comments ADD COLUMN moderation TEXT NOT NULL DEFAULT 'visible' CHECK (moderation IN ('visible','held','hidden'));
ALTER TABLE comments ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN moderated_at INTEGER NOT NULL DEFAULT 0;
-- Hold the first idea or comment of a newcomer for review.
ALTER TABLE campaigns ADD COLUMN hold_first_posts INTEGER NOT NULL DEFAULT 0;

CREATE INDEX ideas_held ON ideas(moderated_at, id) WHERE moderation = 'held';
CREATE INDEX comments_held ON comments(moderated_at, id) WHERE moderation = 'held';

-- Members report ideas and comments; a moderator's hide or approve closes
-- the open reports of the target.
CREATE TABLE reports (
    id                    INTEGER PRIMARY KEY,
    target_kind           TEXT NOT NULL CHECK (target_kind IN ('idea','comment')),
    target_id             INTEGER NOT NULL,
    idea_id               INTEGER NOT NULL REFERENCES ideas(id),
    reporter_person_id    INTEGER NOT NULL REFERENCES persons(id),
    reason                TEXT NOT NULL CHECK (reason IN ('spam','offensive','off_topic','personal_data','other')),
    text                  TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
    resolution            TEXT NOT NULL DEFAULT '',
    resolved_by_person_id INTEGER REFERENCES persons(id),
    created_at            INTEGER NOT NULL,
    resolved_at           INTEGER
);
-- One open report per person per target.
CREATE UNIQUE INDEX reports_open_once ON reports(target_kind, target_id, reporter_person_id) WHERE status = 'open';
CREATE INDEX reports_open ON reports(created_at, id) WHERE status = 'open';

-- +goose Down
-- Migrations are forward-only.
