-- +goose Up
-- What a person sees of their own login sessions on /{lang}/me/sessions. See the SQLite
-- migration for the meaning of each column.
ALTER TABLE sessions ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
UPDATE sessions SET public_id = substr(md5(random()::text || clock_timestamp()::text || token_hash), 1, 20);
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);

-- +goose Down
DROP INDEX sessions_public_id;
ALTER TABLE sessions DROP COLUMN method;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN ip;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE sessions DROP COLUMN public_id;
