-- +goose Up
-- Registration questions: what a workshop asks of its applicants and nominated delegates
-- besides the motivation (visa needed, arrival and departure dates, dietary and
-- accessibility needs, the name as in the passport …), their answers, and the visa
-- invitation letters issued from those answers.
--
-- kind: text | choice | yesno | date | file. options: for a choice, a JSON list of
-- {"key","ar","en","fr"}; an answer keeps the option's key, which never changes (options can
-- be relabelled and added, not removed or reordered, once answered). purpose tells other
-- features which answer they need (the letters read passport_name, visa_needed, arrival_date,
-- departure_date); one live question per purpose and workshop. A question deleted after it
-- was answered is archived (archived_at set): no longer asked, its answers kept and exported.
CREATE TABLE workshop_questions (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'choice', 'yesno', 'date', 'file')),
    label_ar     TEXT NOT NULL CHECK (label_ar <> ''),
    label_en     TEXT NOT NULL DEFAULT '',
    label_fr     TEXT NOT NULL DEFAULT '',
    options      TEXT NOT NULL DEFAULT '[]',
    required     INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    position     INTEGER NOT NULL DEFAULT 0,
    purpose      TEXT NOT NULL DEFAULT '' CHECK (purpose IN ('', 'passport_name', 'visa_needed', 'arrival_date',
                     'departure_date', 'dietary', 'accessibility')),
    archived_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX workshop_questions_workshop ON workshop_questions(workshop_id, position, id);
CREATE UNIQUE INDEX workshop_questions_purpose ON workshop_questions(workshop_id, purpose)
    WHERE purpose <> '' AND archived_at IS NULL;

-- One answer per registration and question, written with the registration. value: the text,
-- the option's key, yes|no, a date (YYYY-MM-DD), or a file's name (file_data holds the file,
-- a PDF, JPEG or PNG checked by its content).
CREATE TABLE registration_answers (
    registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    question_id     INTEGER NOT NULL REFERENCES workshop_questions(id) ON DELETE CASCADE,
    value           TEXT NOT NULL DEFAULT '',
    file_type       TEXT NOT NULL DEFAULT '',
    file_size       INTEGER NOT NULL DEFAULT 0,
    file_data       BLOB,
    answered_at     TEXT NOT NULL,
    PRIMARY KEY (registration_id, question_id)
);
CREATE INDEX registration_answers_question ON registration_answers(question_id);

-- The wording of a workshop's visa invitation letters, per language, with placeholders
-- ({passport_name}, {workshop}, {dates}, {venue} …); empty: the platform's wording.
CREATE TABLE visa_letter_templates (
    workshop_id  INTEGER PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
    body_ar      TEXT NOT NULL DEFAULT '',
    body_en      TEXT NOT NULL DEFAULT '',
    body_fr      TEXT NOT NULL DEFAULT '',
    updated_by   INTEGER REFERENCES officials(id),
    updated_at   TEXT NOT NULL
);

-- The letter issued to a registration (the latest; each issue is in the audit log).
CREATE TABLE visa_letters (
    registration_id INTEGER PRIMARY KEY REFERENCES registrations(id) ON DELETE CASCADE,
    lang            TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'fr')),
    sha256          TEXT NOT NULL,
    data            BLOB NOT NULL,
    issued_by       INTEGER REFERENCES officials(id),
    issued_at       TEXT NOT NULL
);

-- +goose Down
DROP TABLE visa_letters;
DROP TABLE visa_letter_templates;
DROP TABLE registration_answers;
DROP TABLE workshop_questions;
