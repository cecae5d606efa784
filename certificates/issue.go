package certificates

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// WorkshopAward is what a workshop's attendance certificates print. The workshops feature
// fills it from its own data.
type WorkshopAward struct {
	WorkshopID  int64
	Title       map[string]string // by language: ar and en printed, fr printed for holders who prefer French
	HostCountry string            // ISO 3166-1 alpha-2; empty for an online workshop
	City        string
	Start, End  time.Time // the host's local dates of the first and last day (only the date counts)
	Hours       float64
	// Over is when the workshop's last session ends, in the host's zone: attendance
	// certificates are not issued in bulk before (zero: no such rule).
	Over time.Time
}

// NotOverYet refuses, with 409 workshop_not_over, to issue the workshop's certificates in
// bulk at now if its last session has not ended; the problem's "when" argument is the time
// it becomes possible.
func (w WorkshopAward) NotOverYet(now time.Time) error {
	if w.Over.IsZero() || !now.Before(w.Over) {
		return nil
	}
	return problem.New(409, "workshop_not_over", "cert.error.workshop_not_over", "when", w.Over)
}

// achievement is what a certificate is for, as printed.
type achievement struct {
	kind         string
	course       string
	workshopID   int64
	title        map[string]string
	hours        float64
	start, end   time.Time
	country      string
	countryNames map[string]string
	city         string
}

// IssueCourse issues the certificate of a completed course, once: when the official already
// holds one for the course (valid or revoked), it returns that one and false. It is what the
// course completion hook calls; completedAt is the date printed.
func (s *Service) IssueCourse(ctx context.Context, actor audit.Actor, officialID int64, slug string, completedAt time.Time) (*Certificate, bool, error) {
	a, err := s.courseAchievement(slug, completedAt)
	if err != nil {
		return nil, false, err
	}
	return s.issue(ctx, actor, officialID, a, "", false)
}

func (s *Service) courseAchievement(slug string, at time.Time) (achievement, error) {
	co, err := s.opt.Catalogue().Course(slug)
	if err != nil {
		return achievement{}, fmt.Errorf("certificates: course %s: %w", slug, err)
	}
	title := map[string]string{}
	for _, l := range []string{"ar", "en", "fr"} {
		if t := co.Title[l]; t != "" {
			title[l] = t
		}
	}
	return achievement{kind: KindCourse, course: co.Slug, title: title, hours: float64(co.StudyHours()), start: at.UTC()}, nil
}

// IssueWorkshop issues attendance certificates of a workshop to the officials given (those
// whose attendance reached the workshop's threshold), one at a time; an official who already
// holds one keeps it. It returns the certificates in the order of officialIDs, and the
// problems met, keyed by official id (an account deleted, a name missing…).
func (s *Service) IssueWorkshop(ctx context.Context, actor audit.Actor, award WorkshopAward, officialIDs []int64) ([]*Certificate, map[int64]error, error) {
	a, err := s.workshopAchievement(ctx, award)
	if err != nil {
		return nil, nil, err
	}
	var out []*Certificate
	failed := map[int64]error{}
	for _, id := range officialIDs {
		c, _, err := s.issue(ctx, actor, id, a, "", false)
		if err != nil {
			if ctx.Err() != nil {
				return out, failed, ctx.Err()
			}
			failed[id] = err
			continue
		}
		out = append(out, c)
	}
	return out, failed, nil
}

func (s *Service) workshopAchievement(ctx context.Context, w WorkshopAward) (achievement, error) {
	f := problem.Fields{}
	if w.WorkshopID <= 0 {
		f.Add("workshop_id", "cert.field.workshop.required")
	}
	title := map[string]string{}
	for _, l := range []string{"ar", "en", "fr"} {
		if t := strings.TrimSpace(w.Title[l]); t != "" {
			title[l] = t
		}
	}
	if title["ar"] == "" && title["en"] == "" {
		f.Add("title", "cert.field.title.required")
	}
	if w.Start.IsZero() {
		f.Add("start_date", "cert.field.start.required")
	}
	if !w.End.IsZero() && w.End.Before(w.Start) {
		f.Add("end_date", "cert.field.end.before_start")
	}
	if w.Hours < 0 || w.Hours > 1000 {
		f.Add("hours", "cert.field.hours.invalid")
	}
	a := achievement{kind: KindWorkshop, workshopID: w.WorkshopID, title: title, hours: w.Hours,
		start: dateOf(w.Start), end: dateOf(w.End), city: strings.TrimSpace(w.City)}
	if w.HostCountry != "" {
		c, err := s.opt.Officials.Country(ctx, strings.ToUpper(w.HostCountry))
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Add("host_country", "cert.field.country.invalid")
		case err != nil:
			return achievement{}, fmt.Errorf("certificates: host country: %w", err)
		default:
			a.country = c.ISO
			a.countryNames = map[string]string{"ar": c.NameAr, "en": c.NameEn, "fr": c.NameFr}
		}
	}
	if a.end.IsZero() {
		a.end = a.start
	}
	return a, f.Err()
}

// dateOf keeps the calendar date of t (in t's own location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// HandIssue is a certificate that staff issue by hand.
type HandIssue struct {
	OfficialID int64  `json:"official_id"`
	Kind       string `json:"kind"`
	Course     string `json:"course"`
	WorkshopID int64  `json:"workshop_id"`
	Reason     string `json:"reason"`
}

// IssueByHand issues a certificate that the rules did not (a completion recorded elsewhere,
// an attendance sheet corrected), with the reason on record. An official who already holds
// the certificate is refused with ErrAlreadyIssued.
func (s *Service) IssueByHand(ctx context.Context, actor audit.Actor, in HandIssue) (*Certificate, error) {
	f := problem.Fields{}
	in.Reason = cleanReason(in.Reason)
	checkReason(f, in.Reason)
	if in.OfficialID <= 0 {
		f.Add("official", "cert.field.official.required")
	}
	var a achievement
	var err error
	switch in.Kind {
	case KindCourse:
		if in.Course == "" {
			f.Add("course", "cert.field.course.required")
		} else if a, err = s.courseAchievement(in.Course, s.now()); err != nil {
			f.Add("course", "cert.field.course.unknown")
		}
	case KindWorkshop:
		if in.WorkshopID <= 0 {
			f.Add("workshop_id", "cert.field.workshop.required")
			break
		}
		award, _, werr := s.workshop(ctx, in.WorkshopID)
		if errors.Is(werr, store.ErrNotFound) || errors.Is(werr, ErrNoWorkshops) {
			f.Add("workshop_id", "cert.field.workshop.unknown")
			break
		}
		if werr != nil {
			return nil, fmt.Errorf("certificates: workshop %d: %w", in.WorkshopID, werr)
		}
		if a, err = s.workshopAchievement(ctx, award); err != nil {
			return nil, err
		}
	default:
		f.Add("kind", "cert.field.kind.invalid")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	c, _, err := s.issue(ctx, actor, in.OfficialID, a, in.Reason, true)
	return c, err
}

// cleanReason is a reason as kept and shown (publicly, for a revocation): control and
// format characters, bidi controls included, and invalid bytes taken out, runs of spaces
// and line breaks made one space. A reason of nothing else is then empty, and refused.
func cleanReason(s string) string { return i18n.StripBidi(cleanText(s)) }

func checkReason(f problem.Fields, reason string) {
	switch {
	case reason == "":
		f.Add("reason", "cert.field.reason.required")
	case utf8.RuneCountInString(reason) > 500:
		f.Add("reason", "cert.field.reason.too_long")
	}
}

// existing returns the official's certificate for the course or workshop that is not
// superseded, or nil.
func (s *Service) existing(ctx context.Context, q store.Queryer, kind string, officialID int64, course string, workshopID int64) (*Certificate, error) {
	c, err := scanCert(q.QueryRowContext(ctx, "SELECT "+certCols+` FROM certificates
		WHERE kind = ? AND official_id = ? AND course = ? AND workshop_id = ? AND status <> 'superseded'`,
		kind, officialID, course, workshopID))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// issue renders and stores a new certificate of a for the official, once.
func (s *Service) issue(ctx context.Context, actor audit.Actor, officialID int64, a achievement, reason string, byHand bool) (*Certificate, bool, error) {
	if old, err := s.existing(ctx, s.db.R, a.kind, officialID, a.course, a.workshopID); err != nil {
		return nil, false, err
	} else if old != nil {
		if byHand {
			return old, false, alreadyIssued(old)
		}
		return old, false, nil
	}
	o, err := s.opt.Officials.Get(ctx, officialID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, problem.Fields{"official": "cert.field.official.unknown"}.Err()
	}
	if err != nil {
		return nil, false, err
	}
	if o.DeletedAt != nil {
		return nil, false, problem.Fields{"official": "cert.field.official.deleted"}.Err()
	}
	nameAr, nameLatin := cleanText(o.NameAr), cleanText(o.NameLatin)
	if nameAr == "" && nameLatin == "" {
		return nil, false, problem.Fields{"official": "cert.field.official.no_name"}.Err()
	}
	c := &Certificate{Kind: a.kind, OfficialID: o.ID, Course: a.course, WorkshopID: a.workshopID,
		NameAr: nameAr, NameLatin: nameLatin, Title: a.title, Hours: a.hours,
		StartDate: a.start.Format(time.DateOnly), HostCountry: a.country, HostCountryName: a.countryNames, City: a.city,
		Language: o.Language, Pair: pairLanguage(o.Language, a.title), IssuedAt: s.now().Truncate(time.Second), IssuedBy: actor.ID, Reason: reason, Status: StatusValid}
	if a.kind == KindWorkshop {
		c.EndDate = a.end.Format(time.DateOnly)
	}
	if c.TemplateVersionID, c.Wording, err = s.templateFor(ctx, a.kind, a.course, a.workshopID); err != nil {
		return nil, false, err
	}
	c.RecipientSalt, c.RecipientHash = recipientHash(o.Email)
	created := false
	err = s.store(ctx, c, func(tx *sql.Tx) (bool, error) {
		old, err := s.existing(ctx, tx, a.kind, officialID, a.course, a.workshopID)
		if err != nil || old == nil {
			return false, err
		}
		*c = *old
		if byHand {
			return true, alreadyIssued(old)
		}
		return true, nil
	}, func(tx *sql.Tx, pdf []byte) error {
		created = true
		return s.enqueueIssued(ctx, tx, c, o, pdf, false)
	}, actor, "certificate.issue")
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

func alreadyIssued(c *Certificate) error {
	return problem.New(http.StatusConflict, "already_issued", "cert.error.already_issued", "code", c.Display())
}

// recipientHash is the salted hash that identifies the holder in the credential without
// revealing the e-mail: "sha256$" + hex(SHA-256(e-mail + salt)), as Open Badges defines it.
func recipientHash(email string) (salt, hash string) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	salt = hex.EncodeToString(b)
	return salt, identityHash(email, salt)
}

func identityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(officials.NormaliseEmail(email) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// store renders c's PDF and inserts c in one transaction with a status list entry, the
// file and the audit record. before runs first in the transaction and may find that there
// is nothing to store (c then holds what exists); after runs last, with the PDF. A code that
// happens to exist already is drawn again.
func (s *Service) store(ctx context.Context, c *Certificate, before func(tx *sql.Tx) (skip bool, err error),
	after func(tx *sql.Tx, pdf []byte) error, actor audit.Actor, action string) error {
	for attempt := 0; ; attempt++ {
		c.Code = NewCode()
		pdf, err := s.renderPDF(ctx, c)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(pdf)
		c.PDFSHA256 = hex.EncodeToString(sum[:])
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Certificates of one official are stored one at a time, so that before sees
			// what a request issuing the same achievement at the same moment committed
			// (PostgreSQL runs writers side by side; on SQLite this costs nothing).
			if err := s.db.LockTx(ctx, tx, "certificates.official", c.OfficialID); err != nil {
				return err
			}
			if skip, err := before(tx); err != nil || skip {
				return err
			}
			var err error
			if c.StatusList, c.StatusIndex, err = allocateStatus(ctx, tx); err != nil {
				return err
			}
			var issuedBy, templateVersion any
			if c.IssuedBy != 0 {
				issuedBy = c.IssuedBy
			}
			if c.TemplateVersionID != 0 {
				templateVersion = c.TemplateVersionID
			}
			// The holder's standing of today goes with the certificate: the figures of the
			// past count it there, whatever becomes of the profile. A reissue (a corrected
			// name) keeps the standing of the certificate it replaces.
			st, err := officials.StandingTx(ctx, tx, c.OfficialID)
			if err != nil {
				return err
			}
			if c.Supersedes != "" {
				err := tx.QueryRowContext(ctx, "SELECT fact_country, fact_gender, fact_sector FROM certificates WHERE code = ?",
					c.Supersedes).Scan(&st.Country, &st.Gender, &st.Sector)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO certificates(code, kind, official_id, course, workshop_id, name_ar, name_latin,
				title_ar, title_en, title_fr, hours, start_date, end_date, host_country, host_country_ar, host_country_en,
				host_country_fr, city, recipient_hash, recipient_salt, language, issued_at, issued_by, reason, status,
				supersedes, status_list, status_index, pdf_sha256, fact_country, fact_gender, fact_sector, pair,
				template_version_id, wording_ar, wording_en, wording_fr)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				c.Code, c.Kind, c.OfficialID, c.Course, c.WorkshopID, c.NameAr, c.NameLatin,
				c.Title["ar"], c.Title["en"], c.Title["fr"], c.Hours, c.StartDate, c.EndDate, c.HostCountry,
				c.HostCountryName["ar"], c.HostCountryName["en"], c.HostCountryName["fr"], c.City,
				c.RecipientHash, c.RecipientSalt, c.Language, store.FormatTime(c.IssuedAt), issuedBy, c.Reason,
				c.Supersedes, c.StatusList, c.StatusIndex, c.PDFSHA256, st.Country, st.Gender, st.Sector, c.PairLanguage(),
				templateVersion, c.Wording.Ar, c.Wording.En, c.Wording.Fr).Scan(&c.ID)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO certificate_files(certificate_id, pdf) VALUES(?, ?)", c.ID, pdf); err != nil {
				return err
			}
			to := fmt.Sprintf("official:%d", c.OfficialID)
			if c.Reason != "" {
				to += " — " + c.Reason
			}
			if err := audit.Record(ctx, tx, actor, action, "certificate:"+c.Code, c.Kind, c.Supersedes, to); err != nil {
				return err
			}
			return after(tx, pdf)
		})
		switch {
		case err == nil:
			return nil
		case (violates(s.db, err, codeTaken) || violates(s.db, err, statusTaken)) && attempt < 3:
			// A code, or a status list entry, drawn at random by another certificate at the
			// same moment: draw again.
			continue
		case violates(s.db, err, alreadyThere):
			// Another request issued it between our check and our insert.
			old, ferr := s.existing(ctx, s.db.R, c.Kind, c.OfficialID, c.Course, c.WorkshopID)
			if ferr != nil || old == nil {
				return fmt.Errorf("certificates: issue: %w", err)
			}
			*c = *old
			return nil
		default:
			if _, ok := problem.As(err); ok {
				return err
			}
			return fmt.Errorf("certificates: issue %s: %w", c.Kind, err)
		}
	}
}

// renderPDF draws the certificate c prints, with the template version it recorded.
func (s *Service) renderPDF(ctx context.Context, c *Certificate) ([]byte, error) {
	d, err := s.renderCert(ctx, c)
	if err != nil {
		return nil, err
	}
	return d.writePDF()
}

// renderCert lays out the certificate c prints, with the template version it recorded.
func (s *Service) renderCert(ctx context.Context, c *Certificate) (*document, error) {
	p := s.printed(c)
	var err error
	if p.look, err = s.lookFor(ctx, c); err != nil {
		return nil, err
	}
	return s.render(p)
}

func (s *Service) printed(c *Certificate) printed {
	pair := c.PairLanguage()
	return printed{code: c.Code, kind: c.Kind, pair: pair, nameAr: c.NameAr, nameLatin: c.NameLatin,
		titleAr: c.Title["ar"], title2: c.Title[pair], hours: c.Hours, start: c.Start(), end: c.End(),
		country: c.HostCountryName, city: c.City, issuedAt: c.IssuedAt, verifyURL: s.VerifyURL(c.Code)}
}

// pairLanguage is the language a certificate prints beside Arabic: French for a holder who
// prefers French, English for everyone else. The pair stays consistent on the whole page:
// when the course or workshop has no French title, the certificate is in Arabic and English
// even for a French-preferring holder, rather than a French page with an English title.
func pairLanguage(holderLang string, title map[string]string) string {
	if holderLang == "fr" && title["fr"] != "" {
		return "fr"
	}
	return "en"
}

// statusListSize is the length in bits of a status list: 131,072, the minimum the Bitstring
// Status List recommends so that one certificate cannot be told from the others.
const statusListSize = 131072

// allocateStatus picks an unused entry at random in the current status list (the spec
// advises random allocation, for the holders' privacy), opening a new list at half full.
func allocateStatus(ctx context.Context, tx *sql.Tx) (int, int, error) {
	var list, used int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(status_list), 1) FROM certificates`).Scan(&list); err != nil {
		return 0, 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM certificates WHERE status_list = ?`, list).Scan(&used); err != nil {
		return 0, 0, err
	}
	if used >= statusListSize/2 {
		list++
	}
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(statusListSize))
		if err != nil {
			return 0, 0, err
		}
		idx := int(n.Int64())
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM certificates WHERE status_list = ? AND status_index = ?`, list, idx).Scan(&taken); err != nil {
			return 0, 0, err
		}
		if taken == 0 {
			return list, idx, nil
		}
	}
}

// Revoke withdraws a valid certificate. It stays on record: verification shows it revoked,
// with the date and the reason, and its status list bit is set.
func (s *Service) Revoke(ctx context.Context, actor audit.Actor, code, reason string) (*Certificate, error) {
	c, err := s.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	reason = cleanReason(reason)
	f := problem.Fields{}
	checkReason(f, reason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var by any
		if actor.ID != 0 {
			by = actor.ID
		}
		res, err := tx.ExecContext(ctx, `UPDATE certificates SET status = 'revoked', revoked_at = ?, revoked_by = ?, revoke_reason = ?
			WHERE id = ? AND status = 'valid'`, store.FormatTime(now), by, reason, c.ID)
		if err != nil {
			return fmt.Errorf("certificates: revoke %s: %w", c.Code, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotValid
		}
		if err := audit.Record(ctx, tx, actor, "certificate.revoke", "certificate:"+c.Code, "status", StatusValid, StatusRevoked+" — "+reason); err != nil {
			return err
		}
		c.Status, c.RevokedAt, c.RevokeReason = StatusRevoked, &now, reason
		return s.enqueueRevoked(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Reissue replaces a valid certificate by a new one with corrected names (the achievement
// stays as it was printed). The old one is superseded, and its verification says by which.
func (s *Service) Reissue(ctx context.Context, actor audit.Actor, code, nameAr, nameLatin, reason string) (*Certificate, error) {
	old, err := s.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	if !old.Valid() {
		return nil, ErrNotValid
	}
	nameAr, nameLatin, reason = cleanText(nameAr), cleanText(nameLatin), cleanReason(reason)
	f := problem.Fields{}
	checkReason(f, reason)
	if nameAr == "" && nameLatin == "" {
		f.Add("name_ar", "cert.field.name.required")
	}
	for field, n := range map[string]string{"name_ar": nameAr, "name_latin": nameLatin} {
		if utf8.RuneCountInString(n) > 200 {
			f.Add(field, "cert.field.name.too_long")
		}
	}
	if nameAr == old.NameAr && nameLatin == old.NameLatin {
		f.Add("name_ar", "cert.field.name.unchanged")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	o, err := s.opt.Officials.Get(ctx, old.OfficialID)
	if err != nil {
		return nil, err
	}
	c := *old
	c.ID, c.NameAr, c.NameLatin, c.Reason, c.Supersedes = 0, nameAr, nameLatin, reason, old.Code
	c.IssuedAt, c.IssuedBy, c.Status = s.now().Truncate(time.Second), actor.ID, StatusValid
	c.RevokedAt, c.SupersededAt, c.SupersededBy = nil, nil, ""
	if o.DeletedAt == nil {
		c.RecipientSalt, c.RecipientHash = recipientHash(o.Email)
	}
	now := s.now()
	err = s.store(ctx, &c, func(tx *sql.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, `UPDATE certificates SET status = 'superseded', superseded_at = ?, superseded_by = ?
			WHERE id = ? AND status = 'valid'`, store.FormatTime(now), c.Code, old.ID)
		if err != nil {
			return false, fmt.Errorf("certificates: supersede %s: %w", old.Code, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return false, ErrNotValid
		}
		return false, audit.Record(ctx, tx, actor, "certificate.supersede", "certificate:"+old.Code, "name",
			strings.TrimSpace(old.NameAr+" / "+old.NameLatin), strings.TrimSpace(nameAr+" / "+nameLatin))
	}, func(tx *sql.Tx, pdf []byte) error {
		if o.DeletedAt != nil {
			return nil
		}
		return s.enqueueIssued(ctx, tx, &c, o, pdf, true)
	}, actor, "certificate.reissue")
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// enqueueIssued tells the holder, with the PDF attached.
func (s *Service) enqueueIssued(ctx context.Context, tx *sql.Tx, c *Certificate, o *officials.Official, pdf []byte, reissued bool) error {
	if s.opt.Mailer == nil || o.Email == "" {
		return nil
	}
	lang := o.Language
	_, err := s.opt.Mailer.Enqueue(ctx, tx, mail.Message{
		To: o.Email, Name: o.DisplayName(lang), Lang: lang, Template: "certificate_issued",
		Data: map[string]any{
			"Title":     c.TitleIn(lang),
			"Kind":      c.Kind,
			"Code":      c.Display(),
			"Link":      s.opt.BaseURL + "/" + lang + "/me/certificates",
			"VerifyURL": s.VerifyURL(c.Code),
			"Reissued":  reissued,
		},
		Attachments: []mail.Attachment{{Filename: "certificate-" + c.Display() + ".pdf", ContentType: "application/pdf", Data: pdf}},
	})
	return err
}

// enqueueRevoked tells the holder that a certificate was revoked, and why.
func (s *Service) enqueueRevoked(ctx context.Context, tx *sql.Tx, c *Certificate) error {
	if s.opt.Mailer == nil {
		return nil
	}
	o, err := s.opt.Officials.Get(ctx, c.OfficialID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("certificates: holder of %s: %w", c.Code, err)
	}
	if o.Email == "" || o.DeletedAt != nil {
		return nil
	}
	lang := o.Language
	_, err = s.opt.Mailer.Enqueue(ctx, tx, mail.Message{
		To: o.Email, Name: o.DisplayName(lang), Lang: lang, Template: "certificate_revoked",
		Data: map[string]any{
			"Title":     c.TitleIn(lang),
			"Code":      c.Display(),
			"Reason":    c.RevokeReason,
			"VerifyURL": s.VerifyURL(c.Code),
		},
	})
	return err
}
