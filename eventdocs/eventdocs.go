// Package eventdocs prints the documents a workshop needs on the day: sheets of name badges
// (the name in Arabic and Latin script, the country, the role and the QR code of the
// ticket) and the sign-in sheet of every day, one PDF per person or per day and in bulk
// (ZIP). It draws them with the certificates' PDF engine, so that Arabic is shaped, ordered
// and extractable exactly as on certificates.
package eventdocs

import (
	"archive/zip"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/bidi"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// Roles a badge shows.
const (
	RoleParticipant = "participant"
	RoleTrainer     = "trainer"
)

// ErrNoBadge: the person asked for holds no confirmed seat (nor is a trainer) of the workshop.
var ErrNoBadge = problem.New(http.StatusNotFound, "no_badge", "event_docs.error.no_badge")

// ErrNoBadges: the workshop has nobody to print badges for, neither trainers nor confirmed
// participants.
var ErrNoBadges = problem.New(http.StatusNotFound, "no_badges", "event_docs.badges.none")

// ErrCancelled: the workshop was cancelled; its tickets check nobody in.
var ErrCancelled = problem.New(http.StatusConflict, "workshop_cancelled", "event_docs.error.cancelled")

// ErrNoDay: the day asked for is not one of the workshop's days.
var ErrNoDay = problem.New(http.StatusNotFound, "no_such_day", "event_docs.error.no_day")

// Service prints a workshop's documents.
type Service struct {
	certs   *certificates.Service
	ws      *workshops.Service
	offs    *officials.Service
	cat     i18n.Catalogue
	baseURL string
}

// New returns the service; baseURL is the platform's address, for the QR codes of tickets.
func New(certs *certificates.Service, ws *workshops.Service, offs *officials.Service, cat i18n.Catalogue, baseURL string) *Service {
	return &Service{certs: certs, ws: ws, offs: offs, cat: cat, baseURL: strings.TrimSuffix(baseURL, "/")}
}

// Person is someone who gets a badge or signs in: a confirmed participant or a trainer.
type Person struct {
	Role           string `json:"role"`
	RegistrationID int64  `json:"registration_id,omitempty"` // participants
	OfficialID     int64  `json:"official_id"`
	NameAr         string `json:"name_ar"`
	NameLatin      string `json:"name_latin"`
	Organisation   string `json:"organisation"`
	Country        string `json:"country"` // ISO 3166-1 alpha-2
	Gender         string `json:"-"`
	Ticket         string `json:"-"` // the participant's ticket code, "" for a trainer
}

// FileName is the name of the person's badge file: role, id and the Latin name in ASCII.
func (p Person) FileName() string {
	id := p.RegistrationID
	if p.Role == RoleTrainer {
		id = p.OfficialID
	}
	name := slug(p.NameLatin)
	if name == "" {
		return fmt.Sprintf("badge-%s-%d.pdf", p.Role, id)
	}
	return fmt.Sprintf("badge-%s-%d-%s.pdf", p.Role, id, name)
}

// slug keeps the ASCII letters and digits of s, lower-cased, words joined by hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "-")
	}
	return out
}

// Trainers are the workshop's trainers, in the order the workshop lists them (accounts
// since erased left out).
func (s *Service) Trainers(ctx context.Context, w *workshops.Workshop) ([]Person, error) {
	var out []Person
	for _, id := range w.Trainers {
		o, err := s.offs.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("eventdocs: trainer %d: %w", id, err)
		}
		if o.DeletedAt != nil {
			continue
		}
		out = append(out, Person{Role: RoleTrainer, OfficialID: o.ID, NameAr: o.NameAr, NameLatin: o.NameLatin,
			Organisation: o.Organisation, Country: o.Country, Gender: o.Gender})
	}
	return out, nil
}

// Participants are the workshop's confirmed participants, by country (its name in lang)
// and then by name.
func (s *Service) Participants(ctx context.Context, w *workshops.Workshop, lang string) ([]Person, error) {
	regs, err := s.ws.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if err != nil {
		return nil, fmt.Errorf("eventdocs: participants of workshop %d: %w", w.ID, err)
	}
	out := make([]Person, 0, len(regs))
	for _, r := range regs {
		out = append(out, participant(r))
	}
	s.sortByCountry(ctx, out, lang)
	return out, nil
}

func participant(r *workshops.Registration) Person {
	return Person{Role: RoleParticipant, RegistrationID: r.ID, OfficialID: r.OfficialID, NameAr: r.NameAr, NameLatin: r.NameLatin,
		Organisation: r.Organisation, Country: r.Country, Gender: r.Gender, Ticket: r.Ticket}
}

// sortByCountry orders people by their country's name in lang, then by name in lang's script.
func (s *Service) sortByCountry(ctx context.Context, ps []Person, lang string) {
	names := map[string]string{}
	for _, p := range ps {
		if _, ok := names[p.Country]; !ok {
			names[p.Country] = s.ws.CountryName(ctx, p.Country, lang)
		}
	}
	slices.SortStableFunc(ps, func(a, b Person) int {
		return cmp.Or(strings.Compare(names[a.Country], names[b.Country]),
			strings.Compare(displayName(a, lang), displayName(b, lang)), cmp.Compare(a.RegistrationID, b.RegistrationID))
	})
}

// displayName is the name in lang's script, or in the other when that one is missing.
func displayName(p Person, lang string) string {
	if lang == "ar" && p.NameAr != "" || p.NameLatin == "" {
		return p.NameAr
	}
	return p.NameLatin
}

// People are everyone who gets a badge: the trainers, then the confirmed participants.
func (s *Service) People(ctx context.Context, w *workshops.Workshop, lang string) ([]Person, error) {
	tr, err := s.Trainers(ctx, w)
	if err != nil {
		return nil, err
	}
	ps, err := s.Participants(ctx, w, lang)
	if err != nil {
		return nil, err
	}
	return append(tr, ps...), nil
}

// ParticipantByRegistration is the confirmed participant of registration rid of w, or
// ErrNoBadge.
func (s *Service) ParticipantByRegistration(ctx context.Context, w *workshops.Workshop, rid int64) (Person, error) {
	r, err := s.ws.Registration(ctx, rid)
	if errors.Is(err, store.ErrNotFound) {
		return Person{}, ErrNoBadge
	}
	if err != nil {
		return Person{}, err
	}
	if r.WorkshopID != w.ID || r.Status != workshops.RegConfirmed {
		return Person{}, ErrNoBadge
	}
	return participant(r), nil
}

// TrainerByOfficial is trainer oid of w, or ErrNoBadge.
func (s *Service) TrainerByOfficial(ctx context.Context, w *workshops.Workshop, oid int64) (Person, error) {
	if !w.HasTrainer(oid) {
		return Person{}, ErrNoBadge
	}
	tr, err := s.Trainers(ctx, w)
	if err != nil {
		return Person{}, err
	}
	for _, p := range tr {
		if p.OfficialID == oid {
			return p, nil
		}
	}
	return Person{}, ErrNoBadge
}

// Days are the days that need a sign-in sheet: the host-local dates of the agenda's
// sessions, or, without an agenda, every day of the workshop.
func Days(w *workshops.Workshop) []string {
	if len(w.Sessions) == 0 {
		return w.Days()
	}
	loc := w.Location()
	var out []string
	for _, se := range w.Sessions {
		d := se.StartsAt.In(loc).Format(workshops.DateLayout)
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// checkInURL is the address a ticket's QR code opens: the check-in page with the code filled.
func (s *Service) checkInURL(lang string, wid int64, ticket string) string {
	return fmt.Sprintf("%s/%s/admin/workshops/%d/checkin?code=%s", s.baseURL, lang, wid, url.QueryEscape(ticket))
}

// latinLang is the language of the Latin-script half of a document in lang: lang itself
// when it is English or French; for an Arabic page, French if the workshop is held in
// French and not English, else English.
func latinLang(lang string, w *workshops.Workshop) string {
	if lang == "en" || lang == "fr" {
		return lang
	}
	if slices.Contains(w.Languages, "fr") && !slices.Contains(w.Languages, "en") {
		return "fr"
	}
	return "en"
}

// rtl reports whether text typed by people reads right to left: its first strong
// character is Arabic (or Hebrew); text without one takes the page's direction.
func rtl(s string, page bool) bool {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL:
			return true
		case bidi.L:
			return false
		}
	}
	return page
}

// alignment aligns text of direction textRTL with the start edge of a page of direction pageRTL.
func alignment(pageRTL, textRTL bool) certificates.Align {
	if pageRTL == textRTL {
		return certificates.AlignStart
	}
	return certificates.AlignEnd
}

// zipFile is one file of a ZIP archive.
type zipFile struct {
	name string
	data []byte
}

// writeZIP writes the files as a ZIP archive dated at, so that the same files give the same bytes.
func writeZIP(dst io.Writer, files []zipFile, at time.Time) error {
	zw := zip.NewWriter(dst)
	for _, f := range files {
		// PDFs are already compressed: stored as they are.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Store, Modified: at.UTC()})
		if err != nil {
			return fmt.Errorf("eventdocs: zip %s: %w", f.name, err)
		}
		if _, err := w.Write(f.data); err != nil {
			return fmt.Errorf("eventdocs: zip %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("eventdocs: zip: %w", err)
	}
	return nil
}

// t is a wording in lang.
func (s *Service) t(lang, key string, args ...any) string { return s.cat.T(lang, key, args...) }
