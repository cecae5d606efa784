package courses

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/masar-platform/masar/store"
)

// EnrolmentFact is one official's enrolment in one course as the reports count it: who (by
// account id only), which course, when, and how far they got. No name, no answers.
type EnrolmentFact struct {
	OfficialID  int64      `json:"official_id"`
	Course      string     `json:"course"`
	Phases      []int      `json:"phases"` // the course's phases in the current catalogue (empty if it left it)
	EnrolledAt  time.Time  `json:"enrolled_at"`
	CompletedAt *time.Time `json:"completed_at"`
	Attempts    int        `json:"attempts"`   // quiz attempts used
	BestScore   *int       `json:"best_score"` // nil before the first attempt
	Passed      bool       `json:"passed"`     // at least one attempt passed
	// The official's member state, gender and sector when they enrolled: figures of the
	// past count the enrolment there, whatever became of the profile since.
	Country string `json:"country"`
	Gender  string `json:"gender"`
	Sector  string `json:"sector"`
}

// Facts lists every enrolment with its quiz figures, by course then account. It is
// read-only and is meant for aggregated figures.
func (s *Service) Facts(ctx context.Context) ([]EnrolmentFact, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT e.official_id, e.course_slug, e.enrolled_at, e.completed_at,
		count(a.id), max(a.score), coalesce(max(a.passed), 0), e.fact_country, e.fact_gender, e.fact_sector
		FROM enrolments e LEFT JOIN quiz_attempts a ON a.official_id = e.official_id AND a.course_slug = e.course_slug
		GROUP BY e.official_id, e.course_slug ORDER BY e.course_slug, e.official_id`)
	cat := s.cat()
	out, err := store.Collect(rows, err, func(row store.Scanner) (EnrolmentFact, error) {
		var f EnrolmentFact
		var enrolled string
		var completed sql.NullString
		var best sql.NullInt64
		if err := row.Scan(&f.OfficialID, &f.Course, &enrolled, &completed, &f.Attempts, &best, &f.Passed,
			&f.Country, &f.Gender, &f.Sector); err != nil {
			return f, err
		}
		f.EnrolledAt, f.CompletedAt = parseTime(enrolled), parseNullTime(completed)
		if best.Valid {
			b := int(best.Int64)
			f.BestScore = &b
		}
		f.Phases = []int{}
		if c, err := cat.Course(f.Course); err == nil {
			f.Phases = slices.Clone(c.Phases)
		}
		return f, nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: facts: %w", err)
	}
	return out, nil
}
