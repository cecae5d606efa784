package workshops

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Input is what staff type to schedule or change a workshop. Times without an offset
// (registration_opens, sessions' starts_at…) are the host's local time; dates are
// YYYY-MM-DD in the host's calendar.
type Input struct {
	Title               map[string]string `json:"title"`
	Description         map[string]string `json:"description"`
	Kind                string            `json:"kind"`
	Phases              []int             `json:"phases"`
	HostCountry         string            `json:"host_country"`
	City                string            `json:"city"`
	Venue               string            `json:"venue"`
	OnlineURL           string            `json:"online_url"`
	Timezone            string            `json:"timezone"`
	StartDate           string            `json:"start_date"`
	EndDate             string            `json:"end_date"`
	Languages           []string          `json:"languages"`
	Interpretation      []string          `json:"interpretation"`
	Capacity            int               `json:"capacity"`
	CountryQuota        int               `json:"country_quota"`
	RegistrationOpens   string            `json:"registration_opens"`
	RegistrationCloses  string            `json:"registration_closes"`
	Hours               float64           `json:"hours"`
	AttendanceThreshold *int              `json:"attendance_threshold"` // nil: 75
	OfferHours          *int              `json:"offer_hours"`          // nil: 72
	ReminderDays        *int              `json:"reminder_days"`        // nil: 7
	Courses             []string          `json:"courses"`
	Trainers            []int64           `json:"trainers"`
	Sessions            []SessionInput    `json:"sessions"`
}

// SessionInput is one agenda item as typed. ID names an existing session to keep (so that
// its calendar entry keeps its identity); 0 adds one.
type SessionInput struct {
	ID        int64             `json:"id"`
	StartsAt  string            `json:"starts_at"`
	EndsAt    string            `json:"ends_at"`
	Room      string            `json:"room"`
	Title     map[string]string `json:"title"`
	Speaker   string            `json:"speaker"`
	TrainerID int64             `json:"trainer_id"`
}

// LocalLayout is how local times are written in forms and accepted by the API
// (as by <input type="datetime-local">).
const LocalLayout = "2006-01-02T15:04"

// Input returns the workshop as the input that would recreate it: the starting point of an
// edit form or of a partial update.
func (w *Workshop) Input() Input {
	loc := w.Location()
	in := Input{
		Title: copyMap(w.Title), Description: copyMap(w.Description), Kind: w.Kind, Phases: slices.Clone(w.Phases),
		HostCountry: w.HostCountry, City: w.City, Venue: w.Venue, OnlineURL: w.OnlineURL, Timezone: w.Timezone,
		StartDate: w.StartDate, EndDate: w.EndDate, Languages: slices.Clone(w.Languages), Interpretation: slices.Clone(w.Interpretation),
		Capacity: w.Capacity, CountryQuota: w.CountryQuota, Hours: w.Hours, Courses: slices.Clone(w.Courses), Trainers: slices.Clone(w.Trainers),
	}
	th, oh, rd := w.AttendanceThreshold, w.OfferHours, w.ReminderDays
	in.AttendanceThreshold, in.OfferHours, in.ReminderDays = &th, &oh, &rd
	if w.RegistrationOpens != nil {
		in.RegistrationOpens = w.RegistrationOpens.In(loc).Format(LocalLayout)
	}
	if w.RegistrationCloses != nil {
		in.RegistrationCloses = w.RegistrationCloses.In(loc).Format(LocalLayout)
	}
	for _, se := range w.Sessions {
		in.Sessions = append(in.Sessions, SessionInput{ID: se.ID, StartsAt: se.StartsAt.In(loc).Format(LocalLayout),
			EndsAt: se.EndsAt.In(loc).Format(LocalLayout), Room: se.Room, Title: copyMap(se.Title), Speaker: se.Speaker, TrainerID: se.TrainerID})
	}
	return in
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// line tidies a one-line text: NFC, single spaces.
func line(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// para tidies a multi-line text: NFC, Windows line ends, trimmed.
func para(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(norm.NFC.String(s), "\r\n", "\n"))
}

// Clean trims and normalises the typed values.
func (in *Input) Clean() {
	clean := func(m map[string]string, f func(string) string) map[string]string {
		out := map[string]string{}
		for _, l := range []string{"ar", "en", "fr"} {
			if v := f(m[l]); v != "" {
				out[l] = v
			}
		}
		return out
	}
	in.Title = clean(in.Title, line)
	in.Description = clean(in.Description, para)
	in.Kind = strings.TrimSpace(in.Kind)
	in.HostCountry = strings.ToUpper(strings.TrimSpace(in.HostCountry))
	in.City, in.Venue = line(in.City), line(in.Venue)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	in.Timezone = strings.TrimSpace(in.Timezone)
	in.StartDate, in.EndDate = strings.TrimSpace(in.StartDate), strings.TrimSpace(in.EndDate)
	in.RegistrationOpens, in.RegistrationCloses = strings.TrimSpace(in.RegistrationOpens), strings.TrimSpace(in.RegistrationCloses)
	slices.Sort(in.Phases)
	in.Phases = slices.Compact(in.Phases)
	in.Languages = cleanCodes(in.Languages)
	in.Interpretation = cleanCodes(in.Interpretation)
	in.Courses = cleanCodes(in.Courses)
	slices.Sort(in.Trainers)
	in.Trainers = slices.Compact(in.Trainers)
	for i := range in.Sessions {
		se := &in.Sessions[i]
		se.StartsAt, se.EndsAt = strings.TrimSpace(se.StartsAt), strings.TrimSpace(se.EndsAt)
		se.Room, se.Speaker = line(se.Room), line(se.Speaker)
		se.Title = clean(se.Title, line)
	}
}

func cleanCodes(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Empty reports whether a session row of a form was left blank.
func (se SessionInput) Empty() bool {
	return se.StartsAt == "" && se.EndsAt == "" && se.Room == "" && se.Speaker == "" && pick(se.Title, "ar") == ""
}

// parseLocal reads a time typed in the host's zone ("2026-03-10T09:00"), or an instant with
// an offset (RFC 3339).
func parseLocal(s string, loc *time.Location) (time.Time, bool) {
	t, kind, ok := parseWall(s, loc)
	return t, ok && kind != wallMissing
}

// Kinds of local time, as daylight saving makes them.
const (
	wallOK      = iota
	wallMissing // the clock jumps over it that day: it does not exist
	wallTwice   // the clock goes back over it: it happens twice; the first is taken
)

// parseWall reads a time like parseLocal and tells whether the local time exists once,
// not at all (a spring-forward gap) or twice (a fall-back overlap, when the earlier instant
// is returned). An instant with an offset is always wallOK.
func parseWall(s string, loc *time.Location) (time.Time, int, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, wallOK, true
	}
	for _, layout := range []string{LocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		naive, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		found := WallInstants(naive, loc)
		switch len(found) {
		case 0:
			t, _ := time.ParseInLocation(layout, s, loc)
			return t, wallMissing, true
		case 1:
			return found[0], wallOK, true
		default:
			return found[0], wallTwice, true
		}
	}
	return time.Time{}, wallOK, false
}

// parseNaive reads a local time without its zone.
func parseNaive(s string) (time.Time, bool) {
	for _, layout := range []string{LocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// WallInstants lists, earliest first, the instants at which the clocks of loc show the wall
// time of naive (read as UTC): none inside a daylight-saving gap, two inside an overlap.
func WallInstants(naive time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Duration{-26 * time.Hour, -6 * time.Hour, 0, 6 * time.Hour, 26 * time.Hour} {
		_, off := naive.Add(probe).In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		cand := naive.Add(-time.Duration(off) * time.Second)
		l := cand.In(loc)
		if l.Year() == naive.Year() && l.YearDay() == naive.YearDay() && l.Hour() == naive.Hour() && l.Minute() == naive.Minute() && l.Second() == naive.Second() {
			out = append(out, cand)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// inWindow reports whether day (YYYY-MM-DD) lies between one year before now and ten years
// after it: a workshop is scheduled in that window, and a calendar cannot write year 10000.
func inWindow(day string, now time.Time) bool {
	t, err := time.Parse(DateLayout, day)
	if err != nil {
		return false
	}
	today, _ := time.Parse(DateLayout, now.UTC().Format(DateLayout))
	return !t.Before(today.AddDate(-1, 0, 0)) && !t.After(today.AddDate(10, 0, 0))
}

// record is a checked input, ready to store.
type record struct {
	Input
	loc                   *time.Location
	opens, closes         *time.Time
	threshold, offer, rem int
	sessions              []sessionRecord
}

type sessionRecord struct {
	SessionInput
	start, end time.Time
}

func hasControl(s string, allowNewlines bool) bool {
	for _, r := range s {
		if allowNewlines && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return true
		}
	}
	return false
}

func checkText(f problem.Fields, field, v string, maxLen int, required, multiline bool) {
	switch {
	case v == "" && required:
		f.Add(field, "field.required")
	case hasControl(v, multiline):
		f.Add(field, "field.control")
	case utf8.RuneCountInString(v) > maxLen:
		f.Add(field, "field.too_long")
	}
}

// check validates in and resolves what it names: the host's zone, the local times, the
// trainers. Every problem found is reported at once, keyed by field.
func (s *Service) check(ctx context.Context, in Input) (*record, error) {
	in.Clean()
	f := problem.Fields{}
	r := &record{Input: in}
	checkText(f, "title_ar", in.Title["ar"], maxTitle, true, false)
	checkText(f, "title_en", in.Title["en"], maxTitle, true, false)
	checkText(f, "title_fr", in.Title["fr"], maxTitle, false, false)
	for _, l := range []string{"ar", "en", "fr"} {
		checkText(f, "description_"+l, in.Description[l], maxText, false, true)
	}
	if !slices.Contains(Kinds, in.Kind) {
		f.Add("kind", "field.choose")
	}
	if len(in.Phases) == 0 {
		f.Add("phases", "workshops.field.phases.required")
	}
	for _, p := range in.Phases {
		if !slices.Contains(Phases, p) {
			f.Add("phases", "field.choose")
		}
	}
	// Host country: an Arab state (not necessarily a member: a partner may host); an online
	// session may have none.
	var hostZone string
	if in.HostCountry == "" {
		if in.Kind != KindOnline {
			f.Add("host_country", "workshops.field.host_country.required")
		}
	} else if c, err := s.offs.Country(ctx, in.HostCountry); errors.Is(err, store.ErrNotFound) {
		f.Add("host_country", "field.country.invalid")
	} else if err != nil {
		return nil, fmt.Errorf("workshops: host country: %w", err)
	} else {
		hostZone = c.Timezone
	}
	if in.Kind == KindNational && in.CountryQuota != 0 {
		f.Add("country_quota", "workshops.field.country_quota.national")
	}
	checkText(f, "city", in.City, maxLine, in.Kind != KindOnline, false)
	checkText(f, "venue", in.Venue, maxLine, false, false)
	if in.OnlineURL != "" || in.Kind == KindOnline {
		u, err := url.Parse(in.OnlineURL)
		switch {
		case in.OnlineURL == "":
			f.Add("online_url", "workshops.field.online_url.required")
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.OnlineURL) > 500 || hasControl(in.OnlineURL, false):
			f.Add("online_url", "workshops.field.online_url.invalid")
		}
	}
	if in.Timezone == "" {
		in.Timezone = hostZone
		r.Timezone = hostZone
	}
	if in.Timezone == "" {
		f.Add("timezone", "workshops.field.timezone.required")
	} else if loc, err := time.LoadLocation(in.Timezone); err != nil || in.Timezone == "Local" {
		f.Add("timezone", "workshops.field.timezone.invalid")
	} else {
		r.loc = loc
	}
	if r.loc == nil {
		r.loc = time.UTC
	}
	now := s.Now()
	for _, d := range [][2]string{{"start_date", in.StartDate}, {"end_date", in.EndDate}} {
		if !validDate(d[1]) {
			f.Add(d[0], "workshops.field.date.invalid")
		} else if !inWindow(d[1], now) {
			f.Add(d[0], "workshops.field.date.out_of_range")
		}
	}
	if f["start_date"] == "" && f["end_date"] == "" {
		a, _ := time.Parse(DateLayout, in.StartDate)
		b, _ := time.Parse(DateLayout, in.EndDate)
		switch {
		case b.Before(a):
			f.Add("end_date", "workshops.field.end_date.before_start")
		case b.Sub(a) >= maxDays*24*time.Hour:
			f.Add("end_date", "workshops.field.end_date.too_long")
		}
	}
	if len(in.Languages) == 0 {
		f.Add("languages", "workshops.field.languages.required")
	}
	for _, l := range in.Languages {
		if !slices.Contains(i18n.Langs, l) {
			f.Add("languages", "field.choose")
		}
	}
	for _, l := range in.Interpretation {
		if !slices.Contains(i18n.Langs, l) {
			f.Add("interpretation", "field.choose")
		}
	}
	if in.Capacity < 1 || in.Capacity > maxCapacity {
		f.Add("capacity", "workshops.field.capacity.invalid")
	}
	if in.CountryQuota < 0 || (in.CountryQuota > in.Capacity && in.Capacity > 0) {
		f.Add("country_quota", "workshops.field.country_quota.invalid")
	}
	end := dateIn(in.EndDate, r.loc).AddDate(0, 0, 1)
	for _, p := range []struct {
		field, v string
		dst      **time.Time
	}{{"registration_opens", in.RegistrationOpens, &r.opens}, {"registration_closes", in.RegistrationCloses, &r.closes}} {
		if p.v == "" {
			continue
		}
		t, ok := parseLocal(p.v, r.loc)
		if !ok {
			f.Add(p.field, "workshops.field.time.invalid")
			continue
		}
		if !inWindow(t.UTC().Format(DateLayout), now) {
			f.Add(p.field, "workshops.field.date.out_of_range")
			continue
		}
		t = t.UTC()
		*p.dst = &t
	}
	if r.opens != nil && r.closes != nil && !r.opens.Before(*r.closes) {
		f.Add("registration_closes", "workshops.field.registration_closes.before_opens")
	}
	if r.closes != nil && f["start_date"] == "" && f["end_date"] == "" && r.closes.After(end) {
		f.Add("registration_closes", "workshops.field.registration_closes.after_end")
	}
	if in.Hours < 0 || in.Hours > maxHours {
		f.Add("hours", "workshops.field.hours.invalid")
	}
	r.threshold, r.offer, r.rem = 75, defaultOffer, 7
	if in.AttendanceThreshold != nil {
		r.threshold = *in.AttendanceThreshold
	}
	if r.threshold < 0 || r.threshold > 100 {
		f.Add("attendance_threshold", "workshops.field.attendance_threshold.invalid")
	}
	if in.OfferHours != nil {
		r.offer = *in.OfferHours
	}
	if r.offer < 1 || r.offer > maxOfferHrs {
		f.Add("offer_hours", "workshops.field.offer_hours.invalid")
	}
	if in.ReminderDays != nil {
		r.rem = *in.ReminderDays
	}
	if r.rem < 0 || r.rem > maxReminder {
		f.Add("reminder_days", "workshops.field.reminder_days.invalid")
	}
	for _, c := range in.Courses {
		if s.knownCourse != nil && !s.knownCourse(c) {
			f.Add("courses", "workshops.field.courses.unknown")
		}
	}
	if len(in.Trainers) > maxTrainers {
		f.Add("trainers", "field.too_long")
	}
	trainerOK := map[int64]bool{}
	for _, id := range in.Trainers {
		ok, err := s.canTrain(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			f.Add("trainers", "workshops.field.trainers.invalid")
		}
		trainerOK[id] = true
	}
	// The agenda: blank rows of a form are dropped.
	var sessions []SessionInput
	for _, se := range in.Sessions {
		if !se.Empty() {
			sessions = append(sessions, se)
		}
	}
	if len(sessions) > maxSessions {
		f.Add("sessions", "field.too_long")
		sessions = sessions[:maxSessions]
	}
	r.Sessions = sessions
	var gap []any // message arguments of the first agenda time that does not exist
	for i, se := range sessions {
		k := "sessions." + strconv.Itoa(i) + "."
		sr := sessionRecord{SessionInput: se}
		st, kind1, ok1 := parseWall(se.StartsAt, r.loc)
		en, kind2, ok2 := parseWall(se.EndsAt, r.loc)
		for _, p := range []struct {
			field string
			kind  int
			ok    bool
			t     time.Time
		}{{"starts_at", kind1, ok1, st}, {"ends_at", kind2, ok2, en}} {
			switch {
			case !p.ok:
				f.Add(k+p.field, "workshops.field.time.invalid")
			case p.kind == wallMissing:
				f.Add(k+p.field, "workshops.field.time.dst_gap")
				if gap == nil {
					v := se.StartsAt
					if p.field == "ends_at" {
						v = se.EndsAt
					}
					naive, _ := parseNaive(v)
					gap = []any{"n", i + 1, "title", pick(se.Title, "en"), "time", naive.Format("15:04"), "date", naive.Format(DateLayout)}
				}
			case !inWindow(p.t.UTC().Format(DateLayout), now):
				f.Add(k+p.field, "workshops.field.date.out_of_range")
			}
		}
		ok1 = ok1 && kind1 != wallMissing
		ok2 = ok2 && kind2 != wallMissing
		if ok1 && ok2 && !en.After(st) {
			f.Add(k+"ends_at", "workshops.field.session.ends_before")
		}
		if ok1 && ok2 && en.Sub(st) > 24*time.Hour {
			f.Add(k+"ends_at", "workshops.field.session.too_long")
		}
		if pick(se.Title, "ar") == "" {
			f.Add(k+"title", "workshops.field.session.title")
		}
		for _, l := range []string{"ar", "en", "fr"} {
			checkText(f, k+"title", se.Title[l], maxTitle, false, false)
		}
		checkText(f, k+"room", se.Room, maxLine, false, false)
		checkText(f, k+"speaker", se.Speaker, maxLine, false, false)
		if se.TrainerID != 0 && !trainerOK[se.TrainerID] {
			ok, err := s.canTrain(ctx, se.TrainerID)
			if err != nil {
				return nil, err
			}
			if !ok {
				f.Add(k+"trainer_id", "workshops.field.trainers.invalid")
			}
		}
		sr.start, sr.end = st.UTC(), en.UTC()
		r.sessions = append(r.sessions, sr)
	}
	if err := f.Err(); err != nil {
		// The first time that does not exist is named in the message itself, so that an API
		// client reading only the message knows which item and why.
		if p, ok := problem.As(err); ok && gap != nil {
			p.Key, p.Args = "workshops.error.dst_gap", gap
		}
		return nil, err
	}
	return r, nil
}

// canTrain reports whether account id exists and may lead sessions (trainers and staff).
// A failed lookup is an error, not a no.
func (s *Service) canTrain(ctx context.Context, id int64) (bool, error) {
	o, err := s.offs.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("workshops: trainer %d: %w", id, err)
	}
	return o.DeletedAt == nil && (o.Role == officials.RoleTrainer || o.IsStaff()), nil
}

// fieldsErr is a shorthand for a single-field validation error.
func fieldsErr(field, key string) error { return problem.Fields{field: key}.Err() }
