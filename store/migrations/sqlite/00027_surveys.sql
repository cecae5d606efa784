-- +goose Up
-- Evaluation surveys of workshops. Staff keep reusable templates (a satisfaction
-- questionnaire, or a knowledge test whose choices carry the right answers) and attach a copy
-- of one to a workshop as its satisfaction survey, its pre-test or its post-test. Questions are
-- JSON: [{"id","kind":"rating|single|multiple|text","text":{ar,en,fr},"options":[{"id","text",
-- "correct"}]}]; a survey keeps its own copy, so that editing a template never changes the
-- questions that participants already answered.
CREATE TABLE survey_templates (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('satisfaction', 'test')),
    title_ar   TEXT NOT NULL CHECK (title_ar <> ''),
    title_en   TEXT NOT NULL DEFAULT '',
    title_fr   TEXT NOT NULL DEFAULT '',
    questions  TEXT NOT NULL DEFAULT '[]',
    created_by INTEGER REFERENCES officials(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A workshop's surveys: at most one of each kind. anonymous: responses keep no link to the
-- person (see survey_respondents). certificate_gate (satisfaction only): attendance
-- certificates wait until the holder has answered. opens_at/closes_at bound the answers
-- (NULL: from publishing; no end, or for a pre-test the end of the first session).
CREATE TABLE surveys (
    id               INTEGER PRIMARY KEY,
    workshop_id      INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('satisfaction', 'pre_test', 'post_test')),
    template_id      INTEGER REFERENCES survey_templates(id) ON DELETE SET NULL,
    title_ar         TEXT NOT NULL CHECK (title_ar <> ''),
    title_en         TEXT NOT NULL DEFAULT '',
    title_fr         TEXT NOT NULL DEFAULT '',
    questions        TEXT NOT NULL,
    anonymous        INTEGER NOT NULL DEFAULT 1 CHECK (anonymous IN (0, 1)),
    certificate_gate INTEGER NOT NULL DEFAULT 0 CHECK (certificate_gate IN (0, 1)),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    opens_at         TEXT,
    closes_at        TEXT,
    published_at     TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (workshop_id, kind),
    CHECK (certificate_gate = 0 OR kind = 'satisfaction')
);

-- The answers. official_id is set for a named survey only. pair_key links an anonymous
-- pre-test to the same person's post-test without naming them (a keyed hash of workshop and
-- person, see surveys.pairKey); score is the share of test questions answered right, in
-- percent. submitted_on is the day only, so that the time does not tie an anonymous answer
-- to its row in survey_respondents.
CREATE TABLE survey_responses (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    official_id INTEGER REFERENCES officials(id) ON DELETE SET NULL,
    pair_key    TEXT,
    answers     TEXT NOT NULL,
    score       REAL,
    submitted_on TEXT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses(survey_id);

-- Who has answered each survey (named or anonymous), for the reminder, the certificate gate
-- and "one answer per person"; nothing here says which response is theirs.
CREATE TABLE survey_respondents (
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    PRIMARY KEY (survey_id, official_id)
);

-- The invitation and the reminder mailed to each participant, once each.
CREATE TABLE survey_mails (
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (survey_id, official_id, kind)
);

-- +goose Down
DROP TABLE survey_mails;
DROP TABLE survey_respondents;
DROP TABLE survey_responses;
DROP TABLE surveys;
DROP TABLE survey_templates;
