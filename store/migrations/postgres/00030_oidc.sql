-- +goose Up
-- Sign-in through OpenID Connect providers (MASAR_OIDC_PROVIDERS); see the SQLite migration.
--
-- oidc_identities: who a provider's user is here. A returning user is found by the
-- provider's stable subject (the ID token's sub), never by the e-mail address, which the
-- provider may reassign. An account has at most one identity at a provider.
CREATE TABLE oidc_identities (
    provider      TEXT NOT NULL CHECK (provider <> ''),
    subject       TEXT NOT NULL CHECK (subject <> ''),
    official_id   BIGINT NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_login_at TEXT NOT NULL,
    PRIMARY KEY (provider, subject),
    UNIQUE (provider, official_id)
);
CREATE INDEX oidc_identities_official ON oidc_identities(official_id);

-- oidc_states: the sign-ins started and not yet finished. The state sent to the provider is
-- kept only as its SHA-256, with the SHA-256 of the browser's binding cookie (a callback
-- from another browser is refused), the nonce the ID token must carry, the PKCE verifier,
-- the page's language and where to go afterwards. A state is used once (used_at), expires
-- after ten minutes, and is deleted a day after it expired.
CREATE TABLE oidc_states (
    state_hash   TEXT PRIMARY KEY,
    provider     TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    lang         TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'fr')),
    next         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    expires_at   TEXT COLLATE "C" NOT NULL,
    used_at      TEXT
);
CREATE INDEX oidc_states_expires ON oidc_states(expires_at);

-- +goose Down
DROP TABLE oidc_states;
DROP TABLE oidc_identities;
