-- +goose Up
-- The search index (package search). It is derived data: the courses come from the content
-- and are re-indexed at start-up and on every reload; workshops are put and removed by the
-- workshops' change hook. Dropping these tables loses nothing that cannot be rebuilt.
--
-- search_docs keeps the ORIGINAL text of every indexed document, for the result list and
-- its snippets; search_fts (FTS5, SQLite only) holds the same documents analysed by package
-- search: normalised (diacritics, letter forms, digits, case) and stemmed words, one word
-- of search_fts.body for each word of search_docs.body, so that a match found in the
-- analysed text can be shown highlighted in the original. The unicode61 tokenizer sees only
-- text that is already normalised, so it changes nothing.
-- search_keys numbers the things found (a lesson, a course, a workshop), whatever the
-- language; a document's id is its language's number (ar 1, en 2, fr 3) times 2^32 plus
-- its key, so that each language is one contiguous range of FTS5 rowids, which a query can
-- be limited to, and the key is the low 32 bits.
CREATE TABLE search_keys (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref  TEXT NOT NULL,
    UNIQUE (kind, ref)
);

CREATE TABLE search_docs (
    id        INTEGER PRIMARY KEY,       -- language number << 32 | search_keys.id
    kind      TEXT NOT NULL CHECK (kind IN ('lesson', 'course', 'workshop')),
    ref       TEXT NOT NULL,             -- lesson: course/lesson slugs; course: slug; workshop: id
    lang      TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'fr')),
    title     TEXT NOT NULL,
    context   TEXT NOT NULL DEFAULT '',  -- lesson: the course's title; workshop: the city
    body      TEXT NOT NULL DEFAULT '',  -- lesson text, course summary and outcomes, workshop description
    country   TEXT NOT NULL DEFAULT '',  -- workshop: host country (ISO 3166-1 alpha-2)
    starts_on TEXT NOT NULL DEFAULT '',  -- workshop: first day, YYYY-MM-DD
    status    TEXT NOT NULL DEFAULT '',  -- workshop: published or completed
    stems     TEXT NOT NULL DEFAULT '',  -- the analysed body, as indexed: one term per word of body
    UNIQUE (kind, ref, lang)
);

-- title and body: analysed words, aligned with search_docs; extra: the normalised surface
-- forms (for prefix matching of the word being typed), second readings of words that may
-- carry an Arabic one-letter proclitic, and context words (course title, city, country).
-- Contentless: the analysed body is kept in search_docs.stems, the rest is not needed.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, extra,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- The analysed titles again, alone: a small index that tells cheaply which documents have
-- every word of a query in their title (those rank higher).
CREATE VIRTUAL TABLE search_titles USING fts5(
    title,
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

-- Bookkeeping: the fingerprint of the indexed catalogue, so that a restart with unchanged
-- content does not rewrite the index.
CREATE TABLE search_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE search_meta;
DROP TRIGGER search_docs_delete;
DROP TABLE search_titles;
DROP TABLE search_fts;
DROP TABLE search_docs;
DROP TABLE search_keys;
