-- +goose Up
-- An idea's thread_version changes whenever anything its comment thread shows
-- changes: a comment written, edited, deleted, moderated or moved by a merge,
-- or a commenter's name. The idea page keeps rendered threads in memory keyed
-- by it (docs/design.md, "Long pages"). Triggers, not the Go writers, keep it,
-- so that no writer, present or future, can forget to.
ALTER TABLE ideas ADD COLUMN thread_version BIGINT NOT NULL DEFAULT 0;
-- +goose StatementBegin
CREATE FUNCTION samtal_comments_thread() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE ideas SET thread_version = thread_version + 1 WHERE id = OLD.idea_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.idea_id <> OLD.idea_id) THEN
        UPDATE ideas SET thread_version = thread_version + 1 WHERE id = NEW.idea_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER comments_thread AFTER INSERT OR UPDATE OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION samtal_comments_thread();
-- +goose StatementBegin
CREATE FUNCTION samtal_persons_thread() RETURNS trigger AS $$
BEGIN
    -- In id order, as a merge locks its two ideas, so that the two never
    -- wait for each other in a circle.
    PERFORM 1 FROM ideas WHERE id IN (SELECT idea_id FROM comments WHERE author_person_id = NEW.id)
        ORDER BY id FOR NO KEY UPDATE;
    UPDATE ideas SET thread_version = thread_version + 1
    WHERE id IN (SELECT idea_id FROM comments WHERE author_person_id = NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER persons_thread_rename AFTER UPDATE OF name ON persons
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION samtal_persons_thread();

-- +goose Down
-- Migrations are forward-only.
