package certificates

import (
	"context"
	"testing"
	"time"

	"github.com/masar-platform/masar/problem"
)

// TestBulkWaitsForTheWorkshopToBeOver: a workshop's certificates are not issued in bulk
// before its last session has ended; the refusal says when it becomes possible, and
// starts no job.
func TestBulkWaitsForTheWorkshopToBeOver(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	o := e.official(t, "wait@gov.example", "سلمى", "Salma")
	over := time.Now().Add(90 * time.Minute)
	award := WorkshopAward{WorkshopID: 52, Title: map[string]string{"ar": "ورشة المشاركة", "en": "Participation workshop"},
		HostCountry: "JO", City: "Amman", Start: time.Now().AddDate(0, 0, -1), End: time.Now(), Hours: 8, Over: over}
	_, err := e.svc.StartWorkshopJob(ctx, staff, award, []int64{o.ID})
	p, ok := problem.As(err)
	if !ok || p.Code != "workshop_not_over" || p.Status != 409 || len(p.Args) != 2 || p.Args[0] != "when" || !p.Args[1].(time.Time).Equal(over) {
		t.Fatalf("bulk issue before the end: %v %+v", err, p)
	}
	if jobs, err := e.svc.Jobs(ctx, 5); err != nil || len(jobs) != 0 {
		t.Errorf("a refused bulk issue left %d job(s) (%v)", len(jobs), err)
	}
	award.Over = time.Now().Add(-time.Minute)
	if _, err := e.svc.StartWorkshopJob(ctx, staff, award, []int64{o.ID}); err != nil {
		t.Errorf("bulk issue after the end: %v", err)
	}
	e.svc.Wait()
}
