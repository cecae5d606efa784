package web_test

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/officials"
)

// plainText is a page's text with the isolates and tags taken out and spaces folded.
func plainText(body string) string {
	text := html.UnescapeString(strings.NewReplacer("\u2066", "", "\u2069", "").Replace(tagRe.ReplaceAllString(body, " ")))
	return strings.Join(strings.Fields(text), " ")
}

// TestWorkshopDeadlinesInHostAndViewerZone: a workshop in Rabat closes its registration at
// 17:00 Morocco time (UTC+1 in April 2027, Ramadan over); an official of Jordan (UTC+3) reads that time and
// their own, 19:00, beside it; an official of Morocco reads the host's time alone; nobody
// reads a bare UTC time.
func TestWorkshopDeadlinesInHostAndViewerZone(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, tok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	id := publishJSON(t, newClient(t, p), tok, `{"title": {"ar": "ورشة الرباط", "en": "Rabat workshop", "fr": "Atelier de Rabat"}, "kind": "online", "phases": [1],
		"host_country": "MA", "city": "Rabat", "start_date": "2027-04-10", "end_date": "2027-04-11", "languages": ["ar", "fr"], "capacity": 20,
		"online_url": "https://meet.example.org/rabat",
		"registration_opens": "2026-01-15T09:00", "registration_closes": "2027-04-01T17:00"}`)
	jo, _ := account(t, p, "amman@example.org", officials.RoleOfficial, "JO")
	ma, _ := account(t, p, "rabat@example.org", officials.RoleOfficial, "MA")
	for _, tc := range []struct {
		c          *client
		lang, want string
		viewer     string // "" when no second time is expected
	}{
		{jo, "ar", "1 أبريل 2027، 17:00 (UTC+1)", "بتوقيتك: 1 أبريل 2027، 19:00 (UTC+3)"},
		{jo, "en", "1 April 2027, 17:00 (UTC+1)", "your time: 1 April 2027, 19:00 (UTC+3)"},
		{jo, "fr", "1 avril 2027 à 17:00 (UTC+1)", "à votre heure : 1 avril 2027 à 19:00 (UTC+3)"},
		{ma, "ar", "1 أبريل 2027، 17:00 (UTC+1)", ""},
	} {
		r := tc.c.get(fmt.Sprintf("/%s/workshops/%d", tc.lang, id))
		text := plainText(r.Body)
		if r.Status != 200 || !strings.Contains(text, tc.want) {
			t.Errorf("%s: the closing time %q is not on the page: %d", tc.lang, tc.want, r.Status)
		}
		if tc.viewer != "" && !strings.Contains(text, tc.viewer) {
			t.Errorf("%s: the viewer's time %q is not beside the host's", tc.lang, tc.viewer)
		}
		if tc.viewer == "" && strings.Contains(text, "بتوقيتك") {
			t.Errorf("%s: a viewer in the host's zone is shown a second time", tc.lang)
		}
		if strings.Contains(text, "16:00 (UTC)") {
			t.Errorf("%s: a bare UTC time", tc.lang)
		}
	}
}

// TestLearnerTimesInTheirZone: the quiz's cool-down ends at a time an official of Jordan
// reads in Amman's time (named, with its offset), and one of Morocco in Morocco's; not in UTC.
func TestLearnerTimesInTheirZone(t *testing.T) {
	p := newPlatform(t)
	clock := time.Date(2026, 11, 3, 21, 30, 0, 0, time.UTC)
	p.Courses.SetClock(func() time.Time { return clock })
	slug := "collaboration-co-creation"
	co, _ := p.Library.Catalogue().Course(slug)
	next := clock.Add(co.QuizCooldown)
	for _, tc := range []struct {
		email, country, zone string
		loc                  string
	}{
		{"quiz.jo@example.org", "JO", "توقيت عمّان", "Asia/Amman"},
		{"quiz.ma@example.org", "MA", "توقيت المغرب", "Africa/Casablanca"},
	} {
		c, o := account(t, p, tc.email, officials.RoleOfficial, tc.country)
		readAll(t, p, o.ID, slug)
		c.get("/ar/courses/" + slug + "/quiz")
		c.post("/ar/courses/"+slug+"/quiz", form(wrongAnswers(co, openDraw(t, p, o.ID, slug))))
		r := c.get("/ar/courses/" + slug + "/quiz")
		text := plainText(r.Body)
		loc, _ := time.LoadLocation(tc.loc)
		local := next.In(loc).Format("15:04")
		if r.Status != 200 || !strings.Contains(text, local+" "+tc.zone) {
			t.Errorf("%s: the cool-down's end is not at %s %s: %d", tc.country, local, tc.zone, r.Status)
		}
		if strings.Contains(text, next.UTC().Format("15:04")+" (UTC)") {
			t.Errorf("%s: the cool-down's end is shown in UTC", tc.country)
		}
	}
}
