package certificates

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// Two Masar instances on one PostgreSQL database run their transactions side by side; these
// tests race one issuance through two *store.DB handles opened on the same database, as two
// instances would (the course completed on one, the start-up catch-up on the other; two
// members of staff by hand). They need a PostgreSQL server (skipped without one, unless
// MASAR_POSTGRES_TESTS=require); SQLite's single writer never runs two at once.

// twoInstances is the certificates service twice, on two handles of one new PostgreSQL
// database, sharing the data directory as instances share their keys.
func twoInstances(t *testing.T) (*testEnv, *testEnv) {
	t.Helper()
	ctx := context.Background()
	u := storetest.NewPostgresDatabase(t)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		dbs[i] = db
	}
	if err := officials.SeedCountries(ctx, dbs[0]); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return envOn(t, dbs[0], dir, nil), envOn(t, dbs[1], dir, nil)
}

// both runs issue on both instances at once.
func both(a, b *testEnv, issue func(i int, e *testEnv)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, e := range []*testEnv{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			issue(i, e)
		}()
	}
	close(start)
	wg.Wait()
}

// TestIssueOnceAcrossInstances: the same course certificate is issued for one official on two
// instances at the same moment. One certificate exists, both callers get its code, one of
// them reports creating it, and the holder receives one e-mail.
func TestIssueOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	for n, slug := range []string{"open-government-data", "citizen-participation", "open-government-framework"} {
		o := a.official(t, fmt.Sprintf("amina%d@gov.example", n), "أمينة عبد الله", "Amina Abdullah")
		var codes [2]string
		var created [2]bool
		both(a, b, func(i int, e *testEnv) {
			c, ok, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, slug, time.Now())
			if err != nil {
				t.Errorf("%s, instance %d: %v", slug, i, err)
				return
			}
			codes[i], created[i] = c.Code, ok
		})
		if codes[0] == "" || codes[0] != codes[1] || created[0] == created[1] {
			t.Fatalf("%s: codes %v, created %v; want one code for both and one creation", slug, codes, created)
		}
		var rows, mails int
		if err := a.db.R.QueryRow("SELECT count(*) FROM certificates WHERE official_id = ?", o.ID).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := a.db.R.QueryRow("SELECT count(*) FROM outbox WHERE template = 'certificate_issued' AND to_email = ?", o.Email).Scan(&mails); err != nil {
			t.Fatal(err)
		}
		if rows != 1 || mails != 1 {
			t.Fatalf("%s: %d certificates and %d e-mails, want 1 and 1", slug, rows, mails)
		}
	}
}

// TestIssueByHandOnceAcrossInstances: two members of staff issue the same certificate by hand
// on two instances at the same moment; one is issued, the other is refused as already
// issued (409), naming the code of the one that was.
func TestIssueByHandOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	o := a.official(t, "huda@gov.example", "هدى سالم", "Huda Salem")
	var certs [2]*Certificate
	var errs [2]error
	both(a, b, func(i int, e *testEnv) {
		certs[i], errs[i] = e.svc.IssueByHand(ctx, staff, HandIssue{OfficialID: o.ID, Kind: KindCourse, Course: "open-government-data", Reason: "Imported"})
	})
	issued, refused := -1, -1
	for i, err := range errs {
		if err == nil {
			issued = i
			continue
		}
		if p, ok := problem.As(err); ok && p.Code == "already_issued" && p.Status == http.StatusConflict {
			refused = i
			continue
		}
		t.Fatalf("instance %d: %v", i, err)
	}
	if issued < 0 || refused < 0 {
		t.Fatalf("errors %v; want one issued and one refused", errs)
	}
	p, _ := problem.As(errs[refused])
	if got := fmt.Sprint(p.Args...); certs[issued] == nil || !strings.Contains(got, certs[issued].Display()) {
		t.Errorf("the refusal names %q, want the code %s", got, certs[issued].Display())
	}
}

// TestTemplatesSavedAtOnceAcrossInstances: two members of staff save a first template on two
// instances at the same moment; both templates are kept and exactly one is the default.
// Then both save a new version of the same template at once: versions 2 and 3, none lost.
func TestTemplatesSavedAtOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	im := putSamples(t, a.svc)
	content := TemplateContent{Name: "ESCWA and UNDP", Issuer: a.svc.DefaultIssuer(), Signatories: longSignatories(im, 1)}
	var ids [2]int64
	var errs [2]error
	both(a, b, func(i int, e *testEnv) {
		var v *TemplateVersion
		if v, errs[i] = e.svc.SaveTemplate(ctx, staff, 0, content); errs[i] == nil {
			ids[i] = v.TemplateID
		}
	})
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("first templates: %v", errs)
	}
	ts, err := a.svc.Templates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defaults := 0
	for _, tp := range ts {
		if tp.Default {
			defaults++
		}
	}
	if len(ts) != 2 || defaults != 1 {
		t.Fatalf("%d templates, %d of them the default; want 2 and 1", len(ts), defaults)
	}
	var versions [2]int
	both(a, b, func(i int, e *testEnv) {
		var v *TemplateVersion
		if v, errs[i] = e.svc.SaveTemplate(ctx, staff, ids[0], content); errs[i] == nil {
			versions[i] = v.Version
		}
	})
	if errs[0] != nil || errs[1] != nil || versions[0]+versions[1] != 5 || versions[0] == versions[1] {
		t.Fatalf("new versions %v (%v), want 2 and 3", versions, errs)
	}
}
