-- +goose Up
-- Course content authored in the browser: every saved version of a file of the content
-- (a lesson in one language, a course.yaml, a quiz.yaml, an image, thesaurus.txt, FORMAT.md)
-- is a revision; path is the file's path in the content folder ("01-open-government-framework/
-- 01-why-open-government.ar.md"). Learners are served each file's published revision.
-- state: draft (saved), review (submitted), published (served or once served).
-- origin: where the text came from: shipped (the binary's content), folder (--content DIR),
-- import (`masar content import`), editor (saved in the browser), restore (an older revision
-- brought back). base_id is the revision the author started from (the editor refuses a save
-- whose base is no longer the latest: two people editing one lesson); source_id, on a
-- translation, is the revision of the source-language file it was translated from.
CREATE TABLE content_revisions (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL CHECK (path <> ''),
    body       BLOB NOT NULL,
    sha256     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    state      TEXT NOT NULL CHECK (state IN ('draft', 'review', 'published')),
    origin     TEXT NOT NULL CHECK (origin IN ('shipped', 'folder', 'import', 'editor', 'restore')),
    base_id    INTEGER REFERENCES content_revisions(id),
    source_id  INTEGER REFERENCES content_revisions(id),
    author_id  INTEGER REFERENCES officials(id) ON DELETE SET NULL,
    message    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX content_revisions_path ON content_revisions(path, id);

-- Each file's latest revision (head) and the one learners are served (published; null for a
-- file not published yet).
CREATE TABLE content_files (
    path         TEXT PRIMARY KEY CHECK (path <> ''),
    head_id      INTEGER NOT NULL REFERENCES content_revisions(id),
    published_id INTEGER REFERENCES content_revisions(id)
);

-- The courses a trainer may edit, by course folder.
CREATE TABLE content_trainers (
    course      TEXT NOT NULL CHECK (course <> ''),
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    PRIMARY KEY (course, official_id)
);

-- +goose Down
DROP TABLE content_trainers;
DROP TABLE content_files;
DROP TABLE content_revisions;
