package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// aqPerson creates and logs in an account with a name, gender and language of its own.
func aqPerson(t testing.TB, p *platform.Platform, email, nameAr, nameLatin, gender, lang, role, country string) (*client, *officials.Official) {
	t.Helper()
	in := officials.Input{Email: email, Password: "correct horse battery", NameAr: nameAr, NameLatin: nameLatin,
		JobTitle: "Programme officer", Organisation: "Commission", Country: country, Sector: "central_government", Gender: gender, Language: lang}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	confirmAddress(t, p, o)
	return advLogin(t, p, email), o
}

// aqMails are the mails queued since n, as "to template" lines, sorted.
func aqMails(t testing.TB, p *platform.Platform, n int) ([]string, []mail.Item) {
	t.Helper()
	all := advOutbox(t, p)[n:]
	var lines []string
	for _, m := range all {
		lines = append(lines, m.To+" "+m.Template)
	}
	slices.Sort(lines)
	return lines, all
}

// TestAdvisoryStaffOwnQueueAndAreTold walks the staff's side: a new request goes to every
// staff account (or to the intake list), an owner and a team are chosen among staff
// accounts and told, the country's messages reach them, the work queue sorts requests into
// mine, my team's, unassigned and overdue with counts and filters (page and API), and due
// dates are reminded once each, coming and passed — except to whoever turned them off.
func TestAdvisoryStaffOwnQueueAndAreTold(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, fp := aqPerson(t, p, "fp.jo@example.org", "ليلى حسن", "Layla Hassan", "female", "ar", officials.RoleFocalPoint, "JO")
	hc, hana := aqPerson(t, p, "hana@commission.example.org", "هناء يوسف", "Hana Youssef", "female", "ar", officials.RoleStaff, "")
	kc, karim := aqPerson(t, p, "karim@commission.example.org", "كريم منصور", "Karim Mansour", "male", "en", officials.RoleStaff, "")
	_, admin := aqPerson(t, p, "admin@commission.example.org", "عمر فاروق", "Omar Farouk", "male", "en", officials.RoleAdmin, "")

	// A new request: every staff account is told (admins run the platform, not the intake).
	n := len(advOutbox(t, p))
	r1 := advSubmit(t, p, fp, "JO")
	lines, items := aqMails(t, p, n)
	want := []string{fp.Email + " advisory_submitted", hana.Email + " advisory_staff_new", karim.Email + " advisory_staff_new"}
	if !slices.Equal(lines, want) {
		t.Fatalf("after a request: %v, want %v", lines, want)
	}
	for _, m := range items {
		if m.To == hana.Email && (!strings.Contains(m.Text, "قدّمت ليلى حسن") || !strings.Contains(m.Text, advLongDate(r1.ResponseDue, "ar"))) {
			t.Errorf("intake mail in Arabic: %s", m.Text)
		}
	}
	// With an intake list, only those on it.
	p.Advisory.Configure(advisory.Settings{Intake: []string{"KARIM@commission.example.org"}})
	n = len(advOutbox(t, p))
	r2 := advSubmit(t, p, fp, "JO")
	if lines, _ := aqMails(t, p, n); !slices.Equal(lines, []string{fp.Email + " advisory_submitted", karim.Email + " advisory_staff_new"}) {
		t.Errorf("with an intake list: %v", lines)
	}

	// Hana takes r1 and puts Karim on its team; Karim is told, Hana (who did it) is not.
	n = len(advOutbox(t, p))
	res := hc.post(fmt.Sprintf("/en/advisory/%d/staff", r1.ID), url.Values{"owner_id": {itoa(hana.ID)}, "team": {itoa(karim.ID), itoa(hana.ID)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("staffing: %d %s", res.Status, excerpt(res.Body))
	}
	lines, items = aqMails(t, p, n)
	if !slices.Equal(lines, []string{karim.Email + " advisory_staff_assigned"}) || !strings.Contains(items[0].Text, "added you to the team") {
		t.Errorf("after staffing: %v %v", lines, items)
	}
	page := hc.get(fmt.Sprintf("/ar/advisory/%d", r1.ID)).Body
	if !strings.Contains(page, "هناء يوسف") || !strings.Contains(page, "كريم منصور") {
		t.Errorf("the request's page does not name its owner and team")
	}
	// The list of requests names each one's owner, and says so of one nobody owns.
	if list := hc.get("/ar/advisory").Body; !strings.Contains(list, "هناء يوسف") || !strings.Contains(list, "لم يُعيَّن مسؤول بعد") {
		t.Errorf("the list of requests does not name the owners: %s", excerpt(list))
	}
	// Only staff accounts: a focal point as owner is refused, naming the field.
	res = hc.post(fmt.Sprintf("/en/advisory/%d/staff", r1.ID), url.Values{"owner_id": {itoa(fp.ID)}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose one of the programme") {
		t.Errorf("a focal point as owner: %d", res.Status)
	}
	// The country's message reaches the owner and the team.
	n = len(advOutbox(t, p))
	if _, err := p.Advisory.AddComment(ctx, fp, r1.ID, "هل يمكن أن تبدأ البعثة في مايو؟", false); err != nil {
		t.Fatal(err)
	}
	lines, _ = aqMails(t, p, n)
	if !slices.Contains(lines, hana.Email+" advisory_comment") || !slices.Contains(lines, karim.Email+" advisory_comment") {
		t.Errorf("the country's message: %v", lines)
	}

	// The queue: Hana's opens on her own requests, with a count for every view.
	q := hc.get("/ar/advisory/queue")
	if q.Status != 200 || !strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r1.ID)) || strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r2.ID)) {
		t.Fatalf("Hana's queue: %d %s", q.Status, excerpt(q.Body))
	}
	for view, count := range map[string]int{"mine": 1, "team": 0, "unassigned": 1, "overdue": 0, "all": 2} {
		if !strings.Contains(q.Body, fmt.Sprintf(`view=%s"`, view)) || !regexpCount(q.Body, view, count) {
			t.Errorf("queue tab %s lacks its count %d", view, count)
		}
	}
	q = hc.get("/ar/advisory/queue?view=unassigned")
	if !strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r2.ID)) || strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r1.ID)) {
		t.Errorf("unassigned view")
	}
	q = hc.get("/ar/advisory/queue?view=all")
	if !strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r1.ID)) || !strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r2.ID)) {
		t.Errorf("the view of all open requests lacks one")
	}
	if q = hc.get("/ar/advisory/queue?view=all&country=TN"); strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r1.ID)) {
		t.Errorf("country filter")
	}
	if q = hc.get(fmt.Sprintf("/ar/advisory/queue?view=all&owner=%d", karim.ID)); strings.Contains(q.Body, fmt.Sprintf(`href="/ar/advisory/%d"`, r1.ID)) {
		t.Errorf("owner filter")
	}
	// The same in the API: Karim's team view.
	var api struct {
		Data advisory.Queue `json:"data"`
	}
	res = kc.api("GET", "/api/v1/advisory/queue?view=team", advToken(t, p, karim), "")
	if err := json.Unmarshal([]byte(res.Body), &api); err != nil || res.Status != 200 || len(api.Data.Items) != 1 || api.Data.Items[0].ID != r1.ID ||
		api.Data.Counts["team"] != 1 || api.Data.Counts["mine"] != 0 || api.Data.Counts["unassigned"] != 1 || api.Data.Items[0].Owner == nil {
		t.Errorf("API queue: %d %s", res.Status, res.Body)
	}
	if res := kc.api("GET", "/api/v1/advisory/queue", advToken(t, p, fp), ""); res.Status != http.StatusForbidden {
		t.Errorf("a focal point's queue: %d", res.Status)
	}

	// Due dates: three days before r1's response is due its staff are reminded, once; after
	// it, told it has passed, once. Karim turned advisory mail off.
	if err := p.Mailer.SetPreference(ctx, p.DB.W, karim.Email, mail.CategoryAdvisory, false); err != nil {
		t.Fatal(err)
	}
	due, _ := time.Parse("2006-01-02", r1.ResponseDue)
	for _, step := range []struct {
		at   time.Time
		want []string
	}{
		{due.AddDate(0, 0, -5), nil},
		{due.AddDate(0, 0, -2), []string{hana.Email + " advisory_due"}},
		{due.AddDate(0, 0, -1), nil},
		{due.AddDate(0, 0, 1), []string{hana.Email + " advisory_due"}},
		{due.AddDate(0, 0, 2), nil},
	} {
		p.Advisory.SetClock(func() time.Time { return step.at })
		n = len(advOutbox(t, p))
		if _, err := p.Advisory.RemindDue(ctx); err != nil {
			t.Fatal(err)
		}
		lines, items := aqMails(t, p, n)
		var mine []string
		for i, l := range lines {
			if strings.Contains(l, hana.Email) || strings.Contains(l, karim.Email) {
				mine = append(mine, l)
				_ = items[i]
			}
		}
		if !slices.Equal(mine, step.want) {
			t.Errorf("reminders on %s: %v, want %v", step.at.Format("2006-01-02"), mine, step.want)
		}
	}
	p.Advisory.SetClock(nil)
	_ = admin
}

// regexpCount reports whether the tab of view shows count.
func regexpCount(body, view string, n int) bool {
	i := strings.Index(body, "view="+view+`"`)
	if i < 0 {
		return false
	}
	rest := body[i:]
	j := strings.Index(rest, `class="count">`)
	return j >= 0 && strings.HasPrefix(rest[j+len(`class="count">`):], fmt.Sprint(n)+"<")
}

// advDay writes a YYYY-MM-DD date as pages do.
func advLongDate(d, lang string) string {
	t, _ := time.Parse("2006-01-02", d)
	return map[string]string{"ar": fmt.Sprintf("%d %s %d", t.Day(), []string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"}[t.Month()-1], t.Year())}[lang]
}
