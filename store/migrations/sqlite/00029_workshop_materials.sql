-- +goose Up
-- The people who speak at a workshop and the materials handed out for it.
--
-- A speaker is either one of the platform's accounts (official_id: a trainer, or staff, whose
-- name and organisation come from the account) or a person from outside, named here in
-- Arabic, English and French. A photo is a JPEG or PNG file, re-encoded when it was uploaded.
-- Deleting a workshop deletes its speakers; deleting the account of a speaker deletes that
-- speaker.
CREATE TABLE workshop_speakers (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    official_id  INTEGER REFERENCES officials(id) ON DELETE CASCADE,
    name_ar      TEXT NOT NULL DEFAULT '',
    name_en      TEXT NOT NULL DEFAULT '',
    name_fr      TEXT NOT NULL DEFAULT '',
    affiliation  TEXT NOT NULL DEFAULT '',
    bio_ar       TEXT NOT NULL DEFAULT '',
    bio_en       TEXT NOT NULL DEFAULT '',
    bio_fr       TEXT NOT NULL DEFAULT '',
    photo        BLOB,
    photo_type   TEXT NOT NULL DEFAULT '' CHECK (photo_type IN ('', 'image/jpeg', 'image/png')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (official_id IS NOT NULL OR name_ar <> '' OR name_en <> ''),
    CHECK ((photo IS NULL) = (photo_type = '')),
    UNIQUE (workshop_id, official_id)
);
CREATE INDEX workshop_speakers_workshop ON workshop_speakers(workshop_id, id);

-- Which agenda items a speaker speaks at. Removing the item from the agenda, or the speaker
-- from the workshop, removes the pairing (and nothing else).
CREATE TABLE workshop_session_speakers (
    session_id  INTEGER NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    speaker_id  INTEGER NOT NULL REFERENCES workshop_speakers(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX workshop_session_speakers_speaker ON workshop_session_speakers(speaker_id);

-- Materials: an uploaded file (PDF, PPTX, DOCX or XLSX, checked by its content) or a link
-- (http or https), attached to the whole workshop (session_id NULL) or to one agenda item.
-- When that item is removed from the agenda the material stays, attached to the workshop.
-- visibility: participants (staff, the workshop's trainers and participants with a
-- confirmed seat) or public (anyone who may see the workshop).
CREATE TABLE workshop_materials (
    id            INTEGER PRIMARY KEY,
    workshop_id   INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    session_id    INTEGER REFERENCES workshop_sessions(id) ON DELETE SET NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    title_ar      TEXT NOT NULL DEFAULT '',
    title_en      TEXT NOT NULL DEFAULT '',
    title_fr      TEXT NOT NULL DEFAULT '',
    visibility    TEXT NOT NULL DEFAULT 'participants' CHECK (visibility IN ('participants', 'public')),
    url           TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL DEFAULT '' CHECK (format IN ('', 'pdf', 'pptx', 'docx', 'xlsx')),
    filename      TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    sha256        TEXT NOT NULL DEFAULT '',
    data          BLOB,
    created_by    INTEGER REFERENCES officials(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    CHECK (title_ar <> '' OR title_en <> '' OR title_fr <> ''),
    CHECK ((kind = 'file' AND data IS NOT NULL AND format <> '' AND url = '') OR (kind = 'link' AND data IS NULL AND format = '' AND url <> ''))
);
CREATE INDEX workshop_materials_workshop ON workshop_materials(workshop_id, id);
CREATE INDEX workshop_materials_session ON workshop_materials(session_id) WHERE session_id IS NOT NULL;

-- +goose Down
DROP TABLE workshop_materials;
DROP TABLE workshop_session_speakers;
DROP TABLE workshop_speakers;
