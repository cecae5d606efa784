package advisory

import (
	"context"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// AuthoredComment is a message an official wrote on a request's thread, for their personal
// data: the request it is on and what they wrote.
type AuthoredComment struct {
	ID        int64     `json:"id"`
	RequestID int64     `json:"request_id"`
	Internal  bool      `json:"internal"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// UploadedFile is a file an official attached to a request, for their personal data: its
// name, kind, size and fingerprint (the file itself stays with the request).
type UploadedFile struct {
	ID        int64  `json:"id"`
	RequestID int64  `json:"request_id"`
	Filename  string `json:"filename"`
	Kind      string `json:"kind"`
	Size      int    `json:"size"`
	SHA256    string `json:"sha256"`
	// Purpose is what the file is on the request: an attachment, or a step of the lifecycle
	// (letter, tor, deliverable, closing).
	Purpose   string    `json:"purpose"`
	CreatedAt time.Time `json:"created_at"`
}

// CommentsBy lists the messages official wrote, on any request, oldest first.
func (s *Service) CommentsBy(ctx context.Context, official int64) ([]AuthoredComment, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, request_id, internal, body, created_at FROM advisory_comments
		WHERE author_id = ? ORDER BY id`, official)
	out, err := store.Collect(rows, err, func(row store.Scanner) (AuthoredComment, error) {
		var c AuthoredComment
		var at string
		err := row.Scan(&c.ID, &c.RequestID, &c.Internal, &c.Body, &at)
		c.CreatedAt = parseTime(at)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: comments by %d: %w", official, err)
	}
	return out, nil
}

// FilesBy lists the files official attached or gave with a step (a letter, terms of
// reference, a deliverable, a closing report), to any request, oldest first.
func (s *Service) FilesBy(ctx context.Context, official int64) ([]UploadedFile, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, request_id, filename, kind, size, sha256, 'attachment', created_at
		FROM advisory_attachments WHERE uploaded_by = ?
		UNION ALL SELECT id, request_id, filename, kind, size, sha256, purpose, created_at
		FROM advisory_files WHERE uploaded_by = ? ORDER BY 8, 1`, official, official)
	out, err := store.Collect(rows, err, func(row store.Scanner) (UploadedFile, error) {
		var f UploadedFile
		var at string
		err := row.Scan(&f.ID, &f.RequestID, &f.Filename, &f.Kind, &f.Size, &f.SHA256, &f.Purpose, &at)
		f.CreatedAt = parseTime(at)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: files by %d: %w", official, err)
	}
	return out, nil
}
