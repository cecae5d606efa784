package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// agendaDays cuts a workshop page into its agenda days (heading to heading), as text.
func agendaDays(body string) []string {
	parts := strings.Split(body, `class="agenda-day"`)
	out := make([]string, 0, len(parts))
	for _, p := range parts[1:] {
		text := html.UnescapeString(strings.NewReplacer("\u2066", "", "\u2069", "").Replace(tagRe.ReplaceAllString(p, " ")))
		out = append(out, strings.Join(strings.Fields(text), " "))
	}
	return out
}

func publishJSON(t *testing.T, c *client, tok, body string) int64 {
	t.Helper()
	r := c.api("POST", "/api/v1/workshops", tok, body)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var w struct{ Data workshops.Workshop }
	json.Unmarshal([]byte(r.Body), &w)
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", w.Data.ID), tok, `{"status": "published"}`); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	return w.Data.ID
}

// Each day of the agenda states its own offset: Beirut moves to summer time on Sunday
// 28 March 2027, and the page must say UTC+2 on Friday and Saturday, UTC+3 after; the
// second zone (Dubai, no DST) likewise. Zones are named, never by their raw id.
func TestAgendaOffsetsPerDay(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, tok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	id := publishJSON(t, c, tok, `{"title": {"ar": "ورشة بيروت", "en": "Beirut workshop"}, "kind": "regional", "phases": [3],
		"host_country": "LB", "city": "Beirut", "start_date": "2027-03-26", "end_date": "2027-03-29", "languages": ["ar"], "capacity": 20,
		"sessions": [
			{"starts_at": "2027-03-26T09:00", "ends_at": "2027-03-26T10:00", "title": {"ar": "الجمعة"}},
			{"starts_at": "2027-03-27T09:00", "ends_at": "2027-03-27T10:00", "title": {"ar": "السبت"}},
			{"starts_at": "2027-03-28T09:00", "ends_at": "2027-03-28T10:00", "title": {"ar": "الأحد"}},
			{"starts_at": "2027-03-29T09:00", "ends_at": "2027-03-29T10:00", "title": {"ar": "الاثنين"}}]}`)
	for _, tc := range []struct {
		lang, host, viewer string
		want               []string // per day: host offset, viewer offset
	}{
		{"ar", "توقيت بيروت", "توقيت الإمارات", []string{"UTC+2", "UTC+2", "UTC+3", "UTC+3"}},
		{"en", "Beirut time", "UAE time", []string{"UTC+2", "UTC+2", "UTC+3", "UTC+3"}},
		{"fr", "heure de Beyrouth", "heure des Émirats", []string{"UTC+2", "UTC+2", "UTC+3", "UTC+3"}},
	} {
		r := c.get(fmt.Sprintf("/%s/workshops/%d?zone=AE", tc.lang, id))
		days := agendaDays(r.Body)
		if r.Status != 200 || len(days) != 4 {
			t.Fatalf("%s: %d, %d days", tc.lang, r.Status, len(days))
		}
		for i, d := range days {
			if want := tc.host + " (" + tc.want[i] + ")"; !strings.Contains(d, want) {
				t.Errorf("%s day %d lacks %q: %s", tc.lang, i+1, want, d)
			}
			if want := tc.viewer + " (UTC+4)"; !strings.Contains(d, want) {
				t.Errorf("%s day %d lacks %q: %s", tc.lang, i+1, want, d)
			}
			if other := map[string]string{"UTC+2": "UTC+3", "UTC+3": "UTC+2"}[tc.want[i]]; strings.Contains(d, other) {
				t.Errorf("%s day %d also says %s: %s", tc.lang, i+1, other, d)
			}
		}
		if strings.Contains(r.Body, "Asia/Beirut") || strings.Contains(r.Body, "Asia/Dubai") {
			t.Errorf("%s page shows a raw zone id", tc.lang)
		}
	}
}

// Morocco leaves UTC+1 for Ramadan at 03:00 on 7 February 2027 (back to 02:00, UTC+0): that
// day's items carry their own offsets; the days around it state one each.
func TestAgendaOffsetsMoroccoRamadan(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, tok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	id := publishJSON(t, c, tok, `{"title": {"ar": "ورشة الرباط", "en": "Rabat workshop"}, "kind": "regional", "phases": [1],
		"host_country": "MA", "city": "Rabat", "start_date": "2027-02-06", "end_date": "2027-02-08", "languages": ["ar"], "capacity": 20,
		"sessions": [
			{"starts_at": "2027-02-06T09:00", "ends_at": "2027-02-06T10:00", "title": {"ar": "السبت"}},
			{"starts_at": "2027-02-07T01:00", "ends_at": "2027-02-07T01:30", "title": {"ar": "قبل التغيير"}},
			{"starts_at": "2027-02-07T09:00", "ends_at": "2027-02-07T10:00", "title": {"ar": "بعد التغيير"}},
			{"starts_at": "2027-02-08T09:00", "ends_at": "2027-02-08T10:00", "title": {"ar": "الاثنين"}}]}`)
	days := agendaDays(c.get(fmt.Sprintf("/en/workshops/%d", id)).Body)
	if len(days) != 3 {
		t.Fatalf("%d days", len(days))
	}
	if !strings.Contains(days[0], "Morocco time (UTC+1)") || !strings.Contains(days[2], "Morocco time (UTC)") {
		t.Errorf("days around the change:\n%s\n%s", days[0], days[2])
	}
	if strings.Contains(days[1], "Morocco time (") || !strings.Contains(days[1], "01:00–01:30 (UTC+1)") || !strings.Contains(days[1], "09:00–10:00 (UTC)") {
		t.Errorf("the day of the change:\n%s", days[1])
	}
}

// An online workshop without a host country names its zone too.
func TestAgendaZoneOfOnlineWorkshop(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, tok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	id := publishJSON(t, c, tok, `{"title": {"ar": "ندوة عبر الإنترنت", "en": "Webinar"}, "kind": "online", "phases": [1],
		"online_url": "https://meet.test/x", "timezone": "Asia/Beirut", "start_date": "2027-03-27", "end_date": "2027-03-28",
		"languages": ["ar"], "capacity": 100, "sessions": [
			{"starts_at": "2027-03-27T09:00", "ends_at": "2027-03-27T10:00", "title": {"ar": "الأولى"}},
			{"starts_at": "2027-03-28T09:00", "ends_at": "2027-03-28T10:00", "title": {"ar": "الثانية"}}]}`)
	page := c.get(fmt.Sprintf("/ar/workshops/%d", id))
	text := strings.NewReplacer("\u2066", "", "\u2069", "").Replace(html.UnescapeString(page.Body))
	if page.Status != 200 || strings.Contains(text, "Asia/Beirut") || !strings.Contains(text, "توقيت بيروت (UTC+2)") || !strings.Contains(text, "توقيت بيروت (UTC+3)") {
		t.Errorf("online workshop page: %d", page.Status)
	}
}

// A session time inside the DST gap is refused through the API with a message, in the
// request's language, that names the item and the reason; year 9999 is refused by field.
func TestAgendaTimeInGapOverAPI(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, tok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	body := `{"title": {"ar": "ورشة بيروت", "en": "Beirut workshop"}, "kind": "regional", "phases": [3],
		"host_country": "LB", "city": "Beirut", "start_date": "2027-03-27", "end_date": "%s", "languages": ["ar"], "capacity": 20,
		"sessions": [{"starts_at": "2027-03-28T00:15", "ends_at": "2027-03-28T00:45", "title": {"ar": "جلسة ليلية", "en": "Night session"}}]}`
	r := c.api("POST", "/api/v1/workshops", tok, fmt.Sprintf(body, "2027-03-28"))
	if r.Status != 422 || !strings.Contains(r.Body, `"message":"البند 1 من جدول الأعمال («Night session»): الساعة 00:15 يوم 2027-03-28 لا وجود لها بتوقيت الورشة`) ||
		!strings.Contains(r.Body, `"sessions.0.starts_at"`) {
		t.Errorf("DST gap: %d %s", r.Status, r.Body)
	}
	r = c.api("POST", "/api/v1/workshops", tok, strings.Replace(fmt.Sprintf(body, "9999-12-31"), "2027-03-28T00", "2027-03-28T09", 2))
	if r.Status != 422 || !strings.Contains(r.Body, `"end_date":"اختر تاريخًا بين سنة مضت وعشر سنوات قادمة."`) {
		t.Errorf("year 9999: %d %s", r.Status, r.Body)
	}
}
