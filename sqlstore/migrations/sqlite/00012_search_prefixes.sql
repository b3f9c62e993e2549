-- +goose Up
-- Prefix indexes for word beginnings of 3, 4 and 5 characters. Every query
-- word is matched as a prefix (sofa finds sofaen); without a prefix index
-- FTS5 collects the postings of every word with that beginning before it
-- returns the first match, which for a common word was most of a search's
-- time. With one, a prefix reads like a single word, newest first, and
-- stops after the candidates. The price is an index about 3.6 times as big
-- (docs/design.md, "Search and pages of lists"). The triggers of 00008 keep
-- writing to the tables by name and need no change.
DROP TABLE ideas_fts;
CREATE VIRTUAL TABLE ideas_fts USING fts5(
    title, body, tags,
    content='ideas', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='3 4 5'
);
INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild');

DROP TABLE comments_fts;
CREATE VIRTUAL TABLE comments_fts USING fts5(
    body,
    content='comments', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='3 4 5'
);
INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');

-- +goose Down
-- Migrations are forward-only.
