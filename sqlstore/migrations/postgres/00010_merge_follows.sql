-- +goose Up
-- The follow choices a merge added to the target idea (the merged idea's author,
-- and explicit choices on the merged idea where the target had none), so that undo
-- can take back exactly those.
CREATE TABLE idea_merge_follows (
    merge_id  BIGINT NOT NULL REFERENCES idea_merges(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (merge_id, person_id)
);

-- +goose Down
-- Migrations are forward-only.
