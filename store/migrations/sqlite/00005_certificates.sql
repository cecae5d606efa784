-- +goose Up
-- Certificates of course completion and workshop attendance. A certificate is immutable once
-- issued: everything it says is stored as printed (the holder's names too, so that it still
-- verifies after the account is deleted); only its status moves, from valid to revoked (with
-- a reason) or to superseded (by a reissue, a new certificate that points back to it).
-- A workshop certificate names its workshop by id and keeps what it printed about it; the
-- workshops' own table belongs to the workshops feature and is not referenced.
CREATE TABLE certificates (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE CHECK (length(code) = 13),
    kind              TEXT NOT NULL CHECK (kind IN ('course', 'workshop')),
    official_id       INTEGER NOT NULL REFERENCES officials(id),
    course            TEXT NOT NULL DEFAULT '',
    workshop_id       INTEGER NOT NULL DEFAULT 0,
    name_ar           TEXT NOT NULL DEFAULT '',
    name_latin        TEXT NOT NULL DEFAULT '',
    title_ar          TEXT NOT NULL DEFAULT '',
    title_en          TEXT NOT NULL DEFAULT '',
    title_fr          TEXT NOT NULL DEFAULT '',
    hours             REAL NOT NULL DEFAULT 0 CHECK (hours >= 0),
    start_date        TEXT NOT NULL,            -- date of completion, or first day of the workshop (YYYY-MM-DD)
    end_date          TEXT NOT NULL DEFAULT '', -- last day of the workshop
    host_country      TEXT NOT NULL DEFAULT '',
    host_country_ar   TEXT NOT NULL DEFAULT '',
    host_country_en   TEXT NOT NULL DEFAULT '',
    host_country_fr   TEXT NOT NULL DEFAULT '',
    city              TEXT NOT NULL DEFAULT '',
    recipient_hash    TEXT NOT NULL,            -- sha256$… of the e-mail and the salt
    recipient_salt    TEXT NOT NULL,
    language          TEXT NOT NULL DEFAULT 'ar' CHECK (language IN ('ar', 'en', 'fr')),
    issued_at         TEXT NOT NULL,
    issued_by         INTEGER,                  -- NULL: issued by the platform itself
    reason            TEXT NOT NULL DEFAULT '', -- why it was issued by hand or reissued
    status            TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'superseded')),
    revoked_at        TEXT,
    revoked_by        INTEGER,
    revoke_reason     TEXT NOT NULL DEFAULT '',
    superseded_at     TEXT,
    superseded_by     TEXT NOT NULL DEFAULT '', -- code of the certificate that replaced it
    supersedes        TEXT NOT NULL DEFAULT '', -- code of the certificate it replaced
    status_list       INTEGER NOT NULL CHECK (status_list >= 1),
    status_index      INTEGER NOT NULL CHECK (status_index >= 0),
    pdf_sha256        TEXT NOT NULL CHECK (length(pdf_sha256) = 64),
    UNIQUE (status_list, status_index),
    CHECK ((kind = 'course' AND course <> '' AND workshop_id = 0) OR (kind = 'workshop' AND workshop_id > 0 AND course = '')),
    CHECK (status <> 'revoked' OR (revoked_at IS NOT NULL AND revoke_reason <> '')),
    CHECK (status <> 'superseded' OR (superseded_at IS NOT NULL AND superseded_by <> ''))
);
-- One certificate per official and course or workshop, among those not superseded: this is
-- what makes concurrent completion events issue exactly one.
CREATE UNIQUE INDEX certificates_once ON certificates(kind, official_id, course, workshop_id) WHERE status <> 'superseded';
CREATE INDEX certificates_official ON certificates(official_id);
CREATE INDEX certificates_workshop ON certificates(workshop_id) WHERE workshop_id > 0;
CREATE INDEX certificates_issued ON certificates(issued_at);

-- The issued files, byte for byte: the PDF is what pdf_sha256 hashes; the PNG preview is
-- drawn on first request.
CREATE TABLE certificate_files (
    certificate_id INTEGER PRIMARY KEY REFERENCES certificates(id),
    pdf            BLOB NOT NULL,
    png            BLOB
);

-- Bulk issuing for a workshop, run in the background.
CREATE TABLE certificate_jobs (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL CHECK (workshop_id > 0),
    title_ar     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    title_fr     TEXT NOT NULL DEFAULT '',
    total        INTEGER NOT NULL CHECK (total >= 0),
    done         INTEGER NOT NULL DEFAULT 0,
    issued       INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'interrupted')),
    errors       TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);

-- +goose Down
DROP TABLE certificate_jobs;
DROP TABLE certificate_files;
DROP TABLE certificates;
