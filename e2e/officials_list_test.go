package e2e

import (
	"strconv"
	"strings"
	"testing"
)

// TestBrowserStaffListOfficials: staff search the list of officials in Arabic by part of a
// name; the rows (written by Go code, not the template) show the names, escaped, in a
// right-to-left table, and lead to the official's page.
func TestBrowserStaffListOfficials(t *testing.T) {
	s := startSite(t)
	s.advPerson(t, "staff-list@example.org", "staff", "JO", "ar")
	o := s.advPerson(t, "huda.list@example.org", "official", "MA", "ar")
	ctx := newBrowser(t)
	s.login(t, ctx, "ar", "staff-list@example.org")
	s.open(t, ctx, "/ar/admin/officials?q=huda.list")
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("dir %q", dir)
	}
	rows := eval[int](t, ctx, `document.querySelectorAll("main tbody tr").length`)
	cells := text(t, ctx, "main tbody tr")
	if rows != 1 || !strings.Contains(cells, "هدى عبد الله") || !strings.Contains(cells, "huda.list@example.org") || !strings.Contains(cells, "مسؤول حكومي") {
		t.Fatalf("%d rows: %q", rows, cells)
	}
	screenshot(t, ctx, "staff-officials-ar")
	clickAndLoad(t, ctx, "main tbody tr a")
	if got := location(t, ctx); !strings.HasSuffix(got, "/ar/admin/officials/"+strconv.FormatInt(o.ID, 10)) {
		t.Errorf("row link went to %s", got)
	}
}
