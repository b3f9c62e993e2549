-- +goose Up
-- Followers, notifications, @mentions and notification email (see
-- docs/design.md, "Notifications").

-- A handle names an account in @mentions: lower-case [a-z0-9_], 2–30
-- characters, assigned from the name at creation; existing accounts get
-- theirs from a Go step run with the migrations (BackfillHandles).
ALTER TABLE accounts ADD COLUMN handle TEXT;
CREATE UNIQUE INDEX accounts_handle ON accounts(handle);
-- What notification mail the member wants.
ALTER TABLE accounts ADD COLUMN notify_email TEXT NOT NULL DEFAULT 'immediate'
    CHECK (notify_email IN ('off','immediate','daily'));
-- Unread notifications, kept on the row the session lookup reads anyway, so
-- that the header's count costs no query of its own.
ALTER TABLE accounts ADD COLUMN notify_unread INTEGER NOT NULL DEFAULT 0;
-- When the last digest went out.
ALTER TABLE accounts ADD COLUMN notify_digest_at INTEGER;
-- The one-click unsubscribe link's secret (random, made when first needed).
ALTER TABLE accounts ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX accounts_unsubscribe ON accounts(unsubscribe_token);

-- Explicit choices only: the author, voters and commenters follow an idea
-- without a row here, so a vote costs no extra write.
CREATE TABLE idea_follows (
    idea_id   INTEGER NOT NULL REFERENCES ideas(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    following INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (idea_id, person_id)
);

-- One row per recipient and event. data holds what the text needs (titles,
-- names, a note) so that it is written in the reader's language when read.
-- event_key makes a retried fan-out insert nothing twice.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES persons(id),
    kind            TEXT NOT NULL,
    idea_id         INTEGER REFERENCES ideas(id),
    comment_id      INTEGER REFERENCES comments(id),
    actor_person_id INTEGER REFERENCES persons(id),
    data            TEXT NOT NULL DEFAULT '{}',
    event_key       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    read_at         INTEGER,
    email_state     TEXT NOT NULL CHECK (email_state IN ('none','pending','sent')),
    emailed_at      INTEGER,
    UNIQUE (person_id, event_key)
);
CREATE INDEX notifications_person ON notifications(person_id, id);
CREATE INDEX notifications_pending ON notifications(person_id, id) WHERE email_state = 'pending';

-- Extra mail headers (List-Unsubscribe), as JSON.
ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Migrations are forward-only.
