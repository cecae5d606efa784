package advisory

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// A request is owned by a staff account, who answers for it, helped by a team of other staff
// accounts. The free-text lead expert stays beside them: it may name an outside expert.

// MaxTeam is how many staff accounts a request's team may hold besides its owner.
const MaxTeam = 20

// StaffMembers lists the live staff accounts (staff and admins) that may own a request or
// be on its team, by name.
func (s *Service) StaffMembers(ctx context.Context) ([]*officials.Official, error) {
	var out []*officials.Official
	for _, role := range []string{officials.RoleStaff, officials.RoleAdmin} {
		os, _, err := s.officials.List(ctx, officials.Filter{Role: role, Limit: 500})
		if err != nil {
			return nil, fmt.Errorf("advisory: staff accounts: %w", err)
		}
		for _, o := range os {
			if o.DeletedAt == nil {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b *officials.Official) int { return strings.Compare(a.DisplayName("en"), b.DisplayName("en")) })
	return out, nil
}

// loadStaffing fills the owner and team of the requests.
func (s *Service) loadStaffing(ctx context.Context, q store.Queryer, rs []*Request) error {
	if len(rs) == 0 {
		return nil
	}
	byID, in, args := requestSet(rs)
	for _, r := range rs {
		r.Team = []Person{}
	}
	people := s.people(ctx)
	rows, err := q.QueryContext(ctx, "SELECT id, owner_id FROM advisory_requests WHERE owner_id IS NOT NULL AND id IN "+in, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id, owner int64
		if err := row.Scan(&id, &owner); err != nil {
			return err
		}
		p := people(owner)
		byID[id].Owner = &p
		return nil
	})
	if err != nil {
		return fmt.Errorf("advisory: owners: %w", err)
	}
	rows, err = q.QueryContext(ctx, "SELECT request_id, official_id FROM advisory_team WHERE request_id IN "+in+" ORDER BY request_id, added_at, official_id", args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id, who int64
		if err := row.Scan(&id, &who); err != nil {
			return err
		}
		byID[id].Team = append(byID[id].Team, people(who))
		return nil
	})
	if err != nil {
		return fmt.Errorf("advisory: teams: %w", err)
	}
	rows, err = q.QueryContext(ctx, "SELECT id, response_due_note FROM advisory_requests WHERE response_due_note <> '' AND id IN "+in, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var note string
		if err := row.Scan(&id, &note); err != nil {
			return err
		}
		byID[id].ResponseDueNote = note
		return nil
	})
	if err != nil {
		return fmt.Errorf("advisory: due notes: %w", err)
	}
	return nil
}

// Staffing is who works on a request: its owner (0 for nobody) and team.
type Staffing struct {
	OwnerID int64   `json:"owner_id"`
	Team    []int64 `json:"team"`
}

// SetStaffing sets the owner and team of request id (staff only). Both must be live staff
// accounts; the owner is not counted in the team. Each change is audited, and the people
// newly given the request are told by e-mail.
func (s *Service) SetStaffing(ctx context.Context, u *officials.Official, id int64, st Staffing) (*Request, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	f := problem.Fields{}
	var team []int64
	for _, m := range st.Team {
		if m != st.OwnerID && m > 0 && !slices.Contains(team, m) {
			team = append(team, m)
		}
	}
	if len(team) > MaxTeam {
		f.Add("team", "advisory.field.team.too_many")
	}
	isStaff := func(who int64) bool {
		o, err := s.officials.Get(ctx, who)
		return err == nil && o.IsStaff() && o.DeletedAt == nil
	}
	if st.OwnerID < 0 || st.OwnerID > 0 && !isStaff(st.OwnerID) {
		f.Add("owner_id", "advisory.field.owner.invalid")
	}
	for _, m := range team {
		if !isStaff(m) {
			f.Add("team", "advisory.field.team.invalid")
			break
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Terminal() {
			return ErrClosed
		}
		var oldOwner int64
		if old.Owner != nil {
			oldOwner = old.Owner.ID
		}
		var oldTeam []int64
		for _, p := range old.Team {
			oldTeam = append(oldTeam, p.ID)
		}
		now := store.Now()
		if oldOwner != st.OwnerID {
			var owner any
			if st.OwnerID > 0 {
				owner = st.OwnerID
			}
			if _, err := tx.ExecContext(ctx, "UPDATE advisory_requests SET owner_id = ?, updated_at = ? WHERE id = ?", owner, now, id); err != nil {
				return fmt.Errorf("advisory: set owner of %d: %w", id, err)
			}
			if err := audit.Record(ctx, tx, actorOf(u), "advisory.owner", subjectOf(id), "owner_id", idText(oldOwner), idText(st.OwnerID)); err != nil {
				return err
			}
		}
		var added []int64
		for _, m := range team {
			if slices.Contains(oldTeam, m) {
				continue
			}
			added = append(added, m)
			if _, err := tx.ExecContext(ctx, "INSERT INTO advisory_team(request_id, official_id, added_at) VALUES(?, ?, ?)", id, m, now); err != nil {
				return fmt.Errorf("advisory: add %d to the team of %d: %w", m, id, err)
			}
			if err := audit.Record(ctx, tx, actorOf(u), "advisory.team", subjectOf(id), "team", "", idText(m)); err != nil {
				return err
			}
		}
		for _, m := range oldTeam {
			if slices.Contains(team, m) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM advisory_team WHERE request_id = ? AND official_id = ?", id, m); err != nil {
				return fmt.Errorf("advisory: remove %d from the team of %d: %w", m, id, err)
			}
			if err := audit.Record(ctx, tx, actorOf(u), "advisory.team", subjectOf(id), "team", idText(m), ""); err != nil {
				return err
			}
		}
		r, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		var told []int64
		if st.OwnerID > 0 && st.OwnerID != oldOwner {
			told = append(told, st.OwnerID)
		}
		told = append(told, added...)
		return s.notifyGiven(ctx, tx, r, u, told)
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.db.R, id)
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// IsOnRequest reports whether u owns request r or is on its team.
func (r *Request) IsOnRequest(u *officials.Official) bool {
	if u == nil {
		return false
	}
	if r.Owner != nil && r.Owner.ID == u.ID {
		return true
	}
	for _, p := range r.Team {
		if p.ID == u.ID {
			return true
		}
	}
	return false
}
