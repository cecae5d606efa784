package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// TestUnconfirmedAccountReadsButDoesNotEnrolNorApply: an account whose e-mail address is not
// confirmed reads courses, lessons and workshops; the course and workshop pages say it must
// confirm to enrol or apply and offer the confirmation link again; enrolling, marking a
// lesson done and applying are refused (pages and API) and nothing is saved; once confirmed,
// the same person enrols and applies.
func TestUnconfirmedAccountReadsButDoesNotEnrolNorApply(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	_, staffTok := person(t, p, "staff.unconfirmed@example.org", officials.RoleStaff, "")
	staffClient := newClient(t, p)
	ws := scheduled(t, staffClient, staffTok, 30, 0)

	c, o := unconfirmedAccount(t, p, "not.yet@example.org", officials.RoleOfficial, "JO")
	tok, _ := p.Officials.CreateAPIToken(ctx, o.ID, "t")

	const slug = "open-government-data"
	co, _ := p.Library.Catalogue().Course(slug)
	lesson := "/ar/courses/" + slug + "/" + co.Lessons[0].Slug
	r := c.get("/ar/courses/" + slug)
	if r.Status != 200 || !strings.Contains(r.Body, "أكّد عنوان بريدك الإلكتروني لتتمكن من التسجيل في هذه الدورة") ||
		!strings.Contains(r.Body, `action="/ar/me/confirm"`) || strings.Contains(r.Body, `action="/ar/courses/`+slug+`/enrol"`) {
		t.Errorf("course page for an unconfirmed account: %d", r.Status)
	}
	if r := c.get(lesson); r.Status != 200 {
		t.Errorf("an unconfirmed account cannot read a lesson: %d", r.Status)
	}
	if r := c.post("/ar/courses/"+slug+"/enrol", nil); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "لم يُؤكَّد عنوان بريدك الإلكتروني بعد") {
		t.Errorf("enrol: %d", r.Status)
	}
	if r := c.post(lesson+"/done", nil); r.Status != http.StatusForbidden {
		t.Errorf("mark done (which enrols): %d", r.Status)
	}
	for _, path := range []string{"/api/v1/courses/" + slug + "/enrol", "/api/v1/courses/" + slug + "/lessons/" + co.Lessons[0].Slug + "/done"} {
		if r := c.api("POST", path, tok, ""); r.Status != http.StatusForbidden || !strings.Contains(r.Body, `"code":"email_unconfirmed"`) {
			t.Errorf("API %s: %d %s", path, r.Status, r.Body)
		}
	}
	if pr, _ := p.Courses.Progress(ctx, o.ID, slug); pr.Enrolled {
		t.Fatal("an unconfirmed account got enrolled")
	}

	wpage := fmt.Sprintf("/ar/workshops/%d", ws)
	r = c.get(wpage)
	if r.Status != 200 || !strings.Contains(r.Body, "أكّد عنوان بريدك الإلكتروني لتتمكن من طلب المشاركة في هذه الورشة") ||
		!strings.Contains(r.Body, `action="/ar/me/confirm"`) || strings.Contains(r.Body, `class="apply-form"`) {
		t.Errorf("workshop page for an unconfirmed account: %d", r.Status)
	}
	if r := c.post(wpage+"/apply", url.Values{"motivation": {"I run our open data portal."}}); r.Status != http.StatusForbidden {
		t.Errorf("apply: %d", r.Status)
	}
	if r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", ws), tok, `{"motivation": "I run our open data portal."}`); r.Status != http.StatusForbidden ||
		!strings.Contains(r.Body, `"code":"email_unconfirmed"`) {
		t.Errorf("API apply: %d %s", r.Status, r.Body)
	}
	if r := staffClient.api("GET", fmt.Sprintf("/api/v1/workshops/%d/registrations", ws), staffTok, ""); strings.Contains(r.Body, o.Email) {
		t.Fatal("an unconfirmed account's application was saved")
	}

	// Confirmed by the link, the same person enrols and applies.
	link, err := p.Officials.NewEmailToken(ctx, o.ID, officials.PurposeConfirm)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.get("/ar/confirm/" + link); r.Status != http.StatusSeeOther {
		t.Fatalf("confirmation link: %d", r.Status)
	}
	if r := c.post("/ar/courses/"+slug+"/enrol", nil); r.Status != http.StatusSeeOther {
		t.Errorf("enrol once confirmed: %d", r.Status)
	}
	if r := c.post(wpage+"/apply", url.Values{"motivation": {"I run our open data portal."}}); r.Status != http.StatusSeeOther {
		t.Errorf("apply once confirmed: %d", r.Status)
	}
}

// unconfirmedAccount is account without the confirmation of the address: an account made by
// staff with a password, whose holder has not opened the confirmation link.
func unconfirmedAccount(t testing.TB, p *platform.Platform, email, role, country string) (*client, *officials.Official) {
	t.Helper()
	in := officials.Input{Email: email, Password: "correct horse battery", NameAr: "سارة خالد", NameLatin: "Sara Khaled",
		JobTitle: "Analyst", Organisation: "Ministry", Country: country, Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil || o.EmailConfirmed {
		t.Fatalf("create %s: %v", email, err)
	}
	c := newClient(t, p)
	if r := c.post("/ar/login", url.Values{"email": {email}, "password": {in.Password}}); r.Status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, r.Status)
	}
	return c, o
}
