-- +goose Up
-- Workshops: regional and national workshops, expert-group meetings and online sessions,
-- their agenda, the officials registered to them, the nomination letters of delegations and
-- the attendance taken each day. Times are fixed-width RFC 3339 UTC text (store.FormatTime);
-- start_date, end_date and attendance days are the host's local dates (YYYY-MM-DD), shown
-- in the workshop's IANA time zone.
CREATE TABLE workshops (
    id                   INTEGER PRIMARY KEY,
    title_ar             TEXT NOT NULL CHECK (title_ar <> ''),
    title_en             TEXT NOT NULL DEFAULT '',
    title_fr             TEXT NOT NULL DEFAULT '',
    description_ar       TEXT NOT NULL DEFAULT '',
    description_en       TEXT NOT NULL DEFAULT '',
    description_fr       TEXT NOT NULL DEFAULT '',
    kind                 TEXT NOT NULL CHECK (kind IN ('regional', 'national', 'expert_meeting', 'online')),
    phases               TEXT NOT NULL DEFAULT '',          -- "1,3": framework phases served
    host_country         TEXT REFERENCES countries(iso2),  -- NULL only for an online session
    city                 TEXT NOT NULL DEFAULT '',
    venue                TEXT NOT NULL DEFAULT '',
    online_url           TEXT NOT NULL DEFAULT '',
    timezone             TEXT NOT NULL CHECK (timezone <> ''),
    start_date           TEXT NOT NULL CHECK (length(start_date) = 10),
    end_date             TEXT NOT NULL CHECK (length(end_date) = 10),
    languages            TEXT NOT NULL DEFAULT 'ar',        -- languages of delivery, "ar,en"
    interpretation       TEXT NOT NULL DEFAULT '',          -- interpretation offered into, "fr"
    capacity             INTEGER NOT NULL CHECK (capacity >= 1),
    country_quota        INTEGER NOT NULL DEFAULT 0 CHECK (country_quota >= 0), -- 0: no quota
    registration_opens   TEXT,
    registration_closes  TEXT,
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled', 'completed')),
    hours                REAL NOT NULL DEFAULT 0 CHECK (hours >= 0),  -- total contact hours, for certificates
    attendance_threshold INTEGER NOT NULL DEFAULT 75 CHECK (attendance_threshold BETWEEN 0 AND 100),
    offer_hours          INTEGER NOT NULL DEFAULT 72 CHECK (offer_hours >= 1),  -- how long a freed seat is held for the next on the waiting list
    reminder_days        INTEGER NOT NULL DEFAULT 7 CHECK (reminder_days >= 0),  -- 0: no reminder
    courses              TEXT NOT NULL DEFAULT '',          -- slugs of the pre-workshop courses, "a,b"
    sequence             INTEGER NOT NULL DEFAULT 0,        -- iCalendar SEQUENCE, bumped on every change
    created_by           INTEGER REFERENCES officials(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (end_date >= start_date),
    CHECK (registration_opens IS NULL OR registration_closes IS NULL OR registration_opens < registration_closes)
);
CREATE INDEX workshops_dates ON workshops(start_date, end_date);
CREATE INDEX workshops_status ON workshops(status, start_date);

CREATE TABLE workshop_trainers (
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    official_id  INTEGER NOT NULL REFERENCES officials(id),
    PRIMARY KEY (workshop_id, official_id)
);
CREATE INDEX workshop_trainers_official ON workshop_trainers(official_id);

-- The agenda. starts_at/ends_at are UTC instants; the page shows them in the host's zone.
CREATE TABLE workshop_sessions (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    room         TEXT NOT NULL DEFAULT '',
    title_ar     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    title_fr     TEXT NOT NULL DEFAULT '',
    speaker      TEXT NOT NULL DEFAULT '',
    trainer_id   INTEGER REFERENCES officials(id),
    CHECK (ends_at > starts_at)
);
CREATE INDEX workshop_sessions_workshop ON workshop_sessions(workshop_id, starts_at);
CREATE INDEX workshop_sessions_trainer ON workshop_sessions(trainer_id, starts_at) WHERE trainer_id IS NOT NULL;

-- One registration per official and workshop. country is the official's member state when
-- they registered: the quota counts it. A seat is held by 'confirmed' and by 'offered'
-- until offer_expires_at. waitlisted_at orders the waiting list.
CREATE TABLE registrations (
    id               INTEGER PRIMARY KEY,
    workshop_id      INTEGER NOT NULL REFERENCES workshops(id),
    official_id      INTEGER NOT NULL REFERENCES officials(id),
    country          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'offered', 'rejected', 'cancelled')),
    motivation       TEXT NOT NULL DEFAULT '',
    nominated_by     INTEGER REFERENCES officials(id),
    ticket           TEXT NOT NULL UNIQUE,
    waitlisted_at    TEXT,
    offer_expires_at TEXT,
    reminded_at      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (workshop_id, official_id),
    CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL)
);
CREATE INDEX registrations_workshop_status ON registrations(workshop_id, status, country);
CREATE INDEX registrations_official ON registrations(official_id);
CREATE INDEX registrations_offers ON registrations(offer_expires_at) WHERE status = 'offered';

-- One nomination letter (PDF) per delegation, i.e. per workshop and member state.
CREATE TABLE nomination_letters (
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    country      TEXT NOT NULL REFERENCES countries(iso2),
    filename     TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES officials(id),
    uploaded_at  TEXT NOT NULL,
    PRIMARY KEY (workshop_id, country)
);

-- Attendance: a row per participant and host-local day they were checked in.
CREATE TABLE attendance (
    registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    day             TEXT NOT NULL CHECK (length(day) = 10),
    checked_in_at   TEXT NOT NULL,
    checked_in_by   INTEGER REFERENCES officials(id),
    PRIMARY KEY (registration_id, day)
);

-- +goose Down
DROP TABLE attendance;
DROP TABLE nomination_letters;
DROP TABLE registrations;
DROP TABLE workshop_sessions;
DROP TABLE workshop_trainers;
DROP TABLE workshops;
