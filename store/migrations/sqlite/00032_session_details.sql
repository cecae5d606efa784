-- +goose Up
-- What a person sees of their own login sessions on /{lang}/me/sessions, to recognise them
-- and end the ones they do not know:
-- public_id: a random id that names the session in URLs and forms; the secret's hash never
--   leaves the database.
-- user_agent: the browser's User-Agent as sent at login (cut to 512 bytes), from which the
--   page names the browser and the system.
-- ip: the address at login with its last part masked (IPv4 /24, IPv6 /48): enough to tell a
--   local network from the outside or one place from another, and no more.
-- last_seen_at: the last request of the session, written at most once every few minutes
--   (NULL: not since the login).
-- method: how the person signed in ('password'; other sign-ins add their own).
ALTER TABLE sessions ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
UPDATE sessions SET public_id = lower(hex(randomblob(10)));
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);

-- +goose Down
DROP INDEX sessions_public_id;
ALTER TABLE sessions DROP COLUMN method;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN ip;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE sessions DROP COLUMN public_id;
