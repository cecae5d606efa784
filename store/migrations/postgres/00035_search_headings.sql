-- +goose Up
-- The analysed headings alone (see search_headings on SQLite). PostgreSQL's search answers
-- "all the words in the headings" from search_fts.headings on the documents found, so this
-- table stays empty here, as search_titles does; it exists so that both databases have the
-- same tables.
CREATE TABLE search_headings (
    rowid    BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    headings tsvector NOT NULL DEFAULT ''::tsvector
);

-- +goose Down
DROP TABLE search_headings;
