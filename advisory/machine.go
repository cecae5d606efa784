package advisory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// The states of a request.
const (
	StatusSubmitted   = "submitted"
	StatusUnderReview = "under_review"
	StatusAccepted    = "accepted"
	StatusDeclined    = "declined"
	StatusPlanned     = "planned"
	StatusInProgress  = "in_progress"
	StatusCompleted   = "completed"
	StatusWithdrawn   = "withdrawn"
)

// Statuses lists every state, in workflow order.
var Statuses = []string{StatusSubmitted, StatusUnderReview, StatusAccepted, StatusDeclined, StatusPlanned,
	StatusInProgress, StatusCompleted, StatusWithdrawn}

// IsTerminal reports whether a state ends the workflow.
func IsTerminal(status string) bool {
	return status == StatusDeclined || status == StatusCompleted || status == StatusWithdrawn
}

// Party is the side a person takes on a request.
type Party int

// The parties.
const (
	// PartyNone may not see the request at all (another country's focal point, an official,
	// a trainer, an anonymous visitor).
	PartyNone Party = iota
	// PartyCountry is a focal point of the request's country.
	PartyCountry
	// PartyStaff is the programme's staff (staff and admins).
	PartyStaff
)

// PartyOf is the side u takes on a request of country.
func PartyOf(u *officials.Official, country string) Party {
	switch {
	case u.IsStaff():
		return PartyStaff
	case u.IsFocalPoint() && u.Country != "" && u.Country == country:
		return PartyCountry
	}
	return PartyNone
}

// Edge is one move of the workflow: from a state to another, by one party.
type Edge struct {
	From, To       string
	By             Party
	ReasonRequired bool
}

// Edges is the whole workflow. Staff triage, accept or decline (with a reason), plan, start
// and complete, and reopen a request completed by mistake (with a reason); the country may
// withdraw its request at any point before it ends. Besides its party, a move may need a
// step of the lifecycle done first (checkPreconditions): planning needs terms of reference
// the country agreed to, starting needs a mission, completing needs every deliverable
// delivered.
var Edges = []Edge{
	{From: StatusSubmitted, To: StatusUnderReview, By: PartyStaff},
	{From: StatusUnderReview, To: StatusAccepted, By: PartyStaff},
	{From: StatusUnderReview, To: StatusDeclined, By: PartyStaff, ReasonRequired: true},
	{From: StatusAccepted, To: StatusPlanned, By: PartyStaff},
	{From: StatusPlanned, To: StatusInProgress, By: PartyStaff},
	{From: StatusInProgress, To: StatusCompleted, By: PartyStaff},
	{From: StatusSubmitted, To: StatusWithdrawn, By: PartyCountry},
	{From: StatusUnderReview, To: StatusWithdrawn, By: PartyCountry},
	{From: StatusAccepted, To: StatusWithdrawn, By: PartyCountry},
	{From: StatusPlanned, To: StatusWithdrawn, By: PartyCountry},
	{From: StatusInProgress, To: StatusWithdrawn, By: PartyCountry},
	// Reopening a request completed by mistake: back to work, with the reason recorded.
	{From: StatusCompleted, To: StatusInProgress, By: PartyStaff, ReasonRequired: true},
}

// Errors of the workflow. Their codes are stable: API clients rely on them.
var (
	// ErrTransitionForbidden: the workflow has no move from the request's state to the one
	// asked for, whoever asks (409).
	ErrTransitionForbidden = problem.New(http.StatusConflict, "transition_forbidden", "advisory.error.transition_forbidden")
	// ErrTransitionNotAllowed: the move exists but belongs to the other party (403).
	ErrTransitionNotAllowed = problem.New(http.StatusForbidden, "transition_not_allowed", "advisory.error.transition_not_allowed")
	// ErrLeadExpertRequired: a request is planned only once someone answers for it: a staff
	// owner or, for an outside expert, the lead expert's name (409).
	ErrLeadExpertRequired = problem.New(http.StatusConflict, "lead_expert_required", "advisory.error.lead_expert_required")
)

// edge finds the workflow's move from one state to another.
func edge(from, to string) (Edge, bool) {
	for _, e := range Edges {
		if e.From == from && e.To == to {
			return e, true
		}
	}
	return Edge{}, false
}

// CheckTransition says whether u may move a request of country from state from to state to:
// nil when allowed; problem.NotFound when u may not see the request; a 422 on the field "to"
// for an unknown state; ErrTransitionForbidden (409) when the workflow has no such move;
// ErrTransitionNotAllowed (403) when the move belongs to the other party. The reason is
// checked separately (CheckReason).
func CheckTransition(u *officials.Official, country, from, to string) error {
	p := PartyOf(u, country)
	if p == PartyNone {
		return problem.NotFound
	}
	if !slices.Contains(Statuses, to) {
		return problem.Fields{"to": "advisory.field.to.invalid"}.Err()
	}
	e, ok := edge(from, to)
	if !ok {
		return ErrTransitionForbidden
	}
	if e.By != p {
		return ErrTransitionNotAllowed
	}
	return nil
}

// CheckReason refuses a move that needs a reason (declining) when none is given.
func CheckReason(from, to, reason string) error {
	f := problem.Fields{}
	if e, ok := edge(from, to); ok && e.ReasonRequired && reason == "" {
		f.Add("reason", "advisory.field.reason.required")
	}
	textProblem(f, "reason", reason, MaxReason, false)
	return f.Err()
}

// Moves lists the states u may move a request to from where it stands.
func Moves(u *officials.Official, r *Request) []Edge {
	p := PartyOf(u, r.Country)
	var out []Edge
	for _, e := range Edges {
		if e.From == r.Status && e.By == p && p != PartyNone {
			out = append(out, e)
		}
	}
	return out
}

// Transition moves request id to state to, on behalf of u, with a reason (required to
// decline). The change is recorded in the request's history and the audit log, and the
// requester and the country's focal points are e-mailed in their own language, all in one
// transaction.
func (s *Service) Transition(ctx context.Context, u *officials.Official, id int64, to, reason string) (*Request, error) {
	reason = cleanText(reason)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.lockedGet(ctx, tx, id)
		if errors.Is(err, store.ErrNotFound) {
			return problem.NotFound
		}
		if err != nil {
			return err
		}
		if err := CheckTransition(u, r.Country, r.Status, to); err != nil {
			return err
		}
		if err := CheckReason(r.Status, to, reason); err != nil {
			return err
		}
		if to == StatusPlanned && r.Owner == nil && r.LeadExpert == "" {
			return ErrLeadExpertRequired
		}
		if err := checkPreconditions(ctx, tx, r, to); err != nil {
			return err
		}
		now := store.Now()
		res, err := tx.ExecContext(ctx, "UPDATE advisory_requests SET status = ?, updated_at = ? WHERE id = ? AND status = ?", to, now, id, r.Status)
		if err != nil {
			return fmt.Errorf("advisory: transition %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrTransitionForbidden
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_transitions(request_id, from_status, to_status, reason, actor_id, at)
			VALUES(?, ?, ?, ?, ?, ?)`, id, r.Status, to, reason, u.ID, now); err != nil {
			return fmt.Errorf("advisory: transition %d: %w", id, err)
		}
		if err := audit.Record(ctx, tx, actorOf(u), "advisory.transition", subjectOf(id), "status", r.Status, to); err != nil {
			return err
		}
		if err := s.afterTransition(ctx, tx, id, r.Status, to); err != nil {
			return err
		}
		from := r.Status
		r.Status = to
		return s.notify(ctx, tx, r, u, "advisory_status", map[string]string{"from": from, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.db.R, id)
}

// Transition is one change of state in a request's history.
type Transition struct {
	From   string    `json:"from"` // "" for the submission
	To     string    `json:"to"`
	Reason string    `json:"reason"`
	Actor  Person    `json:"actor"`
	At     time.Time `json:"at"`
}

// History lists the request's changes of state, oldest first. u must be able to see it.
func (s *Service) History(ctx context.Context, u *officials.Official, id int64) ([]Transition, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT from_status, to_status, reason, coalesce(actor_id, 0), at
		FROM advisory_transitions WHERE request_id = ? ORDER BY id`, id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Transition, error) {
		var t Transition
		var at string
		err := row.Scan(&t.From, &t.To, &t.Reason, &t.Actor.ID, &at)
		t.At = parseTime(at)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: history %d: %w", id, err)
	}
	people := s.people(ctx)
	for i := range out {
		out[i].Actor = people(out[i].Actor.ID)
	}
	return out, nil
}
