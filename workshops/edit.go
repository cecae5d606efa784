package workshops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

func subject(id int64) string { return "workshop:" + strconv.FormatInt(id, 10) }

// Create schedules a new workshop, as a draft.
func (s *Service) Create(ctx context.Context, actor audit.Actor, in Input) (*Workshop, error) {
	r, err := s.check(ctx, in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var by any
		if actor.ID != 0 {
			by = actor.ID
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO workshops(title_ar, title_en, title_fr, description_ar, description_en,
			description_fr, kind, phases, host_country, city, venue, online_url, timezone, start_date, end_date, languages,
			interpretation, capacity, country_quota, registration_opens, registration_closes, status, hours,
			attendance_threshold, offer_hours, reminder_days, courses, sequence, created_by, created_at, updated_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
			r.Title["ar"], r.Title["en"], r.Title["fr"], r.Description["ar"], r.Description["en"], r.Description["fr"],
			r.Kind, joinInts(r.Phases), nullStr(r.HostCountry), r.City, r.Venue, r.OnlineURL, r.Timezone, r.StartDate, r.EndDate,
			strings.Join(r.Languages, ","), strings.Join(r.Interpretation, ","), r.Capacity, r.CountryQuota,
			nullTime(r.opens), nullTime(r.closes), r.Hours, r.threshold, r.offer, r.rem, strings.Join(r.Courses, ","),
			by, now, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("workshops: create: %w", err)
		}
		if err := s.saveParts(ctx, tx, id, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "workshop.create", subject(id), "status", "", StatusDraft)
	})
	if err != nil {
		return nil, err
	}
	s.runChanged(ctx, id)
	return s.Get(ctx, id)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// saveParts writes the trainers and the agenda of workshop id: sessions named by id are
// kept (updated), new ones added, the others removed. A session given without an id that
// matches one already there (same times and title, else same title, else same start) keeps
// that one's id, so that its calendar entry keeps its UID when a whole agenda is replaced
// through the API. Removed sessions are remembered, to be sent to calendars as cancelled.
func (s *Service) saveParts(ctx context.Context, tx *sql.Tx, id int64, r *record) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_trainers WHERE workshop_id = ?", id); err != nil {
		return fmt.Errorf("workshops: trainers: %w", err)
	}
	for _, t := range r.Trainers {
		if _, err := tx.ExecContext(ctx, "INSERT INTO workshop_trainers(workshop_id, official_id) VALUES(?, ?)", id, t); err != nil {
			return fmt.Errorf("workshops: trainers: %w", err)
		}
	}
	type existing struct {
		id         int64
		start, end string
		title      string
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, starts_at, ends_at, title_ar FROM workshop_sessions WHERE workshop_id = ? ORDER BY starts_at, id", id)
	olds, err := store.Collect(rows, err, func(row store.Scanner) (existing, error) {
		var e existing
		err := row.Scan(&e.id, &e.start, &e.end, &e.title)
		return e, err
	})
	if err != nil {
		return fmt.Errorf("workshops: sessions of %d: %w", id, err)
	}
	claimed := map[int64]bool{}
	for _, se := range r.sessions {
		if se.ID != 0 {
			claimed[se.ID] = true
		}
	}
	for _, same := range []func(e existing, se sessionRecord) bool{
		func(e existing, se sessionRecord) bool {
			return e.start == store.FormatTime(se.start) && e.end == store.FormatTime(se.end) && e.title == se.Title["ar"]
		},
		func(e existing, se sessionRecord) bool { return e.title == se.Title["ar"] },
		func(e existing, se sessionRecord) bool { return e.start == store.FormatTime(se.start) },
	} {
		for i := range r.sessions {
			se := &r.sessions[i]
			if se.ID != 0 {
				continue
			}
			for _, e := range olds {
				if !claimed[e.id] && same(e, *se) {
					se.ID, claimed[e.id] = e.id, true
					break
				}
			}
		}
	}
	keep := map[int64]bool{}
	for _, se := range r.sessions {
		var trainer any
		if se.TrainerID != 0 {
			trainer = se.TrainerID
		}
		if se.ID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE workshop_sessions SET starts_at = ?, ends_at = ?, room = ?, title_ar = ?,
				title_en = ?, title_fr = ?, speaker = ?, trainer_id = ? WHERE id = ? AND workshop_id = ?`,
				store.FormatTime(se.start), store.FormatTime(se.end), se.Room, se.Title["ar"], se.Title["en"], se.Title["fr"],
				se.Speaker, trainer, se.ID, id)
			if err != nil {
				return fmt.Errorf("workshops: session: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				keep[se.ID] = true
				continue
			}
		}
		// A new id beyond every id used, removed ones included: a UID is never reused.
		if err := s.lockSessionIDs(ctx, tx); err != nil {
			return err
		}
		var sid int64
		err := tx.QueryRowContext(ctx, `INSERT INTO workshop_sessions(id, workshop_id, starts_at, ends_at, room, title_ar, title_en,
			title_fr, speaker, trainer_id) VALUES((SELECT coalesce(max(id), 0) + 1 FROM (SELECT id FROM workshop_sessions
			UNION ALL SELECT id FROM workshop_sessions_removed) AS used), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, store.FormatTime(se.start), store.FormatTime(se.end), se.Room, se.Title["ar"], se.Title["en"], se.Title["fr"],
			se.Speaker, trainer).Scan(&sid)
		if err != nil {
			return fmt.Errorf("workshops: session: %w", err)
		}
		keep[sid] = true
	}
	for _, e := range olds {
		if keep[e.id] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workshop_sessions_removed(id, workshop_id, starts_at, ends_at, title_ar,
			title_en, title_fr, removed_at) SELECT id, workshop_id, starts_at, ends_at, title_ar, title_en, title_fr, ?
			FROM workshop_sessions WHERE id = ?`, s.stamp(), e.id); err != nil {
			return fmt.Errorf("workshops: remove session %d: %w", e.id, err)
		}
		if err := detachSession(ctx, tx, e.id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_sessions WHERE id = ?", e.id); err != nil {
			return fmt.Errorf("workshops: remove session %d: %w", e.id, err)
		}
	}
	return nil
}

// Update replaces the workshop's details with in. Every changed field is recorded; when
// what a calendar shows changed, the calendar SEQUENCE goes up; when the dates, times or
// place changed, everyone holding or awaiting a seat is told, in the same transaction.
// Seats freed by a larger capacity go to the waiting list. A save that changes nothing
// changes nothing, not even the SEQUENCE.
func (s *Service) Update(ctx context.Context, actor audit.Actor, id int64, in Input) (*Workshop, error) {
	r, err := s.check(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The capacity and quota checks below count seats that approvals may be taking.
		if err := s.lockWorkshop(ctx, tx, id); err != nil {
			return err
		}
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Status == StatusCancelled || old.Status == StatusCompleted {
			return problem.New(http.StatusConflict, "workshop_closed", "workshops.error.workshop_closed")
		}
		if r.Capacity < old.Seats.Confirmed+old.Seats.Offered {
			return fieldsErr("capacity", "workshops.field.capacity.below_confirmed")
		}
		if err := s.checkQuotaHeld(ctx, tx, id, r.Kind, r.CountryQuota); err != nil {
			return err
		}
		if r.Kind == KindNational && old.Kind != KindNational {
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM registrations WHERE workshop_id = ? AND country <> ?
				AND status IN ('pending', 'confirmed', 'waitlisted', 'offered')`, id, r.HostCountry).Scan(&others); err != nil {
				return err
			}
			if others > 0 {
				return fieldsErr("kind", "workshops.field.kind.national_others")
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE workshops SET title_ar = ?, title_en = ?, title_fr = ?, description_ar = ?,
			description_en = ?, description_fr = ?, kind = ?, phases = ?, host_country = ?, city = ?, venue = ?, online_url = ?,
			timezone = ?, start_date = ?, end_date = ?, languages = ?, interpretation = ?, capacity = ?, country_quota = ?,
			registration_opens = ?, registration_closes = ?, hours = ?, attendance_threshold = ?, offer_hours = ?,
			reminder_days = ?, courses = ? WHERE id = ?`,
			r.Title["ar"], r.Title["en"], r.Title["fr"], r.Description["ar"], r.Description["en"], r.Description["fr"],
			r.Kind, joinInts(r.Phases), nullStr(r.HostCountry), r.City, r.Venue, r.OnlineURL, r.Timezone, r.StartDate, r.EndDate,
			strings.Join(r.Languages, ","), strings.Join(r.Interpretation, ","), r.Capacity, r.CountryQuota,
			nullTime(r.opens), nullTime(r.closes), r.Hours, r.threshold, r.offer, r.rem, strings.Join(r.Courses, ","),
			id)
		if err != nil {
			return fmt.Errorf("workshops: update %d: %w", id, err)
		}
		if err := s.saveParts(ctx, tx, id, r); err != nil {
			return err
		}
		changed, err := recordChanges(ctx, tx, actor, old, r)
		if err != nil {
			return err
		}
		nw, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if cal := calendarDiffers(old, nw); changed || cal {
			bump := 0
			if cal {
				bump = 1
			}
			if _, err := tx.ExecContext(ctx, "UPDATE workshops SET sequence = sequence + ?, updated_at = ? WHERE id = ?",
				bump, s.stamp(), id); err != nil {
				return fmt.Errorf("workshops: update %d: %w", id, err)
			}
			if nw, err = s.get(ctx, tx, id); err != nil {
				return err
			}
			if err := s.notifyChanged(ctx, tx, old, nw); err != nil {
				return err
			}
		}
		if r.Capacity > old.Capacity || r.CountryQuota > old.CountryQuota || (old.CountryQuota > 0 && r.CountryQuota == 0) {
			return s.promote(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.runChanged(ctx, id)
	return s.Get(ctx, id)
}

// recordChanges writes one audit entry per changed field and reports whether there was any.
func recordChanges(ctx context.Context, tx *sql.Tx, actor audit.Actor, old *Workshop, r *record) (bool, error) {
	fmtT := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return store.FormatTime(*t)
	}
	oldIn := old.Input()
	newAgenda := make([]string, 0, len(r.sessions))
	for _, se := range r.sessions {
		newAgenda = append(newAgenda, store.FormatTime(se.start)+" "+pick(se.Title, "ar"))
	}
	oldAgenda := make([]string, 0, len(old.Sessions))
	for _, se := range old.Sessions {
		oldAgenda = append(oldAgenda, store.FormatTime(se.StartsAt)+" "+pick(se.Title, "ar"))
	}
	ints := func(ns []int64) string {
		parts := make([]string, len(ns))
		for i, n := range ns {
			parts[i] = strconv.FormatInt(n, 10)
		}
		return strings.Join(parts, ",")
	}
	changes := [][3]string{
		{"title_ar", old.Title["ar"], r.Title["ar"]}, {"title_en", old.Title["en"], r.Title["en"]}, {"title_fr", old.Title["fr"], r.Title["fr"]},
		{"description_ar", old.Description["ar"], r.Description["ar"]}, {"description_en", old.Description["en"], r.Description["en"]},
		{"description_fr", old.Description["fr"], r.Description["fr"]},
		{"kind", old.Kind, r.Kind}, {"phases", joinInts(old.Phases), joinInts(r.Phases)}, {"host_country", old.HostCountry, r.HostCountry},
		{"city", old.City, r.City}, {"venue", old.Venue, r.Venue}, {"online_url", old.OnlineURL, r.OnlineURL},
		{"timezone", old.Timezone, r.Timezone}, {"start_date", old.StartDate, r.StartDate}, {"end_date", old.EndDate, r.EndDate},
		{"languages", strings.Join(old.Languages, ","), strings.Join(r.Languages, ",")},
		{"interpretation", strings.Join(old.Interpretation, ","), strings.Join(r.Interpretation, ",")},
		{"capacity", strconv.Itoa(old.Capacity), strconv.Itoa(r.Capacity)},
		{"country_quota", strconv.Itoa(old.CountryQuota), strconv.Itoa(r.CountryQuota)},
		{"registration_opens", fmtT(old.RegistrationOpens), fmtT(r.opens)},
		{"registration_closes", fmtT(old.RegistrationCloses), fmtT(r.closes)},
		{"hours", strconv.FormatFloat(old.Hours, 'f', -1, 64), strconv.FormatFloat(r.Hours, 'f', -1, 64)},
		{"attendance_threshold", strconv.Itoa(old.AttendanceThreshold), strconv.Itoa(r.threshold)},
		{"offer_hours", strconv.Itoa(old.OfferHours), strconv.Itoa(r.offer)},
		{"reminder_days", strconv.Itoa(old.ReminderDays), strconv.Itoa(r.rem)},
		{"courses", strings.Join(oldIn.Courses, ","), strings.Join(r.Courses, ",")},
		{"trainers", ints(old.Trainers), ints(r.Trainers)},
		{"sessions", strings.Join(oldAgenda, "; "), strings.Join(newAgenda, "; ")},
	}
	found := false
	for _, ch := range changes {
		if ch[1] != ch[2] {
			found = true
			if err := audit.Record(ctx, tx, actor, "workshop.edit", subject(old.ID), ch[0], ch[1], ch[2]); err != nil {
				return false, err
			}
		}
	}
	return found, nil
}

// calendarDiffers reports whether a calendar entry of the workshop (or of an agenda item)
// would show something else after the change from a to b.
func calendarDiffers(a, b *Workshop) bool {
	if !maps.Equal(a.Title, b.Title) || !maps.Equal(a.Description, b.Description) || a.Kind != b.Kind ||
		a.HostCountry != b.HostCountry || a.City != b.City || a.Venue != b.Venue || a.OnlineURL != b.OnlineURL ||
		a.Timezone != b.Timezone || a.StartDate != b.StartDate || a.EndDate != b.EndDate || len(a.Sessions) != len(b.Sessions) {
		return true
	}
	for i, x := range a.Sessions {
		y := b.Sessions[i]
		if x.ID != y.ID || !x.StartsAt.Equal(y.StartsAt) || !x.EndsAt.Equal(y.EndsAt) || x.Room != y.Room ||
			!maps.Equal(x.Title, y.Title) || x.Speaker != y.Speaker {
			return true
		}
	}
	return false
}

// workshopMoves are the status changes staff may make.
var workshopMoves = map[string][]string{
	StatusDraft:     {StatusPublished, StatusCancelled},
	StatusPublished: {StatusCancelled, StatusCompleted},
}

// CanMove reports whether a workshop in status from may be moved to status to.
func CanMove(from, to string) bool { return slices.Contains(workshopMoves[from], to) }

// SetStatus publishes, cancels or completes workshop id. Cancelling tells everyone still
// registered; completing runs the OnCompleted hooks after the commit.
func (s *Service) SetStatus(ctx context.Context, actor audit.Actor, id int64, status string) (*Workshop, error) {
	if !slices.Contains(Statuses, status) {
		return nil, fieldsErr("status", "field.choose")
	}
	changed := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Once only: of two staff completing (or cancelling) at the same moment, one changes
		// the status and runs the hooks, the other finds it done.
		if err := s.lockWorkshop(ctx, tx, id); err != nil {
			return err
		}
		w, err := s.lite(ctx, tx, id)
		if err != nil {
			return err
		}
		if w.Status == status {
			return nil
		}
		if !CanMove(w.Status, status) {
			return problem.New(http.StatusConflict, "invalid_transition", "workshops.error.workshop_move")
		}
		if status == StatusCompleted && s.Now().Before(w.Start()) {
			return problem.New(http.StatusConflict, "not_started", "workshops.error.not_started")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE workshops SET status = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
			status, s.stamp(), id); err != nil {
			return fmt.Errorf("workshops: status %d: %w", id, err)
		}
		if err := audit.Record(ctx, tx, actor, "workshop.status", subject(id), "status", w.Status, status); err != nil {
			return err
		}
		changed = true
		if status == StatusCancelled {
			w.Status = status
			w.Sequence++
			return s.notifyCalledOff(ctx, tx, w)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if changed {
		s.runChanged(ctx, id)
	}
	if changed && status == StatusCompleted {
		s.runCompleted(ctx, id)
	}
	return s.Get(ctx, id)
}

// Warning is a conflict worth a second look that does not stop a save: a double-booked
// trainer or venue, a session outside the workshop's days.
type Warning struct {
	Code string `json:"code"` // session_outside_dates, session_time_ambiguous, trainer_double_booked, trainer_sessions_overlap, venue_double_booked
	Key  string `json:"-"`    // catalogue key of the message
	Args []any  `json:"-"`    // its placeholders, as name/value pairs
}

// Conflicts lists the warnings about workshop w; names and titles are given in lang.
func (s *Service) Conflicts(ctx context.Context, w *Workshop, lang string) ([]Warning, error) {
	out := []Warning{}
	loc := w.Location()
	for i, se := range w.Sessions {
		d1 := se.StartsAt.In(loc).Format(DateLayout)
		d2 := se.EndsAt.Add(-time.Nanosecond).In(loc).Format(DateLayout)
		if d1 < w.StartDate || d2 > w.EndDate {
			out = append(out, Warning{Code: "session_outside_dates", Key: "workshops.warn.session_outside",
				Args: []any{"n", i + 1, "title", se.TitleIn(lang)}})
		}
		// A local time that happens twice (clocks going back): say which one was taken.
		for _, t := range []time.Time{se.StartsAt, se.EndsAt} {
			l := t.In(loc)
			naive := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
			if twice := WallInstants(naive, loc); len(twice) == 2 {
				which := "workshops.warn.time_twice.first"
				if t.Equal(twice[1]) {
					which = "workshops.warn.time_twice.second"
				}
				out = append(out, Warning{Code: "session_time_ambiguous", Key: which,
					Args: []any{"n", i + 1, "title", se.TitleIn(lang), "time", l.Format("15:04"), "offset", Isolate(lang, UTCOffset(l))}})
				break
			}
		}
	}
	if w.Status == StatusCancelled {
		return out, nil
	}
	trainers := slices.Clone(w.Trainers)
	for _, se := range w.Sessions {
		if se.TrainerID != 0 && !slices.Contains(trainers, se.TrainerID) {
			trainers = append(trainers, se.TrainerID)
		}
	}
	for _, t := range trainers {
		// Each workshop once without DISTINCT (the trainer's workshops are found by IN), so
		// that PostgreSQL may order by a column not selected.
		rows, err := s.db.R.QueryContext(ctx, `SELECT w.id FROM workshops w
			WHERE w.id <> ? AND w.status <> 'cancelled' AND w.start_date <= ? AND w.end_date >= ?
			AND (w.id IN (SELECT workshop_id FROM workshop_trainers WHERE official_id = ?)
			     OR w.id IN (SELECT workshop_id FROM workshop_sessions WHERE trainer_id = ?)) ORDER BY w.start_date, w.id`,
			w.ID, w.EndDate, w.StartDate, t, t)
		others, err := store.Collect(rows, err, store.Column[int64])
		if err != nil {
			return nil, fmt.Errorf("workshops: conflicts: %w", err)
		}
		name := s.personName(ctx, t, lang)
		for _, oid := range others {
			other, err := s.Get(ctx, oid)
			if errors.Is(err, store.ErrNotFound) {
				continue // gone since the query
			}
			if err != nil {
				return nil, err
			}
			out = append(out, Warning{Code: "trainer_double_booked", Key: "workshops.warn.trainer_double_booked",
				Args: []any{"name", name, "title", other.TitleIn(lang), "dates", FormatDateRange(lang, other.StartDate, other.EndDate)}})
		}
	}
	// One trainer in two overlapping sessions of this workshop.
	for i, a := range w.Sessions {
		for j := i + 1; j < len(w.Sessions); j++ {
			b := w.Sessions[j]
			if a.TrainerID != 0 && a.TrainerID == b.TrainerID && a.StartsAt.Before(b.EndsAt) && b.StartsAt.Before(a.EndsAt) {
				out = append(out, Warning{Code: "trainer_sessions_overlap", Key: "workshops.warn.trainer_sessions_overlap",
					Args: []any{"name", s.personName(ctx, a.TrainerID, lang), "a", i + 1, "b", j + 1}})
			}
		}
	}
	if w.Venue != "" && w.HostCountry != "" {
		rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM workshops WHERE id <> ? AND status <> 'cancelled'
			AND host_country = ? AND lower(city) = lower(?) AND lower(venue) = lower(?) AND start_date <= ? AND end_date >= ?
			ORDER BY start_date`, w.ID, w.HostCountry, w.City, w.Venue, w.EndDate, w.StartDate)
		others, err := store.Collect(rows, err, store.Column[int64])
		if err != nil {
			return nil, fmt.Errorf("workshops: conflicts: %w", err)
		}
		for _, oid := range others {
			other, err := s.Get(ctx, oid)
			if errors.Is(err, store.ErrNotFound) {
				continue // gone since the query
			}
			if err != nil {
				return nil, err
			}
			out = append(out, Warning{Code: "venue_double_booked", Key: "workshops.warn.venue_double_booked",
				Args: []any{"venue", w.Venue, "title", other.TitleIn(lang), "dates", FormatDateRange(lang, other.StartDate, other.EndDate)}})
		}
	}
	return out, nil
}

func (s *Service) personName(ctx context.Context, id int64, lang string) string {
	o, err := s.offs.Get(ctx, id)
	if err != nil {
		return "#" + strconv.FormatInt(id, 10)
	}
	return o.DisplayName(lang)
}

// checkQuotaHeld refuses a country quota lower than the seats one country already holds
// (confirmed, or offered and not expired), as the capacity is refused below all seats held.
// The message names the country (its code, which web shows by name) and its seats.
func (s *Service) checkQuotaHeld(ctx context.Context, tx *sql.Tx, id int64, kind string, quota int) error {
	if kind == KindNational || quota <= 0 {
		return nil
	}
	var country string
	var held int
	err := tx.QueryRowContext(ctx, `SELECT country, count(*) AS n FROM registrations WHERE workshop_id = ?
		AND (status = 'confirmed' OR (status = 'offered' AND offer_expires_at > ?))
		GROUP BY country ORDER BY n DESC, country LIMIT 1`, id, s.stamp()).Scan(&country, &held)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("workshops: seats held per country: %w", err)
	}
	if quota >= held {
		return nil
	}
	return &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "workshops.field.country_quota.below_confirmed",
		Args: []any{"country", country, "n", held}, Fields: map[string]string{"country_quota": "workshops.field.country_quota.below_confirmed"}}
}
