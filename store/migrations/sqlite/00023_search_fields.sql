-- +goose Up
-- The search index weighs where a word is found (issue 18): a lesson's title above its
-- headings, its headings above its text, its text above its footnotes, and the course's
-- title (the lesson's topic) in a column of its own. search_fts gets those columns, and
-- search_vocab, a view of its vocabulary, lets misspelt words be corrected to indexed terms.
-- The index is derived data: it is emptied here and rebuilt at start-up (the catalogue by
-- its fingerprint, which is forgotten, the workshops by their start-up sync).
DELETE FROM search_docs;
DELETE FROM search_keys;
DELETE FROM search_meta;
DROP TRIGGER search_docs_delete;
DROP TABLE search_fts;

-- title, headings, body (the text outside headings and footnotes), notes (footnotes): the
-- analysed words of each part; topic: the course's title, for a lesson; extra: normal forms
-- for prefix matching, second readings, context words and the digits of numbers spelt in
-- words. search_docs.stems keeps the analysed text of the whole body, word for word.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, headings, body, notes, topic, extra,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- Every indexed term and the number of documents that have it.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');

-- +goose StatementBegin
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    DELETE FROM search_fts WHERE rowid = old.id;
    DELETE FROM search_titles WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER search_docs_delete;
DROP TABLE search_vocab;
DROP TABLE search_fts;
DELETE FROM search_docs;
DELETE FROM search_keys;
DELETE FROM search_meta;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, extra,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- +goose StatementBegin
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    DELETE FROM search_fts WHERE rowid = old.id;
    DELETE FROM search_titles WHERE rowid = old.id;
END;
-- +goose StatementEnd
