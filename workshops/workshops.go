// Package workshops schedules the programme's regional and national workshops, expert-group
// meetings and online sessions: their agenda, the registration of officials (applications,
// focal points' nominations and nomination letters), seat allocation under capacity and
// per-country quotas with an automatic waiting list, attendance by day, calendar feeds,
// Excel lists and the e-mails that tell people where they stand.
package workshops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the zone database, so that host time zones work on machines without one

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// Kinds of workshop.
const (
	KindRegional = "regional"
	KindNational = "national"
	KindExpert   = "expert_meeting"
	KindOnline   = "online"
)

// Kinds lists every kind of workshop.
var Kinds = []string{KindRegional, KindNational, KindExpert, KindOnline}

// Phases are the framework's phases a workshop may serve.
var Phases = []int{1, 2, 3, 4}

// Statuses of a workshop.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusCancelled = "cancelled"
	StatusCompleted = "completed"
)

// Statuses lists every workshop status.
var Statuses = []string{StatusDraft, StatusPublished, StatusCancelled, StatusCompleted}

// DateLayout is how host-local dates are written: start_date, end_date, attendance days.
const DateLayout = "2006-01-02"

// Workshop is a workshop as scheduled, with its agenda and how many seats are taken.
type Workshop struct {
	ID                  int64             `json:"id"`
	Title               map[string]string `json:"title"`
	Description         map[string]string `json:"description"`
	Kind                string            `json:"kind"`
	Phases              []int             `json:"phases"`
	HostCountry         string            `json:"host_country"`
	City                string            `json:"city"`
	Venue               string            `json:"venue"`
	OnlineURL           string            `json:"online_url,omitempty"` // only for those who may join: see LinkVisibleTo
	Timezone            string            `json:"timezone"`
	StartDate           string            `json:"start_date"`
	EndDate             string            `json:"end_date"`
	Languages           []string          `json:"languages"`
	Interpretation      []string          `json:"interpretation"`
	Capacity            int               `json:"capacity"`
	CountryQuota        int               `json:"country_quota"`
	RegistrationOpens   *time.Time        `json:"registration_opens"`
	RegistrationCloses  *time.Time        `json:"registration_closes"`
	Status              string            `json:"status"`
	Hours               float64           `json:"hours"`
	AttendanceThreshold int               `json:"attendance_threshold"`
	OfferHours          int               `json:"offer_hours"`
	ReminderDays        int               `json:"reminder_days"`
	Courses             []string          `json:"courses"`
	Trainers            []int64           `json:"trainers"`
	Sessions            []Session         `json:"sessions"`
	Sequence            int               `json:"sequence"`
	Seats               Seats             `json:"seats"`
	CreatedAt           time.Time         `json:"created_at"`
	UpdatedAt           time.Time         `json:"updated_at"`
}

// Session is one item of the agenda. Its times are instants, shown in the host's zone.
type Session struct {
	ID        int64             `json:"id"`
	StartsAt  time.Time         `json:"starts_at"`
	EndsAt    time.Time         `json:"ends_at"`
	Room      string            `json:"room"`
	Title     map[string]string `json:"title"`
	Speaker   string            `json:"speaker"`
	TrainerID int64             `json:"trainer_id,omitempty"`
}

// Seats counts the registrations of a workshop by what they hold.
type Seats struct {
	Confirmed  int `json:"confirmed"`
	Offered    int `json:"offered"` // held for someone from the waiting list until their deadline
	Pending    int `json:"pending"`
	Waitlisted int `json:"waitlisted"`
	Left       int `json:"left"` // capacity less confirmed and offered seats
}

// TitleIn is the title in lang, falling back to English, Arabic, then French.
func (w *Workshop) TitleIn(lang string) string { return pick(w.Title, lang) }

// DescriptionIn is the description in lang, with the same fallbacks as TitleIn.
func (w *Workshop) DescriptionIn(lang string) string { return pick(w.Description, lang) }

// TitleIn is the session's title in lang, with fallbacks.
func (s Session) TitleIn(lang string) string { return pick(s.Title, lang) }

func pick(m map[string]string, lang string) string {
	for _, l := range []string{lang, "en", "ar", "fr"} {
		if v := m[l]; v != "" {
			return v
		}
	}
	return ""
}

// Location is the host's time zone (UTC if the stored name is unknown).
func (w *Workshop) Location() *time.Location { return location(w.Timezone) }

// Start is the first day's midnight in the host's zone.
func (w *Workshop) Start() time.Time { return dateIn(w.StartDate, w.Location()) }

// End is the instant the last day ends (the next midnight) in the host's zone.
func (w *Workshop) End() time.Time { return dateIn(w.EndDate, w.Location()).AddDate(0, 0, 1) }

// Over is the instant the workshop is over: the end of its last session, or, without an
// agenda, the end of its last day (in the host's zone). Attendance certificates wait for it.
func (w *Workshop) Over() time.Time {
	var last time.Time
	for _, s := range w.Sessions {
		if s.EndsAt.After(last) {
			last = s.EndsAt
		}
	}
	if last.IsZero() {
		return w.End()
	}
	return last.In(w.Location())
}

// Days lists the workshop's host-local dates, first to last.
func (w *Workshop) Days() []string {
	var out []string
	start, err1 := time.Parse(DateLayout, w.StartDate)
	end, err2 := time.Parse(DateLayout, w.EndDate)
	if err1 != nil || err2 != nil {
		return nil
	}
	for d := start; !d.After(end) && len(out) < maxDays; d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(DateLayout))
	}
	return out
}

// HasDay reports whether day (YYYY-MM-DD) is one of the workshop's days.
func (w *Workshop) HasDay(day string) bool {
	return day >= w.StartDate && day <= w.EndDate && validDate(day)
}

// Today is the host-local date at t.
func (w *Workshop) Today(t time.Time) string { return t.In(w.Location()).Format(DateLayout) }

// IsPublic reports whether the public may see the workshop (everything but drafts).
func (w *Workshop) IsPublic() bool { return w.Status != StatusDraft }

// RegistrationOpenAt reports whether officials may apply or be nominated at t.
func (w *Workshop) RegistrationOpenAt(t time.Time) bool {
	if w.Status != StatusPublished || !t.Before(w.Start()) {
		return false
	}
	if w.RegistrationOpens != nil && t.Before(*w.RegistrationOpens) {
		return false
	}
	if w.RegistrationCloses != nil && !t.Before(*w.RegistrationCloses) {
		return false
	}
	return true
}

// HasTrainer reports whether official id is one of the workshop's trainers.
func (w *Workshop) HasTrainer(id int64) bool { return slices.Contains(w.Trainers, id) }

// HasPhase reports whether the workshop serves phase p.
func (w *Workshop) HasPhase(p int) bool { return slices.Contains(w.Phases, p) }

var zones sync.Map // name → *time.Location

func location(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return time.UTC
	}
	zones.Store(name, l)
	return l
}

func dateIn(d string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation(DateLayout, d, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

func validDate(d string) bool {
	t, err := time.Parse(DateLayout, d)
	return err == nil && t.Format(DateLayout) == d
}

// Options configure the service.
type Options struct {
	// BaseURL is the platform's public address, for links in e-mails and calendar entries.
	BaseURL string
	// KnownCourse reports whether a course slug exists, to check linked courses (nil: any).
	KnownCourse func(slug string) bool
	// Clock is the time source (nil: time.Now). Tests move it to expire offers.
	Clock func() time.Time
	Log   *slog.Logger
	// Bus is the platform's cache bus, which the kept country names register on (nil: a bus
	// of its own).
	Bus *cache.Bus
}

// Service runs the workshops' rules against the database.
type Service struct {
	db          *store.DB
	offs        *officials.Service
	mailer      *mail.Mailer
	cat         i18n.Catalogue
	baseURL     string
	knownCourse func(string) bool
	log         *slog.Logger

	// Country names by "ISO/lang", on the countries' topic: a change to the member states
	// (on any instance) drops them with the accounts service's list.
	names *cache.Map[string, string]
	bus   *cache.Bus

	turns turns // see turns; the approvals and other moves of registrations take it

	mu        sync.RWMutex
	clock     func() time.Time
	completed []func(ctx context.Context, workshopID int64)
	changed   []func(ctx context.Context, workshopID int64)
}

// New returns the workshops service. mailer may be nil (no e-mail is then written).
func New(db *store.DB, offs *officials.Service, mailer *mail.Mailer, opts Options) (*Service, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Bus == nil {
		opts.Bus = cache.Local()
	}
	return &Service{bus: opts.Bus, db: db, offs: offs, mailer: mailer, cat: cat, baseURL: strings.TrimRight(opts.BaseURL, "/"),
		knownCourse: opts.KnownCourse, log: opts.Log, clock: opts.Clock,
		names: cache.New[string, string](opts.Bus, cache.Countries, "workshops.country_names", time.Hour, 10_000)}, nil
}

// SetClock replaces the time source (tests use it to move time forward).
func (s *Service) SetClock(f func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil {
		f = time.Now
	}
	s.clock = f
}

// Now is the service's current time, in UTC.
func (s *Service) Now() time.Time {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.clock().UTC()
}

func (s *Service) stamp() string { return store.FormatTime(s.Now()) }

// OnCompleted registers f to run after a workshop is marked completed (certificates hook
// here). f runs after the change is committed, with the workshop's id.
func (s *Service) OnCompleted(f func(ctx context.Context, workshopID int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.completed = append(s.completed, f)
}

func (s *Service) runCompleted(ctx context.Context, id int64) { s.run(ctx, &s.completed, id) }

// OnChanged registers f to run after a workshop is created, edited or changes status (a
// search index or a cache hooks here), with the workshop's id, once the change is committed.
func (s *Service) OnChanged(f func(ctx context.Context, workshopID int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed = append(s.changed, f)
}

// runChanged announces a committed change to workshop id: on the bus first (the calendar's
// kept pages, here and on every instance, are stale from now on), then to the hooks.
func (s *Service) runChanged(ctx context.Context, id int64) {
	s.bus.Invalidate(cache.Workshops, strconv.FormatInt(id, 10))
	s.run(ctx, &s.changed, id)
}

// run calls the hooks of a list with a workshop's id, outside the lock so that a hook may
// use the service.
func (s *Service) run(ctx context.Context, hooks *[]func(context.Context, int64), id int64) {
	s.mu.RLock()
	fs := slices.Clone(*hooks)
	s.mu.RUnlock()
	for _, f := range fs {
		f(ctx, id)
	}
}

// Limits.
const (
	maxDays      = 31
	maxCapacity  = 10000
	maxSessions  = 200
	maxTitle     = 200
	maxText      = 5000
	maxLine      = 200
	maxTrainers  = 50
	maxHours     = 1000
	maxOfferHrs  = 24 * 30
	maxReminder  = 60
	defaultOffer = 72
)

const workshopCols = `id, title_ar, title_en, title_fr, description_ar, description_en, description_fr, kind, phases,
	coalesce(host_country, ''), city, venue, online_url, timezone, start_date, end_date, languages, interpretation,
	capacity, country_quota, registration_opens, registration_closes, status, hours, attendance_threshold,
	offer_hours, reminder_days, courses, sequence, created_at, updated_at`

func scanWorkshop(row interface{ Scan(...any) error }) (*Workshop, error) {
	var (
		w                            Workshop
		tAr, tEn, tFr, dAr, dEn, dFr string
		phases, langs, interp, crs   string
		opens, closes                sql.NullString
		created, updated             string
	)
	err := row.Scan(&w.ID, &tAr, &tEn, &tFr, &dAr, &dEn, &dFr, &w.Kind, &phases, &w.HostCountry, &w.City, &w.Venue,
		&w.OnlineURL, &w.Timezone, &w.StartDate, &w.EndDate, &langs, &interp, &w.Capacity, &w.CountryQuota, &opens, &closes,
		&w.Status, &w.Hours, &w.AttendanceThreshold, &w.OfferHours, &w.ReminderDays, &crs, &w.Sequence, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	w.Title = langMap(tAr, tEn, tFr)
	w.Description = langMap(dAr, dEn, dFr)
	w.Phases = splitInts(phases)
	w.Languages = splitList(langs)
	w.Interpretation = splitList(interp)
	w.Courses = splitList(crs)
	loc := w.Location()
	w.RegistrationOpens = parseNull(opens, loc)
	w.RegistrationCloses = parseNull(closes, loc)
	w.CreatedAt = parseTime(created)
	w.UpdatedAt = parseTime(updated)
	w.Trainers = []int64{}
	w.Sessions = []Session{}
	return &w, nil
}

func langMap(ar, en, fr string) map[string]string {
	m := map[string]string{}
	for l, v := range map[string]string{"ar": ar, "en": en, "fr": fr} {
		if v != "" {
			m[l] = v
		}
	}
	return m
}

func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func splitInts(s string) []int {
	out := []int{}
	for _, p := range splitList(s) {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func parseNull(s sql.NullString, loc *time.Location) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String).In(loc)
	return &t
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return store.FormatTime(*t)
}

// Get returns workshop id with its trainers, agenda and seat counts.
func (s *Service) Get(ctx context.Context, id int64) (*Workshop, error) {
	return s.get(ctx, s.db.R, id)
}

func (s *Service) get(ctx context.Context, q store.Queryer, id int64) (*Workshop, error) {
	return s.load(ctx, q, id, true)
}

// lite loads workshop id without counting its seats, for transactions that count what
// they need themselves.
func (s *Service) lite(ctx context.Context, q store.Queryer, id int64) (*Workshop, error) {
	return s.load(ctx, q, id, false)
}

// bare loads workshop id's own row: no trainers, agenda or seat counts, for a check that
// needs none of them (an application's window and kind, staff's decision on a registration).
func (s *Service) bare(ctx context.Context, q store.Queryer, id int64) (*Workshop, error) {
	w, err := scanWorkshop(q.QueryRowContext(ctx, "SELECT "+workshopCols+" FROM workshops WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("workshops: get %d: %w", id, err)
	}
	return w, nil
}

// Visible returns workshop id as far as needed to tell who may see it: its own row, with
// its trainers only when it is a draft (which staff and its trainers alone see). It has no
// agenda and no seat counts: for a request that acts on the workshop rather than shows it.
func (s *Service) Visible(ctx context.Context, id int64) (*Workshop, error) {
	w, err := s.bare(ctx, s.db.R, id)
	if err != nil || w.IsPublic() {
		return w, err
	}
	return s.lite(ctx, s.db.R, id)
}

func (s *Service) load(ctx context.Context, q store.Queryer, id int64, seats bool) (*Workshop, error) {
	w, err := s.bare(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := s.fill(ctx, q, []*Workshop{w}, seats); err != nil {
		return nil, err
	}
	return w, nil
}

// fill loads the trainers and sessions of ws, and their seat counts when seats is set.
func (s *Service) fill(ctx context.Context, q store.Queryer, ws []*Workshop, seats bool) error {
	if len(ws) == 0 {
		return nil
	}
	byID := make(map[int64]*Workshop, len(ws))
	args := make([]any, len(ws))
	for i, w := range ws {
		byID[w.ID] = w
		args[i] = w.ID
	}
	in := "(?" + strings.Repeat(", ?", len(ws)-1) + ")"
	rows, err := q.QueryContext(ctx, "SELECT workshop_id, official_id FROM workshop_trainers WHERE workshop_id IN "+in+" ORDER BY official_id", args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var wid, oid int64
		if err := row.Scan(&wid, &oid); err != nil {
			return err
		}
		byID[wid].Trainers = append(byID[wid].Trainers, oid)
		return nil
	})
	if err != nil {
		return fmt.Errorf("workshops: trainers: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT workshop_id, id, starts_at, ends_at, room, title_ar, title_en, title_fr, speaker,
		coalesce(trainer_id, 0) FROM workshop_sessions WHERE workshop_id IN `+in+` ORDER BY starts_at, id`, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var wid int64
		var se Session
		var st, en, tAr, tEn, tFr string
		if err := row.Scan(&wid, &se.ID, &st, &en, &se.Room, &tAr, &tEn, &tFr, &se.Speaker, &se.TrainerID); err != nil {
			return err
		}
		w := byID[wid]
		loc := w.Location()
		se.StartsAt, se.EndsAt = parseTime(st).In(loc), parseTime(en).In(loc)
		se.Title = langMap(tAr, tEn, tFr)
		w.Sessions = append(w.Sessions, se)
		return nil
	})
	if err != nil {
		return fmt.Errorf("workshops: sessions: %w", err)
	}
	if !seats {
		return nil
	}
	rows, err = q.QueryContext(ctx, `SELECT workshop_id, status, count(*) FROM registrations WHERE workshop_id IN `+in+`
		GROUP BY workshop_id, status`, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var wid int64
		var st string
		var n int
		if err := row.Scan(&wid, &st, &n); err != nil {
			return err
		}
		se := &byID[wid].Seats
		switch st {
		case RegConfirmed:
			se.Confirmed = n
		case RegOffered:
			se.Offered = n
		case RegPending:
			se.Pending = n
		case RegWaitlisted:
			se.Waitlisted = n
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("workshops: seats: %w", err)
	}
	for _, w := range ws {
		w.Seats.Left = max(0, w.Capacity-w.Seats.Confirmed-w.Seats.Offered)
	}
	return nil
}

// Filter narrows the list of workshops; zero fields do not filter.
type Filter struct {
	Country  string   // host country
	Kind     string   // one of Kinds
	Phase    int      // 1–4
	Month    string   // YYYY-MM: workshops with a day in that month
	Statuses []string // default: every status but draft
	Trainer  int64    // workshops this official trains at
	Upcoming *bool    // true: not yet ended; false: ended (host-local dates, compared with the service clock)
	Limit    int
}

// List returns the workshops matching f, soonest first (past ones latest first).
func (s *Service) List(ctx context.Context, f Filter) ([]*Workshop, error) {
	var where []string
	var args []any
	sts := f.Statuses
	if len(sts) == 0 {
		sts = []string{StatusPublished, StatusCancelled, StatusCompleted}
	}
	where = append(where, "status IN (?"+strings.Repeat(", ?", len(sts)-1)+")")
	for _, st := range sts {
		args = append(args, st)
	}
	if f.Country != "" {
		where = append(where, "host_country = ?")
		args = append(args, f.Country)
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.Phase != 0 {
		where = append(where, "(',' || phases || ',') LIKE ?")
		args = append(args, "%,"+strconv.Itoa(f.Phase)+",%")
	}
	if f.Month != "" {
		m, err := time.Parse("2006-01", f.Month)
		if err == nil {
			first := m.Format(DateLayout)
			last := m.AddDate(0, 1, -1).Format(DateLayout)
			where = append(where, "start_date <= ? AND end_date >= ?")
			args = append(args, last, first)
		}
	}
	if f.Trainer != 0 {
		where = append(where, "id IN (SELECT workshop_id FROM workshop_trainers WHERE official_id = ?)")
		args = append(args, f.Trainer)
	}
	order := " ORDER BY start_date, id"
	if f.Upcoming != nil && !*f.Upcoming {
		order = " ORDER BY start_date DESC, id DESC"
	}
	now := s.Now()
	out := []*Workshop{}
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+workshopCols+" FROM workshops WHERE "+strings.Join(where, " AND ")+order, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		w, err := scanWorkshop(row)
		if err != nil {
			return err
		}
		if f.Upcoming != nil && (w.EndDate >= w.Today(now)) != *f.Upcoming {
			return nil
		}
		out = append(out, w)
		if f.Limit > 0 && len(out) >= f.Limit {
			return store.ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: list: %w", err)
	}
	if err := s.fill(ctx, s.db.R, out, true); err != nil {
		return nil, err
	}
	return out, nil
}
