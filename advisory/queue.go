package advisory

import (
	"context"
	"fmt"
	"strings"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// The staff's work queue: the open requests, seen as the viewer's own, their team's, nobody's
// yet, or overdue, narrowed by country, state and owner, with how many each view holds.

// Views of the work queue.
const (
	QueueAll        = ""           // every open request
	QueueMine       = "mine"       // owned by the viewer
	QueueTeam       = "team"       // the viewer is on the team (and not the owner)
	QueueUnassigned = "unassigned" // owned by nobody
	QueueOverdue    = "overdue"    // the current step is past its due date
)

// QueueViews lists the views in the order pages show them.
var QueueViews = []string{QueueMine, QueueTeam, QueueUnassigned, QueueOverdue, QueueAll}

// OpenStatuses are the states of a request still being worked on.
var OpenStatuses = []string{StatusSubmitted, StatusUnderReview, StatusAccepted, StatusPlanned, StatusInProgress}

// QueueFilter is what the queue shows; empty fields do not filter.
type QueueFilter struct {
	View    string
	Country string // ISO 3166-1 alpha-2
	Status  string // one of OpenStatuses
	Owner   int64  // a staff account's id; -1 for requests nobody owns
	Limit   int
	Offset  int
}

// Queue is one page of the work queue and how many requests each view holds under the
// same country, state and owner filters.
type Queue struct {
	Items  []*Request     `json:"items"`
	Total  int            `json:"total"`
	Counts map[string]int `json:"counts"` // view → requests
}

const overdueSQL = `((r.status IN ('submitted', 'under_review') AND r.response_due IS NOT NULL AND r.response_due < ?)
	OR (r.status IN ('accepted', 'planned', 'in_progress') AND r.delivery_due IS NOT NULL AND r.delivery_due < ?))`

// viewWhere is the condition of a view for the viewer u.
func (s *Service) viewWhere(view string, u *officials.Official) (string, []any) {
	switch view {
	case QueueMine:
		return "r.owner_id = ?", []any{u.ID}
	case QueueTeam:
		return "(r.owner_id IS NULL OR r.owner_id <> ?) AND EXISTS (SELECT 1 FROM advisory_team t WHERE t.request_id = r.id AND t.official_id = ?)", []any{u.ID, u.ID}
	case QueueUnassigned:
		return "r.owner_id IS NULL", nil
	case QueueOverdue:
		today := s.today()
		return overdueSQL, []any{today, today}
	}
	return "1 = 1", nil
}

// Queue returns the staff's work queue as u (staff) sees it: open requests, those due first
// at the top (requests without a due date last), then the oldest.
func (s *Service) Queue(ctx context.Context, u *officials.Official, f QueueFilter) (*Queue, error) {
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := []string{"r.status IN ('" + strings.Join(OpenStatuses, "', '") + "')"}
	var args []any
	if f.Country != "" {
		where = append(where, "r.country = ?")
		args = append(args, strings.ToUpper(f.Country))
	}
	if f.Status != "" {
		where = append(where, "r.status = ?")
		args = append(args, f.Status)
	}
	switch {
	case f.Owner > 0:
		where = append(where, "r.owner_id = ?")
		args = append(args, f.Owner)
	case f.Owner < 0:
		where = append(where, "r.owner_id IS NULL")
	}
	base := strings.Join(where, " AND ")
	q := &Queue{Counts: map[string]int{}}
	for _, v := range QueueViews {
		cond, vargs := s.viewWhere(v, u)
		var n int
		if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM advisory_requests r WHERE "+base+" AND "+cond,
			append(append([]any{}, args...), vargs...)...).Scan(&n); err != nil {
			return nil, fmt.Errorf("advisory: queue count %s: %w", v, err)
		}
		q.Counts[v] = n
	}
	cond, vargs := s.viewWhere(f.View, u)
	q.Total = q.Counts[f.View]
	due := `CASE WHEN r.status IN ('submitted', 'under_review') THEN r.response_due ELSE r.delivery_due END`
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+requestCols+" FROM advisory_requests r WHERE "+base+" AND "+cond+
		" ORDER BY ("+due+") IS NULL, "+due+", r.id LIMIT ? OFFSET ?",
		append(append(append([]any{}, args...), vargs...), f.Limit, max(0, f.Offset))...)
	items, err := store.Collect(rows, err, s.scanRequest)
	if err != nil {
		return nil, fmt.Errorf("advisory: queue: %w", err)
	}
	if err := s.complete(ctx, s.db.R, items); err != nil {
		return nil, err
	}
	if items == nil {
		items = []*Request{}
	}
	q.Items = items
	return q, nil
}
