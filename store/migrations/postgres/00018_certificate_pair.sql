-- +goose Up
-- The language a certificate prints beside Arabic: French for a holder who preferred French
-- when it was issued (and a title in French), English otherwise. Certificates issued before
-- were all printed in Arabic and English, and keep re-rendering that way.
ALTER TABLE certificates ADD COLUMN pair TEXT NOT NULL DEFAULT 'en' CHECK (pair IN ('en', 'fr'));

-- +goose Down
ALTER TABLE certificates DROP COLUMN pair;
