package workshops

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// fillAttendance loads the days each registration of workshop wid was checked in.
func (s *Service) fillAttendance(ctx context.Context, q store.Queryer, wid int64, regs []*Registration) error {
	if len(regs) == 0 {
		return nil
	}
	byID := make(map[int64]*Registration, len(regs))
	for _, r := range regs {
		byID[r.ID] = r
	}
	query := `SELECT a.registration_id, a.day FROM attendance a JOIN registrations r ON r.id = a.registration_id
		WHERE r.workshop_id = ? ORDER BY a.day`
	args := []any{wid}
	if len(regs) == 1 {
		query = "SELECT registration_id, day FROM attendance WHERE registration_id = ? ORDER BY day"
		args = []any{regs[0].ID}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var day string
		if err := row.Scan(&id, &day); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Attended = append(r.Attended, day)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("workshops: attendance of %d: %w", wid, err)
	}
	return nil
}

// Rate is the share of w's days that r attended, 0 to 1.
func (r *Registration) Rate(w *Workshop) float64 {
	days := len(w.Days())
	if days == 0 {
		return 0
	}
	n := 0
	for _, d := range r.Attended {
		if w.HasDay(d) {
			n++
		}
	}
	return float64(n) / float64(days)
}

// AttendedOn reports whether r was checked in on day.
func (r *Registration) AttendedOn(day string) bool {
	for _, d := range r.Attended {
		if d == day {
			return true
		}
	}
	return false
}

// DefaultAttendanceThreshold is the share of a workshop's days, in percent, that a confirmed
// participant attends to earn its certificate of attendance, unless staff set another.
const DefaultAttendanceThreshold = 75

// Threshold is the workshop's attendance threshold in percent: its own, or
// DefaultAttendanceThreshold for a workshop that has none (0).
func (w *Workshop) Threshold() int {
	if w.AttendanceThreshold <= 0 {
		return DefaultAttendanceThreshold
	}
	return w.AttendanceThreshold
}

// MeetsThreshold reports whether a participant who attended rate (0 to 1) of the workshop's
// days earns its certificate of attendance. A small tolerance lets 3 days of 4 meet 75 %
// whatever the rounding of the rate.
func (w *Workshop) MeetsThreshold(rate float64) bool {
	return rate*100+1e-9 >= float64(w.Threshold())
}

// EarnedAttendance is who earns the certificate of attendance of w among its confirmed
// participants, given their rates (AttendanceRates), in no particular order.
func (w *Workshop) EarnedAttendance(rates map[int64]float64) []int64 {
	var earned []int64
	for official, rate := range rates {
		if w.MeetsThreshold(rate) {
			earned = append(earned, official)
		}
	}
	return earned
}

// CertificatesFrom is when the workshop's attendance certificates may be issued in bulk:
// once its last session has ended, or at once when staff have marked it completed (they may
// close a workshop whose last day was called off; marking it completed issues its
// certificates).
func (w *Workshop) CertificatesFrom() time.Time {
	if w.Status == StatusCompleted {
		return time.Time{}
	}
	return w.Over()
}

// AttendanceRates maps each confirmed participant of workshop wid (by official id) to the
// share of the workshop's days they attended, 0 to 1. Certificates of attendance use it
// with the workshop's attendance_threshold.
func (s *Service) AttendanceRates(ctx context.Context, wid int64) (map[int64]float64, error) {
	w, err := s.Get(ctx, wid)
	if err != nil {
		return nil, err
	}
	regs, err := s.Registrations(ctx, wid, RegFilter{Status: RegConfirmed})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]float64, len(regs))
	for _, r := range regs {
		out[r.OfficialID] = r.Rate(w)
	}
	return out, nil
}

// ErrNotCheckable is returned when someone who has no confirmed seat is checked in.
var ErrNotCheckable = problem.New(409, "not_confirmed", "workshops.error.not_confirmed")

// ErrCheckInCancelled is returned when someone is checked in at a cancelled workshop: its
// tickets (and their QR codes) no longer admit anyone.
var ErrCheckInCancelled = problem.New(409, "workshop_cancelled", "workshops.error.checkin_cancelled")

// ErrTicketVoid is returned when a cancelled or rejected registration's ticket is checked in.
var ErrTicketVoid = problem.New(409, "ticket_void", "workshops.error.ticket_void")

// TicketValid reports whether r's ticket admits its holder to w: a confirmed seat at a
// workshop that was not cancelled.
func (r *Registration) TicketValid(w *Workshop) bool {
	return r.Status == RegConfirmed && w.Status != StatusCancelled
}

// TicketVoid reports whether r's ticket was valid once and no longer is: the workshop was
// cancelled, or the registration was cancelled or rejected.
func (r *Registration) TicketVoid(w *Workshop) bool {
	return w.Status == StatusCancelled || r.Status == RegCancelled || r.Status == RegRejected
}

// CheckIn records (present) or removes (!present) registration id's attendance at workshop
// wid on day, for who: staff or one of the workshop's trainers. Only confirmed participants
// are checked in, on the workshop's own days.
func (s *Service) CheckIn(ctx context.Context, who *officials.Official, wid, id int64, day string, present bool) (*Registration, error) {
	if err := s.RecordAttendance(ctx, who, wid, day, []int64{id}, present); err != nil {
		return nil, err
	}
	return s.Registration(ctx, id)
}

// RecordAttendance marks every registration of ids present (or absent) at workshop wid on
// day, in one transaction: all of them or, if one cannot be, none.
func (s *Service) RecordAttendance(ctx context.Context, who *officials.Official, wid int64, day string, ids []int64, present bool) error {
	w, err := s.Get(ctx, wid)
	if err != nil {
		return err
	}
	if !CanTakeAttendance(who, w) {
		if w.IsPublic() && who != nil {
			return problem.Forbidden
		}
		return problem.NotFound
	}
	if w.Status == StatusCancelled {
		return ErrCheckInCancelled
	}
	if !w.HasDay(day) {
		return fieldsErr("day", "workshops.field.day.invalid")
	}
	if day > w.Today(s.Now()) {
		return fieldsErr("day", "workshops.field.day.future")
	}
	if w.Status != StatusPublished && w.Status != StatusCompleted {
		return ErrWorkshopOver
	}
	actor := audit.Actor{ID: who.ID, Email: who.Email}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Only a confirmed seat is checked in: a cancellation must not slip in between the
		// status read and the check-in.
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		for _, id := range ids {
			var status string
			err := tx.QueryRowContext(ctx, "SELECT status FROM registrations WHERE id = ? AND workshop_id = ?", id, wid).Scan(&status)
			if err == sql.ErrNoRows {
				return problem.NotFound
			}
			if err != nil {
				return err
			}
			if status == RegCancelled || status == RegRejected {
				return ErrTicketVoid
			}
			if status != RegConfirmed {
				return ErrNotCheckable
			}
			var res sql.Result
			action := "attendance.check_in"
			if present {
				res, err = tx.ExecContext(ctx, `INSERT INTO attendance(registration_id, day, checked_in_at, checked_in_by) VALUES(?, ?, ?, ?)
					ON CONFLICT(registration_id, day) DO NOTHING`, id, day, s.stamp(), nullID(who.ID))
			} else {
				action = "attendance.undo"
				res, err = tx.ExecContext(ctx, "DELETE FROM attendance WHERE registration_id = ? AND day = ?", id, day)
			}
			if err != nil {
				return fmt.Errorf("workshops: attendance: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // already so
			}
			from, to := "absent", "present"
			if !present {
				from, to = to, from
			}
			if err := audit.Record(ctx, tx, actor, action, regSubject(id), day, from, to); err != nil {
				return err
			}
		}
		return nil
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ByTicket returns the registration of workshop wid with the ticket code (typed in any case,
// with or without dashes).
func (s *Service) ByTicket(ctx context.Context, wid int64, code string) (*Registration, error) {
	code = NormaliseTicket(strings.TrimSpace(code))
	if len(code) != 10 {
		return nil, store.ErrNotFound
	}
	r, err := scanReg(s.db.R.QueryRowContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.workshop_id = ? AND r.ticket = ?", wid, code))
	if err != nil {
		return nil, err
	}
	if err := s.fillAttendance(ctx, s.db.R, wid, []*Registration{r}); err != nil {
		return nil, err
	}
	return r, nil
}
