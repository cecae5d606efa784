-- +goose Up
-- Erasure that erases. A person who deletes their own account is erased after a grace
-- period, during which the account cannot be used and a one-time link (only its SHA-256
-- is kept, as for every other e-mailed link) undoes the request. One row per account
-- waiting to be erased; the row goes when the account is erased or the request undone.
CREATE TABLE erasure_requests (
    official_id   INTEGER PRIMARY KEY REFERENCES officials(id) ON DELETE CASCADE,
    requested_at  TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    undo_hash     TEXT NOT NULL UNIQUE
);
CREATE INDEX erasure_requests_due ON erasure_requests(due_at);

-- The stable opaque name that stands for an erased person wherever a record must keep
-- someone (the audit log): "person-" and random hex, set when the account is erased.
ALTER TABLE officials ADD COLUMN pseudonym TEXT NOT NULL DEFAULT '';

-- Accounts erased before this migration: their own actions in the audit log no longer carry
-- their address (it is not known any more; the entry keeps the account's id).
UPDATE officials SET pseudonym = 'person-' || id WHERE deleted_at IS NOT NULL AND pseudonym = '';
UPDATE audit_log SET actor_email = (SELECT o.pseudonym FROM officials o WHERE o.id = audit_log.actor_id)
WHERE actor_id IN (SELECT id FROM officials WHERE deleted_at IS NOT NULL);

-- The staff list's trigram index removes a deleted row's terms from its pages at once
-- instead of leaving them behind a delete marker until the next merge (FTS5 secure-delete,
-- SQLite 3.42 and later), so that an erased name leaves the index as well as the table.
INSERT INTO officials_fts(officials_fts, rank) VALUES ('secure-delete', 1);

-- +goose Down
INSERT INTO officials_fts(officials_fts, rank) VALUES ('secure-delete', 0);
ALTER TABLE officials DROP COLUMN pseudonym;
DROP TABLE erasure_requests;
