package web

import (
	"context"

	"github.com/masar-platform/masar/workshops"
)

// countryFigures counts what the workshops and certificates features hold about a member
// state, through their exported services: workshops it hosted, workshops its officials
// attended (and how many of them did), and the certificates in force its officials earned.
// Every figure counts facts as they were recorded (the member state a registration or a
// certificate was made with), never today's profiles.
//
// The workshops service does not count by country yet, so this reads per workshop: fine
// for the programme's size (dozens of workshops).
func (h *handler) countryFigures(ctx context.Context, iso string) ([]countryFigure, error) {
	public := []string{workshops.StatusPublished, workshops.StatusCompleted}
	hosted, err := h.Workshops.List(ctx, workshops.Filter{Country: iso, Statuses: public})
	if err != nil {
		return nil, err
	}
	all, err := h.Workshops.List(ctx, workshops.Filter{Statuses: public})
	if err != nil {
		return nil, err
	}
	today := h.Workshops.Now().Format(workshops.DateLayout) // the workshops' own clock
	attended := 0
	people := map[int64]bool{}
	for _, w := range all {
		if w.StartDate > today {
			continue // nobody has attended it yet
		}
		regs, err := h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Country: iso})
		if err != nil {
			return nil, err
		}
		seen := false
		for _, r := range regs {
			if len(r.Attended) > 0 {
				seen = true
				people[r.OfficialID] = true
			}
		}
		if seen {
			attended++
		}
	}
	// Counted where they were earned, not from the holders' profiles today: an erased
	// account or a move to another country does not rewrite the country's past.
	certs, err := h.Certificates.InForce(ctx, iso)
	if err != nil {
		return nil, err
	}
	return []countryFigure{
		{Key: "countrypage.figure.certificates", N: certs},
		{Key: "countrypage.figure.workshops_hosted", N: len(hosted)},
		{Key: "countrypage.figure.workshops_attended", N: attended},
		{Key: "countrypage.figure.participants", N: len(people)},
	}, nil
}
