-- +goose Up
-- The mail outbox: every e-mail the platform sends is rendered and stored here first, in the
-- transaction of the change it reports, then delivered by the mailer. sent_at set: delivered;
-- next_attempt_at set: waiting for a (re)try; neither: given up after too many failures.
-- Times are fixed-width RFC 3339 UTC text, so that they compare in order as text.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_email        TEXT NOT NULL CHECK (to_email <> ''),
    to_name         TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'fr')),
    template        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TEXT,
    CHECK (sent_at IS NULL OR next_attempt_at IS NULL)
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE next_attempt_at IS NOT NULL;

CREATE TABLE outbox_attachments (
    id           INTEGER PRIMARY KEY,
    outbox_id    INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL CHECK (filename <> ''),
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX outbox_attachments_outbox ON outbox_attachments(outbox_id);

-- +goose Down
DROP TABLE outbox_attachments;
DROP TABLE outbox;
