package workshops_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/workshops"
)

// icsProp is one content line of a calendar, unfolded and unescaped.
type icsProp struct {
	Name   string
	Params map[string]string
	Value  string
}

// icsComponent is a BEGIN…END block.
type icsComponent struct {
	Name  string
	Props []icsProp
	Subs  []*icsComponent
}

func (c *icsComponent) get(name string) (icsProp, bool) {
	for _, p := range c.Props {
		if p.Name == name {
			return p, true
		}
	}
	return icsProp{}, false
}

// parseICS reads a calendar strictly as RFC 5545 says: CRLF line ends, lines of at most 75
// octets, continuation lines starting with a space, balanced components; TEXT values are
// unescaped.
func parseICS(t *testing.T, data []byte) *icsComponent {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Fatalf("calendar lines must end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets long: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d is cut inside a character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatalf("continuation before any line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	root := &icsComponent{}
	stack := []*icsComponent{root}
	for _, l := range lines {
		colon := strings.IndexByte(l, ':')
		if colon < 0 {
			t.Fatalf("no colon in %q", l)
		}
		head, value := l[:colon], l[colon+1:]
		parts := strings.Split(head, ";")
		p := icsProp{Name: strings.ToUpper(parts[0]), Params: map[string]string{}}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.Params[strings.ToUpper(k)] = v
		}
		cur := stack[len(stack)-1]
		switch p.Name {
		case "BEGIN":
			c := &icsComponent{Name: value}
			cur.Subs = append(cur.Subs, c)
			stack = append(stack, c)
			continue
		case "END":
			if cur.Name != value || len(stack) == 1 {
				t.Fatalf("END:%s closes %s", value, cur.Name)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		var b strings.Builder
		for i := 0; i < len(value); i++ {
			if value[i] == '\\' && i+1 < len(value) {
				i++
				switch value[i] {
				case 'n', 'N':
					b.WriteByte('\n')
				case '\\', ';', ',':
					b.WriteByte(value[i])
				default:
					t.Errorf("bad escape \\%c in %q", value[i], l)
				}
				continue
			}
			b.WriteByte(value[i])
		}
		p.Value = b.String()
		cur.Props = append(cur.Props, p)
	}
	if len(stack) != 1 || len(root.Subs) != 1 || root.Subs[0].Name != "VCALENDAR" {
		t.Fatalf("not one balanced VCALENDAR")
	}
	cal := root.Subs[0]
	for _, want := range []string{"VERSION", "PRODID"} {
		if _, ok := cal.get(want); !ok {
			t.Errorf("calendar lacks %s", want)
		}
	}
	for _, ev := range cal.Subs {
		for _, want := range []string{"UID", "DTSTAMP", "DTSTART", "SUMMARY", "SEQUENCE", "STATUS"} {
			if _, ok := ev.get(want); !ok {
				t.Errorf("%s lacks %s", ev.Name, want)
			}
		}
	}
	return cal
}

func TestICSParsesBack(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := input(20, 0)
	// A title with every character that needs escaping, and a long Arabic one that must
	// fold between characters, not inside one.
	in.Title["en"] = `Data; policy, and "open" \ government`
	in.Title["ar"] = strings.Repeat("الحكومة المفتوحة والبيانات ", 6)
	in.Description["en"] = "Line one.\nLine two, with a comma."
	// A workshop in Beirut across the change to summer time (29 March 2026, 00:00).
	in.HostCountry, in.City, in.Timezone = "LB", "Beirut", "Asia/Beirut"
	in.StartDate, in.EndDate = "2026-03-28", "2026-03-29"
	in.Sessions = []workshops.SessionInput{
		{StartsAt: "2026-03-28T09:00", EndsAt: "2026-03-28T10:30", Room: "Hall A", Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}},
		{StartsAt: "2026-03-29T09:00", EndsAt: "2026-03-29T10:30", Room: "Hall A", Title: map[string]string{"ar": "الجلسة الثانية", "en": "Second session"}},
	}
	w := e.published(in)
	cal := parseICS(t, e.ws.EventICS(ctx, w, "en"))
	if len(cal.Subs) != 3 {
		t.Fatalf("%d events, want the workshop and two sessions", len(cal.Subs))
	}
	ev := cal.Subs[0]
	check := func(c *icsComponent, name, want string) {
		t.Helper()
		p, _ := c.get(name)
		if p.Value != want {
			t.Errorf("%s = %q, want %q", name, p.Value, want)
		}
	}
	check(ev, "SUMMARY", in.Title["en"])
	check(ev, "UID", fmt.Sprintf("workshop-%d@masar.test", w.ID))
	check(ev, "DTSTART", "20260328")
	check(ev, "DTEND", "20260330") // exclusive: the day after the last
	check(ev, "STATUS", "CONFIRMED")
	if p, _ := ev.get("DTSTART"); p.Params["VALUE"] != "DATE" {
		t.Errorf("workshop DTSTART is not a date: %v", p.Params)
	}
	if p, _ := ev.get("DESCRIPTION"); !strings.HasPrefix(p.Value, "Line one.\nLine two, with a comma.") {
		t.Errorf("DESCRIPTION = %q", p.Value)
	}
	// 09:00 in Beirut is 07:00 UTC in winter time and 06:00 UTC in summer time.
	check(cal.Subs[1], "DTSTART", "20260328T070000Z")
	check(cal.Subs[2], "DTSTART", "20260329T060000Z")
	check(cal.Subs[2], "DTEND", "20260329T073000Z")
	uid1, _ := cal.Subs[1].get("UID")
	seq1, _ := ev.get("SEQUENCE")

	// The Arabic calendar folds the long title and reads it back whole.
	ar := parseICS(t, e.ws.EventICS(ctx, w, "ar"))
	if p, _ := ar.Subs[0].get("SUMMARY"); p.Value != strings.TrimSpace(in.Title["ar"]) || p.Params["LANGUAGE"] != "ar" {
		t.Errorf("Arabic SUMMARY = %q %v", p.Value, p.Params)
	}

	// A change bumps SEQUENCE and keeps the UIDs, agenda items included.
	up := w.Input()
	up.Venue = "Phoenicia"
	w2, err := e.ws.Update(ctx, e.actor(), w.ID, up)
	if err != nil {
		t.Fatal(err)
	}
	cal2 := parseICS(t, e.ws.EventICS(ctx, w2, "en"))
	if seq2, _ := cal2.Subs[0].get("SEQUENCE"); seq2.Value <= seq1.Value {
		t.Errorf("SEQUENCE %s after a change, was %s", seq2.Value, seq1.Value)
	}
	if u, _ := cal2.Subs[1].get("UID"); u.Value != uid1.Value {
		t.Errorf("session UID changed: %s → %s", uid1.Value, u.Value)
	}
	if loc, _ := cal2.Subs[0].get("LOCATION"); !strings.Contains(loc.Value, "Phoenicia") {
		t.Errorf("LOCATION = %q", loc.Value)
	}
	// Cancelled: every event says so, with a higher SEQUENCE.
	w3, err := e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusCancelled)
	if err != nil {
		t.Fatal(err)
	}
	cal3 := parseICS(t, e.ws.EventICS(ctx, w3, "en"))
	for _, ev := range cal3.Subs {
		if p, _ := ev.get("STATUS"); p.Value != "CANCELLED" {
			t.Errorf("cancelled workshop's event status %q", p.Value)
		}
	}
	// The feed lists public workshops only, without agendas.
	draft, _ := e.ws.Create(ctx, e.actor(), input(5, 0))
	feed := parseICS(t, e.ws.FeedICS(ctx, []*workshops.Workshop{w3, draft}, "fr", "Ateliers"))
	if len(feed.Subs) != 1 {
		t.Errorf("feed has %d events, want 1 (no draft, no sessions)", len(feed.Subs))
	}
	if p, _ := feed.get("X-WR-CALNAME"); p.Value != "Ateliers" {
		t.Errorf("calendar name %q", p.Value)
	}
}

// TestTimesAcrossDSTAndMidnight shows agenda times in the host's zone and a viewer's.
func TestTimesAcrossDSTAndMidnight(t *testing.T) {
	beirut, _ := time.LoadLocation("Asia/Beirut")
	dubai, _ := time.LoadLocation("Asia/Dubai")
	rabat, _ := time.LoadLocation("Africa/Casablanca")
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name       string
		start, end time.Time
		loc        *time.Location
		day, lang  string
		want       string
		offset     string
	}{
		{"host, winter time", at(beirut, "2026-03-28 09:00"), at(beirut, "2026-03-28 10:30"), beirut, "2026-03-28", "en", "09:00–10:30", "UTC+2"},
		{"host, summer time", at(beirut, "2026-03-29 09:00"), at(beirut, "2026-03-29 10:30"), beirut, "2026-03-29", "en", "09:00–10:30", "UTC+3"},
		{"viewer in Dubai, before the change", at(beirut, "2026-03-28 09:00"), at(beirut, "2026-03-28 10:30"), dubai, "2026-03-28", "en", "11:00–12:30", "UTC+4"},
		{"viewer in Dubai, after the change", at(beirut, "2026-03-29 09:00"), at(beirut, "2026-03-29 10:30"), dubai, "2026-03-29", "en", "10:00–11:30", "UTC+4"},
		{"late session seen past midnight", at(beirut, "2026-03-28 22:30"), at(beirut, "2026-03-28 23:30"), dubai, "2026-03-28", "en", "29 March 2026 00:30–01:30", "UTC+4"},
		{"session running past midnight", at(beirut, "2026-03-28 23:00"), at(beirut, "2026-03-29 01:00"), beirut, "2026-03-28", "ar", "23:00 – 01:00 (29 مارس 2026)", "UTC+2"},
		{"viewer west of the host", at(beirut, "2026-03-29 01:00"), at(beirut, "2026-03-29 02:00"), rabat, "2026-03-29", "fr", "28 mars 2026 23:00–00:00", "UTC+1"},
	} {
		r := workshops.Times(tc.lang, tc.start, tc.end, tc.loc, tc.day)
		if r.String() != tc.want || r.Offset != tc.offset {
			t.Errorf("%s: %q %s, want %q %s", tc.name, r.String(), r.Offset, tc.want, tc.offset)
		}
	}
	if workshops.SameOffset(at(beirut, "2026-03-28 09:00"), beirut, dubai) {
		t.Error("Beirut and Dubai share an offset")
	}
	if got := workshops.FormatDateRange("ar", "2026-03-30", "2026-04-02"); got != "30 مارس – 2 أبريل 2026" {
		t.Errorf("date range %q", got)
	}
}
