-- +goose Up
-- Substring search over officials' names, e-mail and organisation for the staff list: a
-- trigram index, so that the cost follows the number of matches, not of accounts. On
-- PostgreSQL the index is pg_trgm's over a plain table that triggers keep in step with the
-- accounts, as FTS5's triggers do on SQLite; an account's row goes with it (ON DELETE
-- CASCADE). rowid is named as FTS5's, so that the staff list's join carries over; a search
-- matches with ILIKE (or LIKE on lower(body)) instead of MATCH. Unlike SQLite's trigram
-- tokenizer with remove_diacritics, pg_trgm keeps accents: 'é' does not find 'e'.
-- Creating the extension needs a role allowed to (the database's owner on PostgreSQL 13
-- and later, pg_trgm being a trusted extension).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE officials_fts (
    rowid BIGINT PRIMARY KEY REFERENCES officials(id) ON DELETE CASCADE,
    body  TEXT NOT NULL
);
CREATE INDEX officials_fts_body ON officials_fts USING GIN (body gin_trgm_ops);

INSERT INTO officials_fts(rowid, body)
    SELECT id, name_ar || ' ' || name_latin || ' ' || email_norm || ' ' || organisation FROM officials;

-- +goose StatementBegin
CREATE FUNCTION officials_fts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO officials_fts(rowid, body)
    VALUES (NEW.id, NEW.name_ar || ' ' || NEW.name_latin || ' ' || NEW.email_norm || ' ' || NEW.organisation);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION officials_fts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE officials_fts SET body = NEW.name_ar || ' ' || NEW.name_latin || ' ' || NEW.email_norm || ' ' || NEW.organisation
    WHERE rowid = NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER officials_fts_insert AFTER INSERT ON officials
    FOR EACH ROW EXECUTE FUNCTION officials_fts_insert();
CREATE TRIGGER officials_fts_update AFTER UPDATE OF name_ar, name_latin, email_norm, organisation ON officials
    FOR EACH ROW EXECUTE FUNCTION officials_fts_update();

-- +goose Down
-- pg_trgm stays: other objects of the database may use it.
DROP TRIGGER officials_fts_update ON officials;
DROP TRIGGER officials_fts_insert ON officials;
DROP FUNCTION officials_fts_update();
DROP FUNCTION officials_fts_insert();
DROP TABLE officials_fts;
