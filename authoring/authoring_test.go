package authoring_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/store/storetest"
)

const course = "01-open-government-framework"

func newStore(t *testing.T) (*authoring.Store, context.Context) {
	t.Helper()
	ctx := context.Background()
	s := authoring.New(storetest.Open(t))
	if _, err := s.Sync(ctx, content.FS, authoring.OriginShipped); err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

// staff is an account that may act on content (authors are officials; the audit log names them).
func staff(t *testing.T, s *authoring.Store) audit.Actor {
	t.Helper()
	var id int64
	err := s.DB().W.QueryRowContext(context.Background(), `INSERT INTO officials(email, email_norm, name_ar, name_latin, role, created_at, updated_at)
		VALUES('editor@example.org', 'editor@example.org', 'محررة', 'Editor', 'staff', '2026-12-05T00:00:00.000000000Z', '2026-12-05T00:00:00.000000000Z') RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return audit.Actor{ID: id, Email: "editor@example.org"}
}

// TestExportImportRoundTrip: the shipped content brought in and exported again is the same
// folder byte for byte; importing that export changes nothing; bringing the same files in
// again adds no revision.
func TestExportImportRoundTrip(t *testing.T) {
	s, ctx := newStore(t)
	dir := t.TempDir()
	n, err := s.Export(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	shipped := 0
	err = fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		shipped++
		want, _ := fs.ReadFile(content.FS, p)
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Errorf("%s not exported: %v", p, err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s differs after the round trip", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != shipped {
		t.Errorf("exported %d files, %d shipped", n, shipped)
	}
	changed, problems, err := s.Import(ctx, os.DirFS(dir), staff(t, s), "from git")
	if err != nil || len(problems) > 0 || len(changed) > 0 {
		t.Errorf("import of the export: changed %v, problems %v, %v", changed, problems, err)
	}
	rep, err := s.Sync(ctx, content.FS, authoring.OriginShipped)
	if err != nil || len(rep.Published)+len(rep.Waiting) > 0 {
		t.Errorf("second sync: %+v %v", rep, err)
	}
	if _, err := s.Export(ctx, dir); err == nil {
		t.Error("export into a folder that is not empty")
	}
}

// TestEditReviewPublish: a save is a draft that learners do not see; two people editing the
// same lesson are told; publishing a course with a broken lesson link is refused with the
// reason and changes nothing; a good one is served.
func TestEditReviewPublish(t *testing.T) {
	s, ctx := newStore(t)
	who := staff(t, s)
	p := course + "/02-four-phases.ar.md"
	head, err := s.Head(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	edited := append(bytes.Clone(head.Body), []byte("\n\nفقرة جديدة عن المراحل الأربع.\n")...)
	r, err := s.Save(ctx, who, authoring.Edit{Path: p, Body: edited, BaseID: head.ID, Message: "فقرة"})
	if err != nil || r.State != authoring.Draft {
		t.Fatalf("save: %+v %v", r, err)
	}
	// A second editor who opened the same revision is refused and told who saved.
	_, err = s.Save(ctx, who, authoring.Edit{Path: p, Body: []byte("other"), BaseID: head.ID})
	var conflict *authoring.ConflictError
	if !errors.As(err, &conflict) || conflict.Head.ID != r.ID || conflict.Head.Author != "محررة" {
		t.Fatalf("concurrent save: %v", err)
	}
	if _, err := s.Save(ctx, who, authoring.Edit{Path: p, Body: edited, BaseID: r.ID}); !errors.Is(err, authoring.ErrUnchanged) {
		t.Errorf("unchanged save: %v", err)
	}
	served := func() []byte {
		m, err := s.Published(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := fs.ReadFile(m, p)
		return b
	}
	if bytes.Contains(served(), []byte("فقرة جديدة")) {
		t.Fatal("a draft is served")
	}
	if _, _, err := s.Publish(ctx, who, course); !errors.Is(err, authoring.ErrState) {
		t.Errorf("publish with nothing in review: %v", err)
	}
	if err := s.Submit(ctx, p, r.ID); err != nil {
		t.Fatal(err)
	}
	// A broken link in another lesson, submitted too, stops the whole publication.
	q := course + "/03-six-strategic-objectives.ar.md"
	qh, _ := s.Head(ctx, q)
	broken, err := s.Save(ctx, who, authoring.Edit{Path: q, Body: append(bytes.Clone(qh.Body), []byte("\n\n[رابط](99-no-such-lesson.md)\n")...), BaseID: qh.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Submit(ctx, q, broken.ID); err != nil {
		t.Fatal(err)
	}
	published, problems, err := s.Publish(ctx, who, course)
	if err != nil || len(published) > 0 || len(problems) == 0 || !strings.Contains(problems[0].String(), "03-six-strategic-objectives.ar.md") {
		t.Fatalf("publish with a broken link: %v %v %v", published, problems, err)
	}
	if bytes.Contains(served(), []byte("فقرة جديدة")) {
		t.Fatal("a refused publication served a file")
	}
	// Mended, the course publishes.
	fixed, err := s.Save(ctx, who, authoring.Edit{Path: q, Body: qh.Body, BaseID: broken.ID, Message: "mend"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Submit(ctx, q, fixed.ID); err != nil {
		t.Fatal(err)
	}
	published, problems, err = s.Publish(ctx, who, course)
	if err != nil || len(problems) > 0 || len(published) != 2 {
		t.Fatalf("publish: %v %v %v", published, problems, err)
	}
	if !bytes.Contains(served(), []byte("فقرة جديدة")) {
		t.Fatal("the published text is not served")
	}
	// Restoring the first revision brings the old text back as a draft; published, it is served.
	rest, err := s.Restore(ctx, who, head.ID)
	if err != nil || !bytes.Equal(rest.Body, head.Body) || rest.Origin != authoring.OriginRestore {
		t.Fatalf("restore: %+v %v", rest, err)
	}
	_ = s.Submit(ctx, p, rest.ID)
	if _, problems, err := s.Publish(ctx, who, course); err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
	if !bytes.Equal(served(), head.Body) {
		t.Error("the restored text is not served")
	}
	hist, err := s.History(ctx, p)
	if err != nil || len(hist) != 3 || hist[0].ID != rest.ID || hist[2].Origin != authoring.OriginShipped {
		t.Errorf("history: %+v %v", hist, err)
	}
	entries, _, _ := audit.List(ctx, s.DB(), audit.Filter{Subject: p})
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "content.publish,content.restore,content.publish" {
		t.Errorf("audit: %v", actions)
	}
}

// TestSyncKeepsBrowserEdits: a file changed in the folder while it was edited in the browser
// waits as a draft; files nobody edited are published at once, and removals too.
func TestSyncKeepsBrowserEdits(t *testing.T) {
	ctx := context.Background()
	s := authoring.New(storetest.Open(t))
	files := fstest.MapFS{}
	if err := fs.WalkDir(content.FS, course, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(content.FS, p)
			files[p] = &fstest.MapFile{Data: b}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx, files, authoring.OriginFolder); err != nil {
		t.Fatal(err)
	}
	who := staff(t, s)
	edited, other := course+"/01-why-open-government.en.md", course+"/01-why-open-government.fr.md"
	h, _ := s.Head(ctx, edited)
	r, _ := s.Save(ctx, who, authoring.Edit{Path: edited, Body: []byte("---\ntitle: \"Edited\"\n---\n\nIn the browser.\n"), BaseID: h.ID})
	_ = s.Submit(ctx, edited, r.ID)
	if _, ps, err := s.Publish(ctx, who, course); err != nil || len(ps) > 0 {
		t.Fatal(ps, err)
	}
	files[edited] = &fstest.MapFile{Data: []byte("---\ntitle: \"Folder\"\n---\n\nIn the folder.\n")}
	files[other] = &fstest.MapFile{Data: []byte("---\ntitle: \"Dossier\"\n---\n\nDans le dossier.\n")}
	delete(files, course+"/images/four-phases.en.svg")
	rep, err := s.Sync(ctx, files, authoring.OriginFolder)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Waiting, ",") != edited || len(rep.Published) != 2 {
		t.Errorf("sync: %+v", rep)
	}
	m, _ := s.Published(ctx)
	if b, _ := fs.ReadFile(m, edited); !bytes.Contains(b, []byte("In the browser")) {
		t.Error("the folder overwrote a browser edit")
	}
	if b, _ := fs.ReadFile(m, other); !bytes.Contains(b, []byte("Dans le dossier")) {
		t.Error("an unedited file was not published")
	}
	if _, err := fs.Stat(m, course+"/images/four-phases.en.svg"); err == nil {
		t.Error("a removed file is still served")
	}
	if head, _ := s.Head(ctx, edited); head.State != authoring.Draft || !bytes.Contains(head.Body, []byte("In the folder")) {
		t.Errorf("the folder's version does not wait as a draft: %+v", head)
	}
}

// TestTranslationStatus: when the source lesson's published text changes, its translations
// are outdated with the source's diff since their base; a translation saved from the new
// source is current again.
func TestTranslationStatus(t *testing.T) {
	s, ctx := newStore(t)
	who := staff(t, s)
	langs := []string{"ar", "en", "fr"}
	status := func(lesson, lang string) authoring.Translation {
		t.Helper()
		ts, err := s.Translations(ctx, course, langs)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range ts {
			if tr.Lesson == lesson && tr.Lang == lang {
				return tr
			}
		}
		t.Fatalf("no %s %s", lesson, lang)
		return authoring.Translation{}
	}
	lesson := "02-four-phases"
	for _, lang := range langs[1:] {
		if st := status(lesson, lang).Status; st != authoring.TransCurrent {
			t.Fatalf("%s after import: %s", lang, st)
		}
	}
	src := authoring.LessonPath(course, lesson, "ar")
	h, _ := s.Head(ctx, src)
	r, err := s.Save(ctx, who, authoring.Edit{Path: src, Body: bytes.Replace(h.Body, []byte("\n\n"), []byte("\n\nجملة مضافة في المصدر.\n\n"), 1), BaseID: h.ID})
	if err != nil {
		t.Fatal(err)
	}
	if st := status(lesson, "en").Status; st != authoring.TransCurrent {
		t.Errorf("a draft of the source outdated the translation: %s", st)
	}
	_ = s.Submit(ctx, src, r.ID)
	if _, ps, err := s.Publish(ctx, who, course); err != nil || len(ps) > 0 {
		t.Fatal(ps, err)
	}
	en := status(lesson, "en")
	if en.Status != authoring.TransOutdated {
		t.Fatalf("en after the source changed: %s", en.Status)
	}
	changes, err := s.SourceChanges(ctx, en)
	if err != nil {
		t.Fatal(err)
	}
	var added []string
	for _, l := range changes {
		if l.Op == "+" {
			added = append(added, l.Text())
		}
	}
	if strings.Join(added, "|") != "جملة مضافة في المصدر.|" {
		t.Errorf("source changes: %q", added)
	}
	tr, _ := s.Head(ctx, en.Path)
	if _, err := s.Save(ctx, who, authoring.Edit{Path: en.Path, Body: append(tr.Body, []byte("\nA sentence added in the source.\n")...), BaseID: tr.ID, SourceID: en.SourceID}); err != nil {
		t.Fatal(err)
	}
	if st := status(lesson, "en").Status; st != authoring.TransCurrent {
		t.Errorf("en after translating: %s", st)
	}
	if st := status(lesson, "fr").Status; st != authoring.TransOutdated {
		t.Errorf("fr: %s", st)
	}
}

func TestDiffMarksWords(t *testing.T) {
	d := authoring.Diff("one\ntwo three\nfour\n", "one\ntwo 3\nfour\nfive\n")
	var ops []string
	for _, l := range d {
		ops = append(ops, l.Op+l.Text())
	}
	if strings.Join(ops, "|") != "=one|-two three|+two 3|=four|+five" {
		t.Errorf("diff: %q", ops)
	}
	if p := d[2].Parts; len(p) != 2 || p[1].Text != "3" || !p[1].Changed || p[0].Changed {
		t.Errorf("words: %+v", p)
	}
	if authoring.Diff("same", "same") != nil {
		t.Error("a diff of equal texts")
	}
}

func TestCleanPath(t *testing.T) {
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b", ".git/config", "c/.hidden", "c/_tmp.md", "./a"} {
		if _, err := authoring.CleanPath(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := authoring.CleanPath(course + "/images/a.ar.svg"); err != nil {
		t.Error(err)
	}
}
