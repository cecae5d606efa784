-- +goose Up
-- Leases: background work that must run once across every Masar instance on this database
-- (mail delivery, reminders, search upkeep…) runs only in the instance holding its lease.
-- holder names the process (host, PID and a random part); expires_at is fixed-width
-- RFC 3339 UTC text, compared as text. A holder renews well before expires_at; once that
-- time has passed, any instance may take the lease over.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY CHECK (name <> ''),
    holder     TEXT NOT NULL CHECK (holder <> ''),
    expires_at TEXT NOT NULL
);

-- Keys every instance must agree on: the server secret (CSRF tokens, mail links) and the
-- certificate issuer key, current and retired. They used to be files in the data
-- directory, which a second instance on another machine would not share. A row is written
-- once (insert-if-absent) and only a key rotation changes the current issuer key.
CREATE TABLE keys (
    name       TEXT PRIMARY KEY CHECK (name <> ''),
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE keys;
DROP TABLE leases;
