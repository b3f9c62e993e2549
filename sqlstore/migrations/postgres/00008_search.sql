-- +goose Up
-- Full-text search over ideas and comments (see docs/design.md, "Search and
-- pages of lists"). A tsvector column per table, set by a BEFORE trigger that
-- fires only when the text changes (votes update ideas all the time, and a
-- generated column would be recomputed on each of them), with a GIN index.
-- The 'simple' configuration (no stemmer: one language's stemmer mangles the
-- others) over text folded exactly like SQLite's unicode61
-- remove_diacritics 2: lower case, accents off (ß, æ, ø stay), every
-- character that is not a letter or digit a separator. search.Fold in Go
-- folds queries the same way; a test keeps the three equal.
-- +goose StatementBegin
CREATE FUNCTION samtal_search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(
        translate(lower(t),
            'àáâãäåçèéêëìíîïñòóôõöùúûüýÿšžčřěůőűńśźżąęćğŕľĺťďňşţÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸŠŽČŘĚŮŐŰŃŚŹŻĄĘĆĞŔĽĹŤĎŇŞŢÆØŒ',
            'aaaaaaceeeeiiiinooooouuuuyyszcreuounszzaecgrlltdnstaaaaaaceeeeiiiinooooouuuuyyszcreuounszzaecgrlltdnstæøœ'),
        '[^[:alnum:]]+', ' ', 'g')
$$;
-- +goose StatementEnd

ALTER TABLE ideas ADD COLUMN search tsvector;
-- +goose StatementBegin
CREATE FUNCTION ideas_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := setweight(to_tsvector('simple', samtal_search_text(NEW.title)), 'A')
        || setweight(to_tsvector('simple', samtal_search_text(NEW.tags)), 'B')
        || setweight(to_tsvector('simple', samtal_search_text(NEW.body)), 'C');
    RETURN NEW;
END; $$;
-- +goose StatementEnd
CREATE TRIGGER ideas_search BEFORE INSERT OR UPDATE OF title, body, tags ON ideas
FOR EACH ROW EXECUTE FUNCTION ideas_search_vector();

ALTER TABLE comments ADD COLUMN search tsvector;
-- +goose StatementBegin
CREATE FUNCTION comments_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := to_tsvector('simple', samtal_search_text(NEW.body));
    RETURN NEW;
END; $$;
-- +goose StatementEnd
CREATE TRIGGER comments_search BEFORE INSERT OR UPDATE OF body ON comments
FOR EACH ROW EXECUTE FUNCTION comments_search_vector();

-- Backfill: the triggers fire for what was written before this migration.
UPDATE ideas SET title = title;
UPDATE comments SET body = body;
CREATE INDEX ideas_search ON ideas USING GIN (search);
CREATE INDEX comments_search ON comments USING GIN (search);

-- One row per tag of an idea, for the tag filter and the campaign's tag
-- links; written in the idea's transaction.
CREATE TABLE idea_tags (
    idea_id     BIGINT NOT NULL REFERENCES ideas(id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    tag         TEXT NOT NULL,
    PRIMARY KEY (idea_id, tag)
);
CREATE INDEX idea_tags_campaign ON idea_tags(campaign_id, tag, idea_id);
INSERT INTO idea_tags (idea_id, campaign_id, tag)
SELECT DISTINCT i.id, i.campaign_id, t.tag FROM ideas i, unnest(string_to_array(i.tags, ',')) AS t(tag)
WHERE i.tags <> '' AND t.tag <> '';

-- +goose Down
-- Migrations are forward-only.
