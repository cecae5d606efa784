package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// bulkWorkshop publishes a workshop in Amman whose last session ends at lastEnd (host time).
func bulkWorkshop(t *testing.T, ctx context.Context, ws *workshops.Service, lastEnd time.Time) *workshops.Workshop {
	t.Helper()
	sys := audit.Actor{Email: "test"}
	amman, _ := time.LoadLocation("Asia/Amman")
	end := lastEnd.In(amman)
	start := end.AddDate(0, 0, -1)
	in := workshops.Input{Title: map[string]string{"ar": "ورشة المشاركة العامة", "en": "Public participation workshop"}, Kind: workshops.KindNational,
		Phases: []int{2}, HostCountry: "JO", City: "Amman", Venue: "Town hall", StartDate: start.Format(workshops.DateLayout), EndDate: end.Format(workshops.DateLayout),
		Languages: []string{"ar"}, Capacity: 30, Hours: 8,
		Sessions: []workshops.SessionInput{
			{StartsAt: start.Add(-2 * time.Hour).Format(workshops.LocalLayout), EndsAt: start.Format(workshops.LocalLayout), Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}},
			{StartsAt: end.Add(-time.Hour).Format(workshops.LocalLayout), EndsAt: end.Format(workshops.LocalLayout), Title: map[string]string{"ar": "الختام", "en": "Closing"}},
		}}
	w, err := ws.Create(ctx, sys, in)
	if err != nil {
		t.Fatal(err)
	}
	if w, err = ws.SetStatus(ctx, sys, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestBulkAttendanceCertificatesWaitForTheLastSession: attendance certificates are not issued
// in bulk while the workshop still runs — the page's button waits, disabled, saying from
// when; the form and the API refuse with 409 workshop_not_over and the same words; once
// the last session has ended the button works.
func TestBulkAttendanceCertificatesWaitForTheLastSession(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	staff, so := account(t, p, "bulk-wait-staff@example.org", officials.RoleStaff, "")
	staffTok, _ := p.Officials.CreateAPIToken(ctx, so.ID, "t")
	// The last session ends in three hours, on a minute (the agenda's precision).
	ends := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
	running := bulkWorkshop(t, ctx, p.Workshops, ends)
	amman, _ := time.LoadLocation("Asia/Amman")
	clock := ends.In(amman).Format("15:04")

	page := fmt.Sprintf("/en/admin/workshops/%d/attendance", running.ID)
	r := staff.get(page)
	form := r.Body[strings.Index(r.Body, `id="bulk-h"`):]
	if r.Status != 200 || !strings.Contains(form, "disabled") || !strings.Contains(form, "once its last session has ended") || !strings.Contains(form, clock) {
		t.Errorf("attendance page before the end: %d, the button is not disabled with the time %s:\n%s", r.Status, clock, excerpt(form))
	}
	ar := staff.get(fmt.Sprintf("/ar/admin/workshops/%d/attendance", running.ID))
	if !strings.Contains(ar.Body, "لم تنتهِ الورشة بعد") || !strings.Contains(ar.Body, clock) {
		t.Error("the Arabic attendance page does not say when the certificates can be issued")
	}

	r = staff.post("/en/admin/certificates/workshops", url.Values{"workshop_id": {fmt.Sprint(running.ID)}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "once its last session has ended") || !strings.Contains(r.Body, clock) {
		t.Errorf("the form before the end: %d %s", r.Status, excerpt(r.Body))
	}
	staff.lang = "fr"
	r = staff.api("POST", "/api/v1/certificates/jobs", staffTok, fmt.Sprintf(`{"workshop_id": %d}`, running.ID))
	if e := decode(t, r); r.Status != http.StatusConflict || e.Error.Code != "workshop_not_over" || !strings.Contains(e.Error.Message, "dernière séance") ||
		!strings.Contains(e.Error.Message, clock) {
		t.Errorf("the API before the end: %d %s", r.Status, r.Body)
	}
	if list, err := p.Certificates.Jobs(ctx, 10); err != nil || len(list) > 0 {
		t.Errorf("a refused bulk issue left %d job(s) (%v)", len(list), err)
	}

	// Staff who mark the workshop completed say it is over (a last day called off): the
	// button works at once.
	if _, err := p.Workshops.SetStatus(ctx, audit.Actor{ID: so.ID}, running.ID, workshops.StatusCompleted); err != nil {
		t.Fatal(err)
	}
	p.Certificates.Wait()
	staff.lang = "en"
	if r := staff.get(page); strings.Contains(r.Body[strings.Index(r.Body, `id="bulk-h"`):], "disabled") {
		t.Error("the button still waits for a workshop marked completed")
	}

	// A workshop whose last session ended an hour ago: the button works.
	over := bulkWorkshop(t, ctx, p.Workshops, time.Now().Add(-time.Hour).Truncate(time.Minute))
	staff.lang = "en"
	r = staff.get(fmt.Sprintf("/en/admin/workshops/%d/attendance", over.ID))
	form = r.Body[strings.Index(r.Body, `id="bulk-h"`):]
	if r.Status != 200 || strings.Contains(form, "disabled") || strings.Contains(form, "once its last session has ended") {
		t.Errorf("attendance page after the end: %d %s", r.Status, excerpt(form))
	}
	r = staff.post("/en/admin/certificates/workshops", url.Values{"workshop_id": {fmt.Sprint(over.ID)}})
	if r.Status == http.StatusConflict {
		t.Errorf("the form after the end: %d %s", r.Status, excerpt(r.Body))
	}
}
