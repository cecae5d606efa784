package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// TestCompletedWorkshopIssuesAttendanceCertificates: when staff mark a workshop completed,
// the participants whose attendance reaches the threshold (75 %: here 3 days of 3, and 2 of
// 3 is not enough) receive their attendance certificate, once.
func TestCompletedWorkshopIssuesAttendanceCertificates(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "cert-staff@example.org", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 0)
	var regs []int64
	var people []*officials.Official
	for i := 0; i < 3; i++ {
		o, tok := person(t, p, fmt.Sprintf("cert-official%d@example.org", i), officials.RoleOfficial, "JO")
		r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), tok, `{"motivation": "To lead our open data work."}`)
		if r.Status != http.StatusCreated {
			t.Fatalf("apply: %d %s", r.Status, r.Body)
		}
		id := regID(t, r.Body)
		if r := c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", id), staffTok, ""); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		regs, people = append(regs, id), append(people, o)
	}
	// After the workshop: everyone came on the first two days, only the first two on the third.
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC) })
	for day, ids := range map[string][]int64{"2026-03-10": regs, "2026-03-11": regs, "2026-03-12": regs[:2]} {
		body := fmt.Sprintf(`{"day": %q, "registration_ids": [%d%s]}`, day, ids[0], tail(ids[1:]))
		if r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/attendance", wid), staffTok, body); r.Status != 200 {
			t.Fatalf("attendance %s: %d %s", day, r.Status, r.Body)
		}
	}
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"status": "completed"}`); r.Status != 200 {
		t.Fatalf("complete: %d %s", r.Status, r.Body)
	}
	p.Certificates.Wait()
	ctx := context.Background()
	for i, o := range people {
		certs, err := p.Certificates.ForOfficial(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if i == 2 {
			want = 0
		}
		if len(certs) != want {
			t.Errorf("official %d (attended %d days of 3): %d certificates, want %d", i, 3-i/2, len(certs), want)
		}
	}
}

func tail(ids []int64) string {
	s := ""
	for _, id := range ids {
		s += fmt.Sprintf(", %d", id)
	}
	return s
}

// TestPublishedWorkshopsAreSearchable: publishing a workshop puts it in the search results
// (by its title or its host country's name); cancelling takes it out.
func TestPublishedWorkshopsAreSearchable(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "search-staff@example.org", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 0)
	for _, q := range []string{"ورشة البيانات", "الاردن", "workshop"} {
		r := c.api("GET", "/api/v1/search?q="+url.QueryEscape(q)+"&lang=ar", "", "")
		if r.Status != 200 || !strings.Contains(r.Body, fmt.Sprintf(`"workshop_id":%d`, wid)) && !strings.Contains(r.Body, fmt.Sprintf("/workshops/%d", wid)) {
			t.Errorf("q=%s: workshop %d not found: %d %s", q, wid, r.Status, r.Body)
		}
	}
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"status": "cancelled"}`); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", "/api/v1/search?q=workshop&lang=en", "", ""); strings.Contains(r.Body, fmt.Sprintf("/workshops/%d", wid)) {
		t.Error("a cancelled workshop is still found")
	}
}

// TestAnonymousCalendarShowsNewWorkshopsAtOnce: the calendar is shared between anonymous
// visitors for a few seconds, but a newly published workshop shows on the next visit.
func TestAnonymousCalendarShowsNewWorkshopsAtOnce(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "cal-staff@example.org", officials.RoleStaff, "")
	anon := newClient(t, p)
	if r := anon.get("/en/workshops"); strings.Contains(r.Body, "Open government data workshop") {
		t.Fatal("calendar shows a workshop before any exists")
	}
	wid := scheduled(t, newClient(t, p), staffTok, 10, 0)
	if r := anon.get("/en/workshops"); !strings.Contains(r.Body, fmt.Sprintf("/en/workshops/%d", wid)) {
		t.Error("a published workshop is missing from the (cached) calendar")
	}
}

// TestMissedCompletionsGetTheirCertificateAtStart: a completion recorded without its hook
// having run (the process stopped in between) gets its certificate when the platform starts.
func TestMissedCompletionsGetTheirCertificateAtStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	cfg := config.Default()
	cfg.DataDir, cfg.BcryptCost = dir, 4
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := platform.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := person(t, p, "missed@example.org", officials.RoleOfficial, "JO")
	// A progress service without the certificate hook stands for a process that stopped
	// between the commit of the completion and the hook.
	bare := courses.NewService(p.DB, p.Library.Catalogue, nil)
	co, _ := p.Library.Catalogue().Course("engaged-governance")
	openedLongAgo(t, p, o.ID, co.Slug)
	for _, l := range co.Lessons {
		if _, err := bare.MarkDone(ctx, o.ID, co.Slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
	answers := drawnRightAnswers(t, bare, o.ID, co)
	if sub, err := bare.SubmitQuiz(ctx, o.ID, co.Slug, answers, true); err != nil || !sub.Completed {
		t.Fatalf("complete: %v %+v", err, sub)
	}
	if certs, _ := p.Certificates.ForOfficial(ctx, o.ID); len(certs) != 0 {
		t.Fatal("certificate issued without the hook")
	}
	p.Close()
	p, err = platform.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := 0; i < 100; i++ {
		if certs, _ := p.Certificates.ForOfficial(ctx, o.ID); len(certs) == 1 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("the missed completion got no certificate after a restart")
}
