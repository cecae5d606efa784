package web

import (
	"context"
	"fmt"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// myWorkshopsSection adds the official's workshop registrations to their profile page.
func (h *handler) myWorkshopsSection(ctx context.Context, u *officials.Official, l string) (*meSection, error) {
	mine, err := h.Workshops.MyRegistrations(ctx, u.ID)
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	sec := &meSection{TitleKey: "workshops.me.title"}
	for _, m := range mine {
		w, r := m.Workshop, m.Registration
		note := h.cat.T(l, "workshops.status."+r.Status) + " · " + workshops.FormatDateRange(l, w.StartDate, w.EndDate)
		if w.Status == workshops.StatusCancelled {
			note = h.cat.T(l, "workshops.state.cancelled") + " · " + workshops.FormatDateRange(l, w.StartDate, w.EndDate)
		}
		href := fmt.Sprintf("/%s/workshops/%d", l, w.ID)
		if r.Status == workshops.RegConfirmed && w.Status == workshops.StatusPublished {
			href += "/ticket"
		}
		sec.Items = append(sec.Items, meItem{Label: w.TitleIn(l), Href: href, Note: note})
	}
	return sec, nil
}

// withVisibleLinks removes the online link from the workshops of mine that u may not join
// (a pending, waitlisted or cancelled seat).
func withVisibleLinks(u *officials.Official, mine []workshops.Mine) []workshops.Mine {
	for i, m := range mine {
		if !m.Workshop.LinkVisibleTo(u, m.Registration) {
			mine[i].Workshop = m.Workshop.WithoutLink()
		}
	}
	return mine
}
