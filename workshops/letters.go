package workshops

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// MaxLetterBytes is the largest nomination letter accepted.
const MaxLetterBytes = 5 << 20

// Errors of a nomination letter.
var (
	ErrLetterTooLarge = problem.New(http.StatusRequestEntityTooLarge, "too_large", "workshops.error.letter_too_large")
	ErrLetterNotPDF   = problem.New(http.StatusUnprocessableEntity, "not_pdf", "workshops.error.letter_not_pdf")
)

// Letter is a delegation's nomination letter (a note verbale), one per workshop and member state.
type Letter struct {
	WorkshopID int64     `json:"workshop_id"`
	Country    string    `json:"country"`
	Filename   string    `json:"filename"`
	Size       int       `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedBy int64     `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
	Data       []byte    `json:"-"`
}

// IsPDF reports whether data starts like a PDF file: the "%PDF-" header within its first
// kilobyte, as readers accept it. The file's name and declared type do not count.
func IsPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

// CanSeeLetter reports whether who may read the letters of country: staff and that
// country's focal points.
func CanSeeLetter(who *officials.Official, country string) bool {
	return who != nil && (who.IsStaff() || (who.IsFocalPoint() && who.Country == country))
}

// cleanFilename keeps the base name of an uploaded letter, without path, control or bidi
// characters (which could show "fdp.exe" as "exe.pdf") or characters that file systems refuse.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(i18n.StripBidi(name), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"/\:*?<>|`, r) {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" || name == "." {
		name = "letter.pdf"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return name
}

// SaveLetter stores (or replaces) country's nomination letter for workshop wid, for who: a
// focal point of that country, or staff.
func (s *Service) SaveLetter(ctx context.Context, who *officials.Official, wid int64, country, filename string, data []byte) (*Letter, error) {
	if !CanSeeLetter(who, country) {
		return nil, problem.NotFound
	}
	w, err := s.Get(ctx, wid)
	if err != nil {
		return nil, err
	}
	if !w.IsPublic() && !who.IsStaff() {
		return nil, problem.NotFound
	}
	if w.Status == StatusCancelled || w.Status == StatusCompleted {
		return nil, ErrWorkshopOver
	}
	if c, err := s.offs.Country(ctx, country); errors.Is(err, store.ErrNotFound) || (err == nil && !c.Member) {
		return nil, fieldsErr("country", "field.country.invalid")
	} else if err != nil {
		return nil, fmt.Errorf("workshops: letter of %s: %w", country, err)
	}
	if len(data) > MaxLetterBytes {
		return nil, ErrLetterTooLarge
	}
	if len(data) == 0 {
		return nil, fieldsErr("letter", "field.required")
	}
	if !IsPDF(data) {
		return nil, ErrLetterNotPDF
	}
	sum := sha256.Sum256(data)
	l := &Letter{WorkshopID: wid, Country: country, Filename: cleanFilename(filename), Size: len(data),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: who.ID, UploadedAt: s.Now()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The record names the letter replaced: of two uploads at once, the second names the first.
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		var old string // the replaced letter's digest, for the record ("" for the first)
		err := tx.QueryRowContext(ctx, "SELECT sha256 FROM nomination_letters WHERE workshop_id = ? AND country = ?", wid, country).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("workshops: save letter: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO nomination_letters(workshop_id, country, filename, size, sha256, data, uploaded_by, uploaded_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(workshop_id, country) DO UPDATE SET filename = excluded.filename,
			size = excluded.size, sha256 = excluded.sha256, data = excluded.data, uploaded_by = excluded.uploaded_by,
			uploaded_at = excluded.uploaded_at`, wid, country, l.Filename, l.Size, l.SHA256, data, who.ID, store.FormatTime(l.UploadedAt)); err != nil {
			return fmt.Errorf("workshops: save letter: %w", err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: who.ID, Email: who.Email}, "workshop.letter", subject(wid), "letter:"+country, old, l.SHA256)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// LetterFor returns country's nomination letter for workshop wid with its content, for who:
// staff and that country's focal points; anyone else is told it does not exist.
func (s *Service) LetterFor(ctx context.Context, who *officials.Official, wid int64, country string) (*Letter, error) {
	if !CanSeeLetter(who, country) {
		return nil, problem.NotFound
	}
	var l Letter
	var at string
	var by sql.NullInt64
	err := s.db.R.QueryRowContext(ctx, `SELECT workshop_id, country, filename, size, sha256, data, uploaded_by, uploaded_at
		FROM nomination_letters WHERE workshop_id = ? AND country = ?`, wid, country).
		Scan(&l.WorkshopID, &l.Country, &l.Filename, &l.Size, &l.SHA256, &l.Data, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: letter: %w", err)
	}
	l.UploadedBy = by.Int64
	l.UploadedAt = parseTime(at)
	return &l, nil
}

// Letters lists the nomination letters of workshop wid (without their content) that who may
// see: all for staff, their own country's for a focal point.
func (s *Service) Letters(ctx context.Context, who *officials.Official, wid int64) ([]Letter, error) {
	out := []Letter{}
	if who == nil || !(who.IsStaff() || who.IsFocalPoint()) {
		return out, nil
	}
	q := "SELECT workshop_id, country, filename, size, sha256, coalesce(uploaded_by, 0), uploaded_at FROM nomination_letters WHERE workshop_id = ?"
	args := []any{wid}
	if !who.IsStaff() {
		q += " AND country = ?"
		args = append(args, who.Country)
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY country", args...)
	out, err = store.Collect(rows, err, func(row store.Scanner) (Letter, error) {
		var l Letter
		var at string
		err := row.Scan(&l.WorkshopID, &l.Country, &l.Filename, &l.Size, &l.SHA256, &l.UploadedBy, &at)
		l.UploadedAt = parseTime(at)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: letters: %w", err)
	}
	return out, nil
}
