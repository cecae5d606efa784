package advisory

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/masar-platform/masar/store"
)

// RequestFact is an advisory request as the reports count it: the country, the phases it
// concerns, where it stands, and when it was submitted, accepted and completed (from its
// history). Nothing the country wrote is included.
type RequestFact struct {
	ID          int64      `json:"id"`
	Country     string     `json:"country"`
	Phases      []int      `json:"phases"`
	Status      string     `json:"status"`
	SubmittedAt time.Time  `json:"submitted_at"`
	AcceptedAt  *time.Time `json:"accepted_at"`  // first move to accepted, nil if never accepted
	CompletedAt *time.Time `json:"completed_at"` // first move to completed
}

// Facts lists every request, by id, whoever may see it: it is read-only and is meant for
// aggregated figures, which the caller scopes to what its user may see.
func (s *Service) Facts(ctx context.Context) ([]RequestFact, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.id, r.country, r.status, r.created_at,
		(SELECT min(t.at) FROM advisory_transitions t WHERE t.request_id = r.id AND t.to_status = 'accepted'),
		(SELECT min(t.at) FROM advisory_transitions t WHERE t.request_id = r.id AND t.to_status = 'completed')
		FROM advisory_requests r ORDER BY r.id`)
	out, err := store.Collect(rows, err, func(row store.Scanner) (RequestFact, error) {
		var f RequestFact
		var created string
		var accepted, completed sql.NullString
		if err := row.Scan(&f.ID, &f.Country, &f.Status, &created, &accepted, &completed); err != nil {
			return f, err
		}
		f.SubmittedAt = parseTime(created)
		if accepted.Valid {
			t := parseTime(accepted.String)
			f.AcceptedAt = &t
		}
		if completed.Valid {
			t := parseTime(completed.String)
			f.CompletedAt = &t
		}
		f.Phases = []int{}
		return f, nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: facts: %w", err)
	}
	byID := make(map[int64]int, len(out))
	for i, f := range out {
		byID[f.ID] = i
	}
	rows, err = s.db.R.QueryContext(ctx, "SELECT request_id, code FROM advisory_request_tags WHERE kind = 'phase'")
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var code string
		if err := row.Scan(&id, &code); err != nil {
			return err
		}
		if i, ok := byID[id]; ok {
			if n, err := strconv.Atoi(code); err == nil {
				out[i].Phases = append(out[i].Phases, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: facts: %w", err)
	}
	for i := range out {
		slices.Sort(out[i].Phases)
	}
	return out, nil
}
