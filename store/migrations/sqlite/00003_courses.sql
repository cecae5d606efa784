-- +goose Up
-- Courses themselves live in the content (Markdown and YAML); the database holds what
-- officials do with them. course_slug and lesson_slug are the content's slugs.
CREATE TABLE enrolments (
    official_id  INTEGER NOT NULL REFERENCES officials(id),
    course_slug  TEXT NOT NULL,
    enrolled_at  TEXT NOT NULL,
    last_lesson  TEXT NOT NULL DEFAULT '',
    completed_at TEXT,
    PRIMARY KEY (official_id, course_slug)
);
CREATE INDEX enrolments_course ON enrolments(course_slug, completed_at);

CREATE TABLE lesson_progress (
    official_id  INTEGER NOT NULL,
    course_slug  TEXT NOT NULL,
    lesson_slug  TEXT NOT NULL,
    done_at      TEXT NOT NULL,
    PRIMARY KEY (official_id, course_slug, lesson_slug),
    FOREIGN KEY (official_id, course_slug) REFERENCES enrolments(official_id, course_slug)
);

CREATE TABLE quiz_attempts (
    id           INTEGER PRIMARY KEY,
    official_id  INTEGER NOT NULL,
    course_slug  TEXT NOT NULL,
    attempt_no   INTEGER NOT NULL CHECK (attempt_no >= 1),
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
    answers      TEXT NOT NULL DEFAULT '{}',
    submitted_at TEXT NOT NULL,
    UNIQUE (official_id, course_slug, attempt_no),
    FOREIGN KEY (official_id, course_slug) REFERENCES enrolments(official_id, course_slug)
);

-- +goose Down
DROP TABLE quiz_attempts;
DROP TABLE lesson_progress;
DROP TABLE enrolments;
