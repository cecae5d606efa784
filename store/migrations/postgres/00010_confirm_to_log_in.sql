-- +goose Up
-- An account a person made for themselves on the registration page opens with its password
-- only once its address is confirmed: registering with an address that has an account then
-- looks, to the visitor, exactly like registering with a new one (both wait for a mail), so
-- that the registration page does not tell who has an account. Accounts made before, and
-- accounts made by staff, the command line or an import, are not concerned.
ALTER TABLE officials ADD COLUMN confirm_to_log_in INTEGER NOT NULL DEFAULT 0 CHECK (confirm_to_log_in IN (0, 1));

-- +goose Down
ALTER TABLE officials DROP COLUMN confirm_to_log_in;
