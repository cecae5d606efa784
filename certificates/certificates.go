// Package certificates issues, renders, verifies and revokes Masar's certificates of course
// completion and workshop attendance.
//
// A certificate is immutable once issued: it keeps the holder's names and the achievement
// as printed, its PDF byte for byte (whose SHA-256 the public verification page shows) and a
// short public code (Crockford base 32 with a check symbol). A name correction is a reissue:
// a new certificate that supersedes the old. Revocation keeps the certificate on record with
// its date and reason. Each certificate is also an Open Badges 3.0 credential, signed as a
// VC-JWT (RS256) with the issuer key kept in the data directory, whose revocation is
// published in a W3C Bitstring Status List.
//
// The PDF is A4 landscape, vector, with subset embedded fonts and real text: Arabic is
// shaped with HarfBuzz's algorithm (go-text/typesetting), ordered with the Unicode
// bidirectional algorithm, and long names are scaled or wrapped to fit.
package certificates

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Kinds of certificate.
const (
	KindCourse   = "course"
	KindWorkshop = "workshop"
)

// Statuses of a certificate.
const (
	StatusValid      = "valid"
	StatusRevoked    = "revoked"
	StatusSuperseded = "superseded"
)

// Errors a user may be told about.
var (
	// ErrAlreadyIssued refuses to issue by hand a certificate that the official already holds
	// (valid or revoked) for the same course or workshop.
	ErrAlreadyIssued = problem.New(http.StatusConflict, "already_issued", "cert.error.already_issued")
	// ErrNotValid refuses to revoke or reissue a certificate that is no longer valid.
	ErrNotValid = problem.New(http.StatusConflict, "not_valid", "cert.error.not_valid")
	// ErrNoWorkshops is returned when workshop data is asked for before the workshops
	// feature told the service where to find it.
	ErrNoWorkshops = problem.New(http.StatusNotFound, "not_found", "cert.error.no_workshop")
)

// Options configure the service.
type Options struct {
	// BaseURL is the platform's public address (no trailing slash): the QR codes, the
	// verification links and the credentials' identifiers are built on it.
	BaseURL string
	// DataDir holds the issuer key (issuer-key.pem), created on first start, unless
	// IssuerKey or SharedIssuerKeys is given (the platform gives one of them: its keys are
	// in the database).
	DataDir string
	// IssuerKey, when not nil, is the issuer key (PKCS #8, PEM) that every instance on the
	// database shares (cluster.IssuerKeyPEM): the service then reads and writes no key file.
	IssuerKey []byte
	// RetiredIssuerKeys are the keys a rotation retired (PEM, oldest first): published with
	// IssuerKey, so that what they signed still verifies. Read only with IssuerKey.
	RetiredIssuerKeys [][]byte
	// SharedIssuerKeys, when IssuerKey is nil, returns the shared issuer key and the retired
	// ones when they are first needed (a new installation's key is made then, not at
	// start-up); an error is returned to that use, and the next one asks again.
	SharedIssuerKeys func(ctx context.Context) (current []byte, retired [][]byte, err error)
	// ArabicFont and ArabicBoldFont optionally replace the embedded Arabic faces (Noto Naskh
	// Arabic) with TrueType or OpenType files, e.g. Amiri. Empty: the embedded ones.
	ArabicFont, ArabicBoldFont string
	// Catalogue returns the course catalogue being served (titles and hours of courses).
	Catalogue func() *courses.Catalogue
	// Officials gives the holders' names, e-mail and the member states' names.
	Officials *officials.Service
	// Mailer tells holders that a certificate was issued or revoked; nil sends nothing.
	Mailer *mail.Mailer
	// Messages are the catalogues the certificate and the credential are worded from; nil
	// loads the embedded ones.
	Messages i18n.Catalogue
	Log      *slog.Logger
}

// Service issues and verifies certificates.
type Service struct {
	db    *store.DB
	opt   Options
	cat   i18n.Catalogue
	fonts *fontSet
	log   *slog.Logger

	keyPath string
	keyMu   sync.Mutex
	key     *issuerKey
	// previous are the keys a rotation retired: published, no longer signing.
	previous []*issuerKey
	now      func() time.Time

	// pictures are the decoded logos and signatures, by SHA-256 (see lookOf).
	pictures     sync.Map
	pictureCount atomic.Int64

	mu        sync.Mutex
	workshops WorkshopSource
	jobs      sync.WaitGroup
	// life ends when Stop is called; the running bulk jobs are cancelled with it.
	life    context.Context
	stop    context.CancelFunc
	stopped bool // under mu
}

// WorkshopSource tells the service what it needs about a workshop: what to print on its
// certificates, and who qualifies for one (attendance at or above the workshop's threshold).
// The workshops feature provides it with SetWorkshopSource.
type WorkshopSource func(ctx context.Context, workshopID int64) (WorkshopAward, []int64, error)

// New opens the service: it loads the fonts and the issuer key (created the first time it
// is needed). The process that owns the database calls MarkInterrupted once at start-up.
func New(ctx context.Context, db *store.DB, o Options) (*Service, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.BaseURL == "" {
		return nil, errors.New("certificates: no base URL")
	}
	if o.Officials == nil || o.Catalogue == nil {
		return nil, errors.New("certificates: the officials service and the course catalogue are required")
	}
	cat := o.Messages
	if cat == nil {
		var err error
		if cat, err = i18n.Load(); err != nil {
			return nil, err
		}
	}
	fonts, err := loadFonts(o.ArabicFont, o.ArabicBoldFont)
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, opt: o, cat: cat, fonts: fonts, log: o.Log, keyPath: filepath.Join(o.DataDir, config.IssuerKeyFile),
		now: func() time.Time { return time.Now().UTC() }}
	// An existing key is read now, so that a broken one stops the start-up; a missing one is
	// created when first needed.
	if o.IssuerKey != nil {
		if err := s.useSharedKeys(o.IssuerKey, o.RetiredIssuerKeys); err != nil {
			return nil, err
		}
	} else if o.SharedIssuerKeys != nil {
		// Loaded when first needed (issuer).
	} else if _, err := os.Stat(s.keyPath); err == nil {
		if _, err := s.issuer(); err != nil {
			return nil, err
		}
	}
	s.life, s.stop = context.WithCancel(context.Background())
	return s, nil
}

// MarkInterrupted marks the bulk jobs that a previous run left unfinished as interrupted.
// Only the process that owns the database calls it, at start-up: a command working beside
// a running server must not mark that server's jobs.
func (s *Service) MarkInterrupted(ctx context.Context) error {
	if _, err := s.db.W.ExecContext(ctx, `UPDATE certificate_jobs SET status = 'interrupted', finished_at = ? WHERE status = 'running'`,
		store.Now()); err != nil {
		return fmt.Errorf("certificates: interrupted jobs: %w", err)
	}
	return nil
}

// errStopped refuses new work once Stop was called.
var errStopped = errors.New("certificates: the service is stopping")

// startJob runs job in the background unless the service is stopping.
func (s *Service) startJob(job func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		job()
	}()
	return true
}

// Stop cancels the bulk jobs still running, which mark themselves interrupted (what
// they issued stays issued; running the job again issues the rest), and waits for them.
// New jobs are refused from then on.
func (s *Service) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.stop()
	s.jobs.Wait()
}

// SetWorkshopSource tells the service where workshop data comes from.
func (s *Service) SetWorkshopSource(f WorkshopSource) {
	s.mu.Lock()
	s.workshops = f
	s.mu.Unlock()
}

func (s *Service) workshop(ctx context.Context, id int64) (WorkshopAward, []int64, error) {
	s.mu.Lock()
	f := s.workshops
	s.mu.Unlock()
	if f == nil {
		return WorkshopAward{}, nil, ErrNoWorkshops
	}
	return f(ctx, id)
}

// Wait blocks until the background jobs have finished (for a clean shutdown and tests).
func (s *Service) Wait() { s.jobs.Wait() }

// BaseURL is the public address the certificates point to.
func (s *Service) BaseURL() string { return s.opt.BaseURL }

// Certificate is an issued certificate, with everything it printed.
type Certificate struct {
	ID         int64  `json:"-"`
	Code       string `json:"code"` // canonical, without dashes; Display() groups it
	Kind       string `json:"kind"`
	OfficialID int64  `json:"official_id"`
	Course     string `json:"course,omitempty"`
	WorkshopID int64  `json:"workshop_id,omitempty"`
	// The holder's names as printed.
	NameAr    string `json:"name_ar"`
	NameLatin string `json:"name_latin"`
	// Title is the course's or workshop's title as printed, by language.
	Title map[string]string `json:"title"`
	Hours float64           `json:"hours"`
	// StartDate is the date of completion, or the workshop's first day; EndDate its last.
	StartDate       string            `json:"start_date"`
	EndDate         string            `json:"end_date,omitempty"`
	HostCountry     string            `json:"host_country,omitempty"`
	HostCountryName map[string]string `json:"host_country_name,omitempty"`
	City            string            `json:"city,omitempty"`
	Language        string            `json:"-"` // the holder's language when issued (for e-mail)
	// Pair is the language printed beside Arabic ("en" or "fr"), chosen when issued from
	// the holder's language so that the certificate re-renders the same.
	Pair string `json:"-"`
	// TemplateID and TemplateVersion name the certificate template (and its version) the
	// certificate was issued with; 0 for one issued before templates, in the built-in layout.
	TemplateID        int64 `json:"template_id,omitempty"`
	TemplateVersion   int   `json:"template_version,omitempty"`
	TemplateVersionID int64 `json:"-"`
	// Wording is the sentence printed to say what the certificate is for, when a template
	// or the course's or workshop's choice set one (empty languages: the platform's).
	Wording       Texts      `json:"-"`
	IssuedAt      time.Time  `json:"issued_at"`
	IssuedBy      int64      `json:"-"`
	Reason        string     `json:"reason,omitempty"`
	Status        string     `json:"status"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokeReason  string     `json:"revoke_reason,omitempty"`
	SupersededAt  *time.Time `json:"superseded_at,omitempty"`
	SupersededBy  string     `json:"superseded_by,omitempty"`
	Supersedes    string     `json:"supersedes,omitempty"`
	PDFSHA256     string     `json:"pdf_sha256"`
	RecipientHash string     `json:"-"`
	RecipientSalt string     `json:"-"`
	StatusList    int        `json:"-"`
	StatusIndex   int        `json:"-"`
}

// Display is the code grouped for reading.
func (c *Certificate) Display() string { return FormatCode(c.Code) }

// TitleIn is the title in lang, falling back to English then Arabic.
func (c *Certificate) TitleIn(lang string) string {
	for _, l := range []string{lang, "en", "ar", "fr"} {
		if t := c.Title[l]; t != "" {
			return t
		}
	}
	return ""
}

// HostCountryIn is the host country's name in lang.
func (c *Certificate) HostCountryIn(lang string) string {
	for _, l := range []string{lang, "en", "ar"} {
		if t := c.HostCountryName[l]; t != "" {
			return t
		}
	}
	return c.HostCountry
}

// NameIn is the holder's name for a page in lang: the Arabic-script name on Arabic pages.
func (c *Certificate) NameIn(lang string) string {
	if lang == "ar" && c.NameAr != "" || c.NameLatin == "" {
		return c.NameAr
	}
	return c.NameLatin
}

// Start and End are the certificate's dates as times (midnight UTC); End is zero for a course.
func (c *Certificate) Start() time.Time { t, _ := time.Parse(time.DateOnly, c.StartDate); return t }

// End is the last day of a workshop, or zero.
func (c *Certificate) End() time.Time { t, _ := time.Parse(time.DateOnly, c.EndDate); return t }

// Valid reports whether the certificate is in force.
func (c *Certificate) Valid() bool { return c.Status == StatusValid }

const certCols = `id, code, kind, official_id, course, workshop_id, name_ar, name_latin, title_ar, title_en, title_fr,
	hours, start_date, end_date, host_country, host_country_ar, host_country_en, host_country_fr, city,
	recipient_hash, recipient_salt, language, issued_at, coalesce(issued_by, 0), reason, status, revoked_at,
	revoke_reason, superseded_at, superseded_by, supersedes, status_list, status_index, pdf_sha256, pair,
	coalesce(template_version_id, 0), wording_ar, wording_en, wording_fr,
	coalesce((SELECT v.template_id FROM certificate_template_versions v WHERE v.id = template_version_id), 0),
	coalesce((SELECT v.version FROM certificate_template_versions v WHERE v.id = template_version_id), 0)`

func scanCert(row interface{ Scan(...any) error }) (*Certificate, error) {
	var c Certificate
	var ta, te, tf, ca, ce, cf, issued string
	var revoked, superseded sql.NullString
	err := row.Scan(&c.ID, &c.Code, &c.Kind, &c.OfficialID, &c.Course, &c.WorkshopID, &c.NameAr, &c.NameLatin,
		&ta, &te, &tf, &c.Hours, &c.StartDate, &c.EndDate, &c.HostCountry, &ca, &ce, &cf, &c.City,
		&c.RecipientHash, &c.RecipientSalt, &c.Language, &issued, &c.IssuedBy, &c.Reason, &c.Status, &revoked,
		&c.RevokeReason, &superseded, &c.SupersededBy, &c.Supersedes, &c.StatusList, &c.StatusIndex, &c.PDFSHA256, &c.Pair,
		&c.TemplateVersionID, &c.Wording.Ar, &c.Wording.En, &c.Wording.Fr, &c.TemplateID, &c.TemplateVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.Title = nonEmpty(map[string]string{"ar": ta, "en": te, "fr": tf})
	// Reasons kept before they were cleaned on the way in are shown cleaned all the same.
	c.Reason, c.RevokeReason = cleanReason(c.Reason), cleanReason(c.RevokeReason)
	if c.HostCountry != "" {
		c.HostCountryName = nonEmpty(map[string]string{"ar": ca, "en": ce, "fr": cf})
	}
	c.IssuedAt = parseTime(issued)
	if revoked.Valid {
		t := parseTime(revoked.String)
		c.RevokedAt = &t
	}
	if superseded.Valid {
		t := parseTime(superseded.String)
		c.SupersededAt = &t
	}
	return &c, nil
}

func nonEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Get returns the certificate with a code, typed in any accepted form.
func (s *Service) Get(ctx context.Context, code string) (*Certificate, error) {
	canon, p := ParseCode(code)
	if p != CodeOK {
		return nil, fmt.Errorf("certificates: get %q: %w", code, store.ErrNotFound)
	}
	c, err := scanCert(s.db.R.QueryRowContext(ctx, "SELECT "+certCols+" FROM certificates WHERE code = ?", canon))
	if err != nil {
		return nil, fmt.Errorf("certificates: get %s: %w", canon, err)
	}
	return c, nil
}

// ForOfficial lists an official's certificates, newest first, superseded ones included.
func (s *Service) ForOfficial(ctx context.Context, officialID int64) ([]*Certificate, error) {
	return s.query(ctx, "SELECT "+certCols+" FROM certificates WHERE official_id = ? ORDER BY issued_at DESC, id DESC", officialID)
}

// ForWorkshop lists a workshop's certificates that are in force, by holder's name.
func (s *Service) ForWorkshop(ctx context.Context, workshopID int64) ([]*Certificate, error) {
	return s.query(ctx, "SELECT "+certCols+" FROM certificates WHERE workshop_id = ? AND status = 'valid' ORDER BY name_latin, name_ar, id", workshopID)
}

// Filter narrows the staff's list of certificates.
type Filter struct {
	Q          string // part of a name or of a code
	Kind       string
	Status     string
	Course     string
	WorkshopID int64
	Limit      int
	Offset     int
}

// List returns certificates matching the filter, newest first, and how many match.
func (s *Service) List(ctx context.Context, f Filter) ([]*Certificate, int, error) {
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		// lower() on both sides: SQLite's LIKE ignores the case of ASCII letters and
		// PostgreSQL's does not, and staff find "Salma" by typing "salma" on either.
		cond := `(lower(name_ar) LIKE lower(?) ESCAPE '\' OR lower(name_latin) LIKE lower(?) ESCAPE '\'`
		args = append(args, like, like)
		if canon, p := ParseCode(q); p == CodeOK {
			cond += " OR code = ?"
			args = append(args, canon)
		} else if stripped := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(q)); len(stripped) >= 4 {
			cond += " OR code LIKE ?"
			args = append(args, stripped+"%")
		}
		where = append(where, cond+")")
	}
	for col, v := range map[string]string{"kind": f.Kind, "status": f.Status, "course": f.Course} {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	if f.WorkshopID > 0 {
		where = append(where, "workshop_id = ?")
		args = append(args, f.WorkshopID)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM certificates"+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("certificates: count: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	items, err := s.query(ctx, "SELECT "+certCols+" FROM certificates"+w+" ORDER BY issued_at DESC, id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, max(0, f.Offset))...)
	return items, total, err
}

func (s *Service) query(ctx context.Context, q string, args ...any) ([]*Certificate, error) {
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	out, err := store.Collect(rows, err, scanCert)
	if err != nil {
		return nil, fmt.Errorf("certificates: list: %w", err)
	}
	return out, nil
}

// PDF returns a certificate's PDF exactly as issued.
func (s *Service) PDF(ctx context.Context, c *Certificate) ([]byte, error) {
	var b []byte
	if err := s.db.R.QueryRowContext(ctx, "SELECT pdf FROM certificate_files WHERE certificate_id = ?", c.ID).Scan(&b); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = store.ErrNotFound
		}
		return nil, fmt.Errorf("certificates: pdf of %s: %w", c.Code, err)
	}
	return b, nil
}

// VerifyURL is the public verification page of a code, without a language: it sends the
// visitor on in their own language.
func (s *Service) VerifyURL(code string) string {
	return s.opt.BaseURL + "/verify/" + FormatCode(code)
}

// PairLanguage is the language the certificate prints beside Arabic: "fr" or "en" (also for
// a certificate read before the choice was recorded).
func (c *Certificate) PairLanguage() string {
	if c.Pair == "fr" {
		return "fr"
	}
	return "en"
}
