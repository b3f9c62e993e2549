-- +goose Up
-- An idea's thread_version changes whenever anything its comment thread shows
-- changes: a comment written, edited, deleted, moderated or moved by a merge,
-- or a commenter's name. The idea page keeps rendered threads in memory keyed
-- by it (docs/design.md, "Long pages"). Triggers, not the Go writers, keep it,
-- so that no writer, present or future, can forget to.
ALTER TABLE ideas ADD COLUMN thread_version BIGINT NOT NULL DEFAULT 0;
-- +goose StatementBegin
CREATE TRIGGER comments_thread_insert AFTER INSERT ON comments BEGIN
    UPDATE ideas SET thread_version = thread_version + 1 WHERE id = new.idea_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER comments_thread_update AFTER UPDATE ON comments BEGIN
    UPDATE ideas SET thread_version = thread_version + 1 WHERE id IN (old.idea_id, new.idea_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER comments_thread_delete AFTER DELETE ON comments BEGIN
    UPDATE ideas SET thread_version = thread_version + 1 WHERE id = old.idea_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER persons_thread_rename AFTER UPDATE OF name ON persons WHEN old.name IS NOT new.name BEGIN
    UPDATE ideas SET thread_version = thread_version + 1
    WHERE id IN (SELECT idea_id FROM comments WHERE author_person_id = new.id);
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations are forward-only.
