package advisory

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
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Limits on attached files.
const (
	MaxFileBytes       = 8 << 20 // one file, unless configured otherwise (Limits)
	MaxFilesPerRequest = 10      // files attached to one request, in all, unless configured otherwise
	maxFileName        = 150     // runes
	maxContentTypes    = 1 << 20 // bytes of [Content_Types].xml read when checking a DOCX or XLSX
)

// The kinds of file a request accepts.
const (
	KindPDF  = "pdf"
	KindDOCX = "docx"
	KindXLSX = "xlsx"
)

// ContentType is the media type served for a kind of file.
func ContentType(kind string) string {
	switch kind {
	case KindPDF:
		return "application/pdf"
	case KindDOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case KindXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// File is an uploaded file, as received.
type File struct {
	Name string
	Data []byte
}

// checked is a file that passed the checks.
type checked struct {
	name, kind, sum string
	data            []byte
}

// Reasons a file is refused, as catalogue keys.
const (
	fileEmpty    = "advisory.file.empty"
	fileTooLarge = "advisory.file.too_large"
	fileType     = "advisory.file.type"
	fileMismatch = "advisory.file.mismatch"
	fileMacro    = "advisory.file.macro"
	fileTooMany  = "advisory.file.too_many"
	// filesTooLarge: the files of one submission weigh more than allowed together.
	filesTooLarge = "advisory.file.total_too_large"
)

// fileError is the 422 for a refused file: the field "attachments" says why, and the
// message names the file.
func fileError(name, key string) error {
	return &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "advisory.error.attachment",
		Args: []any{"name", name}, Fields: map[string]string{"attachments": key}}
}

// FileTooLarge is the 413 for a file over the per-file limit: the message names the file
// and the limit, in megabytes.
func FileTooLarge(name string, l Limits) error {
	return &problem.Error{Status: http.StatusRequestEntityTooLarge, Code: "file_too_large", Key: "advisory.error.attachment",
		Args: []any{"name", cleanFileName(name), "mb", l.FileMB(), "total", l.TotalMB()}, Fields: map[string]string{"attachments": fileTooLarge}}
}

// FilesTooLarge is the 413 for files that together weigh more than the per-submission
// limit: the message names the first file that did not fit.
func FilesTooLarge(name string, l Limits) error {
	return &problem.Error{Status: http.StatusRequestEntityTooLarge, Code: "files_too_large", Key: "advisory.error.attachment",
		Args: []any{"name", cleanFileName(name), "mb", l.FileMB(), "total", l.TotalMB()}, Fields: map[string]string{"attachments": filesTooLarge}}
}

// The main parts' content types of the Office Open XML documents accepted, and those of
// their macro-enabled cousins, which are refused.
const (
	docxMain      = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain      = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	docmMain      = "application/vnd.ms-word.document.macroenabled.main+xml"
	xlsmMain      = "application/vnd.ms-excel.sheet.macroenabled.main+xml"
	vbaProjectCT  = "application/vnd.ms-office.vbaproject"
	contentTypesN = "[Content_Types].xml"
)

// DetectKind tells what a file is by its content: "pdf", "docx" or "xlsx", or a catalogue
// key saying why it is none of them (empty, another type, macro-enabled). The name plays
// no part; the size is checked against the limits by whoever takes the file.
func DetectKind(data []byte) (kind, reason string) {
	switch {
	case len(data) == 0:
		return "", fileEmpty
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return KindPDF, ""
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return officeKind(data)
	}
	return "", fileType
}

// officeKind reads a ZIP's [Content_Types].xml and finds its main part: a Word document or
// an Excel workbook, present in the archive. Nothing else is decompressed.
func officeKind(data []byte) (kind, reason string) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fileType
	}
	entries := map[string]*zip.File{}
	for _, f := range z.File {
		entries[f.Name] = f
	}
	ctf := entries[contentTypesN]
	if ctf == nil {
		return "", fileType
	}
	rc, err := ctf.Open()
	if err != nil {
		return "", fileType
	}
	defer rc.Close()
	var types struct {
		Defaults []struct {
			Extension   string `xml:"Extension,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Default"`
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypes)).Decode(&types); err != nil {
		return "", fileType
	}
	for _, d := range types.Defaults {
		if strings.EqualFold(d.ContentType, vbaProjectCT) {
			return "", fileMacro
		}
	}
	for _, o := range types.Overrides {
		ct := strings.ToLower(o.ContentType)
		if ct == docmMain || ct == xlsmMain || ct == vbaProjectCT {
			return "", fileMacro
		}
	}
	for _, o := range types.Overrides {
		part := strings.TrimPrefix(o.PartName, "/")
		if entries[part] == nil {
			continue
		}
		switch strings.ToLower(o.ContentType) {
		case docxMain:
			return KindDOCX, ""
		case xlsxMain:
			return KindXLSX, ""
		}
	}
	return "", fileType
}

// CheckFile checks one uploaded file: its content must be a PDF, DOCX or XLSX within the
// size limit, and its name, if it has an extension, must say the same. It returns the
// cleaned file name (the right extension added when missing) and the kind.
func CheckFile(name string, data []byte) (cleanName, kind string, err error) {
	cleanName = cleanFileName(name)
	if cleanName == "" {
		cleanName = "attachment"
	}
	kind, reason := DetectKind(data)
	if reason != "" {
		return "", "", fileError(cleanName, reason)
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(cleanName), "."))
	switch {
	case ext == kind:
	case knownExt(ext):
		// The name claims another type of file than its content is.
		return "", "", fileError(cleanName, fileMismatch)
	default:
		cleanName += "." + kind
	}
	return cleanName, kind, nil
}

// knownExt reports whether ext names a type of file (rather than being, say, the end of
// "Plan v1.2").
func knownExt(ext string) bool {
	switch ext {
	case "pdf", "docx", "xlsx", "doc", "xls", "docm", "xlsm", "dotx", "xltx", "odt", "ods", "rtf", "csv", "txt",
		"zip", "rar", "7z", "png", "jpg", "jpeg", "gif", "webp", "svg", "html", "htm", "xml", "json", "js",
		"exe", "bat", "cmd", "sh", "ps1", "msi", "dll", "scr", "ppt", "pptx", "pptm":
		return true
	}
	return false
}

// cleanFileName keeps the base name of what the browser sent, without path, control or
// bidi characters (which could show "fdp.exe" as "exe.pdf") or quotes, at most maxFileName
// runes (the extension kept).
func cleanFileName(name string) string {
	name = norm.NFC.String(i18n.StripBidi(name))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == '"', r == '\'', r == '<', r == '>', r == ':', r == '*', r == '?', r == '|', r == utf8.RuneError:
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), ". ")
	if rs := []rune(name); len(rs) > maxFileName {
		ext := path.Ext(name)
		if len(ext) > 6 {
			ext = ""
		}
		name = string([]rune(strings.TrimSuffix(name, ext))[:maxFileName-len(ext)]) + ext
	}
	return name
}

// checkFiles checks every file before anything is written; already is how many files the
// request holds.
func checkFiles(files []File, already int, l Limits) ([]checked, error) {
	if already+len(files) > l.Files {
		return nil, problem.Fields{"attachments": fileTooMany}.Err()
	}
	if err := CheckSizes(files, l); err != nil {
		return nil, err
	}
	out := make([]checked, 0, len(files))
	for _, f := range files {
		name, kind, err := CheckFile(f.Name, f.Data)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(f.Data)
		out = append(out, checked{name: name, kind: kind, sum: hex.EncodeToString(sum[:]), data: f.Data})
	}
	return out, nil
}

// CheckSizes refuses, with a 413 naming the file, a file over the per-file limit or the
// first file that takes the submission over its total.
func CheckSizes(files []File, l Limits) error {
	var total int64
	for _, f := range files {
		n := int64(len(f.Data))
		if n > l.FileBytes {
			return FileTooLarge(f.Name, l)
		}
		if total += n; total > l.TotalBytes {
			return FilesTooLarge(f.Name, l)
		}
	}
	return nil
}

func insertAttachment(ctx context.Context, tx *sql.Tx, requestID, by int64, f checked, now string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_attachments(request_id, filename, kind, size, sha256, data, uploaded_by, created_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?)`, requestID, f.name, f.kind, len(f.data), f.sum, f.data, by, now); err != nil {
		return fmt.Errorf("advisory: attach %s to %d: %w", f.name, requestID, err)
	}
	return nil
}

// Attachment is a file attached to a request (its content is read with OpenAttachment).
type Attachment struct {
	ID         int64     `json:"id"`
	Filename   string    `json:"filename"`
	Kind       string    `json:"kind"`
	Size       int       `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedBy Person    `json:"uploaded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// AddAttachments attaches files to request id on behalf of u (the country's focal points
// or staff), all or none, while the request is open. The country is told by no e-mail:
// files are part of the request, not a change of it; the audit log records them.
func (s *Service) AddAttachments(ctx context.Context, u *officials.Official, id int64, files []File) ([]Attachment, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, problem.Fields{"attachments": "advisory.file.none"}.Err()
	}
	if r.Terminal() {
		return nil, ErrClosed
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Under the request's lock, two uploads at once cannot both fit in the room left.
		if err := s.db.LockTx(ctx, tx, "advisory.request", id); err != nil {
			return fmt.Errorf("advisory: lock %d: %w", id, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM advisory_attachments WHERE request_id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("advisory: count attachments %d: %w", id, err)
		}
		cs, err := checkFiles(files, n, s.limits)
		if err != nil {
			return err
		}
		now := store.Now()
		for _, f := range cs {
			if err := insertAttachment(ctx, tx, id, u.ID, f, now); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, actorOf(u), "advisory.attach", subjectOf(id), "attachment", "", f.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Attachments(ctx, u, id)
}

// Attachments lists the files of request id, oldest first.
func (s *Service) Attachments(ctx context.Context, u *officials.Official, id int64) ([]Attachment, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, filename, kind, size, sha256, uploaded_by, created_at
		FROM advisory_attachments WHERE request_id = ? ORDER BY id`, id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Attachment, error) {
		var a Attachment
		var at string
		err := row.Scan(&a.ID, &a.Filename, &a.Kind, &a.Size, &a.SHA256, &a.UploadedBy.ID, &at)
		a.CreatedAt = parseTime(at)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: attachments %d: %w", id, err)
	}
	people := s.people(ctx)
	for i := range out {
		out[i].UploadedBy = people(out[i].UploadedBy.ID)
	}
	return out, nil
}

// OpenAttachment returns attachment aid of request id with its content, if u may see the
// request.
func (s *Service) OpenAttachment(ctx context.Context, u *officials.Official, id, aid int64) (*Attachment, []byte, error) {
	return s.openStored(ctx, u, "advisory_attachments", id, aid)
}

// openStored reads file fid of request id from table (the attachments, or the lifecycle's
// files: both hold the same columns), if u may see the request.
func (s *Service) openStored(ctx context.Context, u *officials.Official, table string, id, fid int64) (*Attachment, []byte, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, nil, err
	}
	var a Attachment
	var at string
	var data []byte
	err := s.db.R.QueryRowContext(ctx, `SELECT id, filename, kind, size, sha256, uploaded_by, created_at, data
		FROM `+table+` WHERE id = ? AND request_id = ?`, fid, id).
		Scan(&a.ID, &a.Filename, &a.Kind, &a.Size, &a.SHA256, &a.UploadedBy.ID, &at, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, problem.NotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("advisory: open %s %d: %w", table, fid, err)
	}
	a.CreatedAt = parseTime(at)
	return &a, data, nil
}

// ErrNotUploader: a file is removed by whoever attached it, or by staff.
var ErrNotUploader = problem.New(http.StatusForbidden, "not_uploader", "advisory.error.not_uploader")

// CanRemoveAttachment reports whether u may remove attachment a of request r: its uploader or
// staff, while the request is open.
func CanRemoveAttachment(u *officials.Official, r *Request, a Attachment) bool {
	return !r.Terminal() && (u.IsStaff() || a.UploadedBy.ID == u.ID)
}

// RemoveAttachment removes attachment aid of request id on behalf of u — its uploader or
// staff — while the request is open; the audit log keeps its name, size and checksum.
func (s *Service) RemoveAttachment(ctx context.Context, u *officials.Official, id, aid int64) error {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var a Attachment
		err := tx.QueryRowContext(ctx, "SELECT id, filename, size, sha256, uploaded_by FROM advisory_attachments WHERE id = ? AND request_id = ?", aid, id).
			Scan(&a.ID, &a.Filename, &a.Size, &a.SHA256, &a.UploadedBy.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.NotFound
		}
		if err != nil {
			return fmt.Errorf("advisory: attachment %d: %w", aid, err)
		}
		if r.Terminal() {
			return ErrClosed
		}
		if !CanRemoveAttachment(u, r, a) {
			return ErrNotUploader
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM advisory_attachments WHERE id = ?", aid); err != nil {
			return fmt.Errorf("advisory: remove attachment %d: %w", aid, err)
		}
		return audit.Record(ctx, tx, actorOf(u), "advisory.detach", subjectOf(id), "attachment",
			fmt.Sprintf("%s (sha256 %s, size %d)", a.Filename, a.SHA256, a.Size), "")
	})
}
