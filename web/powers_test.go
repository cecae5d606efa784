package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
)

// recipientText is the plain text that the recipient of outbox message id receives — the
// one place where one-time links are whole, read straight from the database as the mailer
// does (no page shows it). Tests use it to follow the links a person would click.
func recipientText(t testing.TB, p *platform.Platform, id int64) string {
	t.Helper()
	var s string
	if err := p.DB.R.QueryRowContext(context.Background(), "SELECT coalesce(recipient_text, text_body) FROM outbox WHERE id = ?", id).Scan(&s); err != nil {
		t.Fatalf("recipient's copy of outbox %d: %v", id, err)
	}
	return s
}

var (
	// oneTimeRe finds the one-time links of a recipient's copy.
	oneTimeRe = regexp.MustCompile(`/(?:ar|en|fr)/(?:reset|confirm)/([A-Za-z0-9_-]{20,})`)
	// anyURLRe finds every address a page shows, absolute or site-relative.
	anyURLRe    = regexp.MustCompile(`(?:https?://[^\s"'<>]+|(?:href|action|src)="(/[^"]*)")`)
	outboxRowRe = regexp.MustCompile(`/ar/admin/outbox/(\d+)`)
)

// countAudit counts audit entries of action on subject (any subject when empty) by actor
// (anyone when 0).
func countAudit(t *testing.T, p *platform.Platform, action, subject string, actor int64) int {
	t.Helper()
	entries, _, err := audit.List(context.Background(), p.DB, audit.Filter{Action: action, Subject: subject, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if actor == 0 || e.ActorID == actor {
			n++
		}
	}
	return n
}

// TestStaffCannotObtainOneTimeLinks drives every flow that mails a one-time link — password
// reset for an official, a staff member and an admin; registration (confirmation) and
// registration with a taken address (reset); a new confirmation link; an account made by
// staff on the page and through the API; a focal point's nomination of a new person on the
// page and through the API; a staff import of participants — then reads the outbox as staff
// and as an admin, list and every message, and tries every address shown there: none sets a
// password, confirms an address or claims an account. The links themselves work, from the
// recipient's copy. Views and reset requests are in the audit log, without the links.
func TestStaffCannotObtainOneTimeLinks(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	const pw = "correct horse battery"
	const taken = "a password staff chose"
	staff, staffO := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	_, staffTok := person(t, p, "staff-api@masar.test", officials.RoleStaff, "")
	_, colleague := account(t, p, "colleague@masar.test", officials.RoleStaff, "")
	admin, adminO := account(t, p, "admin@masar.test", officials.RoleAdmin, "")
	official, officialO := unconfirmedAccount(t, p, "official@gov.jo", officials.RoleOfficial, "JO") // asks for a new confirmation link
	focal, _ := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	_, focalTok := person(t, p, "focal-api@gov.tn", officials.RoleFocalPoint, "TN")
	anon := newClient(t, p)
	wid := scheduled(t, anon, staffTok, 20, 0)

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
	flows := []struct {
		name string
		send func() response
		want int
	}{
		{"forgot: official", func() response { return newClient(t, p).post("/ar/forgot", url.Values{"email": {officialO.Email}}) }, 303},
		{"forgot: staff", func() response { return newClient(t, p).post("/ar/forgot", url.Values{"email": {colleague.Email}}) }, 303},
		{"forgot: admin (asked by staff)", func() response { return staff.post("/ar/forgot", url.Values{"email": {adminO.Email}}) }, 303},
		{"register", func() response { return newClient(t, p).post("/ar/register", registration("newcomer@gov.jo")) }, 303},
		{"register with the admin's address", func() response { return newClient(t, p).post("/ar/register", registration(adminO.Email)) }, 303},
		{"new confirmation link", func() response { return official.post("/ar/me/confirm", nil) }, 303},
		{"account made by staff (page)", func() response { return staff.post("/ar/admin/officials/new", profile("claim1@gov.tn")) }, 303},
		{"account made by staff (API)", func() response {
			return anon.api("POST", "/api/v1/officials", staffTok, asJSON(profile("claim2@gov.tn")))
		}, 201},
		{"nomination of a new person (page)", func() response {
			return focal.post(fmt.Sprintf("/ar/workshops/%d/nominate", wid), profile("claim3@gov.tn"))
		}, 303},
		{"nomination of a new person (API)", func() response {
			return anon.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), focalTok, asJSON(profile("claim4@gov.tn")))
		}, 201},
		{"import of participants (API)", func() response {
			book := xlsxBook(t, [][]any{{"Email", "Full name in Arabic script", "Full name in Latin script", "Job title", "Organisation",
				"Member state", "Sector", "Gender", "Preferred language"},
				{"claim5@gov.tn", "نورة علي", "Noura Ali", "Analyst", "Planning", "TN", "Central government", "Female", "Arabic"}})
			return anon.api("POST", fmt.Sprintf("/api/v1/workshops/%d/participants", wid), staffTok, string(book))
		}, 200},
	}
	for _, f := range flows {
		if r := f.send(); r.Status != f.want {
			t.Fatalf("%s: %d, want %d: %s", f.name, r.Status, f.want, excerpt(r.Body))
		}
	}

	// Every one-time link the flows mailed, from the recipients' copies.
	var ids []int64
	toOf := map[int64]string{}
	rows, err := p.DB.R.Query("SELECT id, to_email FROM outbox ORDER BY id")
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var to string
		err := row.Scan(&id, &to)
		ids, toOf[id] = append(ids, id), to
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]int64{} // token → message
	for _, id := range ids {
		for _, m := range oneTimeRe.FindAllStringSubmatch(recipientText(t, p, id), -1) {
			tokens[m[1]] = id
		}
	}
	if len(tokens) < len(flows) {
		t.Fatalf("%d one-time links mailed by %d flows", len(tokens), len(flows))
	}
	if n := p.Mailer.MaskedStrays(); n != 0 {
		t.Errorf("%d token-like values were not marked mail.Secret by their callers", n)
	}

	// What staff and an admin see in the outbox, and every address on those pages.
	shown := map[string]bool{}
	read := func(who string, c *client, id int64) response {
		r := c.get("/ar/admin/outbox/" + strconv.FormatInt(id, 10))
		for tok, mid := range tokens {
			if strings.Contains(r.Body, tok) {
				t.Errorf("%s reads the one-time link of message %d (to %s) on message %d", who, mid, toOf[mid], id)
			}
		}
		for _, m := range anyURLRe.FindAllStringSubmatch(r.Body, -1) {
			u := m[0]
			if m[1] != "" {
				u = m[1]
			}
			shown[html.UnescapeString(u)] = true
		}
		return r
	}
	for _, v := range []struct {
		who   string
		c     *client
		o     *officials.Official
		admin bool
	}{{"staff", staff, staffO, false}, {"admin", admin, adminO, true}} {
		list := v.c.get("/ar/admin/outbox")
		if list.Status != http.StatusOK {
			t.Fatalf("%s: outbox list %d", v.who, list.Status)
		}
		listed := map[int64]bool{}
		for _, m := range outboxRowRe.FindAllStringSubmatch(list.Body, -1) {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			listed[id] = true
		}
		for tok := range tokens {
			if strings.Contains(list.Body, tok) {
				t.Errorf("%s: the outbox list shows a one-time link", v.who)
			}
		}
		for _, id := range ids {
			toAdmin := toOf[id] == adminO.Email
			before := countAudit(t, p, "outbox.view", fmt.Sprintf("outbox:%d", id), v.o.ID)
			r := read(v.who, v.c, id)
			after := countAudit(t, p, "outbox.view", fmt.Sprintf("outbox:%d", id), v.o.ID)
			switch {
			case toAdmin && !v.admin:
				if r.Status != http.StatusNotFound || listed[id] {
					t.Errorf("staff: message %d to the admin: %d, listed %v; want 404 and unlisted", id, r.Status, listed[id])
				}
				if after != before {
					t.Errorf("staff: a refused view of %d was recorded as a view", id)
				}
			default:
				if r.Status != http.StatusOK || !listed[id] {
					t.Errorf("%s: message %d to %s: %d, listed %v", v.who, id, toOf[id], r.Status, listed[id])
				}
				if after != before+1 {
					t.Errorf("%s: viewing message %d left %d audit entries, want 1", v.who, id, after-before)
				}
			}
		}
	}

	// Try every address shown, as a stranger and as staff: open it, and send it a new password.
	// try reports whether any account's password changed or an address was confirmed.
	acted := func() bool {
		var used int
		if err := p.DB.R.QueryRow("SELECT count(*) FROM email_tokens WHERE used_at IS NOT NULL").Scan(&used); err != nil {
			t.Fatal(err)
		}
		return used > 0
	}
	form := url.Values{"password": {taken}, "password_confirm": {taken}}
	tried := 0
	for u := range shown {
		path := u
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			if !strings.HasPrefix(u, p.Config.BaseURL) {
				continue // not ours
			}
			path = pu.RequestURI()
		}
		if !strings.HasPrefix(path, "/") || strings.Contains(path, "/logout") {
			continue
		}
		tried++
		for _, c := range []*client{newClient(t, p), staff} {
			c.get(path)
			c.post(path, form)
		}
	}
	if tried == 0 {
		t.Fatal("no address was shown in the outbox: the test tries nothing")
	}
	if acted() {
		t.Fatal("an address shown in the outbox spent a one-time link")
	}
	for _, email := range []string{adminO.Email, colleague.Email, officialO.Email, "claim1@gov.tn", "claim2@gov.tn", "claim3@gov.tn", "claim4@gov.tn", "claim5@gov.tn"} {
		if _, err := p.Officials.Authenticate(ctx, email, taken); err == nil {
			t.Errorf("staff set the password of %s from the outbox", email)
		}
	}
	if _, err := p.Officials.Authenticate(ctx, "newcomer@gov.jo", pw); err == nil {
		t.Error("the newcomer's address was confirmed from the outbox")
	}

	// Reset requests are recorded (the one staff made with staff as actor); no audit entry
	// holds a link.
	for _, o := range []*officials.Official{officialO, colleague} {
		if n := countAudit(t, p, "official.reset_requested", fmt.Sprintf("official:%d", o.ID), 0); n != 1 {
			t.Errorf("reset requested for %s: %d audit entries, want 1", o.Email, n)
		}
	}
	if n := countAudit(t, p, "official.reset_requested", fmt.Sprintf("official:%d", adminO.ID), staffO.ID); n != 1 {
		t.Errorf("staff asked for the admin's reset: %d audit entries by staff, want 1", n)
	}
	if n := countAudit(t, p, "official.reset_requested", fmt.Sprintf("official:%d", adminO.ID), 0); n != 2 {
		t.Errorf("the admin's reset links (forgot, register): %d audit entries, want 2", n)
	}
	auditPage := admin.get("/ar/admin/audit")
	for tok := range tokens {
		if strings.Contains(auditPage.Body, tok) {
			t.Error("the audit log shows a one-time link")
		}
	}

	// The links work for whoever holds the mail: the recipient's copy of the admin's reset.
	var adminLink string
	for tok, id := range tokens {
		if toOf[id] == adminO.Email && strings.Contains(recipientText(t, p, id), "/reset/"+tok) {
			adminLink = "/ar/reset/" + tok
		}
	}
	if r := newClient(t, p).post(adminLink, url.Values{"password": {"the admin's own new one"}, "password_confirm": {"the admin's own new one"}}); r.Status != http.StatusSeeOther || !acted() {
		t.Fatalf("the admin's own link %q: %d", adminLink, r.Status)
	}
	if n := countAudit(t, p, "official.password_reset", fmt.Sprintf("official:%d", adminO.ID), adminO.ID); n != 1 {
		t.Errorf("the admin's reset: %d audit entries, want 1", n)
	}
}

// TestOnlyAdminsManageStaff: staff may not make staff or admins, nor edit, raise or lower a
// colleague or an admin, nor choose the password of an account made for someone else;
// admins may. Checked by what is stored, not only by the answers.
func TestOnlyAdminsManageStaff(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	staff, _ := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	_, staffTok := person(t, p, "staff-api@masar.test", officials.RoleStaff, "")
	admin, _ := account(t, p, "admin@masar.test", officials.RoleAdmin, "")
	_, adminTok := person(t, p, "admin-api@masar.test", officials.RoleAdmin, "")
	_, colleague := account(t, p, "colleague@masar.test", officials.RoleStaff, "")
	_, boss := account(t, p, "boss@masar.test", officials.RoleAdmin, "")
	_, mine := account(t, p, "my-other-account@gov.jo", officials.RoleOfficial, "JO")
	role := func(o *officials.Official) string {
		got, err := p.Officials.Get(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Role
	}
	newAccount := func(email, r string) url.Values {
		return url.Values{"email": {email}, "name_ar": {"ليلى حسن"}, "name_latin": {"Layla Hassan"}, "job_title": {"Analyst"},
			"organisation": {"Ministry"}, "country": {"JO"}, "sector": {"central_government"}, "gender": {"female"}, "language": {"ar"}, "role": {r}}
	}
	edit := url.Values{"name_ar": {"اسم آخر"}, "name_latin": {"Another Name"}, "job_title": {"Impostor"}, "organisation": {"Ministry"},
		"country": {""}, "sector": {"international"}, "gender": {"female"}, "language": {"en"}}
	c := newClient(t, p)
	refused := []struct {
		name string
		send func() response
	}{
		{"staff raises an account of theirs to staff (page)", func() response {
			return staff.post(fmt.Sprintf("/ar/admin/officials/%d/role", mine.ID), url.Values{"role": {"staff"}})
		}},
		{"staff raises an account of theirs to staff (API)", func() response {
			return c.api("PATCH", fmt.Sprintf("/api/v1/officials/%d", mine.ID), staffTok, `{"role": "staff"}`)
		}},
		{"staff lowers a colleague (page)", func() response {
			return staff.post(fmt.Sprintf("/ar/admin/officials/%d/role", colleague.ID), url.Values{"role": {"official"}})
		}},
		{"staff lowers a colleague (API)", func() response {
			return c.api("PATCH", fmt.Sprintf("/api/v1/officials/%d", colleague.ID), staffTok, `{"role": "trainer"}`)
		}},
		{"staff edits an admin (page)", func() response { return staff.post(fmt.Sprintf("/ar/admin/officials/%d", boss.ID), edit) }},
		{"staff edits a colleague (API)", func() response {
			return c.api("PATCH", fmt.Sprintf("/api/v1/officials/%d", colleague.ID), staffTok, `{"job_title": "Impostor"}`)
		}},
		{"staff makes a staff account (page)", func() response { return staff.post("/ar/admin/officials/new", newAccount("s1@masar.test", "staff")) }},
		{"staff makes a staff account (API)", func() response {
			return c.api("POST", "/api/v1/officials", staffTok, `{"email": "s2@masar.test", "name_ar": "ليلى حسن", "name_latin": "Layla Hassan",
				"job_title": "Analyst", "organisation": "Ministry", "sector": "international", "gender": "female", "language": "ar", "role": "staff"}`)
		}},
		{"staff makes an account with a password of their choosing (API)", func() response {
			return c.api("POST", "/api/v1/officials", staffTok, `{"email": "s3@gov.jo", "password": "a password staff chose", "name_ar": "ليلى حسن",
				"name_latin": "Layla Hassan", "job_title": "Analyst", "organisation": "Ministry", "country": "JO", "sector": "central_government",
				"gender": "female", "language": "ar"}`)
		}},
		{"an admin makes an account with a password of their choosing (API)", func() response {
			return c.api("POST", "/api/v1/officials", adminTok, `{"email": "s4@gov.jo", "password": "a password the admin chose", "name_ar": "ليلى حسن",
				"name_latin": "Layla Hassan", "job_title": "Analyst", "organisation": "Ministry", "country": "JO", "sector": "central_government",
				"gender": "female", "language": "ar"}`)
		}},
	}
	for _, r := range refused {
		if got := r.send(); got.Status != http.StatusForbidden && got.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 403 or 422", r.name, got.Status)
		}
	}
	if role(mine) != officials.RoleOfficial || role(colleague) != officials.RoleStaff || role(boss) != officials.RoleAdmin {
		t.Errorf("roles changed: mine %s, colleague %s, boss %s", role(mine), role(colleague), role(boss))
	}
	for _, e := range []string{"s1@masar.test", "s2@masar.test", "s3@gov.jo", "s4@gov.jo"} {
		if _, err := p.Officials.GetByEmail(ctx, e); err == nil {
			t.Errorf("%s was made", e)
		}
	}
	if got, _ := p.Officials.Get(ctx, boss.ID); got.JobTitle == "Impostor" {
		t.Error("staff edited the admin")
	}
	if got, _ := p.Officials.Get(ctx, colleague.ID); got.JobTitle == "Impostor" {
		t.Error("staff edited a colleague")
	}
	r := c.api("POST", "/api/v1/officials", staffTok, `{"email": "s5@gov.jo", "password": "a password staff chose", "name_ar": "ليلى حسن",
		"name_latin": "Layla Hassan", "job_title": "Analyst", "organisation": "Ministry", "country": "JO", "sector": "central_government",
		"gender": "female", "language": "ar"}`)
	if !strings.Contains(r.Body, `"password"`) {
		t.Errorf("the refusal does not name the password field: %s", r.Body)
	}

	// The pages offer staff only what they may do.
	colleaguePage := fmt.Sprintf("/ar/admin/officials/%d", colleague.ID)
	if r := staff.get(colleaguePage); r.Status != http.StatusOK || strings.Contains(r.Body, `action="`+colleaguePage) ||
		!strings.Contains(r.Body, "إلا مدير المنصة") {
		t.Errorf("staff on a colleague's page: %d, forms shown or no word on who manages it", r.Status)
	}
	if r := admin.get(colleaguePage); !strings.Contains(r.Body, `action="`+colleaguePage+`/role"`) {
		t.Errorf("the admin is not offered to change a staff member's role")
	}
	if r := staff.get("/ar/admin/officials/new"); r.Status != http.StatusOK || strings.Contains(r.Body, `value="staff"`) ||
		strings.Contains(r.Body, `value="admin"`) || !strings.Contains(r.Body, `value="focal_point"`) {
		t.Errorf("staff's new-account form offers roles they may not give (or not the ones they may)")
	}
	if r := staff.get(fmt.Sprintf("/ar/admin/officials/%d", mine.ID)); strings.Contains(r.Body, `<option value="staff"`) {
		t.Errorf("staff are offered to make staff")
	}

	// Staff keep their duties: focal points and trainers, accounts claimed by their holders.
	if r := staff.post(fmt.Sprintf("/ar/admin/officials/%d/role", mine.ID), url.Values{"role": {"trainer"}}); r.Status != http.StatusSeeOther || role(mine) != officials.RoleTrainer {
		t.Errorf("staff making a trainer: %d, role %s", r.Status, role(mine))
	}
	if r := staff.post("/ar/admin/officials/new", newAccount("fp@gov.jo", "focal_point")); r.Status != http.StatusSeeOther {
		t.Errorf("staff making a focal point: %d", r.Status)
	}
	// Admins manage staff.
	if r := admin.post(fmt.Sprintf("/ar/admin/officials/%d/role", colleague.ID), url.Values{"role": {"official"}}); r.Status != http.StatusSeeOther || role(colleague) != officials.RoleOfficial {
		t.Errorf("admin lowering staff: %d, role %s", r.Status, role(colleague))
	}
	if r := admin.post("/ar/admin/officials/new", newAccount("s6@masar.test", "staff")); r.Status != http.StatusSeeOther {
		t.Errorf("admin making staff: %d", r.Status)
	}
	if !slices.Contains(officials.Roles, officials.RoleStaff) {
		t.Fatal("no staff role")
	}
}
