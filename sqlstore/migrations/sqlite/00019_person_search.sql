-- +goose Up
-- People are found by any word of their name, also its beginning ("sør"
-- finds Anne Sørensen), folded like ideas (see 00008). External content
-- over persons.name, kept by triggers; only a change of the name touches
-- it. secure-delete makes FTS5 remove a deleted name's terms at once
-- instead of leaving them in older segments: an erased name must leave no
-- trace (docs/design.md, "Export and erasure").
CREATE VIRTUAL TABLE persons_fts USING fts5(
    name,
    content='persons', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);
INSERT INTO persons_fts(persons_fts, rank) VALUES ('secure-delete', 1);
-- +goose StatementBegin
CREATE TRIGGER persons_fts_insert AFTER INSERT ON persons BEGIN
    INSERT INTO persons_fts(rowid, name) VALUES (new.id, new.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER persons_fts_update AFTER UPDATE OF name ON persons WHEN old.name IS NOT new.name BEGIN
    INSERT INTO persons_fts(persons_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO persons_fts(rowid, name) VALUES (new.id, new.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER persons_fts_delete AFTER DELETE ON persons BEGIN
    INSERT INTO persons_fts(persons_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
-- +goose StatementEnd
INSERT INTO persons_fts(persons_fts) VALUES ('rebuild');

-- +goose Down
-- Migrations are forward-only.
