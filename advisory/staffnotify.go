package advisory

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// Staff hear of a request through its owner and team: they are told of the country's
// messages and of due dates coming and passed. A request nobody owns yet goes to the intake:
// the staff accounts configured for it (Settings.Intake), or every staff account when none
// is. Every such mail is in the "advisory" category, which a person may turn off.

// staffOf returns the live owner and team of r, or — when it has none left — the intake;
// never the actor, each once.
func (s *Service) staffOf(ctx context.Context, r *Request, actor *officials.Official) ([]*officials.Official, error) {
	var ids []int64
	if r.Owner != nil {
		ids = append(ids, r.Owner.ID)
	}
	for _, p := range r.Team {
		ids = append(ids, p.ID)
	}
	var out []*officials.Official
	seen := map[int64]bool{}
	if actor != nil {
		seen[actor.ID] = true
	}
	add := func(o *officials.Official) {
		if o == nil || seen[o.ID] || o.DeletedAt != nil || o.Email == "" || !o.IsStaff() {
			return
		}
		seen[o.ID] = true
		out = append(out, o)
	}
	for _, id := range ids {
		if o, err := s.officials.Get(ctx, id); err == nil {
			add(o)
		}
	}
	if len(out) > 0 || len(ids) > 0 && actor != nil && slices.Contains(ids, actor.ID) {
		return out, nil
	}
	// Nobody on the request (or nobody left: accounts deleted since): the intake.
	all, err := s.StaffMembers(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if len(s.intake) == 0 && o.Role == officials.RoleStaff || slices.Contains(s.intake, strings.ToLower(o.Email)) {
			add(o)
		}
	}
	return out, nil
}

// staffMail queues one advisory mail to each of to about r, in their own language.
func (s *Service) staffMail(ctx context.Context, q store.Queryer, r *Request, to []*officials.Official, actor *officials.Official,
	template string, extra func(o *officials.Official, l string, data map[string]any)) error {
	if len(to) == 0 {
		return nil
	}
	country, err := s.officials.Country(ctx, r.Country)
	if err != nil {
		return fmt.Errorf("advisory: country %s: %w", r.Country, err)
	}
	for _, o := range to {
		l := o.Language
		data := map[string]any{"ID": r.ID, "Country": country.Name(l), "RequestingBody": r.RequestingBody,
			"Link": s.baseURL + "/" + l + "/advisory/" + strconv.FormatInt(r.ID, 10), "Gender": o.Gender}
		if actor != nil {
			by := actor.DisplayName(l)
			if actor.IsStaff() {
				by = s.cat.T(l, "advisory.mail.by_staff", "name", by)
			}
			data["By"], data["ByGender"] = by, actor.Gender
		}
		if extra != nil {
			extra(o, l, data)
		}
		if _, err := s.mailer.Enqueue(ctx, q, mail.Message{To: o.Email, Name: o.DisplayName(l), Lang: l, Template: template, Data: data}); err != nil {
			return fmt.Errorf("advisory: tell %s of request %d: %w", o.Email, r.ID, err)
		}
	}
	return nil
}

// notifyStaffNew tells the intake of a new request.
func (s *Service) notifyStaffNew(ctx context.Context, tx *sql.Tx, r *Request, actor *officials.Official) error {
	to, err := s.staffOf(ctx, r, actor)
	if err != nil {
		return err
	}
	return s.staffMail(ctx, tx, r, to, actor, "advisory_staff_new", func(_ *officials.Official, l string, data map[string]any) {
		data["Due"] = r.ResponseDue
	})
}

// notifyStaffComment tells the request's staff of a message from the country.
func (s *Service) notifyStaffComment(ctx context.Context, tx *sql.Tx, r *Request, actor *officials.Official, body string) error {
	to, err := s.staffOf(ctx, r, actor)
	if err != nil {
		return err
	}
	return s.staffMail(ctx, tx, r, to, actor, "advisory_comment", func(_ *officials.Official, _ string, data map[string]any) {
		data["Comment"] = body
	})
}

// notifyGiven tells the staff accounts ids that request r was given to them, as its owner
// or on its team.
func (s *Service) notifyGiven(ctx context.Context, tx *sql.Tx, r *Request, actor *officials.Official, ids []int64) error {
	var to []*officials.Official
	for _, id := range ids {
		if id == actor.ID {
			continue
		}
		if o, err := s.officials.Get(ctx, id); err == nil && o.DeletedAt == nil && o.Email != "" {
			to = append(to, o)
		}
	}
	return s.staffMail(ctx, tx, r, to, actor, "advisory_staff_assigned", func(o *officials.Official, l string, data map[string]any) {
		data["Owner"] = r.Owner != nil && r.Owner.ID == o.ID
		data["Due"] = r.DueDate()
	})
}

// dateOf reads a YYYY-MM-DD date; the zero time for "" or a bad one.
func dateOf(s string) time.Time {
	t, _ := time.Parse(DateLayout, s)
	return t
}

// DueSoonDays is how many days ahead of a due date the request's staff are reminded of it.
const DueSoonDays = 3

// RemindDue tells the staff of each open request whose current due date is near (within
// DueSoonDays) or passed, once per due date and kind, and returns how many requests were
// reminded. It is run periodically; a mail sent is recorded with it in one transaction.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	today := s.today()
	soon := dateOf(today).AddDate(0, 0, DueSoonDays).Format(DateLayout)
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM advisory_requests r
		WHERE (status IN ('submitted', 'under_review') AND response_due IS NOT NULL AND response_due <= ?)
		   OR (status IN ('accepted', 'planned', 'in_progress') AND delivery_due IS NOT NULL AND delivery_due <= ?)
		ORDER BY id`, soon, soon)
	ids, err := store.Collect(rows, err, func(row store.Scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("advisory: due requests: %w", err)
	}
	n := 0
	for _, id := range ids {
		sent := false
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			r, err := s.lockedGet(ctx, tx, id)
			if err != nil {
				return err
			}
			due := r.DueDate()
			if due == "" || due > soon {
				return nil
			}
			kind := "coming"
			if due < today {
				kind = "passed"
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO advisory_due_notices(request_id, kind, due, sent_at) VALUES(?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, id, kind, due, store.Now())
			if err != nil {
				return fmt.Errorf("advisory: due notice of %d: %w", id, err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			to, err := s.staffOf(ctx, r, nil)
			if err != nil {
				return err
			}
			sent = true
			step := "response"
			if r.Status != StatusSubmitted && r.Status != StatusUnderReview {
				step = "delivery"
			}
			return s.staffMail(ctx, tx, r, to, nil, "advisory_due", func(_ *officials.Official, l string, data map[string]any) {
				data["Due"] = due
				data["Passed"] = kind == "passed"
				data["Step"] = step
			})
		})
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

// RunDueReminders runs RemindDue at start and then at every interval until ctx ends.
func (s *Service) RunDueReminders(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.RemindDue(ctx); err != nil && ctx.Err() == nil {
			log.Error("advisory due reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
