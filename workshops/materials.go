package workshops

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Materials are what a workshop hands out: slides, papers and workbooks uploaded as files,
// or links to what lives elsewhere. Each is attached to the whole workshop or to one item of
// its agenda. Most are for the participants only (VisibilityParticipants: staff, the
// workshop's trainers and participants with a confirmed seat, as for the meeting link); some
// are public. Who may read a file is decided on every download, never by the link alone.

// Kinds of material.
const (
	MaterialFile = "file"
	MaterialLink = "link"
)

// MaterialKinds lists every kind of material.
var MaterialKinds = []string{MaterialFile, MaterialLink}

// Visibilities of a material.
const (
	VisibilityParticipants = "participants"
	VisibilityPublic       = "public"
)

// Visibilities lists who a material may be for.
var Visibilities = []string{VisibilityParticipants, VisibilityPublic}

// Formats of an uploaded material.
const (
	FormatPDF  = "pdf"
	FormatPPTX = "pptx"
	FormatDOCX = "docx"
	FormatXLSX = "xlsx"
)

// MaterialFormats lists the file formats a material may have.
var MaterialFormats = []string{FormatPDF, FormatPPTX, FormatDOCX, FormatXLSX}

// MaxMaterialBytes is the largest material file accepted (the upload form says so).
const MaxMaterialBytes = 20 << 20

// MaxMaterialMB is MaxMaterialBytes in megabytes, for messages.
const MaxMaterialMB = MaxMaterialBytes >> 20

const (
	maxMaterialURL   = 2000
	maxMaterialsEach = 200
)

// ErrMaterialTooLarge refuses a file over MaxMaterialBytes.
var ErrMaterialTooLarge = &problem.Error{Status: http.StatusRequestEntityTooLarge, Code: "file_too_large",
	Key: "workshop_materials.error.file_too_large", Fields: map[string]string{"file": "workshop_materials.error.file_too_large"},
	Args: []any{"mb", MaxMaterialMB}}

// ContentType is the media type a file of format is served with.
func ContentType(format string) string {
	switch format {
	case FormatPDF:
		return "application/pdf"
	case FormatPPTX:
		return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	case FormatDOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// Material is a file or a link handed out for a workshop. A list carries no file content.
type Material struct {
	ID         int64             `json:"id"`
	WorkshopID int64             `json:"workshop_id"`
	SessionID  int64             `json:"session_id"` // 0: the whole workshop
	Kind       string            `json:"kind"`
	Title      map[string]string `json:"title"`
	Visibility string            `json:"visibility"`
	URL        string            `json:"url,omitempty"`      // a link's address
	Format     string            `json:"format,omitempty"`   // a file's format
	Filename   string            `json:"filename,omitempty"` // a file's name, as it is downloaded
	Size       int64             `json:"size,omitempty"`
	SHA256     string            `json:"sha256,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	Data       []byte            `json:"-"`
}

// TitleIn is the material's title in lang, with fallbacks.
func (m Material) TitleIn(lang string) string { return pick(m.Title, lang) }

// Public reports whether anyone who may see the workshop may read the material.
func (m Material) Public() bool { return m.Visibility == VisibilityPublic }

// MaterialInput is a new material: a file (Data, with the name it was uploaded under) or a
// link (URL), never both.
type MaterialInput struct {
	Title      map[string]string `json:"title"`
	Visibility string            `json:"visibility"`
	SessionID  int64             `json:"session_id"`
	URL        string            `json:"url"`
	Filename   string            `json:"filename"`
	Data       []byte            `json:"data"`
}

// SeesRestricted reports whether who may read w's materials for participants: staff, the
// workshop's trainers and participants with a confirmed seat (mine is who's registration to
// w, or nil), the same people who may see the online meeting link.
func (w *Workshop) SeesRestricted(who *officials.Official, mine *Registration) bool {
	return w.LinkVisibleTo(who, mine)
}

// SeesRestrictedMaterials reports whether who may read workshop w's materials for
// participants, looking up their registration when needed.
func (s *Service) SeesRestrictedMaterials(ctx context.Context, who *officials.Official, w *Workshop) (bool, error) {
	if who == nil {
		return false, nil
	}
	if who.IsStaff() || w.HasTrainer(who.ID) {
		return true, nil
	}
	r, err := s.RegistrationFor(ctx, w.ID, who.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return w.SeesRestricted(who, r), nil
}

const materialCols = `id, workshop_id, coalesce(session_id, 0), kind, title_ar, title_en, title_fr, visibility, url, format,
	filename, size, sha256, created_at`

func scanMaterial(row store.Scanner, extra ...any) (Material, error) {
	var m Material
	var tAr, tEn, tFr, at string
	err := row.Scan(append([]any{&m.ID, &m.WorkshopID, &m.SessionID, &m.Kind, &tAr, &tEn, &tFr, &m.Visibility, &m.URL, &m.Format,
		&m.Filename, &m.Size, &m.SHA256, &at}, extra...)...)
	m.Title = langMap(tAr, tEn, tFr)
	m.CreatedAt = parseTime(at)
	return m, err
}

// Materials lists the materials of workshop wid, in the order they were added, without
// their content: all of them when restricted is set, else the public ones only.
func (s *Service) Materials(ctx context.Context, wid int64, restricted bool) ([]Material, error) {
	q := "SELECT " + materialCols + " FROM workshop_materials WHERE workshop_id = ?"
	args := []any{wid}
	if !restricted {
		q += " AND visibility = ?"
		args = append(args, VisibilityPublic)
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY id", args...)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Material, error) { return scanMaterial(row) })
	if err != nil {
		return nil, fmt.Errorf("workshops: materials of %d: %w", wid, err)
	}
	if out == nil {
		out = []Material{}
	}
	return out, nil
}

// Material returns material mid of workshop wid with its content; store.ErrNotFound when
// the workshop has no such material. Whether the caller may read it is the caller's check.
func (s *Service) Material(ctx context.Context, wid, mid int64) (*Material, error) {
	var data []byte
	m, err := scanMaterial(s.db.R.QueryRowContext(ctx, "SELECT "+materialCols+", data FROM workshop_materials WHERE id = ? AND workshop_id = ?",
		mid, wid), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: material %d: %w", mid, err)
	}
	m.Data = data
	return &m, nil
}

// checkMaterial validates a new material; it returns the kind and, for a file, its format
// and cleaned name. Every problem is reported at once, keyed by field (title_ar, title_en,
// title_fr, visibility, url, file), with the file's name as the argument "name".
func checkMaterial(in *MaterialInput) (kind, format string, err error) {
	for l, v := range in.Title {
		in.Title[l] = strings.TrimSpace(v)
	}
	in.URL = strings.TrimSpace(in.URL)
	f := problem.Fields{}
	if in.Title["ar"] == "" && in.Title["en"] == "" && in.Title["fr"] == "" {
		f.Add("title_ar", "workshop_materials.field.title.required")
	}
	for _, l := range i18n.Langs {
		checkText(f, "title_"+l, in.Title[l], maxTitle, false, false)
	}
	for l := range in.Title {
		if !slices.Contains(i18n.Langs, l) {
			f.Add("title", "workshop_materials.field.title.lang")
		}
	}
	if in.Visibility == "" {
		in.Visibility = VisibilityParticipants
	}
	if !slices.Contains(Visibilities, in.Visibility) {
		f.Add("visibility", "field.choose")
	}
	switch {
	case len(in.Data) > 0 && in.URL != "":
		f.Add("url", "workshop_materials.field.file_or_link")
	case len(in.Data) > 0:
		kind = MaterialFile
		if len(in.Data) > MaxMaterialBytes {
			return "", "", ErrMaterialTooLarge
		}
		var key string
		format, key = DetectMaterial(in.Data)
		if key != "" {
			f.Add("file", key)
		}
	case in.URL != "":
		kind = MaterialLink
		if key := checkLink(in.URL); key != "" {
			f.Add("url", key)
		}
	default:
		f.Add("file", "workshop_materials.field.file_or_link")
	}
	if len(f) > 0 {
		name := cleanMaterialName(in.Filename, "")
		return "", "", &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "error.validation", Fields: f,
			Args: []any{"name", name, "mb", MaxMaterialMB}}
	}
	if kind == MaterialFile {
		in.Filename = cleanMaterialName(in.Filename, format)
	}
	return kind, format, nil
}

// checkLink returns the message key of what is wrong with a material's link, or "".
func checkLink(raw string) string {
	if utf8.RuneCountInString(raw) > maxMaterialURL || hasControl(raw, false) || strings.ContainsAny(raw, " \t") {
		return "workshop_materials.field.url.invalid"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "workshop_materials.field.url.scheme"
	}
	if u.Host == "" || u.User != nil {
		return "workshop_materials.field.url.invalid"
	}
	return ""
}

// DetectMaterial tells a material's format by its content, whatever its name says: a PDF by
// its header, a DOCX, PPTX or XLSX by the main part its [Content_Types].xml declares (and
// which the archive holds). For anything else it returns the message key that names what the
// file seems to be instead.
func DetectMaterial(data []byte) (format, refusal string) {
	head := data[:min(len(data), 1024)]
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	lower := bytes.ToLower(trimmed)
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return FormatPDF, ""
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return detectOOXML(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "", "workshop_materials.error.type.legacy_office"
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(data, []byte("GIF8")), bytes.HasPrefix(data, []byte("RIFF")) && len(data) > 12 && string(data[8:12]) == "WEBP":
		return "", "workshop_materials.error.type.image"
	case bytes.HasPrefix(lower, []byte("<svg")) || bytes.HasPrefix(lower, []byte("<?xml")) && bytes.Contains(lower, []byte("<svg")):
		return "", "workshop_materials.error.type.svg"
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) || bytes.Contains(lower, []byte("<script")):
		return "", "workshop_materials.error.type.html"
	case bytes.HasPrefix(data, []byte("MZ")) || bytes.HasPrefix(data, []byte("\x7fELF")):
		return "", "workshop_materials.error.type.program"
	case bytes.Contains(head, []byte("%PDF-")):
		// Readers accept a PDF header after some leading bytes; so do browsers sniffing a
		// polyglot file. It is refused: a PDF starts with its header.
		return "", "workshop_materials.error.type.unknown"
	case utf8.Valid(head) && !bytes.ContainsRune(head, 0):
		return "", "workshop_materials.error.type.text"
	}
	return "", "workshop_materials.error.type.unknown"
}

// The main parts' content types of the Office Open XML documents a material may be; macro
// and template variants are refused.
var ooxmlMain = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   FormatDOCX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": FormatPPTX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         FormatXLSX,
}

// detectOOXML reads a ZIP archive's [Content_Types].xml (at most 1 MB of it) and finds the
// one main part it declares.
func detectOOXML(data []byte) (string, string) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "workshop_materials.error.type.damaged_zip"
	}
	parts := map[string]bool{}
	var types *zip.File
	for _, f := range zr.File {
		parts["/"+strings.TrimPrefix(f.Name, "/")] = true
		if f.Name == "[Content_Types].xml" {
			types = f
		}
	}
	if types == nil {
		return "", "workshop_materials.error.type.zip"
	}
	rc, err := types.Open()
	if err != nil {
		return "", "workshop_materials.error.type.damaged_zip"
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return "", "workshop_materials.error.type.damaged_zip"
	}
	var ct struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(body, &ct); err != nil {
		return "", "workshop_materials.error.type.damaged_zip"
	}
	format, macro := "", false
	for _, o := range ct.Overrides {
		t := strings.ToLower(strings.TrimSpace(o.ContentType))
		if f, ok := ooxmlMain[t]; ok && parts[o.PartName] {
			if format != "" && format != f {
				return "", "workshop_materials.error.type.zip"
			}
			format = f
		}
		if strings.Contains(t, "macroenabled") || strings.HasPrefix(t, "application/vnd.ms-office.vbaproject") {
			macro = true
		}
	}
	switch {
	case macro:
		return "", "workshop_materials.error.type.macro"
	case format == "":
		return "", "workshop_materials.error.type.zip"
	}
	return format, ""
}

// cleanMaterialName keeps the base name of an uploaded file without path, control, bidi or
// reserved characters, and makes it end in the extension of format (when given).
func cleanMaterialName(name, format string) string {
	name = path.Base(strings.ReplaceAll(i18n.StripBidi(name), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"/\:*?<>|`, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" || name == "." || name == ".." {
		name = "material"
	}
	if format != "" && !strings.EqualFold(path.Ext(name), "."+format) {
		name += "." + format
	}
	return name
}

// AddMaterial attaches a file or a link to workshop wid (or to its agenda item
// in.SessionID), for staff. Nothing is stored unless all of it is valid.
func (s *Service) AddMaterial(ctx context.Context, actor audit.Actor, wid int64, in MaterialInput) (*Material, error) {
	kind, format, err := checkMaterial(&in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The agenda item must still be the workshop's: agenda edits take the same lock.
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		if _, err := s.bare(ctx, tx, wid); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM workshop_materials WHERE workshop_id = ?", wid).Scan(&n); err != nil {
			return fmt.Errorf("workshops: count materials: %w", err)
		}
		if n >= maxMaterialsEach {
			return problem.New(http.StatusConflict, "too_many_materials", "workshop_materials.error.too_many", "max", maxMaterialsEach)
		}
		session, err := s.sessionOf(ctx, tx, wid, in.SessionID, "session_id")
		if err != nil {
			return err
		}
		var data any
		var size int64
		var sum string
		var by any
		if actor.ID != 0 {
			by = actor.ID
		}
		if kind == MaterialFile {
			h := sha256.Sum256(in.Data)
			data, size, sum = in.Data, int64(len(in.Data)), hex.EncodeToString(h[:])
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO workshop_materials(workshop_id, session_id, kind, title_ar, title_en, title_fr,
			visibility, url, format, filename, size, sha256, data, created_by, created_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			wid, session, kind, in.Title["ar"], in.Title["en"], in.Title["fr"], in.Visibility, in.URL, format, fileName(kind, in.Filename),
			size, sum, data, by, s.stamp()).Scan(&id)
		if err != nil {
			return fmt.Errorf("workshops: add material: %w", err)
		}
		what := in.URL
		if kind == MaterialFile {
			what = in.Filename + " " + sum
		}
		return audit.Record(ctx, tx, actor, "workshop.material.add", subject(wid), "material:"+strconv.FormatInt(id, 10), "", what)
	})
	if err != nil {
		return nil, err
	}
	s.materialsChanged(wid)
	m, err := s.Material(ctx, wid, id)
	if err != nil {
		return nil, err
	}
	m.Data = nil
	return m, nil
}

func fileName(kind, name string) string {
	if kind == MaterialFile {
		return name
	}
	return ""
}

// sessionOf checks that agenda item sid (0: none) is workshop wid's and returns it as a
// column value (NULL for none); field names the input in the message.
func (s *Service) sessionOf(ctx context.Context, q store.Queryer, wid, sid int64, field string) (any, error) {
	if sid == 0 {
		return nil, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM workshop_sessions WHERE id = ? AND workshop_id = ?", sid, wid).Scan(&n); err != nil {
		return nil, fmt.Errorf("workshops: agenda item %d: %w", sid, err)
	}
	if n == 0 {
		return nil, fieldsErr(field, "workshop_materials.field.session.unknown")
	}
	return sid, nil
}

// DeleteMaterial removes material mid from workshop wid (its file with it), for staff.
func (s *Service) DeleteMaterial(ctx context.Context, actor audit.Actor, wid, mid int64) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var what string
		err := tx.QueryRowContext(ctx, "SELECT CASE WHEN kind = 'file' THEN filename || ' ' || sha256 ELSE url END FROM workshop_materials WHERE id = ? AND workshop_id = ?",
			mid, wid).Scan(&what)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("workshops: delete material %d: %w", mid, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_materials WHERE id = ?", mid); err != nil {
			return fmt.Errorf("workshops: delete material %d: %w", mid, err)
		}
		return audit.Record(ctx, tx, actor, "workshop.material.delete", subject(wid), "material:"+strconv.FormatInt(mid, 10), what, "")
	})
	if err != nil {
		return err
	}
	s.materialsChanged(wid)
	return nil
}

// materialsChanged tells every instance's caches that what workshop wid's pages show has
// changed (speakers or materials).
func (s *Service) materialsChanged(wid int64) {
	s.bus.Invalidate(cache.Workshops, strconv.FormatInt(wid, 10))
}

// detachSession lets go of agenda item sid before it is removed from the agenda: its
// speakers no longer speak at it (they stay the workshop's speakers) and its materials stay,
// attached to the whole workshop.
func detachSession(ctx context.Context, tx *sql.Tx, sid int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_session_speakers WHERE session_id = ?", sid); err != nil {
		return fmt.Errorf("workshops: speakers of agenda item %d: %w", sid, err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE workshop_materials SET session_id = NULL WHERE session_id = ?", sid); err != nil {
		return fmt.Errorf("workshops: materials of agenda item %d: %w", sid, err)
	}
	return nil
}

// MaterialChange is what may change in a material once added: its titles, who may see it and
// what it is attached to (its file or link stays; add another material for a new one).
type MaterialChange struct {
	Title      map[string]string `json:"title"`
	Visibility string            `json:"visibility"`
	SessionID  int64             `json:"session_id"`
}

// UpdateMaterial changes material mid of workshop wid, for staff. Nothing is changed unless
// all of it is valid.
func (s *Service) UpdateMaterial(ctx context.Context, actor audit.Actor, wid, mid int64, in MaterialChange) (*Material, error) {
	// The same checks as a new material's, with a link standing for the content kept.
	probe := MaterialInput{Title: in.Title, Visibility: in.Visibility, URL: "https://kept.invalid/"}
	if in.Title == nil {
		probe.Title = map[string]string{}
	}
	if _, _, err := checkMaterial(&probe); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		var old string
		err := tx.QueryRowContext(ctx, "SELECT visibility || ' ' || coalesce(session_id, 0) FROM workshop_materials WHERE id = ? AND workshop_id = ?",
			mid, wid).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("workshops: material %d: %w", mid, err)
		}
		session, err := s.sessionOf(ctx, tx, wid, in.SessionID, "session_id")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workshop_materials SET title_ar = ?, title_en = ?, title_fr = ?, visibility = ?, session_id = ?
			WHERE id = ?`, probe.Title["ar"], probe.Title["en"], probe.Title["fr"], probe.Visibility, session, mid); err != nil {
			return fmt.Errorf("workshops: change material %d: %w", mid, err)
		}
		return audit.Record(ctx, tx, actor, "workshop.material.edit", subject(wid), "material:"+strconv.FormatInt(mid, 10), old,
			probe.Visibility+" "+strconv.FormatInt(in.SessionID, 10))
	})
	if err != nil {
		return nil, err
	}
	s.materialsChanged(wid)
	m, err := s.Material(ctx, wid, mid)
	if err != nil {
		return nil, err
	}
	m.Data = nil
	return m, nil
}
