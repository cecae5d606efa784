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

-- title, headings, body, notes, topic, extra: as on SQLite, the analysed words of each part,
-- here as tsvectors made by package search from its own words (array_to_tsvector: no parser
-- or dictionary of the server cuts or changes them again). doc joins them, behind the GIN
-- index that tells which documents match a query; the title and headings columns answer
-- "all the words in the title" on the documents found. (The weights of doc are not read:
-- ranking is BM25 over search_terms, below. search_titles, needed by FTS5 for a title-only
-- match, stays empty here.)
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

-- PostgreSQL has no BM25, and ts_rank is another formula: results would rank differently on
-- the two backends. search_terms keeps what BM25 is computed from, as FTS5 keeps it in its
-- index: for each document, each of its terms with the number of times it occurs in each
-- column (the columns of search_fts, in their order). The row of the empty term, which no
-- word is, holds the document's length in words per column. The key leads with the term so
-- that a query's terms, and a prefix as a range of them (hence the byte order of "C"), are
-- read without touching other terms, and it includes the counts, so that once vacuumed they
-- are read from the index alone rather than from a table page per document; the index on
-- doc serves the deletes that follow a document's.
CREATE TABLE search_terms (
    term     TEXT COLLATE "C" NOT NULL,
    doc      BIGINT NOT NULL REFERENCES search_docs(id) ON DELETE CASCADE,
    title    INTEGER NOT NULL,
    headings INTEGER NOT NULL,
    body     INTEGER NOT NULL,
    notes    INTEGER NOT NULL,
    topic    INTEGER NOT NULL,
    extra    INTEGER NOT NULL,
    PRIMARY KEY (term, doc) INCLUDE (title, headings, body, notes, topic, extra)
);
CREATE INDEX search_terms_doc ON search_terms (doc);

-- Every indexed term and the number of documents that have it, in the columns of FTS5's
-- fts5vocab 'row' table (term, doc, cnt). Like fts5vocab, it reads the whole index.
CREATE VIEW search_vocab AS
    SELECT term, count(*) AS doc, sum(title + headings + body + notes + topic + extra) AS cnt
    FROM search_terms WHERE term <> '' GROUP BY term;

-- +goose Down
DROP VIEW search_vocab;
DROP TABLE search_terms;
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
