-- +goose Up
-- Erasure (issue 5; docs/design.md, "Export and erasure").
--
-- The audit log stays append-only, with one exception: an erasure may mask
-- an erased person's values in old entries. An update must keep the entry's
-- id, time, actor id, action, target and channel, and may change
-- actor_label, ip, before_json and after_json only by emptying them or by
-- masking characters: the new text has as many characters as the old, and
-- each is the old one or '*'. Nothing can be written into an entry that was
-- not there, so an update can only take away. samtal_masked is a Go
-- function (sqlstore/privacy.go) registered with the SQLite driver: SQLite
-- triggers cannot loop over characters. Where it is not registered (the
-- sqlite3 shell), every update fails, as before. Deletes stay refused.
DROP TRIGGER audit_log_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (new.id = old.id AND new.at = old.at AND new.actor_id IS old.actor_id
      AND new.action = old.action AND new.target_kind = old.target_kind
      AND new.target_id = old.target_id AND new.via = old.via
      AND samtal_masked(old.actor_label, new.actor_label) AND samtal_masked(old.ip, new.ip)
      AND samtal_masked(old.before_json, new.before_json) AND samtal_masked(old.after_json, new.after_json))
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an update may only mask values'); END;
-- +goose StatementEnd

-- What an export reads and an erasure changes, by person: their reports,
-- their follow choices, and the notifications others got about what they did.
CREATE INDEX reports_reporter ON reports(reporter_person_id, id);
CREATE INDEX idea_follows_person ON idea_follows(person_id, idea_id);
CREATE INDEX notifications_actor ON notifications(actor_person_id) WHERE actor_person_id IS NOT NULL;

-- +goose Down
-- Migrations are forward-only.
