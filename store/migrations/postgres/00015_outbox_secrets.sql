-- +goose Up
-- One-time links (password reset, account claim, address confirmation …) reach the
-- recipient alone. text_body and html_body keep the copy shown in the outbox, with those
-- links masked; recipient_text and recipient_html keep the recipient's copy, with the links
-- whole, only while the message waits to be delivered (NULL when it carries no secret, and
-- set back to NULL once it is sent or given up), so that the stored mail holds no live link.
ALTER TABLE outbox ADD COLUMN recipient_text TEXT;
ALTER TABLE outbox ADD COLUMN recipient_html TEXT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN recipient_html;
ALTER TABLE outbox DROP COLUMN recipient_text;
