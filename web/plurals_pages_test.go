package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestPagesSayCountsInArabic reads the pages where the issue found hand-built counts: a
// workshop of 7 hours («7 ساعة»), its seat summary («40 مقاعد شاغرة», «0 مقعد معروض») and a
// course's study hours («6 ساعة دراسة»).
func TestPagesSayCountsInArabic(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	body := strings.Replace(fmt.Sprintf(workshopJSON, 40, 0), `"hours": 18`, `"hours": 7`, 1)
	r := c.api("POST", "/api/v1/workshops", staffTok, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create workshop: %d %s", r.Status, r.Body)
	}
	var w struct {
		Data workshops.Workshop `json:"data"`
	}
	json.Unmarshal([]byte(r.Body), &w)
	wid := w.Data.ID
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"status": "published"}`); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	page := newClient(t, p).get(fmt.Sprintf("/ar/workshops/%d", wid))
	if !strings.Contains(page.Body, "7 ساعات تدريبية") || strings.Contains(page.Body, "7 ساعة") {
		t.Errorf("workshop page does not say «7 ساعات تدريبية»:\n%s", around(page.Body, "ساع"))
	}

	staff, _ := account(t, p, "staff2@masar.test", officials.RoleStaff, "")
	regs := fmt.Sprintf("/ar/admin/workshops/%d/registrations", wid)
	r = staff.get(regs)
	for _, want := range []string{"لا مشاركين مؤكَّدين من أصل 40", "لا مقاعد معروضة", "لا طلبات قيد المراجعة", "لا أحد في قائمة الانتظار", "40 مقعدًا شاغرًا"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("registrations page lacks «%s»:\n%s", want, around(r.Body, "seat-summary"))
		}
	}
	for i := 0; i < 2; i++ {
		_, tok := person(t, p, fmt.Sprintf("jo%d@gov.jo", i), officials.RoleOfficial, "JO")
		id := regID(t, c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), tok, `{"motivation": "Open data lead"}`).Body)
		if i == 0 {
			if r := c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", id), staffTok, ""); r.Status != 200 {
				t.Fatalf("approve: %d %s", r.Status, r.Body)
			}
		}
	}
	r = staff.get(regs)
	for _, want := range []string{"مشارك واحد مؤكَّد من أصل 40", "طلب واحد قيد المراجعة", "39 مقعدًا شاغرًا"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("registrations page lacks «%s»:\n%s", want, around(r.Body, "seat-summary"))
		}
	}
	en, _ := account(t, p, "staff3@masar.test", officials.RoleStaff, "")
	r = en.get(fmt.Sprintf("/en/admin/workshops/%d/registrations", wid))
	for _, want := range []string{"1 confirmed participant out of 40", "0 seats offered", "39 seats free"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("English registrations page lacks %q:\n%s", want, around(r.Body, "seat-summary"))
		}
	}

	// A course's hours: the page says them with the noun agreeing, whatever the figure.
	cat := i18n.MustLoad()
	for _, co := range p.Library.Catalogue().Courses() {
		page := newClient(t, p).get("/ar/courses/" + co.Slug)
		want := cat.N("ar", "count.study_hours", co.StudyHours())
		if !strings.Contains(page.Body, want) {
			t.Errorf("%s: course page lacks «%s»:\n%s", co.Slug, want, around(page.Body, "course.duration"))
		}
		if h := co.StudyHours(); h%100 >= 3 && h%100 <= 10 && strings.Contains(page.Body, fmt.Sprintf("%d ساعة", h)) {
			t.Errorf("%s: «%d ساعة»", co.Slug, h)
		}
	}
}

// around is the part of a page around the first occurrence of s, for failure messages.
func around(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		i = 0
	}
	end := min(i+1500, len(body))
	return body[max(0, i-200):end]
}
