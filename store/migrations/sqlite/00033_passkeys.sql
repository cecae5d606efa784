-- +goose Up
-- Passkeys (WebAuthn credentials) as a second factor, beside the authenticator app.
-- credential_id: the credential's id, base64url without padding, as the browser names it.
-- data: the credential record as go-webauthn keeps it (public key, sign counter, flags,
--   transports, attestation), JSON; rewritten after each use, since the counter and the
--   flags move.
-- name: what its holder called it ("work laptop"), shown on the security page.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    official_id   INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE CHECK (credential_id <> ''),
    name          TEXT NOT NULL CHECK (name <> ''),
    data          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
);
CREATE INDEX passkeys_official ON passkeys(official_id);

-- A WebAuthn ceremony between the options given to the browser and its answer: the
-- challenge and what the answer must match (go-webauthn's session data, JSON). The page
-- holds the token; only its SHA-256 is stored. A ceremony is used once.
-- purpose: register (adding a passkey) or login (the second step of a sign-in).
CREATE TABLE passkey_ceremonies (
    token_hash  TEXT PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
    session     TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX passkey_ceremonies_official ON passkey_ceremonies(official_id);

-- +goose Down
DROP TABLE passkey_ceremonies;
DROP TABLE passkeys;
