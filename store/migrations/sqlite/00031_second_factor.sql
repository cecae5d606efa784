-- +goose Up
-- A second factor for signing in: an authenticator app's TOTP secret, and recovery codes.
-- secret_sealed is the TOTP secret sealed (AES-256-GCM) with a key derived from the server
-- secret, bound to the account, never the secret in clear; last_step is the 30-second step of
-- the last code accepted, so that a code is not accepted twice.
CREATE TABLE totp_factors (
    official_id   INTEGER PRIMARY KEY REFERENCES officials(id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL CHECK (secret_sealed <> ''),
    last_step     INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

-- Single-use recovery codes, kept as their SHA-256 only; used_at is set when one is used.
CREATE TABLE recovery_codes (
    id          INTEGER PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT,
    UNIQUE (official_id, code_hash)
);

-- A sign-in between its password step and its second step: purpose verify (the account has a
-- second factor to give) or enrol (its role requires one and it has none yet). The browser
-- holds the token in a short-lived cookie; only its SHA-256 is stored. attempts counts wrong
-- codes; passed_at is set once an enrolment made in this sign-in was confirmed.
CREATE TABLE login_challenges (
    token_hash  TEXT PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'enrol')),
    next        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    passed_at   TEXT
);
CREATE INDEX login_challenges_official ON login_challenges(official_id);

-- +goose Down
DROP TABLE login_challenges;
DROP TABLE recovery_codes;
DROP TABLE totp_factors;
