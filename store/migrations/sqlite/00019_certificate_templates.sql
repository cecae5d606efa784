-- +goose Up
-- Certificate templates: what staff choose for a programme's certificates (the issuer's
-- name, the wording, the signatories and the partners' logos). A template is never edited in
-- place: every save adds a new version, and a certificate names the version it was issued
-- with, so that it renders again exactly as issued. Certificates issued before templates
-- existed (template_version_id NULL) keep the platform's built-in layout.
CREATE TABLE certificate_templates (
    id          INTEGER PRIMARY KEY,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  TEXT NOT NULL
);
-- At most one default template.
CREATE UNIQUE INDEX certificate_templates_default ON certificate_templates(is_default) WHERE is_default = 1;

-- A version's content is a JSON document (names, issuer, wording, signatories, logos by
-- the SHA-256 of their image); it never changes once written.
CREATE TABLE certificate_template_versions (
    id           INTEGER PRIMARY KEY,
    template_id  INTEGER NOT NULL REFERENCES certificate_templates(id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    body         TEXT NOT NULL,
    saved_by     INTEGER,
    saved_by_name TEXT NOT NULL DEFAULT '',
    saved_at     TEXT NOT NULL,
    UNIQUE (template_id, version)
);

-- Logos and signature images, checked on the way in, kept by content.
CREATE TABLE certificate_template_images (
    sha256  TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    format  TEXT NOT NULL CHECK (format IN ('png', 'svg')),
    data    BLOB NOT NULL
);

-- Which template a course or a workshop uses (others use the default), and the sentence
-- that says what the certificate is for, when it differs from the template's.
CREATE TABLE certificate_template_uses (
    kind         TEXT NOT NULL CHECK (kind IN ('course', 'workshop')),
    course       TEXT NOT NULL DEFAULT '',
    workshop_id  INTEGER NOT NULL DEFAULT 0,
    template_id  INTEGER NOT NULL REFERENCES certificate_templates(id),
    wording_ar   TEXT NOT NULL DEFAULT '',
    wording_en   TEXT NOT NULL DEFAULT '',
    wording_fr   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (kind, course, workshop_id),
    CHECK ((kind = 'course' AND course <> '' AND workshop_id = 0) OR (kind = 'workshop' AND workshop_id > 0 AND course = ''))
);

-- The version a certificate was issued with, and the sentence it printed (as printed).
ALTER TABLE certificates ADD COLUMN template_version_id INTEGER REFERENCES certificate_template_versions(id);
ALTER TABLE certificates ADD COLUMN wording_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN wording_en TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN wording_fr TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE certificates DROP COLUMN wording_fr;
ALTER TABLE certificates DROP COLUMN wording_en;
ALTER TABLE certificates DROP COLUMN wording_ar;
ALTER TABLE certificates DROP COLUMN template_version_id;
DROP TABLE certificate_template_uses;
DROP TABLE certificate_template_images;
DROP TABLE certificate_template_versions;
DROP TABLE certificate_templates;
