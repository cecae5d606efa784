package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestBrowserArabicValidationAndStaffPages, in Chromium and in Arabic: an official who sends
// the workshop application without a motivation gets the server's Arabic message next to
// the field (the form does not let the browser answer in its own language); an admin reads
// the audit log by action names and picks a workshop's zone by its city, never by a code.
// With MASAR_SCREENSHOTS set it saves the audit log and the workshop form.
func TestBrowserArabicValidationAndStaffPages(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	a := s.advPerson(t, "admin@escwa.test", officials.RoleAdmin, "LB", "ar")
	s.confirm(t, a.ID)
	w, err := s.p.Workshops.Create(bg, audit.Actor{ID: a.ID, Email: a.Email}, workshops.Input{
		Title: map[string]string{"ar": "ورشة بوابات البيانات المفتوحة", "en": "Open data portals workshop"},
		Kind:  workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "عمّان", StartDate: "2027-03-14", EndDate: "2027-03-15",
		Languages: []string{"ar", "en"}, Capacity: 30,
		Sessions: []workshops.SessionInput{{StartsAt: "2027-03-14T09:00", EndsAt: "2027-03-14T10:30", Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.SetStatus(bg, audit.Actor{ID: a.ID, Email: a.Email}, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	in := s.account(t, "sara.khaled@mop.gov.jo")

	// The application without a motivation: the server's message, in Arabic.
	s.login(t, ctx, "ar", in.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/workshops/%d", w.ID))
	if !eval[bool](t, ctx, `document.querySelector("form.apply-form").noValidate`) {
		t.Fatal("the application form lets the browser check it in the browser's language")
	}
	clickAndLoad(t, ctx, "form.apply-form button[type=submit]")
	if msg := text(t, ctx, "#e-motivation"); msg == "" || strings.ContainsAny(msg, "abcdefghijklmnopqrstuvwxyz") {
		t.Errorf("the motivation's message is %q, want Arabic", msg)
	}
	if eval[string](t, ctx, `document.querySelector("#f-motivation").getAttribute("aria-invalid")`) != "true" {
		t.Error("the motivation field is not marked invalid")
	}
	logout(t, ctx, "ar")

	s.login(t, ctx, "ar", a.Email)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	s.open(t, ctx, "/ar/admin/audit")
	table := text(t, ctx, "main table")
	for _, name := range []string{"إنشاء ورشة", "تغيير حالة ورشة", "إنشاء حساب"} {
		if !strings.Contains(table, name) {
			t.Errorf("the audit log does not say %q", name)
		}
	}
	for _, code := range []string{"workshop.create", "workshop.status", "official.create", "workshop:"} {
		if strings.Contains(table, code) {
			t.Errorf("the audit log shows the code %q", code)
		}
	}
	screenshot(t, ctx, "audit-ar-375")
	do(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))
	s.open(t, ctx, "/ar/admin/audit")
	screenshot(t, ctx, "audit-ar")

	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d", w.ID))
	zones := eval[[]string](t, ctx, `[...document.querySelectorAll("#f-timezone option")].map(o => o.textContent)`)
	if len(zones) < 15 {
		t.Fatalf("the zone picker offers %d zones", len(zones))
	}
	joined := strings.Join(zones, "|")
	if strings.Contains(joined, "Asia/") || strings.Contains(joined, "Africa/") || !strings.Contains(joined, "توقيت عمّان") {
		t.Errorf("the zone picker reads %q", joined)
	}
	if host := text(t, ctx, `label[for="f-host_country"]`); host == "" {
		t.Error("no host country field")
	}
	if c := eval[string](t, ctx, `document.querySelector("#f-host_country").selectedOptions[0].textContent`); c != "الأردن" {
		t.Errorf("the host country reads %q, want الأردن", c)
	}
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d", w.ID))
	screenshot(t, ctx, "workshop-edit-ar-375")
	// The place and zone fields as a phone shows them.
	if dir := os.Getenv("MASAR_SCREENSHOTS"); dir != "" {
		eval[bool](t, ctx, `(document.querySelector("#f-host_country").scrollIntoView({block: "start"}), true)`)
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "workshop-edit-ar-375-place.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
