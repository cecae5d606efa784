package workshops_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// beirut is a workshop in Beirut over the change to summer time (28 March 2027, 00:00 → 01:00).
func beirut(sessions ...workshops.SessionInput) workshops.Input {
	in := input(20, 0)
	in.HostCountry, in.City, in.Venue = "LB", "Beirut", "Phoenicia"
	in.StartDate, in.EndDate = "2027-03-26", "2027-03-29"
	in.Sessions = sessions
	return in
}

func session(start, end, title string) workshops.SessionInput {
	return workshops.SessionInput{StartsAt: start, EndsAt: end, Title: map[string]string{"ar": title, "en": title}}
}

func fieldErrs(t *testing.T, err error) map[string]string {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Fields == nil {
		t.Fatalf("want a field error, got %v", err)
	}
	return p.Fields
}

// A time the clocks jump over is refused with its own message, not "must end after it starts".
func TestSessionInDaylightSavingGap(t *testing.T) {
	e := newEnv(t)
	_, err := e.ws.Create(context.Background(), e.actor(), beirut(
		session("2027-03-27T09:00", "2027-03-27T10:00", "first"),
		session("2027-03-28T00:15", "2027-03-28T00:45", "night")))
	f := fieldErrs(t, err)
	if f["sessions.1.starts_at"] != "workshops.field.time.dst_gap" || f["sessions.1.ends_at"] != "workshops.field.time.dst_gap" {
		t.Errorf("fields = %v, want the DST gap on sessions.1", f)
	}
	if _, bad := f["sessions.0.starts_at"]; bad {
		t.Errorf("the first item was refused too: %v", f)
	}
	// The message itself names the item, the time and the reason.
	p, _ := problem.As(err)
	if p.Key != "workshops.error.dst_gap" || fmt.Sprint(p.Args) != "[n 2 title night time 00:15 date 2027-03-28]" {
		t.Errorf("message %s %v", p.Key, p.Args)
	}
	// Written with an offset, the instant is unambiguous and accepted.
	if _, err := e.ws.Create(context.Background(), e.actor(), beirut(
		session("2027-03-28T01:15:00+03:00", "2027-03-28T01:45:00+03:00", "night"))); err != nil {
		t.Errorf("an instant with its offset: %v", err)
	}
}

// A time that happens twice (clocks going back on 31 October 2027 at 00:00 → 23:00) is
// taken at its first occurrence, and the warnings say so, naming the item.
func TestSessionInDaylightSavingOverlap(t *testing.T) {
	e := newEnv(t)
	in := beirut(session("2027-10-30T23:15", "2027-10-30T23:45", "late talk"))
	in.StartDate, in.EndDate = "2027-10-30", "2027-10-31"
	w, err := e.ws.Create(context.Background(), e.actor(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Sessions[0].StartsAt.UTC().Format("15:04"); got != "20:15" {
		t.Errorf("start = %s UTC, want 20:15 (the first 23:15, UTC+3)", got)
	}
	ws, err := e.ws.Conflicts(context.Background(), w, "en")
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, x := range ws {
		if x.Code == "session_time_ambiguous" && x.Key == "workshops.warn.time_twice.first" {
			found = true
			args := fmtArgs(x.Args)
			if !strings.Contains(args, "late talk") || !strings.Contains(args, "UTC+3") || !strings.Contains(args, "23:15") {
				t.Errorf("warning args = %v", x.Args)
			}
		}
	}
	if !found {
		t.Errorf("no warning about the time that happens twice: %+v", ws)
	}
}

func fmtArgs(args []any) string {
	var b strings.Builder
	for _, a := range args {
		if s, ok := a.(string); ok {
			b.WriteString(s + " ")
		}
	}
	return strings.ReplaceAll(strings.ReplaceAll(b.String(), "\u2066", ""), "\u2069", "")
}

// Dates are held to a sane window: year 9999 would make DTEND 100000101.
func TestWorkshopDatesWindow(t *testing.T) {
	e := newEnv(t) // the clock says 1 February 2026
	for _, c := range []struct{ start, end, field string }{
		{"9999-12-30", "9999-12-31", "start_date"},
		{"2026-03-10", "9999-12-31", "end_date"},
		{"2024-03-10", "2024-03-11", "start_date"},
	} {
		in := input(10, 0)
		in.StartDate, in.EndDate = c.start, c.end
		_, err := e.ws.Create(context.Background(), e.actor(), in)
		if f := fieldErrs(t, err); f[c.field] != "workshops.field.date.out_of_range" {
			t.Errorf("%s–%s: fields = %v", c.start, c.end, f)
		}
	}
	in := input(10, 0)
	in.Sessions = []workshops.SessionInput{session("9999-12-31T09:00", "9999-12-31T10:00", "far")}
	_, err := e.ws.Create(context.Background(), e.actor(), in)
	if f := fieldErrs(t, err); f["sessions.0.starts_at"] != "workshops.field.date.out_of_range" {
		t.Errorf("session in 9999: fields = %v", f)
	}
	in = input(10, 0)
	in.StartDate, in.EndDate = "2036-01-30", "2036-01-31"
	if _, err := e.ws.Create(context.Background(), e.actor(), in); err != nil {
		t.Errorf("ten years ahead: %v", err)
	}
}

// Zones are named in each language, with readable fallbacks outside the list.
func TestZoneNames(t *testing.T) {
	ref := time.Date(2027, 3, 29, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct{ lang, tz, want string }{
		{"ar", "Asia/Beirut", "توقيت بيروت (\u2066UTC+3\u2069)"},
		{"en", "Asia/Beirut", "Beirut time (UTC+3)"},
		{"fr", "Asia/Beirut", "heure de Beyrouth (UTC+3)"},
		{"fr", "Africa/Casablanca", "heure du Maroc (UTC+1)"},
		{"en", "America/Chicago", "Chicago time (UTC−5)"},
		{"en", "America/Argentina/Buenos_Aires", "Buenos Aires time (UTC−3)"},
		{"ar", "Etc/GMT-3", "\u2066UTC+3\u2069"},
		{"en", "UTC", "UTC"},
	} {
		if got := workshops.ZoneLabel(c.lang, c.tz, ref); got != c.want {
			t.Errorf("ZoneLabel(%s, %s) = %q, want %q", c.lang, c.tz, got, c.want)
		}
	}
}
