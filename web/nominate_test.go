package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
)

// traces counts what a nomination of email left behind: accounts, registrations, mails.
func traces(t *testing.T, p *platform.Platform, email string) (accounts, regs, mails int) {
	t.Helper()
	db := p.DB.R
	if err := db.QueryRow("SELECT count(*) FROM officials WHERE email_norm = ?", officials.NormaliseEmail(email)).Scan(&accounts); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM registrations r JOIN officials o ON o.id = r.official_id
		WHERE o.email_norm = ?`, officials.NormaliseEmail(email)).Scan(&regs); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM outbox WHERE to_email = ?", email).Scan(&mails); err != nil {
		t.Fatal(err)
	}
	return
}

// TestRefusedNominationSavesNothing: a nomination refused for any reason — a workshop of
// another country, a cancelled workshop, an over-long motivation, a nominee of another
// country — through the API or the page leaves no account, no registration and no mail.
func TestRefusedNominationSavesNothing(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	regional := scheduled(t, c, staffTok, 10, 0)
	national := scheduledJSON(t, c, staffTok, strings.Replace(fmt.Sprintf(workshopJSON, 10, 0), `"regional"`, `"national"`, 1))
	cancelled := scheduled(t, c, staffTok, 10, 0)
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", cancelled), staffTok, `{"status": "cancelled"}`); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	_, focalTok := person(t, p, "focal-api@gov.tn", officials.RoleFocalPoint, "TN")
	focal, _ := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	long := strings.Repeat("م", 1001)
	profile := func(email, motivation, country string) map[string]string {
		return map[string]string{"email": email, "name_ar": "سلمى بن علي", "name_latin": "Salma Ben Ali", "job_title": "Cheffe de service",
			"organisation": "Présidence du gouvernement", "sector": "central_government", "gender": "female", "language": "fr",
			"motivation": motivation, "country": country}
	}
	for _, tc := range []struct {
		name     string
		wid      int64
		api      bool
		email    string
		motive   string
		country  string
		status   int
		inAnswer string
	}{
		{"api national workshop of another country", national, true, "a1@gov.tn", "", "", 409, "wrong_country"},
		{"api cancelled workshop", cancelled, true, "a2@gov.tn", "", "", 409, "workshop_closed"},
		{"api over-long motivation", regional, true, "a3@gov.tn", long, "", 422, `"motivation"`},
		{"api nominee of another country", regional, true, "a4@gov.tn", "", "QA", 422, `"country"`},
		{"page over-long motivation", regional, false, "w1@gov.tn", long, "", 422, "motivation"},
		{"page nominee of another country", regional, false, "w2@gov.tn", "", "QA", 422, "لا يُرشَّح من هذه الصفحة إلا مسؤولو دولتك"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			path := fmt.Sprintf("/workshops/%d", tc.wid)
			if tc.api {
				b, _ := json.Marshal(profile(tc.email, tc.motive, tc.country))
				r = c.api("POST", "/api/v1"+path+"/registrations", focalTok, string(b))
			} else {
				v := url.Values{}
				for k, x := range profile(tc.email, tc.motive, tc.country) {
					v.Set(k, x)
				}
				r = focal.post("/ar"+path+"/nominate", v)
			}
			if r.Status != tc.status || !strings.Contains(r.Body, tc.inAnswer) {
				t.Errorf("answer %d (want %d with %q): %.400s", r.Status, tc.status, tc.inAnswer, r.Body)
			}
			if a, g, m := traces(t, p, tc.email); a+g+m != 0 {
				t.Errorf("refused nomination left %d account(s), %d registration(s), %d mail(s)", a, g, m)
			}
		})
	}
	// The same nomination, done right, saves all three.
	b, _ := json.Marshal(profile("ok@gov.tn", "Responsable du portail", ""))
	if r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", regional), focalTok, string(b)); r.Status != 201 {
		t.Fatalf("nomination: %d %s", r.Status, r.Body)
	}
	if a, g, m := traces(t, p, "ok@gov.tn"); a != 1 || g != 1 || m != 2 {
		t.Errorf("nomination saved %d account(s), %d registration(s), %d mail(s); want 1, 1, 2", a, g, m)
	}
}

// scheduledJSON creates and publishes the workshop described by body.
func scheduledJSON(t *testing.T, c *client, staffTok, body string) int64 {
	t.Helper()
	r := c.api("POST", "/api/v1/workshops", staffTok, body)
	var w struct {
		Data struct{ ID int64 } `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &w); err != nil || w.Data.ID == 0 {
		t.Fatalf("create workshop: %d %s", r.Status, r.Body)
	}
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", w.Data.ID), staffTok, `{"status": "published"}`); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	return w.Data.ID
}

// TestNominatePageOfAnotherCountrysNationalWorkshop: a focal point is told at once, on the
// page, that nobody of their country can be nominated to another country's national
// workshop, instead of being shown a form that can only fail.
func TestNominatePageOfAnotherCountrysNationalWorkshop(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	national := scheduledJSON(t, c, staffTok, strings.Replace(fmt.Sprintf(workshopJSON, 10, 0), `"regional"`, `"national"`, 1))
	focal, _ := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	r := focal.get(fmt.Sprintf("/ar/workshops/%d/nominate", national))
	if r.Status != 403 || !strings.Contains(r.Body, "ورشة وطنية لدولة عضو أخرى") || strings.Contains(r.Body, `name="motivation"`) {
		t.Errorf("foreign national workshop's nominate page: %d %.300s", r.Status, r.Body)
	}
	nominate := fmt.Sprintf("/workshops/%d/nominate", national)
	if r := focal.get(fmt.Sprintf("/ar/workshops/%d", national)); strings.Contains(r.Body, nominate) {
		t.Error("the workshop page offers another country's focal point to nominate")
	}
	if r := focal.get("/ar/admin/workshops"); strings.Contains(r.Body, nominate) {
		t.Error("the focal point's workshop list offers another country's national workshop")
	}
	host, _ := account(t, p, "focal@gov.jo", officials.RoleFocalPoint, "JO")
	if r := host.get(fmt.Sprintf("/ar/workshops/%d/nominate", national)); r.Status != 200 {
		t.Errorf("host country's focal point: %d", r.Status)
	}
	if r := host.get(fmt.Sprintf("/ar/workshops/%d", national)); !strings.Contains(r.Body, nominate) {
		t.Error("the workshop page does not offer the host's focal point to nominate")
	}
	if r := host.get("/ar/admin/workshops"); !strings.Contains(r.Body, nominate) {
		t.Error("the host's focal point's workshop list lacks their national workshop")
	}
}

// TestNominateDoesNotRevealAccounts: another country's account looks to a focal point like
// an address without an account, on the page as in the API: nothing says it exists, or where.
func TestNominateDoesNotRevealAccounts(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 0)
	person(t, p, "someone@gov.qa", officials.RoleOfficial, "QA")
	focal, _ := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	_, focalTok := person(t, p, "focal-api@gov.tn", officials.RoleFocalPoint, "TN")
	path := fmt.Sprintf("/ar/workshops/%d/nominate", wid)
	known := focal.post(path, url.Values{"email": {"someone@gov.qa"}})
	unknown := focal.post(path, url.Values{"email": {"nobody@gov.qa"}})
	if known.Status != unknown.Status || known.Status != 422 || !strings.Contains(known.Body, "لا يوجد حساب بهذا البريد الإلكتروني") {
		t.Errorf("another country's account %d, no account %d: %.300s", known.Status, unknown.Status, known.Body)
	}
	withProfile := focal.post(path, url.Values{"email": {"someone@gov.qa"}, "name_ar": {"سلمى"}, "name_latin": {"Salma"},
		"job_title": {"x"}, "organisation": {"y"}, "sector": {"central_government"}, "gender": {"female"}, "language": {"ar"}})
	for _, leak := range []string{"دولة عضو أخرى", "مستخدم", "taken"} {
		if strings.Contains(withProfile.Body, leak) {
			t.Errorf("page says %q about another country's account", leak)
		}
	}
	if withProfile.Status != 422 || !strings.Contains(withProfile.Body, "لا يمكن إنشاء حساب جديد بهذا البريد") {
		t.Errorf("page with a profile: %d %.300s", withProfile.Status, withProfile.Body)
	}
	api := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), focalTok, `{"email": "someone@gov.qa"}`)
	apiUnknown := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), focalTok, `{"email": "nobody@gov.qa"}`)
	if api.Status != 404 || apiUnknown.Status != 404 {
		t.Errorf("API: another country's account %d, no account %d", api.Status, apiUnknown.Status)
	}
	apiProfile := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), focalTok, `{"email": "someone@gov.qa",
		"name_ar": "سلمى", "name_latin": "Salma", "job_title": "x", "organisation": "y", "sector": "central_government", "gender": "female", "language": "ar"}`)
	if apiProfile.Status != 422 || !strings.Contains(apiProfile.Body, `"email"`) || strings.Contains(apiProfile.Body, "taken") {
		t.Errorf("API with a profile: %d %s", apiProfile.Status, apiProfile.Body)
	}
}

// TestAccountAndClaimMailTogether: when the claim mail cannot be queued, the account made on
// the way is not kept either — nominating (page and API), creating an account (page and
// API) or importing a list: one transaction holds the accounts, registrations and mails.
func TestAccountAndClaimMailTogether(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff-api@masar.test", officials.RoleStaff, "")
	staff, _ := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 0)
	focal, _ := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	_, focalTok := person(t, p, "focal-api@gov.tn", officials.RoleFocalPoint, "TN")
	// The claim mail fails to be queued: a trigger in each backend's language.
	mailDown := []string{`CREATE TRIGGER mail_down BEFORE INSERT ON outbox WHEN NEW.template = 'welcome_claim' BEGIN SELECT RAISE(ABORT, 'mail down'); END`}
	if p.DB.Dialect() == store.Postgres {
		mailDown = []string{`CREATE FUNCTION mail_down() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.template = 'welcome_claim' THEN RAISE EXCEPTION 'mail down'; END IF; RETURN NEW; END $$`,
			`CREATE TRIGGER mail_down BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION mail_down()`}
	}
	for _, stmt := range mailDown {
		if _, err := p.DB.W.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	profile := func(email string) url.Values {
		return url.Values{"email": {email}, "name_ar": {"سلمى بن علي"}, "name_latin": {"Salma Ben Ali"}, "job_title": {"Cheffe de service"},
			"organisation": {"Présidence du gouvernement"}, "sector": {"central_government"}, "gender": {"female"}, "language": {"fr"},
			"country": {"TN"}, "role": {"official"}}
	}
	asJSON := func(v url.Values) string {
		m := map[string]string{}
		for k := range v {
			m[k] = v.Get(k)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, tc := range []struct {
		name  string
		email string
		send  func(email string) response
	}{
		{"page nomination", "n1@gov.tn", func(e string) response {
			return focal.post(fmt.Sprintf("/ar/workshops/%d/nominate", wid), profile(e))
		}},
		{"API nomination", "n2@gov.tn", func(e string) response {
			return c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), focalTok, asJSON(profile(e)))
		}},
		{"page account", "n3@gov.tn", func(e string) response { return staff.post("/ar/admin/officials/new", profile(e)) }},
		{"API account", "n4@gov.tn", func(e string) response { return c.api("POST", "/api/v1/officials", staffTok, asJSON(profile(e))) }},
		{"API import", "n5@gov.tn", func(e string) response {
			book := xlsxBook(t, [][]any{{"Email", "Full name in Arabic script", "Full name in Latin script", "Job title", "Organisation",
				"Member state", "Sector", "Gender", "Preferred language"},
				{e, "نورة علي", "Noura Ali", "Analyst", "Planning", "TN", "Central government", "Female", "Arabic"}})
			return c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/participants", wid), staffTok, string(book))
		}},
	} {
		r := tc.send(tc.email)
		if r.Status != 500 {
			t.Errorf("%s with the claim mail failing: %d", tc.name, r.Status)
		}
		if a, g, m := traces(t, p, tc.email); a+g+m != 0 {
			t.Errorf("%s left %d account(s), %d registration(s), %d mail(s) when the mail failed", tc.name, a, g, m)
		}
	}
}
