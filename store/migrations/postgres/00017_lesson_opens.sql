-- +goose Up
-- When an enrolled official first opened each lesson: a lesson counts as read once it has
-- been open at least its reading time (computed from its words) and then marked done at its
-- end, and the quiz opens when every lesson counts as read.
CREATE TABLE lesson_opens (
    official_id  BIGINT NOT NULL,
    course_slug  TEXT NOT NULL,
    lesson_slug  TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    PRIMARY KEY (official_id, course_slug, lesson_slug),
    FOREIGN KEY (official_id, course_slug) REFERENCES enrolments(official_id, course_slug)
);

-- +goose Down
DROP TABLE lesson_opens;
