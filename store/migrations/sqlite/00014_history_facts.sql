-- +goose Up
-- History that does not move. Figures about the past (course enrolments and completions,
-- workshop participants, certificates) are split by member state, gender and sector. They
-- used to read those from the person's current profile, so a profile change or an erased
-- account rewrote published history. Each fact now keeps the three values it was recorded
-- with: written when the enrolment, the registration or the certificate is made, never
-- changed after, and not erased with the account (they say nothing about who the person is
-- without the account, which holds nothing any more). A registration already keeps the
-- member state it was made from (registrations.country).
ALTER TABLE enrolments ADD COLUMN fact_country TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN fact_gender TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN fact_sector TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN fact_gender TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN fact_sector TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN fact_country TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN fact_gender TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN fact_sector TEXT NOT NULL DEFAULT '';

-- Facts recorded before: the best we know is the profile as it is now (accounts already
-- erased have lost their gender and sector; their member state stays).
UPDATE enrolments SET
    fact_country = coalesce((SELECT o.country FROM officials o WHERE o.id = enrolments.official_id), ''),
    fact_gender = coalesce((SELECT o.gender FROM officials o WHERE o.id = enrolments.official_id), ''),
    fact_sector = coalesce((SELECT o.sector FROM officials o WHERE o.id = enrolments.official_id), '');
UPDATE registrations SET
    fact_gender = coalesce((SELECT o.gender FROM officials o WHERE o.id = registrations.official_id), ''),
    fact_sector = coalesce((SELECT o.sector FROM officials o WHERE o.id = registrations.official_id), '');
UPDATE certificates SET
    fact_country = coalesce((SELECT o.country FROM officials o WHERE o.id = certificates.official_id), ''),
    fact_gender = coalesce((SELECT o.gender FROM officials o WHERE o.id = certificates.official_id), ''),
    fact_sector = coalesce((SELECT o.sector FROM officials o WHERE o.id = certificates.official_id), '');
CREATE INDEX certificates_fact_country ON certificates(fact_country, status);

-- +goose Down
DROP INDEX certificates_fact_country;
ALTER TABLE certificates DROP COLUMN fact_sector;
ALTER TABLE certificates DROP COLUMN fact_gender;
ALTER TABLE certificates DROP COLUMN fact_country;
ALTER TABLE registrations DROP COLUMN fact_sector;
ALTER TABLE registrations DROP COLUMN fact_gender;
ALTER TABLE enrolments DROP COLUMN fact_sector;
ALTER TABLE enrolments DROP COLUMN fact_gender;
ALTER TABLE enrolments DROP COLUMN fact_country;
