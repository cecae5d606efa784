package certificates

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Limits of a template.
const (
	// MaxSignatories is how many people may sign a certificate: two, side by side.
	MaxSignatories = 2
	// MaxLogos is how many partners' logos a certificate shows, in one row.
	MaxLogos = 3
	// maxTextRunes bounds every name, title and sentence of a template.
	maxTextRunes = 200
	// maxCachedPictures is how many decoded images the service keeps.
	maxCachedPictures = 48
)

// Texts is a wording in the three languages.
type Texts struct {
	Ar string `json:"ar"`
	En string `json:"en"`
	Fr string `json:"fr"`
}

// In is the text in lang ("" when it has none).
func (t Texts) In(lang string) string {
	switch lang {
	case "ar":
		return t.Ar
	case "fr":
		return t.Fr
	}
	return t.En
}

// Empty reports whether the text is empty in every language.
func (t Texts) Empty() bool { return t.Ar == "" && t.En == "" && t.Fr == "" }

func (t Texts) clean() Texts { return Texts{cleanText(t.Ar), cleanText(t.En), cleanText(t.Fr)} }

// or is t, with the languages it lacks taken from d.
func (t Texts) or(d Texts) Texts {
	if t.Ar == "" {
		t.Ar = d.Ar
	}
	if t.En == "" {
		t.En = d.En
	}
	if t.Fr == "" {
		t.Fr = d.Fr
	}
	return t
}

// Signatory is a person who signs the certificates: name and title in each language, and
// the image of the signature (the SHA-256 of a stored image), if any.
type Signatory struct {
	Name      Texts  `json:"name"`
	Title     Texts  `json:"title"`
	Signature string `json:"signature,omitempty"`
}

// TemplateContent is what a version of a template says.
type TemplateContent struct {
	Name string `json:"name"` // for staff
	// Issuer is the programme's issuing body, printed at the head (ESCWA by default).
	Issuer Texts `json:"issuer"`
	// WordingCourse and WordingWorkshop say what the certificate is for ("for successfully
	// completing the training course"); empty: the platform's sentence.
	WordingCourse   Texts       `json:"wording_course"`
	WordingWorkshop Texts       `json:"wording_workshop"`
	Signatories     []Signatory `json:"signatories"`
	Logos           []string    `json:"logos"` // SHA-256 of stored images, in reading order
}

// TemplateVersion is one saved, immutable state of a template.
type TemplateVersion struct {
	ID         int64           `json:"id"`
	TemplateID int64           `json:"template_id"`
	Version    int             `json:"version"`
	Content    TemplateContent `json:"content"`
	SavedBy    string          `json:"saved_by"`
	SavedAt    time.Time       `json:"saved_at"`
}

// Template is a template with its latest version.
type Template struct {
	ID      int64           `json:"id"`
	Default bool            `json:"default"`
	Latest  TemplateVersion `json:"latest"`
}

// TemplateUse says which template a course or a workshop uses, and its own wording.
type TemplateUse struct {
	Kind       string `json:"kind"`
	Course     string `json:"course,omitempty"`
	WorkshopID int64  `json:"workshop_id,omitempty"`
	TemplateID int64  `json:"template_id"`
	Wording    Texts  `json:"wording"`
}

// DefaultIssuer is the issuer's name a new template starts with: the Economic and Social
// Commission for Western Asia.
func (s *Service) DefaultIssuer() Texts {
	return Texts{s.t("ar", "cert.tpl.issuer.default"), s.t("en", "cert.tpl.issuer.default"), s.t("fr", "cert.tpl.issuer.default")}
}

// ErrNoTemplate is a template or version that does not exist.
var ErrNoTemplate = problem.New(http.StatusNotFound, "not_found", "error.not_found")

// checkContent cleans and validates a template's content; image hashes must name stored
// images. Field names: name, issuer_ar…, wording_course_ar…, sig1_name_ar…, logo1…
func (s *Service) checkContent(ctx context.Context, c *TemplateContent) error {
	f := problem.Fields{}
	c.Name = cleanText(c.Name)
	if c.Name == "" {
		f.Add("name", "cert.tpl.field.name.required")
	} else if utf8.RuneCountInString(c.Name) > 100 {
		f.Add("name", "cert.tpl.field.too_long")
	}
	texts := func(prefix string, t *Texts) {
		*t = t.clean()
		for _, l := range []struct {
			lang string
			v    string
		}{{"ar", t.Ar}, {"en", t.En}, {"fr", t.Fr}} {
			if utf8.RuneCountInString(l.v) > maxTextRunes {
				f.Add(prefix+"_"+l.lang, "cert.tpl.field.too_long")
			}
		}
	}
	texts("issuer", &c.Issuer)
	if c.Issuer.Ar == "" {
		f.Add("issuer_ar", "cert.tpl.field.issuer.required")
	}
	if c.Issuer.En == "" {
		f.Add("issuer_en", "cert.tpl.field.issuer.required")
	}
	if c.Issuer.Fr == "" {
		f.Add("issuer_fr", "cert.tpl.field.issuer.required")
	}
	texts("wording_course", &c.WordingCourse)
	texts("wording_workshop", &c.WordingWorkshop)
	if len(c.Signatories) > MaxSignatories {
		f.Add("signatories", "cert.tpl.field.signatories.too_many")
		c.Signatories = c.Signatories[:MaxSignatories]
	}
	for i := range c.Signatories {
		sg := &c.Signatories[i]
		p := "sig" + strconv.Itoa(i+1)
		texts(p+"_name", &sg.Name)
		texts(p+"_title", &sg.Title)
		if sg.Name.Ar == "" {
			f.Add(p+"_name_ar", "cert.tpl.field.signatory.name_required")
		}
		if sg.Name.En == "" && sg.Name.Fr == "" {
			f.Add(p+"_name_en", "cert.tpl.field.signatory.name_required")
		}
		if sg.Signature != "" {
			if ok, err := s.imageExists(ctx, sg.Signature); err != nil {
				return err
			} else if !ok {
				f.Add(p+"_signature", "cert.tpl.field.image.unknown")
			}
		}
	}
	if len(c.Logos) > MaxLogos {
		f.Add("logos", "cert.tpl.field.logos.too_many")
		c.Logos = c.Logos[:MaxLogos]
	}
	for i, h := range c.Logos {
		if ok, err := s.imageExists(ctx, h); err != nil {
			return err
		} else if !ok {
			f.Add("logo"+strconv.Itoa(i+1), "cert.tpl.field.image.unknown")
		}
	}
	return f.Err()
}

// PutImage checks an uploaded logo or signature (see CheckImage) and keeps it, by content.
// It returns its SHA-256, which templates refer to it by.
func (s *Service) PutImage(ctx context.Context, file string, data []byte) (string, error) {
	format, err := CheckImage(file, data)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if _, err := s.db.W.ExecContext(ctx, `INSERT INTO certificate_template_images(sha256, format, data, stored_at) VALUES(?, ?, ?, ?)
		ON CONFLICT(sha256) DO UPDATE SET stored_at = excluded.stored_at`, h, format, data, store.Now()); err != nil {
		return "", fmt.Errorf("certificates: keep image: %w", err)
	}
	return h, nil
}

// ForgetUnusedImages deletes the images that no template version refers to and that were
// last uploaded before before: those uploaded for a preview, or for a save that was refused
// or never made. An image a version names is kept for ever, since certificates issued with
// that version render with it. It returns how many were deleted.
// A version names an image by its hash in its body; LIKE with the hash (lowercase hex, no
// wildcard in it) finds it on both backends, where SQLite's instr() has no PostgreSQL twin.
func (s *Service) ForgetUnusedImages(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.W.ExecContext(ctx, `DELETE FROM certificate_template_images WHERE stored_at < ?
		AND NOT EXISTS (SELECT 1 FROM certificate_template_versions v WHERE v.body LIKE '%' || certificate_template_images.sha256 || '%')`,
		store.FormatTime(before))
	if err != nil {
		return 0, fmt.Errorf("certificates: forget unused images: %w", err)
	}
	return res.RowsAffected()
}

// Image returns a stored image and its format.
func (s *Service) Image(ctx context.Context, sha string) ([]byte, string, error) {
	var b []byte
	var format string
	err := s.db.R.QueryRowContext(ctx, "SELECT data, format FROM certificate_template_images WHERE sha256 = ?", sha).Scan(&b, &format)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("certificates: image %s: %w", sha, store.ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("certificates: image %s: %w", sha, err)
	}
	return b, format, nil
}

func (s *Service) imageExists(ctx context.Context, sha string) (bool, error) {
	if len(sha) != 64 {
		return false, nil
	}
	var n int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM certificate_template_images WHERE sha256 = ?", sha).Scan(&n); err != nil {
		return false, fmt.Errorf("certificates: image %s: %w", sha, err)
	}
	return n > 0, nil
}

// SaveTemplate saves content as the next version of template id, or as a new template when
// id is 0 (the first template becomes the default). It returns the version written.
func (s *Service) SaveTemplate(ctx context.Context, actor audit.Actor, id int64, content TemplateContent) (*TemplateVersion, error) {
	// checkContent cleans in place: the lists are copied first, so that the caller's
	// (shared by two saves at once, or kept to show the form again) are not written to.
	content.Signatories = slices.Clone(content.Signatories)
	content.Logos = slices.Clone(content.Logos)
	if err := s.checkContent(ctx, &content); err != nil {
		return nil, err
	}
	body, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	v := &TemplateVersion{TemplateID: id, Content: content, SavedBy: actor.Email, SavedAt: s.now().Truncate(time.Second)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockTemplates(ctx, s.db, tx); err != nil {
			return err
		}
		if v.TemplateID == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM certificate_templates").Scan(&n); err != nil {
				return err
			}
			isDefault := 0 // the first template is the default
			if n == 0 {
				isDefault = 1
			}
			err := tx.QueryRowContext(ctx, "INSERT INTO certificate_templates(is_default, created_at) VALUES(?, ?) RETURNING id",
				isDefault, store.FormatTime(v.SavedAt)).Scan(&v.TemplateID)
			if err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `SELECT coalesce(max(v.version), 0) + 1 FROM certificate_templates t
			LEFT JOIN certificate_template_versions v ON v.template_id = t.id WHERE t.id = ?`, v.TemplateID).Scan(&v.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoTemplate
		}
		if err != nil {
			return err
		}
		var by any
		if actor.ID != 0 {
			by = actor.ID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO certificate_template_versions(template_id, version, body, saved_by, saved_by_name, saved_at)
			VALUES(?, ?, ?, ?, ?, ?) RETURNING id`, v.TemplateID, v.Version, string(body), by, actor.Email, store.FormatTime(v.SavedAt)).Scan(&v.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "certificate_template.save", "certificate_template:"+strconv.FormatInt(v.TemplateID, 10),
			"version", strconv.Itoa(v.Version-1), strconv.Itoa(v.Version)+" — "+content.Name)
	})
	if err != nil {
		if _, ok := problem.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("certificates: save template %d: %w", id, err)
	}
	return v, nil
}

// lockTemplates serialises the changes of the templates (a new version, the default): each
// reads and then writes (the next version number, whether a first template exists, which
// one is the default), and on PostgreSQL two staff saving at once would otherwise take the
// same number or leave two defaults, refused by the schema as a failure. Templates change
// rarely; one lock for them all is enough.
func lockTemplates(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	return db.LockTx(ctx, tx, "certificates.templates", 0)
}

// SetDefaultTemplate makes template id the one used where no other is chosen.
func (s *Service) SetDefaultTemplate(ctx context.Context, actor audit.Actor, id int64) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockTemplates(ctx, s.db, tx); err != nil {
			return err
		}
		var old sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM certificate_templates WHERE is_default = 1").Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE certificate_templates SET is_default = 0 WHERE is_default = 1"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE certificate_templates SET is_default = 1 WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoTemplate
		}
		return audit.Record(ctx, tx, actor, "certificate_template.default", "certificate_template:"+strconv.FormatInt(id, 10),
			"default", strconv.FormatInt(old.Int64, 10), strconv.FormatInt(id, 10))
	})
	if err != nil {
		if _, ok := problem.As(err); ok {
			return err
		}
		return fmt.Errorf("certificates: default template %d: %w", id, err)
	}
	return nil
}

const versionCols = "v.id, v.template_id, v.version, v.body, v.saved_by_name, v.saved_at"

func scanVersion(row store.Scanner) (TemplateVersion, error) {
	var v TemplateVersion
	var body, at string
	if err := row.Scan(&v.ID, &v.TemplateID, &v.Version, &body, &v.SavedBy, &at); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(body), &v.Content); err != nil {
		return v, fmt.Errorf("certificates: template version %d: %w", v.ID, err)
	}
	v.SavedAt = parseTime(at)
	return v, nil
}

// Templates lists the templates with their latest versions, the default first.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.is_default, `+versionCols+` FROM certificate_templates t
		JOIN certificate_template_versions v ON v.template_id = t.id
		WHERE v.version = (SELECT max(version) FROM certificate_template_versions WHERE template_id = t.id)
		ORDER BY t.is_default DESC, t.id`)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Template, error) {
		var t Template
		v, err := scanVersion(scannerWith{row, &t.Default})
		t.ID, t.Latest = v.TemplateID, v
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("certificates: templates: %w", err)
	}
	return out, nil
}

// scannerWith scans one leading column into first, the rest as the scanner's.
type scannerWith struct {
	row   store.Scanner
	first any
}

func (s scannerWith) Scan(dest ...any) error { return s.row.Scan(append([]any{s.first}, dest...)...) }

// Template returns a template with its latest version.
func (s *Service) Template(ctx context.Context, id int64) (*Template, error) {
	var t Template
	v, err := scanVersion(scannerWith{s.db.R.QueryRowContext(ctx, `SELECT t.is_default, `+versionCols+` FROM certificate_templates t
		JOIN certificate_template_versions v ON v.template_id = t.id WHERE t.id = ? ORDER BY v.version DESC LIMIT 1`, id), &t.Default})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoTemplate
	}
	if err != nil {
		return nil, fmt.Errorf("certificates: template %d: %w", id, err)
	}
	t.ID, t.Latest = v.TemplateID, v
	return &t, nil
}

// TemplateVersions lists a template's versions, newest first.
func (s *Service) TemplateVersions(ctx context.Context, id int64) ([]TemplateVersion, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+versionCols+" FROM certificate_template_versions v WHERE v.template_id = ? ORDER BY v.version DESC", id)
	out, err := store.Collect(rows, err, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("certificates: versions of template %d: %w", id, err)
	}
	return out, nil
}

// TemplateVersionByID returns one version.
func (s *Service) TemplateVersionByID(ctx context.Context, id int64) (*TemplateVersion, error) {
	v, err := scanVersion(s.db.R.QueryRowContext(ctx, "SELECT "+versionCols+" FROM certificate_template_versions v WHERE v.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoTemplate
	}
	if err != nil {
		return nil, fmt.Errorf("certificates: template version %d: %w", id, err)
	}
	return &v, nil
}

// TemplateUses lists the courses and workshops that use a template other than the default,
// or wording of their own.
func (s *Service) TemplateUses(ctx context.Context) ([]TemplateUse, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, course, workshop_id, template_id, wording_ar, wording_en, wording_fr
		FROM certificate_template_uses ORDER BY kind, course, workshop_id`)
	out, err := store.Collect(rows, err, func(row store.Scanner) (TemplateUse, error) {
		var u TemplateUse
		err := row.Scan(&u.Kind, &u.Course, &u.WorkshopID, &u.TemplateID, &u.Wording.Ar, &u.Wording.En, &u.Wording.Fr)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("certificates: template uses: %w", err)
	}
	return out, nil
}

// AssignTemplate chooses the template (and optionally the wording) of a course's or a
// workshop's certificates from now on; a TemplateID of 0 goes back to the default. Issued
// certificates keep what they were issued with.
func (s *Service) AssignTemplate(ctx context.Context, actor audit.Actor, u TemplateUse) error {
	f := problem.Fields{}
	u.Course = strings.TrimSpace(u.Course)
	u.Wording = u.Wording.clean()
	switch u.Kind {
	case KindCourse:
		u.WorkshopID = 0
		if u.Course == "" {
			f.Add("course", "cert.field.course.required")
		} else if _, err := s.opt.Catalogue().Course(u.Course); err != nil {
			f.Add("course", "cert.field.course.unknown")
		}
	case KindWorkshop:
		u.Course = ""
		if u.WorkshopID <= 0 {
			f.Add("workshop_id", "cert.field.workshop.required")
		} else if _, _, err := s.workshop(ctx, u.WorkshopID); err != nil {
			if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, ErrNoWorkshops) {
				return err
			}
			f.Add("workshop_id", "cert.field.workshop.unknown")
		}
	default:
		f.Add("kind", "cert.field.kind.invalid")
	}
	for _, l := range []string{"ar", "en", "fr"} {
		if utf8.RuneCountInString(u.Wording.In(l)) > maxTextRunes {
			f.Add("wording_"+l, "cert.tpl.field.too_long")
		}
	}
	if u.TemplateID != 0 {
		if _, err := s.Template(ctx, u.TemplateID); errors.Is(err, ErrNoTemplate) {
			f.Add("template_id", "cert.tpl.field.template.unknown")
		} else if err != nil {
			return err
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	subject := u.Kind + ":" + u.Course
	if u.Kind == KindWorkshop {
		subject = "workshop:" + strconv.FormatInt(u.WorkshopID, 10)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var old int64
		err := tx.QueryRowContext(ctx, "SELECT template_id FROM certificate_template_uses WHERE kind = ? AND course = ? AND workshop_id = ?",
			u.Kind, u.Course, u.WorkshopID).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if u.TemplateID == 0 && u.Wording.Empty() {
			_, err = tx.ExecContext(ctx, "DELETE FROM certificate_template_uses WHERE kind = ? AND course = ? AND workshop_id = ?",
				u.Kind, u.Course, u.WorkshopID)
		} else {
			tid := u.TemplateID
			if tid == 0 {
				if err := tx.QueryRowContext(ctx, "SELECT id FROM certificate_templates WHERE is_default = 1").Scan(&tid); err != nil {
					if errors.Is(err, sql.ErrNoRows) {
						return problem.Fields{"template_id": "cert.tpl.field.template.none"}.Err()
					}
					return err
				}
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO certificate_template_uses(kind, course, workshop_id, template_id, wording_ar, wording_en, wording_fr, updated_at)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(kind, course, workshop_id) DO UPDATE SET template_id = excluded.template_id,
				wording_ar = excluded.wording_ar, wording_en = excluded.wording_en, wording_fr = excluded.wording_fr, updated_at = excluded.updated_at`,
				u.Kind, u.Course, u.WorkshopID, tid, u.Wording.Ar, u.Wording.En, u.Wording.Fr, store.Now())
		}
		if err != nil {
			return err
		}
		to := strconv.FormatInt(u.TemplateID, 10)
		if !u.Wording.Empty() {
			to += " — " + strings.Join([]string{u.Wording.Ar, u.Wording.En, u.Wording.Fr}, " / ")
		}
		return audit.Record(ctx, tx, actor, "certificate_template.assign", subject, "template", strconv.FormatInt(old, 10), to)
	})
	if err != nil {
		if _, ok := problem.As(err); ok {
			return err
		}
		return fmt.Errorf("certificates: assign template to %s: %w", subject, err)
	}
	return nil
}

// templateFor finds the template version a new certificate of the course or workshop is
// issued with — the one chosen for it, or the default's latest — and the sentence it
// prints. No template at all: 0, and the platform's built-in certificate.
func (s *Service) templateFor(ctx context.Context, kind, course string, workshopID int64) (int64, Texts, error) {
	var tid int64
	var w Texts
	err := s.db.R.QueryRowContext(ctx, `SELECT template_id, wording_ar, wording_en, wording_fr FROM certificate_template_uses
		WHERE kind = ? AND course = ? AND workshop_id = ?`, kind, course, workshopID).Scan(&tid, &w.Ar, &w.En, &w.Fr)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.R.QueryRowContext(ctx, "SELECT id FROM certificate_templates WHERE is_default = 1").Scan(&tid)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, Texts{}, nil
		}
	}
	if err != nil {
		return 0, Texts{}, fmt.Errorf("certificates: template of %s %s%d: %w", kind, course, workshopID, err)
	}
	t, err := s.Template(ctx, tid)
	if err != nil {
		return 0, Texts{}, err
	}
	base := t.Latest.Content.WordingCourse
	if kind == KindWorkshop {
		base = t.Latest.Content.WordingWorkshop
	}
	return t.Latest.ID, w.or(base), nil
}

// look is a template as a certificate draws it: texts resolved, images decoded.
type look struct {
	issuer      Texts
	wording     Texts // what the certificate is for; empty languages: the platform's sentence
	signatories []lookSignatory
	logos       []*picture
}

type lookSignatory struct {
	name, title Texts
	signature   *picture
}

// lookOf prepares content for drawing, with wording as the sentence.
func (s *Service) lookOf(ctx context.Context, content TemplateContent, wording Texts) (*look, error) {
	l := &look{issuer: content.Issuer.or(s.DefaultIssuer()), wording: wording}
	decoded := map[string]*picture{} // an image used twice is decoded (and embedded) once
	pic := func(sha string) (*picture, error) {
		if p := decoded[sha]; p != nil {
			return p, nil
		}
		if p, ok := s.pictures.Load(sha); ok {
			decoded[sha] = p.(*picture)
			return decoded[sha], nil
		}
		data, format, err := s.Image(ctx, sha)
		if err != nil {
			return nil, err
		}
		p, err := decodePicture(format, data)
		if err != nil {
			return nil, err
		}
		decoded[sha] = p
		// A stored image never changes (it is named by its hash): certificates issued in
		// bulk decode each logo once. A few dozen at most are kept, under a key of their
		// own: sha may come from a form, a view into a request's reused buffer.
		if s.pictureCount.Add(1) <= maxCachedPictures {
			s.pictures.Store(strings.Clone(sha), p)
		}
		return p, nil
	}
	for _, h := range content.Logos {
		p, err := pic(h)
		if err != nil {
			return nil, err
		}
		l.logos = append(l.logos, p)
	}
	for _, sg := range content.Signatories {
		ls := lookSignatory{name: sg.Name, title: sg.Title}
		if sg.Signature != "" {
			p, err := pic(sg.Signature)
			if err != nil {
				return nil, err
			}
			ls.signature = p
		}
		l.signatories = append(l.signatories, ls)
	}
	return l, nil
}

// lookFor is the look of an issued certificate: the version it recorded, with the wording
// it printed; nil for a certificate issued before templates (the built-in layout).
func (s *Service) lookFor(ctx context.Context, c *Certificate) (*look, error) {
	if c.TemplateVersionID == 0 {
		return nil, nil
	}
	v, err := s.TemplateVersionByID(ctx, c.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	return s.lookOf(ctx, v.Content, c.Wording)
}

// Preview draws content as a certificate would show it, for a sample holder and course,
// in Arabic and pair ("en" or "fr"), as a PNG of dpi dots per inch or as a PDF.
func (s *Service) Preview(ctx context.Context, content TemplateContent, kind, pair string, asPDF bool, dpi float64) ([]byte, error) {
	if pair != "fr" {
		pair = "en"
	}
	if kind != KindWorkshop {
		kind = KindCourse
	}
	content.Issuer = content.Issuer.clean()
	wording := content.WordingCourse
	if kind == KindWorkshop {
		wording = content.WordingWorkshop
	}
	l, err := s.lookOf(ctx, content, wording.clean())
	if err != nil {
		return nil, err
	}
	p := printed{code: "0000000000000", kind: kind, pair: pair, look: l,
		nameAr: s.t("ar", "cert.tpl.sample.name"), nameLatin: s.t(pair, "cert.tpl.sample.name"),
		titleAr: s.t("ar", "cert.tpl.sample.title"), title2: s.t(pair, "cert.tpl.sample.title"),
		hours: 12, start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), end: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
		country: map[string]string{"ar": "الأردن", "en": "Jordan", "fr": "Jordanie"}, city: "Amman",
		issuedAt: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), verifyURL: s.VerifyURL("0000000000000")}
	d, err := s.render(p)
	if err != nil {
		return nil, err
	}
	if asPDF {
		return d.writePDF()
	}
	return d.writePNG(dpi)
}
