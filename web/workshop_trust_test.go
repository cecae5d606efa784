package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/workshops"
)

// kindJSON is one workshop of each kind as staff schedule it through the API; the online
// session has no host country (stored NULL) and a meeting link with its passcode.
var kindJSON = map[string]string{
	workshops.KindRegional: `{"title": {"ar": "ورشة إقليمية للبيانات", "en": "Regional data workshop"}, "kind": "regional", "phases": [1],
		"host_country": "JO", "city": "Amman", "venue": "Le Royal", "start_date": "2026-03-10", "end_date": "2026-03-12",
		"languages": ["ar", "en"], "capacity": 20, "hours": 18}`,
	workshops.KindNational: `{"title": {"ar": "ورشة وطنية للمشاركة", "en": "National participation workshop"}, "kind": "national", "phases": [2],
		"host_country": "TN", "city": "Tunis", "start_date": "2026-03-16", "end_date": "2026-03-17",
		"languages": ["ar", "fr"], "capacity": 20, "hours": 12}`,
	workshops.KindExpert: `{"title": {"ar": "اجتماع خبراء التعاون", "en": "Collaboration expert meeting"}, "kind": "expert_meeting", "phases": [3],
		"host_country": "LB", "city": "Beirut", "start_date": "2026-03-26", "end_date": "2026-03-27",
		"languages": ["ar", "en"], "capacity": 12, "hours": 10}`,
	workshops.KindOnline: `{"title": {"ar": "جلسة عن بعد للإشراف الناجز", "en": "Online engagement session"}, "kind": "online", "phases": [4],
		"online_url": "https://meet.example.org/masar?pwd=s3cretPass", "timezone": "Asia/Beirut",
		"start_date": "2026-03-20", "end_date": "2026-03-20", "languages": ["ar"], "capacity": 50, "hours": 3}`,
}

// kindEdit is a change staff make to each published workshop.
var kindEdit = map[string]string{
	workshops.KindRegional: `{"city": "Aqaba", "venue": "Hall B"}`,
	workshops.KindNational: `{"city": "Sfax"}`,
	workshops.KindExpert:   `{"venue": "ESCWA House"}`,
	workshops.KindOnline:   `{"title": {"ar": "جلسة عن بعد للإشراف الناجز", "en": "Online engagement session (moved)"}, "online_url": "https://meet.example.org/masar2?pwd=s3cretPass"}`,
}

func createWorkshop(t *testing.T, c *client, tok, body string) *workshops.Workshop {
	t.Helper()
	r := c.api("POST", "/api/v1/workshops", tok, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create workshop: %d %s", r.Status, r.Body)
	}
	var w struct{ Data workshops.Workshop }
	if err := json.Unmarshal([]byte(r.Body), &w); err != nil {
		t.Fatal(err)
	}
	return &w.Data
}

func patchWorkshop(t *testing.T, c *client, tok string, id int64, body string) {
	t.Helper()
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", id), tok, body); r.Status != http.StatusOK {
		t.Fatalf("PATCH workshop %d %s: %d %s", id, body, r.Status, r.Body)
	}
}

var openDataLink = regexp.MustCompile(`/open-data/[a-z0-9-]+\.(?:csv|json)`)

// sweepPublic loads every public page, feed and API list, and the staff pages and reports,
// in three languages, and fails on any 5xx. The pages that must exist must answer 200.
func sweepPublic(t *testing.T, p *platform.Platform, staff *client, staffTok string, ids []int64, stage string) {
	t.Helper()
	anon := newClient(t, p)
	must := func(c *client, path string, want200 bool) response {
		t.Helper()
		r := c.get(path)
		if r.Status >= 500 || (want200 && r.Status != http.StatusOK) {
			t.Errorf("%s: GET %s: %d %.300s", stage, path, r.Status, r.Body)
		}
		return r
	}
	api := func(path, tok string) {
		t.Helper()
		r := newClient(t, p).api("GET", path, tok, "")
		if r.Status != http.StatusOK {
			t.Errorf("%s: GET %s (token %v): %d %.300s", stage, path, tok != "", r.Status, r.Body)
		}
	}
	for _, l := range []string{"ar", "en", "fr"} {
		for _, path := range []string{"/" + l + "/", "/" + l + "/workshops", "/" + l + "/workshops?kind=online",
			"/" + l + "/workshops?country=JO", "/" + l + "/workshops?month=2026-03", "/" + l + "/open-data",
			"/workshops.ics?lang=" + l} {
			must(anon, path, true)
		}
		must(anon, "/"+l+"/search?q="+url.QueryEscape("ورشة"), false)
		must(anon, "/"+l+"/search?q=workshop", false)
		for _, id := range ids {
			must(anon, fmt.Sprintf("/%s/workshops/%d", l, id), true)
			must(staff, fmt.Sprintf("/%s/workshops/%d", l, id), true)
			must(anon, fmt.Sprintf("/workshops/%d.ics?lang=%s", id, l), true)
			must(staff, fmt.Sprintf("/%s/admin/workshops/%d", l, id), true)
			must(staff, fmt.Sprintf("/%s/admin/workshops/%d/registrations", l, id), true)
		}
		for _, path := range []string{"/" + l + "/", "/" + l + "/workshops", "/" + l + "/admin/workshops", "/" + l + "/reports",
			"/" + l + "/me", "/" + l + "/countries/JO", "/" + l + "/countries/TN"} {
			must(staff, path, true)
		}
	}
	for _, tok := range []string{"", staffTok} {
		api("/api/v1/workshops", tok)
		api("/api/v1/workshops?status=cancelled", tok)
		api("/api/v1/workshops?kind=online", tok)
		api("/api/v1/workshops?when=upcoming", tok)
		api("/api/v1/search?q=workshop", tok)
		api("/api/v1/open-data", tok)
		for _, id := range ids {
			api(fmt.Sprintf("/api/v1/workshops/%d", id), tok)
		}
	}
	api("/api/v1/reports", staffTok)
	for _, table := range reports.TableIDs {
		must(staff, "/en/reports/"+table+".csv", true)
	}
	must(anon, "/open-data/catalog.json", true)
	seen := map[string]bool{}
	for _, link := range openDataLink.FindAllString(must(anon, "/en/open-data", true).Body, -1) {
		if !seen[link] {
			seen[link] = true
			must(anon, link, true)
		}
	}
	if len(seen) == 0 {
		t.Errorf("%s: the open-data page links no files", stage)
	}
}

// TestEveryKindOfWorkshopStaysUp publishes, edits and cancels one workshop of every kind —
// the online one without a host country — and after each step loads every public page,
// feed and API list in three languages: none may fail.
func TestEveryKindOfWorkshopStaysUp(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	staff, so := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	staffTok, err := p.Officials.CreateAPIToken(context.Background(), so.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	byKind := map[int64]string{}
	for _, kind := range workshops.Kinds {
		w := createWorkshop(t, staff, staffTok, kindJSON[kind])
		ids = append(ids, w.ID)
		byKind[w.ID] = kind
	}
	if len(ids) != 4 {
		t.Fatalf("kinds: %v", workshops.Kinds)
	}
	for _, id := range ids {
		patchWorkshop(t, staff, staffTok, id, `{"status": "published"}`)
	}
	sweepPublic(t, p, staff, staffTok, ids, "published")
	for _, id := range ids {
		patchWorkshop(t, staff, staffTok, id, kindEdit[byKind[id]])
	}
	sweepPublic(t, p, staff, staffTok, ids, "edited")
	for _, id := range ids {
		patchWorkshop(t, staff, staffTok, id, `{"status": "cancelled"}`)
	}
	sweepPublic(t, p, staff, staffTok, ids, "cancelled")
	// The cancelled online session is still on the Arabic calendar, marked cancelled.
	cal := newClient(t, p).get("/ar/workshops?kind=online")
	if cal.Status != 200 || !strings.Contains(cal.Body, "جلسة عن بعد للإشراف الناجز") {
		t.Errorf("calendar after the online session was cancelled: %d", cal.Status)
	}
}
