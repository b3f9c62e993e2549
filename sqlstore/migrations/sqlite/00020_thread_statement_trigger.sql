-- +goose Up
-- PostgreSQL bumps thread versions once per statement for updated comments
-- here. SQLite's triggers are row triggers with no statement overhead to
-- save; this version changes nothing and keeps both engines in step.
SELECT 1;

-- +goose Down
-- Migrations are forward-only.
