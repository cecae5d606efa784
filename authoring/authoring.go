// Package authoring keeps the course content in the database as revisions, so that programme
// staff, trainers and translators write, review and publish courses in the browser, with
// history, while the files stay available to operators who keep courses in git.
//
// Every file of the content (course.yaml, quiz.yaml, a lesson in one language, an image,
// thesaurus.txt, FORMAT.md) is a path, as in a content folder; every save of a path is a
// revision. A path has a head (its latest revision) and, once published, a published
// revision: learners, the search and the certificates see only the published revisions,
// read as one folder (Published). A revision is a draft when saved, in review when its
// author submits it, and published when staff publish its course; publishing checks the
// course as `masar content check` would and refuses it with the reasons.
//
// The content the binary ships (or the --content folder) is brought in at start (Sync): a
// file that changed there since it was last brought in becomes a new revision, published at
// once unless someone edited that file in the browser since — then it waits as a draft, so
// that a browser edit is never overwritten silently.
package authoring

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/masar-platform/masar/store"
)

// States of a revision.
const (
	Draft     = "draft"
	Review    = "review"
	Published = "published"
)

// Origins of a revision.
const (
	OriginShipped = "shipped" // the content built into the binary
	OriginFolder  = "folder"  // the --content folder
	OriginImport  = "import"  // `masar content import DIR`
	OriginEditor  = "editor"  // saved in the browser
	OriginRestore = "restore" // an older revision brought back
)

// fileOrigin reports whether revisions of origin o come from files the operator keeps
// (shipped content or the --content folder), as opposed to people's edits.
func fileOrigin(o string) bool { return o == OriginShipped || o == OriginFolder }

// AuthorIn is the author's name for a reader of lang.
func (r Revision) AuthorIn(lang string) string {
	if lang == "ar" && r.Author != "" || r.AuthorLatin == "" {
		return r.Author
	}
	return r.AuthorLatin
}

// Revision is one saved version of a path.
type Revision struct {
	ID          int64
	Path        string
	Body        []byte
	Deleted     bool
	State       string
	Origin      string
	BaseID      int64 // the revision the author started from (0: none)
	SourceID    int64 // a translation's source-language revision (0: none)
	AuthorID    int64
	Author      string // the author's Arabic name, "" for the system
	AuthorLatin string // the author's name in Latin letters
	Message     string
	At          time.Time
}

// Errors a person can act on.
var (
	// ErrConflict: someone saved the file since the editor opened it.
	ErrConflict = errors.New("authoring: the file changed since it was opened")
	// ErrNotFound: no such path or revision.
	ErrNotFound = errors.New("authoring: not found")
	// ErrState: the revision is not in a state that allows the step.
	ErrState = errors.New("authoring: not allowed in this state")
)

// ConflictError says who saved the file in between.
type ConflictError struct {
	Head Revision // the latest revision, body left out
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("authoring: %s changed since it was opened (revision %d)", e.Head.Path, e.Head.ID)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Store keeps the revisions.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// New returns the store on db.
func New(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// DB is the store's database.
func (s *Store) DB() *store.DB { return s.db }

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// CleanPath checks a content path: slash-separated, relative, no "." or ".." parts, no
// hidden files. It returns the cleaned path or an error.
func CleanPath(p string) (string, error) {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || path.Clean(p) != p {
		return "", fmt.Errorf("authoring: bad path %q", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return "", fmt.Errorf("authoring: bad path %q", p)
		}
	}
	return p, nil
}

// CourseOf is the course folder a path belongs to ("" for the files at the top).
func CourseOf(p string) string {
	if i := strings.IndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return ""
}

const revisionColumns = `r.id, r.path, r.deleted, r.state, r.origin, coalesce(r.base_id, 0), coalesce(r.source_id, 0),
	coalesce(r.author_id, 0), coalesce(o.name_ar, ''), coalesce(o.name_latin, ''), r.message, r.created_at`

const revisionFrom = ` FROM content_revisions r LEFT JOIN officials o ON o.id = r.author_id AND o.deleted_at IS NULL`

func scanRevision(row store.Scanner, withBody bool) (Revision, error) {
	var r Revision
	var deleted int
	var at string
	dst := []any{&r.ID, &r.Path, &deleted, &r.State, &r.Origin, &r.BaseID, &r.SourceID, &r.AuthorID, &r.Author, &r.AuthorLatin, &r.Message, &at}
	if withBody {
		dst = append(dst, &r.Body)
	}
	if err := row.Scan(dst...); err != nil {
		return r, err
	}
	r.Deleted = deleted == 1
	r.At, _ = time.Parse(time.RFC3339Nano, at)
	return r, nil
}

// Revision returns one revision with its body.
func (s *Store) Revision(ctx context.Context, id int64) (Revision, error) {
	r, err := scanRevision(s.db.R.QueryRowContext(ctx, "SELECT "+revisionColumns+", r.body"+revisionFrom+" WHERE r.id = ?", id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("authoring: revision %d: %w", id, ErrNotFound)
	}
	return r, err
}

// History lists a path's revisions, newest first, without their bodies.
func (s *Store) History(ctx context.Context, p string) ([]Revision, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+revisionColumns+revisionFrom+" WHERE r.path = ? ORDER BY r.id DESC", p)
	return store.Collect(rows, err, func(row store.Scanner) (Revision, error) { return scanRevision(row, false) })
}

// File is a path with its head and published revisions.
type File struct {
	Path        string
	Head        Revision // body left out
	PublishedID int64    // 0: never published
}

// Files lists the paths under prefix (a course folder, or "" for all), in path order.
func (s *Store) Files(ctx context.Context, course string) ([]File, error) {
	q := "SELECT f.path, coalesce(f.published_id, 0), " + revisionColumns + " FROM content_files f JOIN content_revisions r ON r.id = f.head_id LEFT JOIN officials o ON o.id = r.author_id AND o.deleted_at IS NULL"
	var args []any
	if course != "" {
		q += " WHERE f.path LIKE ? ESCAPE '\\'"
		args = append(args, likeEscape(course)+"/%")
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY f.path", args...)
	return store.Collect(rows, err, func(row store.Scanner) (File, error) {
		var f File
		var deleted int
		var at string
		err := row.Scan(&f.Path, &f.PublishedID, &f.Head.ID, &f.Head.Path, &deleted, &f.Head.State, &f.Head.Origin,
			&f.Head.BaseID, &f.Head.SourceID, &f.Head.AuthorID, &f.Head.Author, &f.Head.AuthorLatin, &f.Head.Message, &at)
		f.Head.Deleted = deleted == 1
		f.Head.At, _ = time.Parse(time.RFC3339Nano, at)
		return f, err
	})
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Head returns a path's latest revision with its body.
func (s *Store) Head(ctx context.Context, p string) (Revision, error) {
	return s.pointed(ctx, p, "head_id")
}

// PublishedRevision returns a path's published revision with its body.
func (s *Store) PublishedRevision(ctx context.Context, p string) (Revision, error) {
	return s.pointed(ctx, p, "published_id")
}

func (s *Store) pointed(ctx context.Context, p, column string) (Revision, error) {
	r, err := scanRevision(s.db.R.QueryRowContext(ctx, "SELECT "+revisionColumns+", r.body FROM content_files f JOIN content_revisions r ON r.id = f."+column+
		" LEFT JOIN officials o ON o.id = r.author_id AND o.deleted_at IS NULL WHERE f.path = ?", p), true)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("authoring: %s: %w", p, ErrNotFound)
	}
	return r, err
}

// Empty reports whether no content has been brought in yet.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM content_files LIMIT 1) x").Scan(&n)
	return n == 0, err
}

// insert writes a revision and makes it the path's head; publish also makes it the served one.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, r *Revision, publish bool) error {
	if r.State == "" {
		r.State = Draft
		if publish {
			r.State = Published
		}
	}
	var deleted int
	if r.Deleted {
		deleted = 1
		r.Body = []byte{}
	}
	if r.Body == nil {
		r.Body = []byte{}
	}
	r.At = s.now().UTC()
	err := tx.QueryRowContext(ctx, `INSERT INTO content_revisions(path, body, sha256, deleted, state, origin, base_id, source_id, author_id, message, created_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Path, r.Body, digest(r.Body), deleted, r.State, r.Origin, nullID(r.BaseID), nullID(r.SourceID), nullID(r.AuthorID), r.Message,
		store.FormatTime(r.At)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("authoring: save %s: %w", r.Path, err)
	}
	var published any
	if publish {
		published = r.ID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO content_files(path, head_id, published_id) VALUES(?, ?, ?)
		ON CONFLICT(path) DO UPDATE SET head_id = excluded.head_id, published_id = coalesce(excluded.published_id, content_files.published_id)`,
		r.Path, r.ID, published)
	if err != nil {
		return fmt.Errorf("authoring: save %s: %w", r.Path, err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
