package web_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
)

type envelope struct {
	Data  json.RawMessage `json:"data"`
	Error *struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decode(t *testing.T, r response) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
		t.Fatalf("not JSON (%d): %s", r.Status, r.Body)
	}
	return e
}

func TestAPIRolesEnvelopeAndLanguage(t *testing.T) {
	p := newPlatform(t)
	_, staff := account(t, p, "api-staff@example.org", officials.RoleStaff, "")
	_, plain := account(t, p, "api-plain@example.org", officials.RoleOfficial, "QA")
	_, focal := account(t, p, "api-focal@example.org", officials.RoleFocalPoint, "QA")
	_, _ = account(t, p, "api-oman@example.org", officials.RoleOfficial, "OM")
	ctx := context.Background()
	staffTok, _ := p.Officials.CreateAPIToken(ctx, staff.ID, "t")
	plainTok, _ := p.Officials.CreateAPIToken(ctx, plain.ID, "t")
	focalTok, _ := p.Officials.CreateAPIToken(ctx, focal.ID, "t")
	c := newClient(t, p)

	r := c.api("GET", "/api/v1/me", plainTok, "")
	e := decode(t, r)
	if r.Status != 200 || !strings.Contains(string(e.Data), `"email":"api-plain@example.org"`) || strings.Contains(r.Body, "password") {
		t.Errorf("/me: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", "/api/v1/me", "", ""); r.Status != 401 || decode(t, r).Error.Code != "unauthorized" {
		t.Errorf("/me without token: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/me", "msr_forged", ""); r.Status != 401 {
		t.Errorf("/me with forged token: %d", r.Status)
	}
	// An official may not list officials; the message follows Accept-Language.
	c.lang = "ar"
	r = c.api("GET", "/api/v1/officials", plainTok, "")
	e = decode(t, r)
	if r.Status != 403 || e.Error.Code != "forbidden" || e.Error.Message != "ليست لديك صلاحية القيام بهذا." {
		t.Errorf("official listing: %d %s", r.Status, r.Body)
	}
	// A focal point sees only their country, whatever the filter says.
	r = c.api("GET", "/api/v1/officials?country=OM", focalTok, "")
	if r.Status != 200 || strings.Contains(r.Body, "api-oman@") || !strings.Contains(r.Body, "api-plain@") {
		t.Errorf("focal point list: %s", r.Body)
	}
	if r := c.api("POST", "/api/v1/officials", focalTok, `{}`); r.Status != 403 {
		t.Errorf("focal point created an account: %d", r.Status)
	}
	// Staff create: validation errors name the fields, in English here.
	c.lang = "en"
	r = c.api("POST", "/api/v1/officials", staffTok, `{"email":"bad","name_ar":"Ali","country":"QA"}`)
	e = decode(t, r)
	if r.Status != 422 || e.Error.Code != "validation" || e.Error.Fields["email"] == "" || e.Error.Fields["name_ar"] != "Write this name in Arabic letters only." {
		t.Errorf("create invalid: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", "/api/v1/officials", staffTok, `{not json`); r.Status != 400 || decode(t, r).Error.Code != "bad_json" {
		t.Errorf("bad JSON: %d %s", r.Status, r.Body)
	}
	body := `{"email":"new@gov.qa","name_ar":"منى علي","name_latin":"Mona Ali","job_title":"Planner","organisation":"Planning","country":"QA","sector":"central_government","gender":"female","language":"en"}`
	r = c.api("POST", "/api/v1/officials", staffTok, body)
	if r.Status != 201 || !strings.Contains(r.Body, `"email":"new@gov.qa"`) {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var created officials.Official
	_ = json.Unmarshal(decode(t, r).Data, &created)
	// The new holder was e-mailed a link, in English.
	items, _, _ := p.Mailer.List(ctx, 10, 0)
	if len(items) == 0 || items[0].To != "new@gov.qa" || items[0].Template != "welcome_claim" || items[0].Lang != "en" {
		t.Errorf("claim mail: %+v", items)
	}
	// PATCH a field and the role.
	r = c.api("PATCH", "/api/v1/officials/"+itoa(created.ID), staffTok, `{"job_title":"Director","role":"focal_point"}`)
	if r.Status != 200 || !strings.Contains(r.Body, `"job_title":"Director"`) || !strings.Contains(r.Body, `"role":"focal_point"`) {
		t.Errorf("patch: %d %s", r.Status, r.Body)
	}
	if r := c.api("PATCH", "/api/v1/officials/"+itoa(created.ID), staffTok, `{"role":"admin"}`); r.Status != 403 {
		t.Errorf("staff made an admin through the API: %d", r.Status)
	}
	if r := c.api("PATCH", "/api/v1/officials/"+itoa(created.ID), staffTok, `{"role":"emperor","job_title":"X"}`); r.Status != 422 {
		t.Errorf("unknown role: %d", r.Status)
	}
	if got, _ := p.Officials.Get(ctx, created.ID); got.JobTitle != "Director" {
		t.Errorf("a refused PATCH changed data: %q", got.JobTitle)
	}
	// A revoked token stops working.
	if err := p.Officials.RevokeAPIToken(ctx, plainTok); err != nil {
		t.Fatal(err)
	}
	if r := c.api("GET", "/api/v1/me", plainTok, ""); r.Status != 401 {
		t.Errorf("revoked token: %d", r.Status)
	}
}

// TestOpenAPIMatchesRoutes keeps the OpenAPI document true: every API route is documented
// and every documented operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	p := newPlatform(t)
	r := newClient(t, p).get("/api/v1/openapi.json")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %v %s", err, doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for m, op := range ops {
			documented[strings.ToUpper(m)+" "+path] = true
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s has no responses", m, path)
			}
		}
	}
	routed := map[string]bool{}
	for _, rt := range p.App.GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == "HEAD" || rt.Method == "USE" {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(rt.Path, "/api/v1"), "/")
		for i, s := range parts {
			if strings.HasPrefix(s, ":") {
				parts[i] = "{" + s[1:] + "}"
			}
		}
		routed[rt.Method+" "+strings.Join(parts, "/")] = true
	}
	var missing, extra []string
	for k := range routed {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !routed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("routes not in openapi.json: %v; documented but not routed: %v", missing, extra)
	}
	if len(routed) < 5 {
		t.Errorf("only %d API routes found", len(routed))
	}
}
