-- +goose Up
-- Advisory services: member states' requests for tailored support, their workflow, the
-- thread between the country and the programme's staff, attached files, and each country's
-- self-assessment on the framework's 4 phases × 6 strategic objectives.
-- Instants are fixed-width RFC 3339 UTC text (store.Now); calendar dates (preferred period,
-- due dates, assessment date) are YYYY-MM-DD text. Both compare in order as text.
CREATE TABLE advisory_requests (
    id                 INTEGER PRIMARY KEY,
    country            TEXT NOT NULL REFERENCES countries(iso2),
    requesting_body    TEXT NOT NULL CHECK (requesting_body <> ''),
    topics_other       TEXT NOT NULL DEFAULT '',
    start_departments  TEXT NOT NULL DEFAULT '',
    extend_departments TEXT NOT NULL DEFAULT '',
    needs              TEXT NOT NULL CHECK (needs <> ''),
    preferred_start    TEXT,
    preferred_end      TEXT,
    language           TEXT NOT NULL CHECK (language IN ('ar', 'en', 'fr')),
    status             TEXT NOT NULL DEFAULT 'submitted'
                       CHECK (status IN ('submitted', 'under_review', 'accepted', 'declined', 'planned',
                                         'in_progress', 'completed', 'withdrawn')),
    lead_expert        TEXT NOT NULL DEFAULT '',
    response_due       TEXT,
    delivery_due       TEXT,
    -- The national workshop spawned from the request, owned by the workshops feature.
    workshop_id        INTEGER,
    rating             INTEGER CHECK (rating BETWEEN 1 AND 5),
    feedback           TEXT NOT NULL DEFAULT '',
    rated_by           INTEGER REFERENCES officials(id),
    rated_at           TEXT,
    created_by         INTEGER NOT NULL REFERENCES officials(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (preferred_end IS NULL OR preferred_start IS NULL OR preferred_end >= preferred_start),
    CHECK (rating IS NULL OR status = 'completed')
);
CREATE INDEX advisory_requests_country ON advisory_requests(country, status);
CREATE INDEX advisory_requests_status ON advisory_requests(status);

-- The request's lists of codes: phases ('1'…'4'), topics and kinds of support.
CREATE TABLE advisory_request_tags (
    request_id INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('phase', 'topic', 'support')),
    code       TEXT NOT NULL,
    PRIMARY KEY (request_id, kind, code)
);
CREATE INDEX advisory_request_tags_code ON advisory_request_tags(kind, code);

-- Every change of state, with who made it and why.
CREATE TABLE advisory_transitions (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    actor_id    INTEGER REFERENCES officials(id),
    at          TEXT NOT NULL
);
CREATE INDEX advisory_transitions_request ON advisory_transitions(request_id, id);

-- The thread between the country and staff; internal = 1 marks staff-only notes.
CREATE TABLE advisory_comments (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES officials(id),
    internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    body        TEXT NOT NULL CHECK (body <> ''),
    created_at  TEXT NOT NULL
);
CREATE INDEX advisory_comments_request ON advisory_comments(request_id, internal, id);

-- Files attached to a request, checked by content (PDF, DOCX or XLSX) before they get here.
CREATE TABLE advisory_attachments (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL CHECK (filename <> ''),
    kind         TEXT NOT NULL CHECK (kind IN ('pdf', 'docx', 'xlsx')),
    size         INTEGER NOT NULL CHECK (size > 0),
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES officials(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX advisory_attachments_request ON advisory_attachments(request_id);

-- A country's self-assessment: one dated row per submission (history kept), 24 scores each.
CREATE TABLE country_assessments (
    id           INTEGER PRIMARY KEY,
    country      TEXT NOT NULL REFERENCES countries(iso2),
    assessed_on  TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER NOT NULL REFERENCES officials(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX country_assessments_country ON country_assessments(country, assessed_on, id);

CREATE TABLE country_assessment_scores (
    assessment_id INTEGER NOT NULL REFERENCES country_assessments(id) ON DELETE CASCADE,
    phase         INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 4),
    objective     TEXT NOT NULL CHECK (objective IN ('policy_strategy', 'institutional', 'legal_regulatory',
                                                     'government_capacity', 'technology_channels', 'public_capacity')),
    level         INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    PRIMARY KEY (assessment_id, phase, objective)
);

-- +goose Down
DROP TABLE country_assessment_scores;
DROP TABLE country_assessments;
DROP TABLE advisory_attachments;
DROP TABLE advisory_comments;
DROP TABLE advisory_transitions;
DROP TABLE advisory_request_tags;
DROP TABLE advisory_requests;
