-- +goose Up
-- People are found by any word of their name, also its beginning, folded
-- like ideas (samtal_search_text, 00008). A generated column: persons are
-- not written on every vote, so recomputing it on each update costs little.
ALTER TABLE persons ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', samtal_search_text(name))) STORED;
CREATE INDEX persons_search ON persons USING GIN (search);

-- +goose Down
-- Migrations are forward-only.
