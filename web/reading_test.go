package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/masar-platform/masar/web"
)

// openedLongAgo enrols the official in the course (now) and opens every lesson a day ago, so
// that each can be marked done now.
func openedLongAgo(t testing.TB, p *web.Platform, officialID int64, slug string) {
	t.Helper()
	ctx := context.Background()
	co, err := p.Library.Catalogue().Course(slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Courses.Enrol(ctx, officialID, slug); err != nil {
		t.Fatal(err)
	}
	p.Courses.SetClock(func() time.Time { return time.Now().Add(-24 * time.Hour) })
	defer p.Courses.SetClock(nil)
	for _, l := range co.Lessons {
		if err := p.Courses.RecordOpen(ctx, officialID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
}

// readAll has the official read every lesson of the course, so that its quiz is open.
func readAll(t testing.TB, p *web.Platform, officialID int64, slug string) {
	t.Helper()
	openedLongAgo(t, p, officialID, slug)
	co, _ := p.Library.Catalogue().Course(slug)
	for _, l := range co.Lessons {
		if _, err := p.Courses.MarkDone(context.Background(), officialID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
}
