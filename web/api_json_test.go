package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
)

// TestAPITypeErrorsNameTheField: a value of the wrong JSON type is a 422 naming the field,
// on every decoded body (create, partial update, registration, officials), while a body
// that is not JSON stays a 400.
func TestAPITypeErrorsNameTheField(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 0)
	for _, tc := range []struct {
		method, path, body, field string
	}{
		{"POST", "/api/v1/workshops", strings.Replace(fmt.Sprintf(workshopJSON, 30, 0), `"capacity": 30`, `"capacity": "30"`, 1), "capacity"},
		{"PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), `{"capacity": "30"}`, "capacity"},
		{"PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), `{"phases": 1}`, "phases"},
		{"PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), `{"nonsense": 1}`, "nonsense"},
		{"POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), `{"official_id": "7"}`, "official_id"},
		{"POST", "/api/v1/officials", `{"email": "x@gov.tn", "name_ar": 5}`, "name_ar"},
	} {
		r := c.api(tc.method, tc.path, staffTok, tc.body)
		var e struct {
			Error struct {
				Code   string
				Fields map[string]string
			}
		}
		json.Unmarshal([]byte(r.Body), &e)
		if r.Status != 422 || e.Error.Fields[tc.field] == "" {
			t.Errorf("%s %s %s: %d %s; want 422 naming %q", tc.method, tc.path, tc.body, r.Status, r.Body, tc.field)
		}
	}
	o, _ := person(t, p, "someone@gov.tn", officials.RoleOfficial, "TN")
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/officials/%d", o.ID), staffTok, `{"name_ar": 5}`); r.Status != 422 || !strings.Contains(r.Body, "يجب أن تكون القيمة نصًّا") {
		t.Errorf("official's name as a number: %d %s", r.Status, r.Body)
	}
	c.lang = "ar"
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"capacity": "30"}`); !strings.Contains(r.Body, "يجب أن تكون القيمة رقمًا") {
		t.Errorf("Arabic type error: %s", r.Body)
	}
	if r := c.api("POST", "/api/v1/workshops", staffTok, `{"capacity": 30`); r.Status != 400 || !strings.Contains(r.Body, "bad_json") {
		t.Errorf("broken JSON: %d %s", r.Status, r.Body)
	}
}
