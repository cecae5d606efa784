package authoring

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"

	"go.yaml.in/yaml/v3"
)

// readAll reads every regular file of fsys, by path, leaving out hidden files and folders
// (names beginning with '.' or '_', editors' temporary files) as go:embed does.
func readAll(fsys fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = b
		return nil
	})
	return files, err
}

// lastFiles returns, for each path, the latest revision that came from the operator's files
// (shipped or folder): its digest, or "" when it recorded a deletion.
func (s *Store) lastFiles(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT path, sha256, deleted FROM content_revisions WHERE id IN
		(SELECT max(id) FROM content_revisions WHERE origin IN ('shipped', 'folder') GROUP BY path)`)
	out := map[string]string{}
	err = store.Each(rows, err, func(row store.Scanner) error {
		var p, sha string
		var deleted int
		if err := row.Scan(&p, &sha, &deleted); err != nil {
			return err
		}
		if deleted == 1 {
			sha = ""
		}
		out[p] = sha
		return nil
	})
	return out, err
}

// heads returns each path's head: its id, origin, digest and whether it is a deletion.
type headInfo struct {
	id      int64
	origin  string
	sha     string
	deleted bool
	state   string
}

func heads(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, course string) (map[string]headInfo, error) {
	query := `SELECT f.path, r.id, r.origin, r.sha256, r.deleted, r.state FROM content_files f JOIN content_revisions r ON r.id = f.head_id`
	var args []any
	if course != "" {
		query += ` WHERE f.path LIKE ? ESCAPE '\'`
		args = append(args, likeEscape(course)+"/%")
	}
	rows, err := q.QueryContext(ctx, query, args...)
	out := map[string]headInfo{}
	err = store.Each(rows, err, func(row store.Scanner) error {
		var p string
		var h headInfo
		var deleted int
		if err := row.Scan(&p, &h.id, &h.origin, &h.sha, &deleted, &h.state); err != nil {
			return err
		}
		h.deleted = deleted == 1
		out[p] = h
		return nil
	})
	return out, err
}

// SyncReport says what a Sync brought in.
type SyncReport struct {
	Published []string // paths whose new text is served
	Waiting   []string // paths changed in the files while edited in the browser: a draft awaits
}

// Sync brings in the operator's files (origin OriginShipped or OriginFolder): each file that
// changed there since it was last brought in (or is new, or was removed) becomes a
// revision. It is published at once when the path's latest revision came from the files
// too; when someone edited the path in the browser since, it waits as the new draft, so that
// the browser's published text stays until staff choose. Unchanged files cost nothing.
func (s *Store) Sync(ctx context.Context, fsys fs.FS, origin string) (SyncReport, error) {
	var rep SyncReport
	if !fileOrigin(origin) {
		return rep, fmt.Errorf("authoring: sync from %q", origin)
	}
	files, err := readAll(fsys)
	if err != nil {
		return rep, fmt.Errorf("authoring: read the content: %w", err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rep = SyncReport{}
		// Two instances starting together bring the files in once.
		if err := s.db.LockTx(ctx, tx, "content-publish", 1); err != nil {
			return err
		}
		last, err := s.lastFiles(ctx, tx)
		if err != nil {
			return err
		}
		hs, err := heads(ctx, tx, "")
		if err != nil {
			return err
		}
		var revs []*Revision
		for _, p := range sortedKeys(files) {
			if _, err := CleanPath(p); err != nil {
				continue
			}
			if sha, ok := last[p]; ok && sha != "" && sha == digest(files[p]) {
				continue
			}
			if h, ok := hs[p]; ok && !fileOrigin(h.origin) && !h.deleted && h.sha == digest(files[p]) {
				continue // the files caught up with the browser's text
			}
			revs = append(revs, &Revision{Path: p, Body: files[p], Origin: origin, Message: "brought in from the files"})
		}
		for p, sha := range last {
			if _, still := files[p]; !still && sha != "" {
				revs = append(revs, &Revision{Path: p, Deleted: true, Origin: origin, Message: "removed from the files"})
			}
		}
		for _, r := range revs {
			h, known := hs[r.Path]
			publish := !known || fileOrigin(h.origin)
			if known {
				r.BaseID = h.id
			}
			if err := s.insert(ctx, tx, r, publish); err != nil {
				return err
			}
			if publish {
				rep.Published = append(rep.Published, r.Path)
			} else {
				rep.Waiting = append(rep.Waiting, r.Path)
			}
		}
		return s.linkTranslations(ctx, tx, revs)
	})
	return rep, err
}

// linkTranslations records, on each new lesson revision in a language other than its
// course's first, the source-language file's latest revision: what came in together was
// translated from what came in with it.
func (s *Store) linkTranslations(ctx context.Context, tx *sql.Tx, revs []*Revision) error {
	langs := map[string][]string{} // course → languages
	for _, r := range revs {
		course := CourseOf(r.Path)
		lesson, lang, ok := LessonFile(r.Path)
		if !ok || r.Deleted {
			continue
		}
		if _, done := langs[course]; !done {
			var body []byte
			err := tx.QueryRowContext(ctx, `SELECT r.body FROM content_files f JOIN content_revisions r ON r.id = f.head_id WHERE f.path = ?`,
				course+"/course.yaml").Scan(&body)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			langs[course] = CourseLanguages(body)
		}
		ls := langs[course]
		if len(ls) == 0 || ls[0] == lang {
			continue
		}
		var src int64
		err := tx.QueryRowContext(ctx, `SELECT head_id FROM content_files WHERE path = ?`, LessonPath(course, lesson, ls[0])).Scan(&src)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE content_revisions SET source_id = ? WHERE id = ?`, src, r.ID); err != nil {
			return err
		}
		r.SourceID = src
	}
	return nil
}

// LessonFile splits a lesson's path ("01-x/02-four-phases.ar.md") into its lesson
// ("02-four-phases") and language.
func LessonFile(p string) (lesson, lang string, ok bool) {
	dir, name := path.Split(p)
	if strings.Count(dir, "/") != 1 || !strings.HasSuffix(name, ".md") {
		return "", "", false
	}
	stem := strings.TrimSuffix(name, ".md")
	i := strings.LastIndexByte(stem, '.')
	if i <= 0 {
		return "", "", false
	}
	lesson, lang = stem[:i], stem[i+1:]
	if len(lang) != 2 {
		return "", "", false
	}
	return lesson, lang, true
}

// LessonPath is the path of a lesson's file in lang.
func LessonPath(course, lesson, lang string) string {
	return course + "/" + lesson + "." + lang + ".md"
}

// CourseLanguages reads the languages of a course.yaml (nil when it has none or does not
// parse): the first is the language the others are translated from.
func CourseLanguages(courseYAML []byte) []string {
	var m struct {
		Languages []string `yaml:"languages"`
	}
	if yaml.Unmarshal(courseYAML, &m) != nil {
		return nil
	}
	return m.Languages
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Published is the served content as a folder: every path's published revision, deletions
// left out.
func (s *Store) Published(ctx context.Context) (fs.FS, error) {
	return s.snapshot(ctx, "published_id", "")
}

// snapshot reads the revisions a column of content_files points to, under course ("" for
// all), as a folder.
func (s *Store) snapshot(ctx context.Context, column, course string) (fstest.MapFS, error) {
	q := `SELECT f.path, r.body FROM content_files f JOIN content_revisions r ON r.id = f.` + column + ` WHERE r.deleted = 0`
	var args []any
	if course != "" {
		q += ` AND (f.path LIKE ? ESCAPE '\' OR f.path NOT LIKE '%/%')`
		args = append(args, likeEscape(course)+"/%")
	}
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	m := fstest.MapFS{}
	err = store.Each(rows, err, func(row store.Scanner) error {
		var p string
		var body []byte
		if err := row.Scan(&p, &body); err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: body, Mode: 0o644}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("authoring: read the content: %w", err)
	}
	return m, nil
}

// Export writes the published content into dir, which must be new or empty, in the folder
// format that Sync, Import and `masar serve --content` read: a round trip is byte for byte.
func (s *Store) Export(ctx context.Context, dir string) (int, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("authoring: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	m, err := s.Published(ctx)
	if err != nil {
		return 0, err
	}
	files := m.(fstest.MapFS)
	for _, p := range sortedKeys(files) {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(target, files[p].Data, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

// Import brings a content folder in as new revisions (`masar content import DIR`), for
// courses kept in git: the folder is checked as `masar content check` would, and refused
// whole with the problems; otherwise every file that differs from its latest revision, and
// every path the folder no longer has, becomes a published revision. It returns the paths
// changed.
func (s *Store) Import(ctx context.Context, fsys fs.FS, actor audit.Actor, message string) ([]string, []Problem, error) {
	if ps := Check(fsys, ""); len(ps) > 0 {
		return nil, ps, nil
	}
	files, err := readAll(fsys)
	if err != nil {
		return nil, nil, fmt.Errorf("authoring: read the folder: %w", err)
	}
	var changed []string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		changed = nil
		if err := s.db.LockTx(ctx, tx, "content-publish", 1); err != nil {
			return err
		}
		hs, err := heads(ctx, tx, "")
		if err != nil {
			return err
		}
		var revs []*Revision
		for _, p := range sortedKeys(files) {
			if _, err := CleanPath(p); err != nil {
				return fmt.Errorf("authoring: %w", err)
			}
			if h, ok := hs[p]; ok && !h.deleted && h.sha == digest(files[p]) {
				continue
			}
			revs = append(revs, &Revision{Path: p, Body: files[p]})
		}
		for _, p := range sortedKeys(hs) {
			if _, still := files[p]; !still && !hs[p].deleted {
				revs = append(revs, &Revision{Path: p, Deleted: true})
			}
		}
		for _, r := range revs {
			r.Origin, r.AuthorID, r.Message = OriginImport, actor.ID, message
			if h, ok := hs[r.Path]; ok {
				r.BaseID = h.id
			}
			if err := s.insert(ctx, tx, r, true); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, actor, "content.publish", r.Path, "revision", "", strconv.FormatInt(r.ID, 10)); err != nil {
				return err
			}
			changed = append(changed, r.Path)
		}
		return s.linkTranslations(ctx, tx, revs)
	})
	return changed, nil, err
}

// AssignTrainer lets a trainer edit a course (by folder); Unassign takes it back.
func (s *Store) AssignTrainer(ctx context.Context, actor audit.Actor, course string, officialID int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO content_trainers(course, official_id) VALUES(?, ?) ON CONFLICT DO NOTHING`, course, officialID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "content.trainer", course, "official", "", strconv.FormatInt(officialID, 10))
	})
}

// UnassignTrainer takes a course away from a trainer.
func (s *Store) UnassignTrainer(ctx context.Context, actor audit.Actor, course string, officialID int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM content_trainers WHERE course = ? AND official_id = ?`, course, officialID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "content.trainer", course, "official", strconv.FormatInt(officialID, 10), "")
	})
}

// TrainerCourses lists the course folders a trainer may edit.
func (s *Store) TrainerCourses(ctx context.Context, officialID int64) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT course FROM content_trainers WHERE official_id = ? ORDER BY course`, officialID)
	return store.Collect(rows, err, func(row store.Scanner) (string, error) {
		var c string
		return c, row.Scan(&c)
	})
}

// Trainers lists the trainers of a course folder.
func (s *Store) Trainers(ctx context.Context, course string) ([]int64, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT official_id FROM content_trainers WHERE course = ? ORDER BY official_id`, course)
	return store.Collect(rows, err, func(row store.Scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
}
