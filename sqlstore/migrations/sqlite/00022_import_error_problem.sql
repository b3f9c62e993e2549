-- +goose Up
-- A failed import keeps why as a code and its values (importer.Problem as
-- JSON) besides the English in error, so that staff read it in their own
-- language. Imports that failed before have '' and show their English.
ALTER TABLE imports ADD COLUMN error_problem TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Migrations are forward-only.
