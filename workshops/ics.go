package workshops

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/store"
)

// iCalendar (RFC 5545) output. A workshop is an all-day event over its host-local dates
// (dates carry no zone, so every client shows the same days); each agenda item is a timed
// event written in UTC, so that no VTIMEZONE is needed and daylight saving cannot shift
// it. UIDs are stable, SEQUENCE follows the workshop's changes, and a cancelled workshop's
// events say STATUS:CANCELLED.

const icsStamp = "20060102T150405Z"

// icsWriter builds a calendar with CRLF line ends and lines folded at 75 octets.
type icsWriter struct{ b strings.Builder }

func (x *icsWriter) line(s string) {
	for len(s) > 75 {
		cut := 75
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		x.b.WriteString(s[:cut])
		x.b.WriteString("\r\n")
		s = " " + s[cut:]
	}
	x.b.WriteString(s)
	x.b.WriteString("\r\n")
}

func (x *icsWriter) text(name, value string) {
	if value == "" {
		return
	}
	x.line(name + ":" + icsEscape(value))
}

// icsEscape escapes a TEXT value.
func icsEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

func (s *Service) uidHost() string {
	if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "masar.localhost"
}

func (x *icsWriter) begin(name string) {
	x.line("BEGIN:VCALENDAR")
	x.line("VERSION:2.0")
	x.line("PRODID:-//Masar//Workshops//EN")
	x.line("CALSCALE:GREGORIAN")
	x.line("METHOD:PUBLISH")
	x.text("X-WR-CALNAME", name)
}

// EventICS is the calendar of one workshop in lang: the workshop and its agenda, with the
// agenda items removed since marked cancelled.
// Its events are TRANSP:TRANSPARENT: a published workshop is an offer to read, not time the
// reader has committed.
func (s *Service) EventICS(ctx context.Context, w *Workshop, lang string) []byte {
	return s.eventICS(ctx, s.db.R, w, lang, false)
}

// eventICS is EventICS reading the removed agenda items through q (a transaction that has
// just removed some). busy marks the events TRANSP:OPAQUE: the invite mailed with a
// confirmed seat is time the participant has given, and their calendar must show it as
// taken (TRANSPARENT made a confirmed three-day workshop look "free").
func (s *Service) eventICS(ctx context.Context, q store.Queryer, w *Workshop, lang string, busy bool) []byte {
	var x icsWriter
	x.begin(w.TitleIn(lang))
	s.writeEvent(ctx, &x, w, lang, true, busy)
	removed, err := s.removedSessions(ctx, q, w)
	if err != nil {
		s.log.Error("workshops: removed sessions", "workshop", w.ID, "err", err)
	}
	for _, se := range removed {
		x.line("BEGIN:VEVENT")
		x.line(fmt.Sprintf("UID:workshop-%d-session-%d@%s", w.ID, se.ID, s.uidHost()))
		x.line("DTSTAMP:" + w.UpdatedAt.UTC().Format(icsStamp))
		x.line(fmt.Sprintf("SEQUENCE:%d", w.Sequence))
		x.line("DTSTART:" + se.StartsAt.UTC().Format(icsStamp))
		x.line("DTEND:" + se.EndsAt.UTC().Format(icsStamp))
		x.text("SUMMARY;LANGUAGE="+lang, se.TitleIn(lang)+" — "+w.TitleIn(lang))
		x.line("STATUS:CANCELLED")
		x.line("END:VEVENT")
	}
	x.line("END:VCALENDAR")
	return []byte(x.b.String())
}

// removedSessions lists the agenda items removed from w, oldest start first.
func (s *Service) removedSessions(ctx context.Context, q store.Queryer, w *Workshop) ([]Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, starts_at, ends_at, title_ar, title_en, title_fr FROM workshop_sessions_removed
		WHERE workshop_id = ? ORDER BY starts_at, id`, w.ID)
	return store.Collect(rows, err, func(row store.Scanner) (Session, error) {
		var se Session
		var st, en, tAr, tEn, tFr string
		err := row.Scan(&se.ID, &st, &en, &tAr, &tEn, &tFr)
		se.StartsAt, se.EndsAt, se.Title = parseTime(st), parseTime(en), langMap(tAr, tEn, tFr)
		return se, err
	})
}

// FeedICS is the calendar of many workshops (without their agendas), named name.
func (s *Service) FeedICS(ctx context.Context, ws []*Workshop, lang, name string) []byte {
	var x icsWriter
	x.begin(name)
	for _, w := range ws {
		if w.IsPublic() {
			s.writeEvent(ctx, &x, w, lang, false, false)
		}
	}
	x.line("END:VCALENDAR")
	return []byte(x.b.String())
}

func (s *Service) writeEvent(ctx context.Context, x *icsWriter, w *Workshop, lang string, agenda, busy bool) {
	transp := "TRANSP:TRANSPARENT"
	if busy {
		transp = "TRANSP:OPAQUE"
	}
	host := s.uidHost()
	status := "CONFIRMED"
	switch w.Status {
	case StatusCancelled:
		status = "CANCELLED"
	case StatusDraft:
		status = "TENTATIVE"
	}
	stamp := w.UpdatedAt.UTC().Format(icsStamp)
	link := s.link(lang, fmt.Sprintf("/workshops/%d", w.ID))
	place := s.Place(ctx, w, lang)
	where := place
	if w.Venue != "" {
		where = w.Venue + ", " + place
	}
	if w.Kind == KindOnline && w.OnlineURL != "" {
		where = w.OnlineURL
	}
	langParam := ";LANGUAGE=" + lang
	x.line("BEGIN:VEVENT")
	x.line(fmt.Sprintf("UID:workshop-%d@%s", w.ID, host))
	x.line("DTSTAMP:" + stamp)
	x.line("LAST-MODIFIED:" + stamp)
	x.line("CREATED:" + w.CreatedAt.UTC().Format(icsStamp))
	x.line(fmt.Sprintf("SEQUENCE:%d", w.Sequence))
	start, _ := time.Parse(DateLayout, w.StartDate)
	end, _ := time.Parse(DateLayout, w.EndDate)
	x.line("DTSTART;VALUE=DATE:" + start.Format("20060102"))
	x.line("DTEND;VALUE=DATE:" + end.AddDate(0, 0, 1).Format("20060102"))
	x.text("SUMMARY"+langParam, w.TitleIn(lang))
	desc := w.DescriptionIn(lang)
	if desc != "" {
		desc += "\n\n"
	}
	x.text("DESCRIPTION"+langParam, desc+link)
	x.text("LOCATION"+langParam, where)
	x.line("URL:" + link)
	x.text("CATEGORIES"+langParam, s.cat.T(lang, "workshops.kind."+w.Kind))
	x.line(transp)
	x.line("STATUS:" + status)
	x.line("END:VEVENT")
	if !agenda {
		return
	}
	for _, se := range w.Sessions {
		x.line("BEGIN:VEVENT")
		x.line(fmt.Sprintf("UID:workshop-%d-session-%d@%s", w.ID, se.ID, host))
		x.line("DTSTAMP:" + stamp)
		x.line(fmt.Sprintf("SEQUENCE:%d", w.Sequence))
		x.line("DTSTART:" + se.StartsAt.UTC().Format(icsStamp))
		x.line("DTEND:" + se.EndsAt.UTC().Format(icsStamp))
		x.text("SUMMARY"+langParam, se.TitleIn(lang)+" — "+w.TitleIn(lang))
		loc := where
		if se.Room != "" {
			loc = se.Room + ", " + where
		}
		x.text("LOCATION"+langParam, loc)
		d := link
		if se.Speaker != "" {
			d = se.Speaker + "\n" + link
		}
		x.text("DESCRIPTION"+langParam, d)
		x.line("URL:" + link)
		x.line(transp)
		x.line("STATUS:" + status)
		x.line("END:VEVENT")
	}
}
