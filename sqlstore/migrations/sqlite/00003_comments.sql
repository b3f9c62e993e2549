-- +goose Up
-- Comments on ideas, threaded by parent_id. A deleted comment keeps its row
-- (and its place in the thread) with deleted_at set and its body cleared;
-- ideas.comments counts the comments that are not deleted.
CREATE TABLE comments (
    id               INTEGER PRIMARY KEY,
    idea_id          INTEGER NOT NULL REFERENCES ideas(id),
    parent_id        INTEGER REFERENCES comments(id),
    author_person_id INTEGER NOT NULL REFERENCES persons(id),
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    deleted_at       INTEGER
);
CREATE INDEX comments_idea ON comments(idea_id, id);
CREATE INDEX comments_author ON comments(author_person_id, id);

-- The text of a comment before each edit, for moderators.
CREATE TABLE comment_edits (
    id         INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    body       TEXT NOT NULL,
    edited_at  INTEGER NOT NULL
);
CREATE INDEX comment_edits_comment ON comment_edits(comment_id, id);

-- +goose Down
-- Migrations are forward-only.
