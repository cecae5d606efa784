package workshops

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/store"
)

// templates of the e-mail telling a person their registration's new status.
var statusTemplates = map[string]string{
	RegPending:    "workshop_pending",
	RegConfirmed:  "workshop_confirmed",
	RegWaitlisted: "workshop_waitlisted",
	RegOffered:    "workshop_offered",
	RegRejected:   "workshop_rejected",
	RegCancelled:  "workshop_cancelled",
}

// notify e-mails the person of registration r about its status, inside tx (the message is
// stored with the change). A confirmation carries the workshop's calendar entry.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, w *Workshop, r *Registration, nominatedBy int64) error {
	tmpl, ok := statusTemplates[r.Status]
	if !ok {
		return nil
	}
	extra := map[string]any{}
	var until time.Time // an offer is of no use once it lapsed
	switch r.Status {
	case RegPending:
		extra["NominatedBy"] = ""
		if nominatedBy != 0 && nominatedBy != r.OfficialID {
			extra["NominatedBy"] = s.personName(ctx, nominatedBy, r.Language)
		}
	case RegConfirmed:
		extra["TicketLink"] = s.link(r.Language, fmt.Sprintf("/workshops/%d/ticket", w.ID))
	case RegOffered:
		if r.OfferExpiresAt != nil {
			extra["Deadline"] = FormatDateTime(lang(r.Language), *r.OfferExpiresAt, w.Location())
			until = *r.OfferExpiresAt
		}
	}
	return s.mail(ctx, tx, w, r, tmpl, extra, r.Status == RegConfirmed, until)
}

func lang(l string) string {
	if l == "en" || l == "fr" {
		return l
	}
	return "ar"
}

func (s *Service) link(lang, path string) string {
	return s.baseURL + "/" + lang + path
}

// Place is where the workshop happens, in lang: "Amman, Jordan", or "online".
func (s *Service) Place(ctx context.Context, w *Workshop, l string) string {
	if w.HostCountry == "" {
		return s.cat.T(l, "workshops.online")
	}
	name := s.CountryName(ctx, w.HostCountry, l)
	p := name
	if w.City != "" {
		sep := "، "
		if l != "ar" {
			sep = ", "
		}
		p = w.City + sep + name
	}
	if w.Kind == KindOnline {
		p = s.cat.T(l, "workshops.online")
	}
	return p
}

// mail writes one message to the person of r about w, inside tx. A message not sent by
// until (unless zero) is dropped rather than sent late.
func (s *Service) mail(ctx context.Context, tx store.Queryer, w *Workshop, r *Registration, tmpl string, extra map[string]any, withICS bool, until time.Time) error {
	if s.mailer == nil || r.Email == "" {
		return nil
	}
	if r.Status != RegConfirmed {
		w = w.WithoutLink() // the calendar entry of someone without a confirmed seat
	}
	l := lang(r.Language)
	name := r.DisplayName(l)
	data := map[string]any{
		"Name":     name,
		"Workshop": w.TitleIn(l),
		"Dates":    FormatDateRange(l, w.StartDate, w.EndDate),
		"Place":    s.Place(ctx, w, l),
		"Link":     s.link(l, fmt.Sprintf("/workshops/%d", w.ID)),
	}
	for k, v := range extra {
		data[k] = v
	}
	msg := mail.Message{To: r.Email, Name: name, Lang: l, Template: tmpl, Data: data, UsefulUntil: until}
	if withICS {
		msg.Attachments = []mail.Attachment{{Filename: "workshop-" + strconv.FormatInt(w.ID, 10) + ".ics",
			ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: s.eventICS(ctx, tx, w, l, r.Status == RegConfirmed)}}
	}
	if _, err := s.mailer.Enqueue(ctx, tx, msg); err != nil {
		return fmt.Errorf("workshops: mail %s to registration %d: %w", tmpl, r.ID, err)
	}
	return nil
}

// notifyCalledOff tells everyone still registered to w that it is cancelled; those with a
// seat receive the calendar entry marked cancelled.
func (s *Service) notifyCalledOff(ctx context.Context, tx *sql.Tx, w *Workshop) error {
	rows, err := tx.QueryContext(ctx, "SELECT "+regCols+regFrom+` WHERE r.workshop_id = ? AND r.status IN ('pending', 'confirmed', 'waitlisted', 'offered')`, w.ID)
	regs, err := store.Collect(rows, err, scanReg)
	if err != nil {
		return fmt.Errorf("workshops: registrations to tell of %d: %w", w.ID, err)
	}
	for _, r := range regs {
		if err := s.mail(ctx, tx, w, r, "workshop_called_off", nil, r.Status == RegConfirmed, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// SendReminders e-mails every confirmed participant of a published workshop that starts
// within its reminder_days, once, and returns how many were sent.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	ws, err := s.List(ctx, Filter{Statuses: []string{StatusPublished}})
	if err != nil {
		return 0, err
	}
	now := s.Now()
	sent := 0
	for _, w := range ws {
		if w.ReminderDays == 0 || !now.Before(w.Start()) || now.Before(w.Start().AddDate(0, 0, -w.ReminderDays)) {
			continue
		}
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Once: an instance sending the same reminders at the same moment waits, then
			// finds them marked as sent.
			if err := s.lockWorkshop(ctx, tx, w.ID); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, "SELECT "+regCols+regFrom+` WHERE r.workshop_id = ? AND r.status = 'confirmed'
				AND r.reminded_at IS NULL`, w.ID)
			regs, err := store.Collect(rows, err, scanReg)
			if err != nil {
				return fmt.Errorf("workshops: reminders of %d: %w", w.ID, err)
			}
			days := int(w.Start().Sub(now).Hours()/24 + 0.999)
			for _, r := range regs {
				extra := map[string]any{"Days": max(days, 1), "TicketLink": s.link(lang(r.Language), fmt.Sprintf("/workshops/%d/ticket", w.ID))}
				// A reminder that the workshop starts is of no use once it has started.
				if err := s.mail(ctx, tx, w, r, "workshop_reminder", extra, true, w.Start()); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE registrations SET reminded_at = ? WHERE id = ?", store.FormatTime(now), r.ID); err != nil {
					return err
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Run lapses expired offers and sends reminders every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		// An error once ctx has ended is the shutdown cutting a round short, not a failure:
		// each offer and reminder is its own transaction, and the next start does the rest.
		if n, err := s.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("workshops: expire offers", "err", err)
		} else if n > 0 {
			s.log.Info("workshops: offers lapsed", "count", n)
		}
		if n, err := s.SendReminders(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("workshops: reminders", "err", err)
		} else if n > 0 {
			s.log.Info("workshops: reminders sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CountryName is a member state's name in lang (its code if unknown). Names are cached:
// they are reference data, seldom changed, and a change drops them (topic countries).
func (s *Service) CountryName(ctx context.Context, iso, l string) string {
	key := iso + "/" + l
	v, ok, snap := s.names.Get(key)
	if ok {
		return v
	}
	c, err := s.offs.Country(ctx, iso)
	if err != nil {
		return iso
	}
	name := c.Name(l)
	s.names.Put(key, name, snap) // key is a new string, not a request's buffer
	return name
}

// change is one line of a "workshop changed" message: what changed, from what, to what,
// written in the recipient's language.
type change struct{ Label, Old, New string }

// changes lists what people holding or awaiting a seat must know about the move from a to
// b: dates, time zone, place, venue, online link and agenda times, in language l and in
// each version's own time zone. The online link is shown only to confirmed participants.
func (s *Service) changes(ctx context.Context, a, b *Workshop, l string, confirmed bool) []change {
	var out []change
	none := s.cat.T(l, "workshops.changed.none")
	or := func(v string) string {
		if v == "" {
			return none
		}
		return v
	}
	add := func(key, from, to string) {
		if from != to {
			out = append(out, change{s.cat.T(l, key), or(from), or(to)})
		}
	}
	add("workshops.changed.dates", FormatDateRange(l, a.StartDate, a.EndDate), FormatDateRange(l, b.StartDate, b.EndDate))
	if a.Timezone != b.Timezone {
		add("workshops.changed.timezone", ZoneLabel(l, a.Timezone, a.Start()), ZoneLabel(l, b.Timezone, b.Start()))
	}
	add("workshops.changed.place", s.Place(ctx, a, l), s.Place(ctx, b, l))
	add("workshops.changed.venue", a.Venue, b.Venue)
	if a.OnlineURL != b.OnlineURL {
		if confirmed {
			add("workshops.changed.online_url", a.OnlineURL, b.OnlineURL)
		} else {
			hidden := s.cat.T(l, "workshops.changed.link_when_confirmed")
			out = append(out, change{s.cat.T(l, "workshops.changed.online_url"), hidden, hidden})
		}
	}
	when := func(w *Workshop, se Session) string {
		loc := w.Location()
		st := se.StartsAt.In(loc)
		day := st.Format(DateLayout)
		return FormatDay(l, day) + " " + Times(l, se.StartsAt, se.EndsAt, loc, day).String() + " (" + Isolate(l, UTCOffset(st)) + ")"
	}
	olds := map[int64]Session{}
	for _, se := range a.Sessions {
		olds[se.ID] = se
	}
	for _, se := range b.Sessions {
		label := s.cat.T(l, "workshops.changed.item", "title", se.TitleIn(l))
		o, ok := olds[se.ID]
		delete(olds, se.ID)
		switch {
		case !ok:
			out = append(out, change{label, s.cat.T(l, "workshops.changed.item_new"), when(b, se)})
		case !o.StartsAt.Equal(se.StartsAt) || !o.EndsAt.Equal(se.EndsAt) || a.Timezone != b.Timezone:
			if from, to := when(a, o), when(b, se); from != to {
				out = append(out, change{label, from, to})
			}
		}
	}
	for _, se := range a.Sessions {
		if _, gone := olds[se.ID]; gone {
			out = append(out, change{s.cat.T(l, "workshops.changed.item", "title", se.TitleIn(l)), when(a, se),
				s.cat.T(l, "workshops.changed.item_removed")})
		}
	}
	return out
}

// notifyChanged tells everyone confirmed, offered a seat or on the waiting list of w what
// changed from old, inside tx. Confirmed participants receive the updated calendar entry
// (same UIDs, higher SEQUENCE, removed items cancelled); the others a link to the public one.
func (s *Service) notifyChanged(ctx context.Context, tx *sql.Tx, old, w *Workshop) error {
	if s.mailer == nil {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+regCols+regFrom+` WHERE r.workshop_id = ? AND r.status IN ('confirmed', 'offered', 'waitlisted')
		ORDER BY r.id`, w.ID)
	regs, err := store.Collect(rows, err, scanReg)
	if err != nil {
		return fmt.Errorf("workshops: registrations to tell of %d: %w", w.ID, err)
	}
	for _, r := range regs {
		l := lang(r.Language)
		confirmed := r.Status == RegConfirmed
		chs := s.changes(ctx, old, w, l, confirmed)
		if len(chs) == 0 {
			return nil // the same for every reader: nothing they must know
		}
		extra := map[string]any{"Changes": chs, "Confirmed": confirmed,
			"CalendarLink": fmt.Sprintf("%s/workshops/%d.ics?lang=%s", s.baseURL, w.ID, l)}
		if err := s.mail(ctx, tx, w, r, "workshop_changed", extra, confirmed, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}
