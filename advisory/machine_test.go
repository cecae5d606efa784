package advisory

import (
	"errors"
	"net/http"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// TestCheckTransitionTable checks every move from every state to every state, for every kind
// of user, against the workflow of the issue written out by hand.
func TestCheckTransitionTable(t *testing.T) {
	users := map[string]*officials.Official{
		"focal point of the country":     {ID: 1, Role: officials.RoleFocalPoint, Country: "JO"},
		"focal point of another country": {ID: 2, Role: officials.RoleFocalPoint, Country: "TN"},
		"staff":                          {ID: 3, Role: officials.RoleStaff},
		"admin":                          {ID: 4, Role: officials.RoleAdmin},
		"official":                       {ID: 5, Role: officials.RoleOfficial, Country: "JO"},
		"trainer":                        {ID: 6, Role: officials.RoleTrainer, Country: "JO"},
		"anonymous":                      nil,
	}
	type move struct{ from, to string }
	staffMoves := map[move]bool{{"submitted", "under_review"}: true, {"under_review", "accepted"}: true,
		{"under_review", "declined"}: true, {"accepted", "planned"}: true, {"planned", "in_progress"}: true,
		{"in_progress", "completed"}: true, {"completed", "in_progress"}: true}
	countryMoves := map[move]bool{{"submitted", "withdrawn"}: true, {"under_review", "withdrawn"}: true,
		{"accepted", "withdrawn"}: true, {"planned", "withdrawn"}: true, {"in_progress", "withdrawn"}: true}
	n := 0
	for name, u := range users {
		for _, from := range Statuses {
			for _, to := range Statuses {
				m := move{from, to}
				var want error
				switch {
				case name != "staff" && name != "admin" && name != "focal point of the country":
					want = problem.NotFound
				case !staffMoves[m] && !countryMoves[m]:
					want = ErrTransitionForbidden
				case staffMoves[m] && name == "focal point of the country", countryMoves[m] && name != "focal point of the country":
					want = ErrTransitionNotAllowed
				}
				got := CheckTransition(u, "JO", from, to)
				if !errors.Is(got, want) {
					t.Errorf("%s: %s → %s = %v, want %v", name, from, to, got, want)
				}
				n++
			}
		}
	}
	if n != 7*8*8 {
		t.Errorf("checked %d cases", n)
	}
	// Codes and statuses API clients rely on.
	for err, want := range map[*problem.Error][2]any{
		ErrTransitionForbidden:  {http.StatusConflict, "transition_forbidden"},
		ErrTransitionNotAllowed: {http.StatusForbidden, "transition_not_allowed"},
		ErrLeadExpertRequired:   {http.StatusConflict, "lead_expert_required"},
		ErrTorNotAgreed:         {http.StatusConflict, "tor_not_agreed"},
		ErrMissionRequired:      {http.StatusConflict, "mission_required"},
		ErrDeliverablesOpen:     {http.StatusConflict, "deliverables_open"},
		ErrStepNotNow:           {http.StatusConflict, "step_not_possible"},
		ErrTorNotPending:        {http.StatusConflict, "tor_not_pending"},
		ErrDeliverableMove:      {http.StatusConflict, "deliverable_move_forbidden"},
		ErrFollowUpNotDue:       {http.StatusConflict, "followup_not_open"},
	} {
		if err.Status != want[0] || err.Code != want[1] {
			t.Errorf("%s: %d %s", err.Code, err.Status, err.Code)
		}
	}
	// An unknown state is a mistake in the field "to", for those who may see the request.
	if p, ok := problem.As(CheckTransition(users["staff"], "JO", StatusSubmitted, "approved")); !ok || p.Fields["to"] == "" {
		t.Errorf("unknown state: %v", p)
	}
	if !errors.Is(CheckTransition(users["focal point of another country"], "JO", StatusSubmitted, "approved"), problem.NotFound) {
		t.Error("another country's focal point learns more than 404")
	}
}

func TestCheckReason(t *testing.T) {
	for _, tc := range []struct {
		from, to, reason string
		ok               bool
	}{
		{StatusUnderReview, StatusDeclined, "", false},
		{StatusUnderReview, StatusDeclined, "Outside this year's work plan.", true},
		{StatusSubmitted, StatusWithdrawn, "", true},
		{StatusUnderReview, StatusAccepted, "", true},
		{StatusUnderReview, StatusDeclined, string(make([]byte, MaxReason+1)), false},
		// Reopening a completed request needs a reason, the way declining does.
		{StatusCompleted, StatusInProgress, "", false},
		{StatusCompleted, StatusInProgress, "Completed by mistake: the second mission is still to come.", true},
		{StatusPlanned, StatusInProgress, "", true},
	} {
		if err := CheckReason(tc.from, tc.to, tc.reason); (err == nil) != tc.ok {
			t.Errorf("%s → %s with %d characters: %v", tc.from, tc.to, len(tc.reason), err)
		}
	}
}

func TestMovesOffered(t *testing.T) {
	fp := &officials.Official{Role: officials.RoleFocalPoint, Country: "JO"}
	staff := &officials.Official{Role: officials.RoleStaff}
	r := &Request{Country: "JO", Status: StatusUnderReview}
	var got []string
	for _, e := range Moves(staff, r) {
		got = append(got, e.To)
	}
	if len(got) != 2 || got[0] != StatusAccepted || got[1] != StatusDeclined {
		t.Errorf("staff moves from under review: %v", got)
	}
	if m := Moves(fp, r); len(m) != 1 || m[0].To != StatusWithdrawn {
		t.Errorf("country moves from under review: %v", m)
	}
	r.Status = StatusCompleted
	if m := Moves(fp, r); len(m) != 0 {
		t.Errorf("moves from completed: %v", m)
	}
	if m := Moves(staff, r); len(m) != 1 || m[0].To != StatusInProgress || !m[0].ReasonRequired {
		t.Errorf("staff moves from completed: %v, want reopening with a reason", m)
	}
	other := &officials.Official{Role: officials.RoleFocalPoint, Country: "TN"}
	r.Status = StatusSubmitted
	if m := Moves(other, r); len(m) != 0 {
		t.Errorf("another country's moves: %v", m)
	}
}
