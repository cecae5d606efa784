package authoring

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
)

// MaxFile bounds a saved file (a lesson, a manifest, an image).
const MaxFile = 2 << 20

// ErrUnchanged: the saved text is the latest revision's.
var ErrUnchanged = errors.New("authoring: nothing changed")

// lockPath makes the transactions that change one path take their turn (PostgreSQL; SQLite's
// single writer already does).
func (s *Store) lockPath(ctx context.Context, tx *sql.Tx, p string) error {
	h := fnv.New64a()
	h.Write([]byte(p))
	return s.db.LockTx(ctx, tx, "content", int64(h.Sum64()>>1))
}

// Edit is a save from the editor.
type Edit struct {
	Path     string
	Body     []byte
	Delete   bool   // remove the file (an image, a lesson in one language)
	BaseID   int64  // the head the editor was opened on (0 for a new file)
	SourceID int64  // a translation: the source-language revision it was translated from
	Message  string // the author's description of the change
	Origin   string // OriginEditor unless told (OriginRestore)

	restoredFrom int64 // Restore: the revision brought back, for the audit log
}

// Save records an edit as a new draft revision of its path. It refuses, with a
// *ConflictError, an edit whose base is no longer the latest revision: someone saved in
// between, and nothing is overwritten.
func (s *Store) Save(ctx context.Context, actor audit.Actor, e Edit) (Revision, error) {
	rs, err := s.SaveAll(ctx, actor, []Edit{e})
	if err != nil {
		return Revision{}, err
	}
	return rs[0], nil
}

// SaveAll records several edits (of different paths) as new draft revisions in one
// transaction: all of them or, on the first conflict or error, none. ErrUnchanged is
// returned only when no edit changes anything; an unchanged edit among changed ones is
// skipped (its Revision is the zero value).
func (s *Store) SaveAll(ctx context.Context, actor audit.Actor, edits []Edit) ([]Revision, error) {
	paths := make([]string, len(edits))
	for i := range edits {
		p, err := CleanPath(edits[i].Path)
		if err != nil {
			return nil, err
		}
		if len(edits[i].Body) > MaxFile {
			return nil, fmt.Errorf("authoring: %s is larger than %d bytes", p, MaxFile)
		}
		if slices.Contains(paths[:i], p) {
			return nil, fmt.Errorf("authoring: %s is edited twice in one save", p)
		}
		paths[i] = p
		if edits[i].Origin == "" {
			edits[i].Origin = OriginEditor
		}
	}
	out := make([]Revision, len(edits))
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Paths are locked in one order, so that two saves of the same paths wait for
		// each other rather than deadlock.
		for _, p := range slices.Sorted(slices.Values(paths)) {
			if err := s.lockPath(ctx, tx, p); err != nil {
				return err
			}
		}
		changed := false
		for i, e := range edits {
			r, err := s.saveTx(ctx, tx, actor, paths[i], e)
			if errors.Is(err, ErrUnchanged) {
				continue
			}
			if err != nil {
				return err
			}
			out[i], changed = r, true
		}
		if !changed {
			return ErrUnchanged
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// saveTx records edit e of path p inside tx, whose path lock is held.
func (s *Store) saveTx(ctx context.Context, tx *sql.Tx, actor audit.Actor, p string, e Edit) (Revision, error) {
	var r Revision
	var head int64
	var sha string
	var deleted int
	err := tx.QueryRowContext(ctx, `SELECT r.id, r.sha256, r.deleted FROM content_files f JOIN content_revisions r ON r.id = f.head_id WHERE f.path = ?`, p).
		Scan(&head, &sha, &deleted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return r, err
	}
	if head != e.BaseID {
		h, err := scanRevision(tx.QueryRowContext(ctx, "SELECT "+revisionColumns+revisionFrom+" WHERE r.id = ?", head), false)
		if err != nil {
			return r, err
		}
		return r, &ConflictError{Head: h}
	}
	if e.Delete && head == 0 {
		return r, ErrNotFound // nothing to remove
	}
	if head != 0 && (deleted == 1) == e.Delete && (e.Delete || sha == digest(e.Body)) && e.SourceID == 0 {
		return r, ErrUnchanged
	}
	r = Revision{Path: p, Body: e.Body, Deleted: e.Delete, Origin: e.Origin, BaseID: head, SourceID: e.SourceID,
		AuthorID: actor.ID, Message: strings.TrimSpace(e.Message)}
	if err := s.insert(ctx, tx, &r, false); err != nil {
		return r, err
	}
	if e.restoredFrom != 0 {
		return r, audit.Record(ctx, tx, actor, "content.restore", p, "revision", strconv.FormatInt(e.restoredFrom, 10), strconv.FormatInt(r.ID, 10))
	}
	return r, nil
}

// Submit puts a path's latest revision, a draft, in review.
func (s *Store) Submit(ctx context.Context, p string, headID int64) error {
	res, err := s.db.W.ExecContext(ctx, `UPDATE content_revisions SET state = 'review'
		WHERE id = ? AND state = 'draft' AND id = (SELECT head_id FROM content_files WHERE path = ?)`, headID, p)
	if err != nil {
		return fmt.Errorf("authoring: submit %s: %w", p, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("authoring: submit %s: %w", p, ErrState)
	}
	return nil
}

// Problem is a reason publishing was refused: a file, a line (0: the whole file) and what
// is wrong, as `masar content check` reports it.
type Problem = courses.Problem

// InReview lists a course's paths whose latest revision awaits publishing.
func (s *Store) InReview(ctx context.Context, course string) ([]File, error) {
	fs, err := s.Files(ctx, course)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, f := range fs {
		if f.Head.State == Review {
			out = append(out, f)
		}
	}
	return out, nil
}

// Publish serves every revision of course that is in review, after checking the course as it
// would then be: any problem in the course's files (or the thesaurus) refuses the whole
// publication, with the problems, and changes nothing.
func (s *Store) Publish(ctx context.Context, actor audit.Actor, course string) ([]string, []Problem, error) {
	var published []string
	var problems []Problem
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		published, problems = nil, nil
		if err := s.db.LockTx(ctx, tx, "content-publish", 1); err != nil {
			return err
		}
		hs, err := heads(ctx, tx, course)
		if err != nil {
			return err
		}
		var ids []int64
		for _, p := range sortedKeys(hs) {
			if hs[p].state == Review {
				published = append(published, p)
				ids = append(ids, hs[p].id)
			}
		}
		if len(published) == 0 {
			return fmt.Errorf("authoring: publish %s: nothing in review: %w", course, ErrState)
		}
		candidate, err := s.candidate(ctx, course, ids)
		if err != nil {
			return err
		}
		problems = Check(candidate, course)
		if len(problems) > 0 {
			return nil
		}
		for i, p := range published {
			if _, err := tx.ExecContext(ctx, `UPDATE content_revisions SET state = 'published' WHERE id = ?`, ids[i]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE content_files SET published_id = head_id WHERE path = ?`, p); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, actor, "content.publish", p, "revision", "", strconv.FormatInt(ids[i], 10)); err != nil {
				return err
			}
		}
		return nil
	})
	if len(problems) > 0 {
		return nil, problems, nil
	}
	return published, nil, err
}

// candidate is the published content with the given revisions in place of their paths'.
func (s *Store) candidate(ctx context.Context, course string, ids []int64) (fstest.MapFS, error) {
	m, err := s.snapshot(ctx, "published_id", course)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		r, err := s.Revision(ctx, id)
		if err != nil {
			return nil, err
		}
		if r.Deleted {
			delete(m, r.Path)
		} else {
			m[r.Path] = &fstest.MapFile{Data: r.Body, Mode: 0o644}
		}
	}
	return m, nil
}

// Draft is the course folder as its latest revisions stand (what the editor previews), with
// the files at the top; edits, when given, replace their paths' text.
func (s *Store) Draft(ctx context.Context, course string, edits map[string][]byte) (fs.FS, error) {
	m, err := s.snapshot(ctx, "head_id", course)
	if err != nil {
		return nil, err
	}
	for p, b := range edits {
		m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m, nil
}

// Check runs the checks of `masar content check` on a content folder and keeps the problems
// of course's files and of the files at the top (the thesaurus).
func Check(fsys fs.FS, course string) []Problem {
	all := append(courses.Check(fsys), search.CheckThesaurus(fsys)...)
	var out []Problem
	for _, p := range all {
		if course == "" || strings.HasPrefix(p.File, course+"/") || p.File == course || !strings.Contains(p.File, "/") {
			out = append(out, p)
		}
	}
	return out
}

// Restore brings an older revision's text back as a new draft of its path, on top of the
// latest one.
func (s *Store) Restore(ctx context.Context, actor audit.Actor, id int64) (Revision, error) {
	old, err := s.Revision(ctx, id)
	if err != nil {
		return Revision{}, err
	}
	head, err := s.Head(ctx, old.Path)
	if err != nil {
		return Revision{}, err
	}
	return s.Save(ctx, actor, Edit{Path: old.Path, Body: old.Body, Delete: old.Deleted, BaseID: head.ID, SourceID: old.SourceID,
		Message: fmt.Sprintf("restored revision %d", old.ID), Origin: OriginRestore, restoredFrom: old.ID})
}
