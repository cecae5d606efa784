-- +goose Up
-- Agenda items removed from a workshop. Their calendar entries (UID named by the id) are
-- sent again as cancelled, with a higher SEQUENCE, so that calendars drop them instead of
-- keeping a ghost. A new agenda item never takes the id of a removed one.
CREATE TABLE workshop_sessions_removed (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    title_ar     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    title_fr     TEXT NOT NULL DEFAULT '',
    removed_at   TEXT NOT NULL
);
CREATE INDEX workshop_sessions_removed_workshop ON workshop_sessions_removed(workshop_id);

-- +goose Down
DROP TABLE workshop_sessions_removed;
