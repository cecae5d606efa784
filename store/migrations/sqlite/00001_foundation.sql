-- +goose Up
CREATE TABLE countries (
    iso2      TEXT PRIMARY KEY CHECK (length(iso2) = 2 AND iso2 = upper(iso2)),
    name_ar   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    name_fr   TEXT NOT NULL,
    timezone  TEXT NOT NULL,
    member    INTEGER NOT NULL DEFAULT 1 CHECK (member IN (0, 1))
);

CREATE TABLE officials (
    id                 INTEGER PRIMARY KEY,
    email              TEXT NOT NULL,
    email_norm         TEXT NOT NULL UNIQUE,
    password_hash      TEXT NOT NULL DEFAULT '',
    name_ar            TEXT NOT NULL DEFAULT '',
    name_latin         TEXT NOT NULL DEFAULT '',
    job_title          TEXT NOT NULL DEFAULT '',
    organisation       TEXT NOT NULL DEFAULT '',
    country            TEXT REFERENCES countries(iso2),
    sector             TEXT NOT NULL DEFAULT '',
    gender             TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'female', 'male', 'unspecified')),
    language           TEXT NOT NULL DEFAULT 'ar' CHECK (language IN ('ar', 'en', 'fr')),
    role               TEXT NOT NULL DEFAULT 'official'
                       CHECK (role IN ('official', 'focal_point', 'trainer', 'staff', 'admin')),
    email_confirmed_at TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    deleted_at         TEXT,
    CHECK (role <> 'focal_point' OR country IS NOT NULL)
);
CREATE INDEX officials_country_role ON officials(country, role);
CREATE INDEX officials_created ON officials(created_at);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    official_id  INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_official ON sessions(official_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    official_id  INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE email_tokens (
    token_hash   TEXT PRIMARY KEY,
    official_id  INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL CHECK (purpose IN ('confirm', 'reset')),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor_email TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    field       TEXT NOT NULL DEFAULT '',
    from_value  TEXT NOT NULL DEFAULT '',
    to_value    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE email_tokens;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE officials;
DROP TABLE countries;
