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
DROP TABLE search_fts;

-- title, headings, body, notes, topic, extra: as on SQLite, tsvectors under 'simple' (see
-- 00006). doc joins them, weighted as the ranking reads them (PostgreSQL has four weights
-- for six columns: the title first; headings and topic second; the text third; footnotes
-- and the extra forms last), behind the GIN index.
CREATE TABLE search_fts (
    rowid    BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    title    tsvector NOT NULL DEFAULT ''::tsvector,
    headings tsvector NOT NULL DEFAULT ''::tsvector,
    body     tsvector NOT NULL DEFAULT ''::tsvector,
    notes    tsvector NOT NULL DEFAULT ''::tsvector,
    topic    tsvector NOT NULL DEFAULT ''::tsvector,
    extra    tsvector NOT NULL DEFAULT ''::tsvector,
    doc      tsvector GENERATED ALWAYS AS (
        setweight(title, 'A') || setweight(headings, 'B') || setweight(topic, 'B') ||
        setweight(body, 'C') || setweight(notes, 'D') || setweight(extra, 'D')) STORED
);
CREATE INDEX search_fts_doc ON search_fts USING GIN (doc);

-- Every indexed term and the number of documents that have it, in the columns of FTS5's
-- fts5vocab 'row' table (term, doc, cnt). ts_stat reads the whole index on every query, as
-- fts5vocab does.
CREATE VIEW search_vocab AS
    SELECT word AS term, ndoc AS doc, nentry AS cnt FROM ts_stat('SELECT doc FROM search_fts');

-- +goose Down
DROP VIEW search_vocab;
DROP TABLE search_fts;
DELETE FROM search_docs;
DELETE FROM search_keys;
DELETE FROM search_meta;
CREATE TABLE search_fts (
    rowid BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    title tsvector NOT NULL DEFAULT ''::tsvector,
    body  tsvector NOT NULL DEFAULT ''::tsvector,
    extra tsvector NOT NULL DEFAULT ''::tsvector,
    doc   tsvector GENERATED ALWAYS AS (setweight(title, 'A') || setweight(body, 'C') || setweight(extra, 'D')) STORED
);
CREATE INDEX search_fts_doc ON search_fts USING GIN (doc);
