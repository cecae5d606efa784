-- +goose Up
-- Only live accounts in the staff list's trigram index: an erased account leaves it, so that
-- counting the matches of a name needs no look at the accounts table.
DROP TRIGGER officials_fts_update ON officials;
CREATE TRIGGER officials_fts_update AFTER UPDATE OF name_ar, name_latin, email_norm, organisation ON officials
    FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION officials_fts_update();

-- +goose StatementBegin
CREATE FUNCTION officials_fts_erase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM officials_fts WHERE rowid = NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER officials_fts_erase AFTER UPDATE OF deleted_at ON officials
    FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION officials_fts_erase();

DELETE FROM officials_fts WHERE rowid IN (SELECT id FROM officials WHERE deleted_at IS NOT NULL);

-- +goose Down
DROP TRIGGER officials_fts_erase ON officials;
DROP FUNCTION officials_fts_erase();
DROP TRIGGER officials_fts_update ON officials;
CREATE TRIGGER officials_fts_update AFTER UPDATE OF name_ar, name_latin, email_norm, organisation ON officials
    FOR EACH ROW EXECUTE FUNCTION officials_fts_update();

-- Erased accounts were in the index before this migration.
INSERT INTO officials_fts(rowid, body)
    SELECT id, name_ar || ' ' || name_latin || ' ' || email_norm || ' ' || organisation FROM officials
    WHERE deleted_at IS NOT NULL;
