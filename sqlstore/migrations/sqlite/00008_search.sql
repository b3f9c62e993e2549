-- +goose Up
-- Full-text search over ideas and comments (see docs/design.md, "Search and
-- pages of lists"). External-content FTS5 tables: the text stays in ideas and
-- comments, the index is kept by triggers, so every write (whoever makes it)
-- updates the index in its own transaction. unicode61 with
-- remove_diacritics 2 folds case and accents the same way for English,
-- German and Danish; no stemmer, because one language's stemmer mangles the
-- others. Queries match word prefixes (sqlstore/search.go).
CREATE VIRTUAL TABLE ideas_fts USING fts5(
    title, body, tags,
    content='ideas', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
-- Only changes of the text touch the index: votes update ideas all the time.
-- +goose StatementBegin
CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN
    INSERT INTO ideas_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, body, tags ON ideas BEGIN
    INSERT INTO ideas_fts(ideas_fts, rowid, title, body, tags) VALUES ('delete', old.id, old.title, old.body, old.tags);
    INSERT INTO ideas_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN
    INSERT INTO ideas_fts(ideas_fts, rowid, title, body, tags) VALUES ('delete', old.id, old.title, old.body, old.tags);
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE comments_fts USING fts5(
    body,
    content='comments', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
-- +goose StatementBegin
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
-- +goose StatementEnd

-- Backfill: what was written before this migration (the demo, a live site).
INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild');
INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');

-- One row per tag of an idea, for the tag filter and the campaign's tag
-- links; written in the idea's transaction (ideas.tags stays the idea's own
-- copy for reading). campaign_id is here so a campaign's tags are one index
-- range.
CREATE TABLE idea_tags (
    idea_id     INTEGER NOT NULL REFERENCES ideas(id),
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    tag         TEXT NOT NULL,
    PRIMARY KEY (idea_id, tag)
);
CREATE INDEX idea_tags_campaign ON idea_tags(campaign_id, tag, idea_id);
WITH RECURSIVE split(idea_id, campaign_id, tag, rest) AS (
    SELECT id, campaign_id, '', tags || ',' FROM ideas WHERE tags <> ''
    UNION ALL
    SELECT idea_id, campaign_id, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO idea_tags (idea_id, campaign_id, tag)
SELECT idea_id, campaign_id, tag FROM split WHERE tag <> '';

-- +goose Down
-- Migrations are forward-only.
