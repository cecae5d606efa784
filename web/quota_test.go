package web_test

import (
	"encoding/json"
	"fmt"
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
