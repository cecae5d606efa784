-- +goose Up
-- Mail delivery you can rely on. Each outbox message now says plainly where it stands:
-- queued (no attempt yet), retrying (attempts failed, more to come), sent, failed (given up
-- after the retry window), dropped (could no longer help, e.g. its link expired before it
-- could be sent) or discarded (by staff). reason says why a message failed or was dropped.
-- useful_until: after it the message is dropped instead of sent late. series_started_at:
-- when the current series of attempts began (creation, or a resend). first_failed_at: the
-- first failure of the series; the retry window runs from it, and the failing-mail alert.
-- category: the kind of notification a person may turn off ('' for transactional mail).
-- sent_at and next_attempt_at keep their meaning: set when sent, set while an attempt is due.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'retrying', 'sent', 'failed', 'dropped', 'discarded'));
ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN useful_until TEXT;
ALTER TABLE outbox ADD COLUMN series_started_at TEXT;
ALTER TABLE outbox ADD COLUMN first_failed_at TEXT;
ALTER TABLE outbox ADD COLUMN category TEXT NOT NULL DEFAULT '';

UPDATE outbox SET status = CASE
        WHEN sent_at IS NOT NULL THEN 'sent'
        WHEN next_attempt_at IS NULL THEN 'failed'
        WHEN attempts > 0 THEN 'retrying'
        ELSE 'queued' END,
    series_started_at = created_at;
UPDATE outbox SET reason = 'gave_up' WHERE status = 'failed';
UPDATE outbox SET first_failed_at = created_at WHERE status = 'retrying';
CREATE INDEX outbox_status ON outbox(status);

-- Notifications a person turned off, by category (reminders, workshop changes, advisory
-- updates) and address, kept as a SHA-256 of the normalised address rather than the address
-- itself (mail.addressKey): the unsubscribe links carry it too, so that neither the table nor
-- the links (and the access logs that record them) hold e-mail addresses. Transactional mail
-- (links, decisions, certificates) has no category and cannot be turned off.
CREATE TABLE mail_optouts (
    address_hash TEXT NOT NULL CHECK (address_hash <> ''),
    category     TEXT NOT NULL CHECK (category <> ''),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (address_hash, category)
);

-- +goose Down
DROP TABLE mail_optouts;
DROP INDEX outbox_status;
ALTER TABLE outbox DROP COLUMN category;
ALTER TABLE outbox DROP COLUMN first_failed_at;
ALTER TABLE outbox DROP COLUMN series_started_at;
ALTER TABLE outbox DROP COLUMN useful_until;
ALTER TABLE outbox DROP COLUMN reason;
ALTER TABLE outbox DROP COLUMN status;
