package web

import (
	"context"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// countryFigures counts what the workshops and certificates features hold about a member
// state, through their exported services: workshops it hosted, workshops its officials
// attended (and how many of them did), and the certificates in force of its officials.
//
// Neither service counts by country yet, so this reads per workshop and per official:
// fine for the programme's size (dozens of workshops, hundreds of officials per country);
// a count by country in those packages would make it one query each.
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
	certs := 0
	for off := 0; ; off += 500 {
		os, total, err := h.Officials.List(ctx, officials.Filter{Country: iso, Limit: 500, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			cs, err := h.Certificates.ForOfficial(ctx, o.ID)
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				if c.Valid() {
					certs++
				}
			}
		}
		if len(os) == 0 || off+len(os) >= total {
			break
		}
	}
	return []countryFigure{
		{Key: "countrypage.figure.certificates", N: certs},
		{Key: "countrypage.figure.workshops_hosted", N: len(hosted)},
		{Key: "countrypage.figure.workshops_attended", N: attended},
		{Key: "countrypage.figure.participants", N: len(people)},
	}, nil
}
