-- +goose Up
-- Substring search over officials' names, e-mail and organisation for the staff list: a
-- trigram index, so that the cost follows the number of matches, not of accounts.
CREATE VIRTUAL TABLE officials_fts USING fts5(body, tokenize = 'trigram remove_diacritics 1');

INSERT INTO officials_fts(rowid, body)
    SELECT id, name_ar || ' ' || name_latin || ' ' || email_norm || ' ' || organisation FROM officials;

-- +goose StatementBegin
CREATE TRIGGER officials_fts_insert AFTER INSERT ON officials BEGIN
    INSERT INTO officials_fts(rowid, body)
    VALUES (new.id, new.name_ar || ' ' || new.name_latin || ' ' || new.email_norm || ' ' || new.organisation);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER officials_fts_update AFTER UPDATE OF name_ar, name_latin, email_norm, organisation ON officials BEGIN
    UPDATE officials_fts SET body = new.name_ar || ' ' || new.name_latin || ' ' || new.email_norm || ' ' || new.organisation
    WHERE rowid = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER officials_fts_delete AFTER DELETE ON officials BEGIN
    DELETE FROM officials_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER officials_fts_delete;
DROP TRIGGER officials_fts_update;
DROP TRIGGER officials_fts_insert;
DROP TABLE officials_fts;
