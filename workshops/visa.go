package workshops

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Visa invitation letters: a letter per confirmed participant, in Arabic, English or French,
// from a wording staff write per workshop with placeholders filled from the workshop and from
// the registration's answers (the name as in the passport, the arrival and departure dates).
// The PDF is set by the certificates' engine (a LetterRenderer that web wires in); the latest
// letter of each registration is kept, and every issue is in the audit log.

// VisaPlaceholders are the placeholders a letter's wording may use.
var VisaPlaceholders = []string{"passport_name", "workshop", "dates", "venue", "city", "country", "arrival_date", "departure_date",
	"organisation", "job_title", "participant_country"}

// MaxVisaBody is the longest wording of a letter, per language.
const MaxVisaBody = 5000

// Errors of visa letters.
var (
	ErrVisaNotConfirmed = problem.New(http.StatusConflict, "not_confirmed", "workshops.visa.error.not_confirmed")
	ErrVisaNotNeeded    = problem.New(http.StatusConflict, "visa_not_needed", "workshops.visa.error.not_needed")
	ErrVisaOnline       = problem.New(http.StatusConflict, "workshop_online", "workshops.visa.error.online")
	ErrNoPassportAsked  = problem.New(http.StatusConflict, "passport_name_not_asked", "workshops.visa.error.passport_not_asked")
)

// VisaTemplate is the wording of a workshop's letters by language; a language left empty
// takes the platform's wording.
type VisaTemplate struct {
	WorkshopID int64             `json:"workshop_id"`
	Body       map[string]string `json:"body"`
	UpdatedAt  *time.Time        `json:"updated_at"`
}

// VisaLetter is the letter issued to a registration.
type VisaLetter struct {
	RegistrationID int64     `json:"registration_id"`
	Lang           string    `json:"lang"`
	SHA256         string    `json:"sha256"`
	Size           int       `json:"size"`
	IssuedBy       int64     `json:"issued_by"`
	IssuedAt       time.Time `json:"issued_at"`
	Data           []byte    `json:"-"`
}

// LetterPage is what a letter says, as the renderer sets it.
type LetterPage struct {
	Lang       string
	WorkshopID int64
	Reference  string
	Date       time.Time
	Title      string
	Paragraphs []string
	Closing    string
}

// LetterRenderer sets a letter as a PDF.
type LetterRenderer func(ctx context.Context, p LetterPage) ([]byte, error)

// VisaTemplate returns workshop wid's wording (empty languages when staff wrote none).
func (s *Service) VisaTemplate(ctx context.Context, wid int64) (*VisaTemplate, error) {
	t := &VisaTemplate{WorkshopID: wid, Body: map[string]string{}}
	var ar, en, fr, at string
	err := s.db.R.QueryRowContext(ctx, "SELECT body_ar, body_en, body_fr, updated_at FROM visa_letter_templates WHERE workshop_id = ?", wid).
		Scan(&ar, &en, &fr, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: visa template of %d: %w", wid, err)
	}
	for l, v := range map[string]string{"ar": ar, "en": en, "fr": fr} {
		if v != "" {
			t.Body[l] = v
		}
	}
	u := parseTime(at)
	t.UpdatedAt = &u
	return t, nil
}

var placeholderRe = regexp.MustCompile(`\{[^{}]*\}`)

// SaveVisaTemplate stores workshop wid's wording, for staff. A placeholder the letters do not
// know is refused, naming it.
func (s *Service) SaveVisaTemplate(ctx context.Context, who *officials.Official, wid int64, body map[string]string) (*VisaTemplate, error) {
	if who == nil || !who.IsStaff() {
		return nil, problem.Forbidden
	}
	clean := map[string]string{}
	for _, l := range i18n.Langs {
		v := para(body[l])
		field := "body_" + l
		switch {
		case utf8.RuneCountInString(v) > MaxVisaBody:
			return nil, fieldsErr(field, "field.too_long")
		case hasControl(v, true):
			return nil, fieldsErr(field, "field.control")
		}
		for _, ph := range placeholderRe.FindAllString(v, -1) {
			name := strings.Trim(ph, "{}")
			known := false
			for _, k := range VisaPlaceholders {
				known = known || k == name
			}
			if !known {
				return nil, &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "workshops.visa.error.placeholder",
					Args: []any{"placeholder", ph}, Fields: problem.Fields{field: "workshops.visa.error.placeholder"}}
			}
		}
		clean[l] = v
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.bare(ctx, tx, wid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visa_letter_templates(workshop_id, body_ar, body_en, body_fr, updated_by, updated_at)
			VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(workshop_id) DO UPDATE SET body_ar = excluded.body_ar, body_en = excluded.body_en,
			body_fr = excluded.body_fr, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			wid, clean["ar"], clean["en"], clean["fr"], who.ID, s.stamp()); err != nil {
			return fmt.Errorf("workshops: save visa template: %w", err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: who.ID, Email: who.Email}, "workshop.visa_template", subject(wid), "body", "", "saved")
	})
	if err != nil {
		return nil, err
	}
	return s.VisaTemplate(ctx, wid)
}

// VisaBody is the wording of a letter in lang: the workshop's, else the platform's.
func (s *Service) VisaBody(t *VisaTemplate, lang string) string {
	if v := t.Body[lang]; v != "" {
		return v
	}
	return s.cat.T(lang, "workshops.visa.default_body")
}

// CanHaveVisaLetter reports whether who may issue (or request) a letter for r of w and read
// it: staff for any participant with a confirmed seat; the participant when they answered
// that they need a visa. It returns the refusal otherwise.
func (s *Service) CanHaveVisaLetter(who *officials.Official, r *Registration, w *Workshop) error {
	switch {
	case who == nil:
		return problem.NotFound
	case !who.IsStaff() && r.OfficialID != who.ID:
		if CanSee(who, r, w) {
			return problem.Forbidden
		}
		return problem.NotFound
	case w.Kind == KindOnline:
		return ErrVisaOnline
	case r.Status != RegConfirmed:
		return ErrVisaNotConfirmed
	case !who.IsStaff():
		if a, ok := r.AnswerFor(PurposeVisaNeeded); !ok || a.Value != "yes" {
			return ErrVisaNotNeeded
		}
	}
	return nil
}

// IssueVisaLetter sets registration rid's letter in lang ("" for the person's language) with
// render, stores it in place of any earlier one and records the issue, for who (see
// CanHaveVisaLetter). A letter needs the name as in the passport: without the answer it is
// refused with a message naming the question.
func (s *Service) IssueVisaLetter(ctx context.Context, who *officials.Official, rid int64, lang string, render LetterRenderer) (*VisaLetter, error) {
	r, err := s.Registration(ctx, rid)
	if err != nil {
		return nil, err
	}
	w, err := s.Get(ctx, r.WorkshopID)
	if err != nil {
		return nil, err
	}
	if err := s.CanHaveVisaLetter(who, r, w); err != nil {
		return nil, err
	}
	if lang == "" {
		lang = r.Language
	}
	if !i18n.Supported(lang) {
		return nil, fieldsErr("lang", "field.choose")
	}
	page, err := s.visaPage(ctx, r, w, lang)
	if err != nil {
		return nil, err
	}
	data, err := render(ctx, page)
	if err != nil {
		return nil, fmt.Errorf("workshops: render visa letter of %d: %w", rid, err)
	}
	sum := sha256.Sum256(data)
	l := &VisaLetter{RegistrationID: rid, Lang: lang, SHA256: hex.EncodeToString(sum[:]), Size: len(data), IssuedBy: who.ID, IssuedAt: s.Now(), Data: data}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, "SELECT sha256 FROM visa_letters WHERE registration_id = ?", rid).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("workshops: visa letter of %d: %w", rid, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visa_letters(registration_id, lang, sha256, data, issued_by, issued_at) VALUES(?, ?, ?, ?, ?, ?)
			ON CONFLICT(registration_id) DO UPDATE SET lang = excluded.lang, sha256 = excluded.sha256, data = excluded.data,
			issued_by = excluded.issued_by, issued_at = excluded.issued_at`,
			rid, lang, l.SHA256, data, who.ID, store.FormatTime(l.IssuedAt)); err != nil {
			return fmt.Errorf("workshops: store visa letter of %d: %w", rid, err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: who.ID, Email: who.Email}, "registration.visa_letter", regSubject(rid), "visa_letter:"+lang, old, l.SHA256)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// visaPage fills the workshop's wording for r in lang.
func (s *Service) visaPage(ctx context.Context, r *Registration, w *Workshop, lang string) (LetterPage, error) {
	qs, err := s.Questions(ctx, w.ID, false)
	if err != nil {
		return LetterPage{}, err
	}
	var passportQ *Question
	for _, q := range qs {
		if q.Purpose == PurposePassportName {
			passportQ = q
		}
	}
	if passportQ == nil {
		return LetterPage{}, ErrNoPassportAsked
	}
	passport, ok := r.AnswerTo(passportQ.ID)
	if !ok || strings.TrimSpace(passport.Value) == "" {
		return LetterPage{}, problem.New(http.StatusUnprocessableEntity, "passport_name_missing", "workshops.visa.error.passport_missing",
			"question", s.cat.T(lang, "workshops.questions.quoted", "label", passportQ.LabelIn(lang)))
	}
	tpl, err := s.VisaTemplate(ctx, w.ID)
	if err != nil {
		return LetterPage{}, err
	}
	date := func(purpose, fallback string) string {
		if a, ok := r.AnswerFor(purpose); ok {
			if d, err := time.Parse(DateLayout, a.Value); err == nil {
				return i18n.FormatDate(lang, d)
			}
		}
		d, _ := time.Parse(DateLayout, fallback)
		return i18n.FormatDate(lang, d)
	}
	country := s.CountryName(ctx, w.HostCountry, lang)
	sep := ", "
	if lang == "ar" {
		sep = "، "
	}
	var venue []string
	for _, v := range []string{w.Venue, w.City, country} {
		if strings.TrimSpace(v) != "" {
			venue = append(venue, v)
		}
	}
	values := map[string]string{
		"passport_name":       passport.Value,
		"workshop":            w.TitleIn(lang),
		"dates":               FormatDateRange(lang, w.StartDate, w.EndDate),
		"venue":               strings.Join(venue, sep),
		"city":                w.City,
		"country":             country,
		"arrival_date":        date(PurposeArrivalDate, w.StartDate),
		"departure_date":      date(PurposeDepartureDate, w.EndDate),
		"organisation":        r.Organisation,
		"job_title":           r.JobTitle,
		"participant_country": s.CountryName(ctx, r.Country, lang),
	}
	body := placeholderRe.ReplaceAllStringFunc(s.VisaBody(tpl, lang), func(ph string) string {
		if v, ok := values[strings.Trim(ph, "{}")]; ok {
			return v
		}
		return ph
	})
	var paras []string
	for _, p := range strings.Split(body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	return LetterPage{Lang: lang, WorkshopID: w.ID, Date: s.Now().In(w.Location()),
		Reference:  s.cat.T(lang, "workshops.visa.pdf.reference", "ref", fmt.Sprintf("MASAR/W%d/R%d", w.ID, r.ID)),
		Title:      s.cat.T(lang, "workshops.visa.pdf.title"),
		Paragraphs: paras,
		Closing:    s.cat.T(lang, "workshops.visa.pdf.closing"),
	}, nil
}

// VisaLetterOf returns registration rid's letter, for who: staff, and the person (see
// CanHaveVisaLetter); store.ErrNotFound when none was issued.
func (s *Service) VisaLetterOf(ctx context.Context, who *officials.Official, rid int64) (*VisaLetter, error) {
	r, err := s.Registration(ctx, rid)
	if err != nil {
		return nil, err
	}
	if who == nil || !(who.IsStaff() || r.OfficialID == who.ID) {
		return nil, problem.NotFound
	}
	var l VisaLetter
	var at string
	var by sql.NullInt64
	err = s.db.R.QueryRowContext(ctx, "SELECT registration_id, lang, sha256, data, issued_by, issued_at FROM visa_letters WHERE registration_id = ?", rid).
		Scan(&l.RegistrationID, &l.Lang, &l.SHA256, &l.Data, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: visa letter of %d: %w", rid, err)
	}
	l.Size, l.IssuedBy, l.IssuedAt = len(l.Data), by.Int64, parseTime(at)
	return &l, nil
}

// VisaLetters lists the letters issued for workshop wid's registrations, without content.
func (s *Service) VisaLetters(ctx context.Context, wid int64) (map[int64]VisaLetter, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT v.registration_id, v.lang, v.sha256, coalesce(v.issued_by, 0), v.issued_at
		FROM visa_letters v JOIN registrations r ON r.id = v.registration_id WHERE r.workshop_id = ?`, wid)
	out := map[int64]VisaLetter{}
	err = store.Each(rows, err, func(row store.Scanner) error {
		var l VisaLetter
		var at string
		if err := row.Scan(&l.RegistrationID, &l.Lang, &l.SHA256, &l.IssuedBy, &at); err != nil {
			return err
		}
		l.IssuedAt = parseTime(at)
		out[l.RegistrationID] = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: visa letters of %d: %w", wid, err)
	}
	return out, nil
}

// VisaLetterName is the file name of registration r's letter: ASCII, with its id.
func VisaLetterName(r *Registration) string {
	name := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			return c
		case c == ' ' || c == '-':
			return '-'
		}
		return -1
	}, r.NameLatin)
	if name != "" {
		name = "-" + name
	}
	return "visa-letter-" + strconv.FormatInt(r.ID, 10) + name + ".pdf"
}

// WriteVisaLettersZIP writes the letters issued for workshop wid's registrations as a ZIP
// archive, one PDF each, and returns how many; staff only.
func (s *Service) WriteVisaLettersZIP(ctx context.Context, who *officials.Official, wid int64, out io.Writer) (int, error) {
	if who == nil || !who.IsStaff() {
		return 0, problem.Forbidden
	}
	regs, err := s.Registrations(ctx, wid, RegFilter{})
	if err != nil {
		return 0, err
	}
	byID := map[int64]*Registration{}
	for _, r := range regs {
		byID[r.ID] = r
	}
	zw := zip.NewWriter(out)
	n := 0
	rows, err := s.db.R.QueryContext(ctx, `SELECT v.registration_id, v.data, v.issued_at FROM visa_letters v
		JOIN registrations r ON r.id = v.registration_id WHERE r.workshop_id = ? ORDER BY v.registration_id`, wid)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var rid int64
		var data []byte
		var at string
		if err := row.Scan(&rid, &data, &at); err != nil {
			return err
		}
		r := byID[rid]
		if r == nil {
			return nil
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: VisaLetterName(r), Method: zip.Deflate, Modified: parseTime(at)})
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("workshops: visa letters of %d: %w", wid, err)
	}
	return n, zw.Close()
}
