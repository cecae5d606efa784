-- +goose Up
-- The advisory lifecycle as a commission runs it: the ministry's official letter, terms of
-- reference in versions that the country agrees to, missions, deliverables, the closing
-- report and the follow-up survey some months on; the steps' timeline; and the request's
-- tags for SDG targets and the framework's strategic objectives.
-- Calendar dates are YYYY-MM-DD text, instants fixed-width RFC 3339 UTC text, as in 00007.

-- Files of the lifecycle's steps (the letter, each terms-of-reference version, deliverables,
-- the closing report), checked by content like the request's attachments, kept apart from
-- them so that they neither count against the attachments' limit nor close with the request.
CREATE TABLE advisory_files (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('letter', 'tor', 'deliverable', 'closing')),
    filename    TEXT NOT NULL CHECK (filename <> ''),
    kind        TEXT NOT NULL CHECK (kind IN ('pdf', 'docx', 'xlsx')),
    size        INTEGER NOT NULL CHECK (size > 0),
    sha256      TEXT NOT NULL,
    data        BLOB NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES officials(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX advisory_files_request ON advisory_files(request_id, purpose);

-- The ministry's official letter asking for the support: one per request, required to submit
-- (requests made before this migration have none).
CREATE TABLE advisory_letters (
    request_id      INTEGER PRIMARY KEY REFERENCES advisory_requests(id) ON DELETE CASCADE,
    reference       TEXT NOT NULL CHECK (reference <> ''),
    letter_date     TEXT NOT NULL,
    signatory_name  TEXT NOT NULL CHECK (signatory_name <> ''),
    signatory_title TEXT NOT NULL CHECK (signatory_title <> ''),
    file_id         INTEGER NOT NULL REFERENCES advisory_files(id)
);

-- Terms of reference: numbered versions; the country agrees to one, or asks for changes.
CREATE TABLE advisory_tor_versions (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version > 0),
    summary     TEXT NOT NULL DEFAULT '',
    file_id     INTEGER NOT NULL REFERENCES advisory_files(id),
    status      TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'agreed', 'changes_requested', 'superseded')),
    created_by  INTEGER NOT NULL REFERENCES officials(id),
    created_at  TEXT NOT NULL,
    decided_by  INTEGER REFERENCES officials(id),
    decided_at  TEXT,
    comment     TEXT NOT NULL DEFAULT '',
    UNIQUE (request_id, version)
);

CREATE TABLE advisory_missions (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    city        TEXT NOT NULL CHECK (city <> ''),
    team        TEXT NOT NULL DEFAULT '',
    agenda      TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL REFERENCES officials(id),
    created_at  TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX advisory_missions_request ON advisory_missions(request_id, start_date);

CREATE TABLE advisory_deliverables (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    title        TEXT NOT NULL CHECK (title <> ''),
    due_date     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'delivered', 'accepted')),
    file_id      INTEGER REFERENCES advisory_files(id),
    delivered_on TEXT,
    created_by   INTEGER NOT NULL REFERENCES officials(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (delivered_on IS NOT NULL OR status IN ('planned', 'in_progress'))
);
CREATE INDEX advisory_deliverables_request ON advisory_deliverables(request_id, due_date);

-- The closing report, filed once the work is done (or after completion); filing again replaces it.
CREATE TABLE advisory_closing_reports (
    request_id INTEGER PRIMARY KEY REFERENCES advisory_requests(id) ON DELETE CASCADE,
    summary    TEXT NOT NULL CHECK (summary <> ''),
    file_id    INTEGER NOT NULL REFERENCES advisory_files(id),
    filed_by   INTEGER NOT NULL REFERENCES officials(id),
    filed_at   TEXT NOT NULL
);

-- The follow-up survey to the country, due some months after completion.
CREATE TABLE advisory_followups (
    request_id    INTEGER PRIMARY KEY REFERENCES advisory_requests(id) ON DELETE CASCADE,
    due_on        TEXT NOT NULL,
    sent_at       TEXT,
    answered_at   TEXT,
    answered_by   INTEGER REFERENCES officials(id),
    rating        INTEGER CHECK (rating BETWEEN 1 AND 5),
    used          TEXT NOT NULL DEFAULT '' CHECK (used IN ('', 'fully', 'partly', 'not_yet')),
    changes       TEXT NOT NULL DEFAULT '',
    further_needs TEXT NOT NULL DEFAULT '',
    CHECK (answered_at IS NULL OR rating IS NOT NULL)
);
CREATE INDEX advisory_followups_due ON advisory_followups(sent_at, due_on);

-- The steps of the lifecycle besides changes of state (those stay in advisory_transitions),
-- for the request's timeline. staff_only marks what the country never sees.
CREATE TABLE advisory_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    ref_id     INTEGER,
    staff_only INTEGER NOT NULL DEFAULT 0 CHECK (staff_only IN (0, 1)),
    actor_id   INTEGER REFERENCES officials(id),
    at         TEXT NOT NULL
);
CREATE INDEX advisory_events_request ON advisory_events(request_id, id);

-- Tags staff give a request: SDG targets ('16.6') and the framework's strategic objectives
-- (its phases are in advisory_request_tags).
CREATE TABLE advisory_request_marks (
    request_id INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('sdg', 'objective')),
    code       TEXT NOT NULL,
    PRIMARY KEY (request_id, kind, code)
);
CREATE INDEX advisory_request_marks_code ON advisory_request_marks(kind, code);

-- +goose Down
DROP TABLE advisory_request_marks;
DROP TABLE advisory_events;
DROP TABLE advisory_followups;
DROP TABLE advisory_closing_reports;
DROP TABLE advisory_deliverables;
DROP TABLE advisory_missions;
DROP TABLE advisory_tor_versions;
DROP TABLE advisory_letters;
DROP TABLE advisory_files;
