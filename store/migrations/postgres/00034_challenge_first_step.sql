-- +goose Up
-- How a sign-in waiting for its second step began: 'password' (the login form) or 'oidc'
-- (an identity provider whose sign-in the platform's own second factor follows), so that
-- the session it ends in records both steps ("oidc+totp", not "password+totp").
ALTER TABLE login_challenges ADD COLUMN first_step TEXT NOT NULL DEFAULT 'password'
    CHECK (first_step IN ('password', 'oidc'));

-- +goose Down
ALTER TABLE login_challenges DROP COLUMN first_step;
