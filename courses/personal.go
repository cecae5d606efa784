package courses

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// AttemptRecord is one quiz attempt as its owner may see it in their personal data: the
// options they chose (by question id), the score and when.
type AttemptRecord struct {
	Course      string          `json:"course"`
	Attempt     int             `json:"attempt"`
	Score       int             `json:"score"`
	Passed      bool            `json:"passed"`
	Answers     json.RawMessage `json:"answers"`
	SubmittedAt time.Time       `json:"submitted_at"`
}

// Attempts lists every quiz attempt of an official, by course and attempt number.
func (s *Service) Attempts(ctx context.Context, officialID int64) ([]AttemptRecord, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT course_slug, attempt_no, score, passed, answers, submitted_at
		FROM quiz_attempts WHERE official_id = ? ORDER BY course_slug, attempt_no`, officialID)
	out, err := store.Collect(rows, err, func(row store.Scanner) (AttemptRecord, error) {
		var a AttemptRecord
		var answers, at string
		if err := row.Scan(&a.Course, &a.Attempt, &a.Score, &a.Passed, &answers, &at); err != nil {
			return a, err
		}
		if !json.Valid([]byte(answers)) {
			answers = "{}"
		}
		a.Answers, a.SubmittedAt = json.RawMessage(answers), parseTime(at)
		return a, nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: quiz attempts of %d: %w", officialID, err)
	}
	return out, nil
}
