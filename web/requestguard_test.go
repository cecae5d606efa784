package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestControlCharactersInQueriesAre400: NUL, line breaks, C1 controls and broken UTF-8 in a
// path or query get a 400 naming the field, in the page's language; never a 500.
func TestControlCharactersInQueriesAre400(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff-guard@example.org", "staff", "JO")
	for _, path := range []string{
		"/ar/admin/officials?q=%00",
		"/ar/admin/officials?q=abc%00def",
		"/ar/search?q=%0Aopen",
		"/en/search?q=%C3",                   // half of a two-byte letter
		"/fr/search?q=%D8",                   // half of an Arabic letter
		"/ar/search?q=%C2%85",                // C1 next-line
		"/api/v1/search?q=%1B",               // escape
		"/ar/verify?code=AB%00CD",            // verify page
		"/ar/login?next=/ar/%0D%0ALocation:", // header injection attempt
		"/ar/courses/%00",
	} {
		r := staff.get(path)
		if r.Status != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", path, r.Status)
			continue
		}
		if strings.HasPrefix(path, "/api/") {
			if !strings.Contains(r.Body, `"bad_query"`) {
				t.Errorf("GET %s: API error code missing: %s", path, r.Body)
			}
			continue
		}
		if strings.HasPrefix(path, "/ar/") && !strings.Contains(r.Body, "محارف غير مسموح بها") {
			t.Errorf("GET %s: no Arabic message: %.300s", path, r.Body)
		}
	}
	// Arabic, French and spaces are fine.
	for _, path := range []string{"/ar/search?q=%D8%A7%D9%84%D8%B4%D9%81%D8%A7%D9%81%D9%8A%D8%A9", "/fr/search?q=donn%C3%A9es+ouvertes", "/ar/admin/officials?q=%D8%B3%D8%A7%D8%B1%D8%A9"} {
		if r := staff.get(path); r.Status != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", path, r.Status)
		}
	}
}

// TestPersonalPagesAreNotStored: every page answered to a logged-in person, and every
// export, says Cache-Control no-store; public pages to anonymous visitors stay cacheable.
func TestPersonalPagesAreNotStored(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff-cache@example.org", "staff", "JO")
	for _, path := range []string{"/ar/me", "/ar/me/edit", "/ar/me/export", "/ar/me/data", "/ar/admin/officials", "/ar/courses", "/ar/workshops", "/ar/reports", "/en/admin/courses/export.xlsx"} {
		r := staff.get(path)
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: %d", path, r.Status)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("GET %s as staff: Cache-Control %q, want no-store", path, cc)
		}
	}
	anon := newClient(t, p)
	if r := anon.get("/ar/courses"); strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("anonymous catalogue marked no-store: %q", r.Header.Get("Cache-Control"))
	}
}
