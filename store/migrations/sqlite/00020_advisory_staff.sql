-- +goose Up
-- Advisory requests owned by staff accounts: an owner (who answers for the request) and a
-- team, chosen among staff accounts. The free-text lead expert stays as it was typed (it
-- may name an outside expert); where it names exactly one staff account, that account
-- becomes the owner.
ALTER TABLE advisory_requests ADD COLUMN owner_id INTEGER REFERENCES officials(id);
-- Why staff last cleared or postponed the response due date; the country sees it.
ALTER TABLE advisory_requests ADD COLUMN response_due_note TEXT NOT NULL DEFAULT '';
CREATE INDEX advisory_requests_owner ON advisory_requests(owner_id, status);

CREATE TABLE advisory_team (
    request_id  INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials(id),
    added_at    TEXT NOT NULL,
    PRIMARY KEY (request_id, official_id)
);
CREATE INDEX advisory_team_official ON advisory_team(official_id);

-- Reminders of a due date sent to the request's staff: one of each kind per due date, so
-- that a date moved later is reminded again and an unchanged one only once.
CREATE TABLE advisory_due_notices (
    request_id INTEGER NOT NULL REFERENCES advisory_requests(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('coming', 'passed')),
    due        TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (request_id, kind, due)
);

-- Corrections of a country's self-assessment (by its focal points or by staff on its
-- behalf): who, when, and the assessment before and after, as JSON.
CREATE TABLE country_assessment_changes (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES country_assessments(id) ON DELETE CASCADE,
    changed_by    INTEGER NOT NULL REFERENCES officials(id),
    changed_at    TEXT NOT NULL,
    before_json   TEXT NOT NULL,
    after_json    TEXT NOT NULL
);
CREATE INDEX country_assessment_changes_assessment ON country_assessment_changes(assessment_id, id);

UPDATE advisory_requests SET owner_id = (
    SELECT o.id FROM officials o
    WHERE o.role IN ('staff', 'admin') AND o.deleted_at IS NULL
      AND (lower(o.name_latin) = lower(trim(advisory_requests.lead_expert)) OR o.name_ar = trim(advisory_requests.lead_expert)
           OR lower(o.email) = lower(trim(advisory_requests.lead_expert))))
WHERE trim(lead_expert) <> '' AND (
    SELECT count(*) FROM officials o
    WHERE o.role IN ('staff', 'admin') AND o.deleted_at IS NULL
      AND (lower(o.name_latin) = lower(trim(advisory_requests.lead_expert)) OR o.name_ar = trim(advisory_requests.lead_expert)
           OR lower(o.email) = lower(trim(advisory_requests.lead_expert)))) = 1;

-- +goose Down
DROP TABLE country_assessment_changes;
DROP TABLE advisory_due_notices;
DROP TABLE advisory_team;
DROP INDEX advisory_requests_owner;
ALTER TABLE advisory_requests DROP COLUMN response_due_note;
ALTER TABLE advisory_requests DROP COLUMN owner_id;
