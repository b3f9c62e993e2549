-- +goose Up
-- SQLite gets prefix indexes for its full-text tables here. PostgreSQL's GIN
-- index finds a prefix (sofa:*) by a range of its sorted keys already, so
-- this version changes nothing; it keeps both engines' versions in step.
SELECT 1;

-- +goose Down
-- Migrations are forward-only.
