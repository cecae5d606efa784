-- +goose Up
-- Only live accounts in the staff list's trigram index: an erased account leaves it, so that
-- counting the matches of a name needs no look at the accounts table.
DROP TRIGGER officials_fts_update;

-- +goose StatementBegin
CREATE TRIGGER officials_fts_update AFTER UPDATE OF name_ar, name_latin, email_norm, organisation ON officials
WHEN new.deleted_at IS NULL BEGIN
    UPDATE officials_fts SET body = new.name_ar || ' ' || new.name_latin || ' ' || new.email_norm || ' ' || new.organisation
    WHERE rowid = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER officials_fts_erase AFTER UPDATE OF deleted_at ON officials
WHEN new.deleted_at IS NOT NULL BEGIN
    DELETE FROM officials_fts WHERE rowid = new.id;
END;
-- +goose StatementEnd

DELETE FROM officials_fts WHERE rowid IN (SELECT id FROM officials WHERE deleted_at IS NOT NULL);

-- +goose Down
DROP TRIGGER officials_fts_erase;
DROP TRIGGER officials_fts_update;

-- +goose StatementBegin
CREATE TRIGGER officials_fts_update AFTER UPDATE OF name_ar, name_latin, email_norm, organisation ON officials BEGIN
    UPDATE officials_fts SET body = new.name_ar || ' ' || new.name_latin || ' ' || new.email_norm || ' ' || new.organisation
    WHERE rowid = new.id;
END;
-- +goose StatementEnd

-- Erased accounts were in the index before this migration.
INSERT INTO officials_fts(rowid, body)
    SELECT id, name_ar || ' ' || name_latin || ' ' || email_norm || ' ' || organisation FROM officials
    WHERE deleted_at IS NOT NULL;
