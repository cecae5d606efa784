-- +goose Up
-- Every search asks which of the documents found have all the query's words in their
-- headings; on search_fts, FTS5 reads each word's whole list (every column) to answer. The
-- analysed headings get an index of their own, as the titles have search_titles, whose
-- lists hold only the words of headings. The index is derived data: it is emptied here and
-- rebuilt at start-up (the catalogue by its fingerprint, which is forgotten, the workshops
-- by their start-up sync).
DELETE FROM search_docs;
DELETE FROM search_keys;
DELETE FROM search_meta;

CREATE VIRTUAL TABLE search_headings USING fts5(
    headings,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

DROP TRIGGER search_docs_delete;
-- +goose StatementBegin
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    DELETE FROM search_fts WHERE rowid = old.id;
    DELETE FROM search_titles WHERE rowid = old.id;
    DELETE FROM search_headings WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DELETE FROM search_docs;
DELETE FROM search_keys;
DELETE FROM search_meta;
DROP TRIGGER search_docs_delete;
DROP TABLE search_headings;
-- +goose StatementBegin
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    DELETE FROM search_fts WHERE rowid = old.id;
    DELETE FROM search_titles WHERE rowid = old.id;
END;
-- +goose StatementEnd
