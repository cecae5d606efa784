package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
)

// TestQuotaNotBelowSeatsHeld: like the capacity, the country quota cannot be lowered below
// the seats one country already holds; the refusal names the field, the country and the seats.
func TestQuotaNotBelowSeatsHeld(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 3)
	for i := 0; i < 3; i++ {
		_, tok := person(t, p, fmt.Sprintf("o%d@gov.tn", i), officials.RoleOfficial, "TN")
		r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), tok, `{"motivation": "I run our open data portal."}`)
		if r.Status != 201 {
			t.Fatalf("apply: %d %s", r.Status, r.Body)
		}
		if r := c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", regID(t, r.Body)), staffTok, ""); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
	}
	path := fmt.Sprintf("/api/v1/workshops/%d", wid)
	c.lang = "en"
	r := c.api("PATCH", path, staffTok, `{"country_quota": 2}`)
	var e struct {
		Error struct {
			Code   string
			Fields map[string]string
		}
	}
	json.Unmarshal([]byte(r.Body), &e)
	if msg := e.Error.Fields["country_quota"]; r.Status != 422 || !strings.Contains(msg, "Tunisia") || !strings.Contains(msg, "3") {
		t.Errorf("quota 2 below Tunisia's 3 seats: %d %s", r.Status, r.Body)
	}
	c.lang = "ar"
	if r := c.api("PATCH", path, staffTok, `{"country_quota": 2}`); r.Status != 422 || !strings.Contains(r.Body, "تونس") {
		t.Errorf("Arabic refusal: %d %s", r.Status, r.Body)
	}
	if r := c.api("PATCH", path, staffTok, `{"country_quota": 3}`); r.Status != 200 {
		t.Errorf("quota equal to the seats held: %d %s", r.Status, r.Body)
	}
	if r := c.api("PATCH", path, staffTok, `{"country_quota": 0}`); r.Status != 200 {
		t.Errorf("no quota: %d %s", r.Status, r.Body)
	}
}

// TestQuotaFormNamesCountry: on the scheduling form, the refusal stands next to the quota
// field and names the country by its Arabic name and its seats.
func TestQuotaFormNamesCountry(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	staff, _ := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	_, staffTok := person(t, p, "staff-api@masar.test", officials.RoleStaff, "")
	form := url.Values{
		"title_ar": {"ورشة المشاركة العامة"}, "title_en": {"Public participation workshop"}, "kind": {"regional"},
		"phases": {"2"}, "host_country": {"JO"}, "city": {"Amman"}, "venue": {"Dead Sea centre"},
		"start_date": {"2026-03-10"}, "end_date": {"2026-03-11"}, "languages": {"ar", "en"}, "capacity": {"25"},
		"country_quota": {"2"}, "hours": {"12"}, "attendance_threshold": {"50"}, "offer_hours": {"48"}, "reminder_days": {"7"},
	}
	r := staff.post("/ar/admin/workshops/new", form)
	if r.Status != 303 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	wid := strings.TrimPrefix(r.Location, "/ar/admin/workshops/")
	if r := staff.post("/ar/admin/workshops/"+wid+"/status", url.Values{"status": {"published"}}); r.Status != 303 {
		t.Fatalf("publish: %d", r.Status)
	}
	c := newClient(t, p)
	for i := 0; i < 2; i++ {
		_, tok := person(t, p, fmt.Sprintf("o%d@gov.tn", i), officials.RoleOfficial, "TN")
		r := c.api("POST", "/api/v1/workshops/"+wid+"/registrations", tok, `{"motivation": "I run our open data portal."}`)
		if r := c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", regID(t, r.Body)), staffTok, ""); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
	}
	form.Set("country_quota", "1")
	r = staff.post("/ar/admin/workshops/"+wid, form)
	if r.Status != 422 || !strings.Contains(r.Body, "لا يمكن أن تقل حصة الدولة الواحدة عن 2: فلدى تونس حاليًا 2 من المقاعد") {
		t.Errorf("quota below Tunisia's seats on the form: %d", r.Status)
	}
}
