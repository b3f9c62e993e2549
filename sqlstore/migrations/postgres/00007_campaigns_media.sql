-- +goose Up
-- Markdown is rendered once, when it is written, and kept beside its source:
-- pages print the stored HTML (see docs/design.md). Rows written before this
-- migration are rendered in Go at start (sqlstore.BackfillHTML).
ALTER TABLE campaigns ADD COLUMN brief_html TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
-- The keys of an idea's images in order, comma-separated, so that the idea
-- page reads them with the idea; idea_images below keeps them unique.
ALTER TABLE ideas ADD COLUMN images TEXT NOT NULL DEFAULT '';

-- Uploaded images, re-encoded, in the database so that backups and several
-- nodes need nothing else. The key is random: the URL is the capability.
CREATE TABLE uploads (
    key             TEXT PRIMARY KEY,
    owner_person_id BIGINT NOT NULL REFERENCES persons(id),
    mime            TEXT NOT NULL,
    width           BIGINT NOT NULL,
    height          BIGINT NOT NULL,
    bytes           BYTEA NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX uploads_owner ON uploads(owner_person_id, created_at);

ALTER TABLE campaigns ADD COLUMN cover_key TEXT REFERENCES uploads(key);

-- An image belongs to at most one idea (the primary key says so).
CREATE TABLE idea_images (
    upload_key TEXT PRIMARY KEY REFERENCES uploads(key),
    idea_id    BIGINT NOT NULL REFERENCES ideas(id),
    position   BIGINT NOT NULL
);
CREATE INDEX idea_images_idea ON idea_images(idea_id, position);

-- Members invited to a campaign whose visibility is "invited".
CREATE TABLE campaign_invites (
    campaign_id       BIGINT NOT NULL REFERENCES campaigns(id),
    person_id         BIGINT NOT NULL REFERENCES persons(id),
    invited_by_person BIGINT REFERENCES persons(id),
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, person_id)
);
CREATE INDEX campaign_invites_person ON campaign_invites(person_id, campaign_id);

-- +goose Down
-- Migrations are forward-only.
