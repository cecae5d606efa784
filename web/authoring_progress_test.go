package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/authoring/forms"
	"github.com/masar-platform/masar/officials"
)

// TestProgressFollowsPublishedRevisions: a learner's progress survives an edit of a lesson
// they have done; when a lesson is removed from a course, the course counts the lessons it
// has (the learner's record of the removed one is kept, and counts again if it comes back),
// its page is gone, and the search no longer finds it.
func TestProgressFollowsPublishedRevisions(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	c, o := account(t, p, "learner@example.org", officials.RoleOfficial, "JO")
	_, staff := account(t, p, "editor@example.org", officials.RoleStaff, "")
	who := audit.Actor{ID: staff.ID, Email: staff.Email}
	slug, course := "citizen-participation", "03-citizen-participation"
	openedLongAgo(t, p, o.ID, slug)
	for _, l := range []string{"01-why-participation", "02-participation-spectrum"} {
		if r := c.post("/ar/courses/"+slug+"/"+l+"/done", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("done %s: %d", l, r.Status)
		}
	}
	st := p.Library.Store()
	publish := func(edits map[string][]byte, deletes ...string) {
		t.Helper()
		for path, body := range edits {
			h, _ := st.Head(ctx, path)
			r, err := st.Save(ctx, who, authoring.Edit{Path: path, Body: body, BaseID: h.ID})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if err := st.Submit(ctx, path, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, path := range deletes {
			h, _ := st.Head(ctx, path)
			r, err := st.Save(ctx, who, authoring.Edit{Path: path, Delete: true, BaseID: h.ID})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if err := st.Submit(ctx, path, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, problems, err := st.Publish(ctx, who, course); err != nil || len(problems) > 0 {
			t.Fatalf("publish: %v %v", problems, err)
		}
		if ps := p.Library.Reload(); len(ps) > 0 {
			t.Fatalf("reload: %v", ps)
		}
	}

	// An edit of a lesson the learner has done.
	first := course + "/01-why-participation.ar.md"
	h, _ := st.Head(ctx, first)
	publish(map[string][]byte{first: append(bytes.Clone(h.Body), []byte("\nفقرة أضافها فريق البرنامج.\n")...)})
	if r := c.get("/ar/courses/" + slug + "/01-why-participation"); !strings.Contains(r.Body, "فقرة أضافها فريق البرنامج") {
		t.Error("the published edit is not served")
	}
	prog, err := p.Courses.Progress(ctx, o.ID, slug)
	if err != nil || prog.LessonsDone != 2 || prog.LessonsTotal != 5 {
		t.Fatalf("progress after an edit: %+v %v", prog, err)
	}

	search := "/ar/search?q=" + url.QueryEscape("لماذا المشاركة")
	if r := c.get(search); !strings.Contains(r.Body, "/courses/"+slug+"/01-why-participation") {
		t.Fatal("the search does not find the lesson to be removed")
	}

	// The first lesson removed: its files, its entry in course.yaml, its questions, and the
	// other lessons' links to it.
	edits := map[string][]byte{}
	manifest, _ := st.Head(ctx, course+"/course.yaml")
	edits[course+"/course.yaml"] = bytes.Replace(manifest.Body, []byte("  - 01-why-participation\n"), nil, 1)
	quiz, _ := st.Head(ctx, course+"/quiz.yaml")
	q, err := forms.ParseQuiz(quiz.Body)
	if err != nil {
		t.Fatal(err)
	}
	bank := quiz.Body
	for _, question := range q.Questions {
		if question.Lesson == "01-why-participation" {
			if bank, err = forms.DeleteQuestion(bank, question.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	edits[course+"/quiz.yaml"] = bank
	link := regexp.MustCompile(`\[([^\]]*)\]\(01-why-participation\.md(#[^)]*)?\)`)
	files, _ := st.Files(ctx, course)
	var gone []string
	for _, f := range files {
		lesson, _, ok := authoring.LessonFile(f.Path)
		if !ok || f.Head.Deleted {
			continue
		}
		if lesson == "01-why-participation" {
			gone = append(gone, f.Path)
			continue
		}
		r, _ := st.Head(ctx, f.Path)
		if link.Match(r.Body) {
			edits[f.Path] = link.ReplaceAll(r.Body, []byte("$1"))
		}
	}
	publish(edits, gone...)
	prog, err = p.Courses.Progress(ctx, o.ID, slug)
	if err != nil || prog.LessonsDone != 1 || prog.LessonsTotal != 4 || prog.Done[0] != "02-participation-spectrum" {
		t.Fatalf("progress after a removal: %+v %v", prog, err)
	}
	if r := c.get("/ar/courses/" + slug + "/01-why-participation"); r.Status != http.StatusNotFound {
		t.Errorf("the removed lesson's page: %d", r.Status)
	}
	if r := c.get(search); strings.Contains(r.Body, "/courses/"+slug+"/01-why-participation") {
		t.Error("the search still finds the removed lesson")
	}
	var kept int
	if err := p.DB.R.QueryRowContext(ctx, "SELECT count(*) FROM lesson_progress WHERE official_id = ? AND lesson_slug = ?", o.ID, "01-why-participation").Scan(&kept); err != nil || kept != 1 {
		t.Errorf("the learner's record of the removed lesson: %d %v", kept, err)
	}
}
