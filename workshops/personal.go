package workshops

import (
	"context"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// Nomination is a registration an official (a focal point) made for someone else, for the
// nominator's personal data: the workshop, where it stands and when. The nominee is not
// named: that is their own data, not the nominator's.
type Nomination struct {
	RegistrationID int64             `json:"registration_id"`
	WorkshopID     int64             `json:"workshop_id"`
	WorkshopTitle  map[string]string `json:"workshop_title"`
	Status         string            `json:"status"`
	CreatedAt      time.Time         `json:"created_at"`
}

// UploadedLetter is a nomination letter an official uploaded for their country's delegation.
type UploadedLetter struct {
	WorkshopID int64     `json:"workshop_id"`
	Country    string    `json:"country"`
	Filename   string    `json:"filename"`
	Size       int       `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// NominationsBy lists the registrations official made for other people, newest first.
func (s *Service) NominationsBy(ctx context.Context, official int64) ([]Nomination, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.id, r.workshop_id, w.title_ar, w.title_en, w.title_fr, r.status, r.created_at
		FROM registrations r JOIN workshops w ON w.id = r.workshop_id
		WHERE r.nominated_by = ? AND r.official_id <> ? ORDER BY r.id DESC`, official, official)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Nomination, error) {
		var n Nomination
		var ar, en, fr, at string
		err := row.Scan(&n.RegistrationID, &n.WorkshopID, &ar, &en, &fr, &n.Status, &at)
		n.WorkshopTitle, n.CreatedAt = langMap(ar, en, fr), parseTime(at)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: nominations by %d: %w", official, err)
	}
	return out, nil
}

// LettersBy lists the nomination letters official uploaded, newest first (the files stay
// with the workshops).
func (s *Service) LettersBy(ctx context.Context, official int64) ([]UploadedLetter, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT workshop_id, country, filename, size, sha256, uploaded_at
		FROM nomination_letters WHERE uploaded_by = ? ORDER BY uploaded_at DESC`, official)
	out, err := store.Collect(rows, err, func(row store.Scanner) (UploadedLetter, error) {
		var l UploadedLetter
		var at string
		err := row.Scan(&l.WorkshopID, &l.Country, &l.Filename, &l.Size, &l.SHA256, &at)
		l.UploadedAt = parseTime(at)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: letters by %d: %w", official, err)
	}
	return out, nil
}
