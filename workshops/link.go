package workshops

import (
	"context"
	"fmt"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// The online meeting link (often with its passcode in the URL) is what a seat in an online
// session is: whoever holds it can join. So it is shown only to programme staff, to the
// workshop's trainers and to participants whose seat is confirmed; public pages, the API for
// anyone else and the public calendar feeds leave it out.

// LinkVisibleTo reports whether who may see w's online meeting link. mine is who's
// registration to w, or nil when they have none.
func (w *Workshop) LinkVisibleTo(who *officials.Official, mine *Registration) bool {
	if who == nil {
		return false
	}
	if who.IsStaff() || w.HasTrainer(who.ID) {
		return true
	}
	return mine != nil && mine.WorkshopID == w.ID && mine.OfficialID == who.ID && mine.Status == RegConfirmed
}

// WithoutLink returns w itself when it has no online link, else a shallow copy of w with the
// link removed, for someone who may not see it. w itself is left as it was.
func (w *Workshop) WithoutLink() *Workshop {
	if w.OnlineURL == "" {
		return w
	}
	c := *w
	c.OnlineURL = ""
	return &c
}

// ConfirmedIn lists the workshops in which official holds a confirmed seat.
func (s *Service) ConfirmedIn(ctx context.Context, official int64) (map[int64]bool, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT workshop_id FROM registrations WHERE official_id = ? AND status = ?", official, RegConfirmed)
	ids, err := store.Collect(rows, err, store.Column[int64])
	if err != nil {
		return nil, fmt.Errorf("workshops: confirmed seats of official %d: %w", official, err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// LinksFor returns ws as who may see them: the online links of the workshops in which who
// is neither staff, trainer nor a confirmed participant are removed (on copies).
func (s *Service) LinksFor(ctx context.Context, who *officials.Official, ws []*Workshop) ([]*Workshop, error) {
	if who != nil && who.IsStaff() {
		return ws, nil
	}
	var confirmed map[int64]bool
	if who != nil {
		var err error
		if confirmed, err = s.ConfirmedIn(ctx, who.ID); err != nil {
			return nil, err
		}
	}
	out := make([]*Workshop, len(ws))
	for i, w := range ws {
		if who != nil && (w.HasTrainer(who.ID) || confirmed[w.ID]) {
			out[i] = w
		} else {
			out[i] = w.WithoutLink()
		}
	}
	return out, nil
}
