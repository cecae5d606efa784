-- +goose Up
-- An attempt at a quiz asks its own questions: opening the quiz draws questions_per_lesson
-- questions of each lesson and shuffles each question's options, and that draw is kept
-- (quiz_draws, one open draw per learner and course) until the learner submits it. The
-- submitted attempt keeps the draw it answered (quiz_attempts.questions), so that its review
-- and score never change when the bank does. questions is JSON:
-- [{"id": "q1", "options": ["c", "a", "d", "b"]}, …] in the order shown (options empty for a
-- true/false question).
CREATE TABLE quiz_draws (
    official_id BIGINT NOT NULL,
    course_slug TEXT NOT NULL,
    questions   TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    PRIMARY KEY (official_id, course_slug),
    FOREIGN KEY (official_id, course_slug) REFERENCES enrolments(official_id, course_slug)
);
ALTER TABLE quiz_attempts ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE quiz_attempts DROP COLUMN questions;
DROP TABLE quiz_draws;
