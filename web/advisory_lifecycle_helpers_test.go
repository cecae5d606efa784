package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// advLetter is a ministry's letter, as a request is submitted with.
func advLetter() advisory.LetterInput {
	return advisory.LetterInput{Reference: "MoDEE/2026/118", Date: "2026-01-15", SignatoryName: "Dr Sami Haddad",
		SignatoryTitle: "Secretary-General", File: &advisory.File{Name: "letter.pdf", Data: advSamplePDF}}
}

// advLetterJSON is the letter as the API takes it.
const advLetterJSON = `"letter": {"reference": "MoDEE/2026/118", "date": "2026-01-15", "signatory_name": "Dr Sami Haddad",` +
	` "signatory_title": "Secretary-General", "file": {"filename": "letter.pdf", "data": "JVBERi0xLjQKJSVFT0YK"}}`

// advDay is a date some days from today.
func advDay(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(advisory.DateLayout) }

// advStepsBefore takes the lifecycle's steps that the move of request id to state to needs:
// terms of reference agreed by the country before planning, a mission before the work starts.
func advStepsBefore(t testing.TB, p *platform.Platform, staff, focal *officials.Official, id int64, to string) {
	t.Helper()
	ctx := context.Background()
	switch to {
	case advisory.StatusPlanned:
		v, err := p.Advisory.ProposeTor(ctx, staff, id, "Scope, team and calendar.", &advisory.File{Name: "tor.pdf", Data: advSamplePDF})
		if err != nil {
			t.Fatalf("propose terms of reference of %d: %v", id, err)
		}
		if _, err := p.Advisory.DecideTor(ctx, focal, id, v.ID, true, ""); err != nil {
			t.Fatalf("agree to terms of reference of %d: %v", id, err)
		}
	case advisory.StatusInProgress:
		if _, err := p.Advisory.AddMission(ctx, staff, id, advisory.MissionInput{StartDate: advDay(30), EndDate: advDay(32), City: "Amman"}); err != nil {
			t.Fatalf("mission of %d: %v", id, err)
		}
	}
}
