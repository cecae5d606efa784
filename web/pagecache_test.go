package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestKeptLessonPagesStayPersonal: lesson pages of logged-in readers are kept per progress
// variant, yet each reader sees their own progress, their own navigation and their own form
// token, and a change of progress shows on the next page.
func TestKeptLessonPagesStayPersonal(t *testing.T) {
	p := newPlatform(t)
	const lesson = "/ar/courses/open-government-data/02-formats-and-quality"
	ana, o1 := account(t, p, "ana@example.org", "official", "JO")
	bilal, o2 := account(t, p, "bilal@example.org", "official", "MA")
	staff, _ := account(t, p, "staff@example.org", "staff", "JO")
	ctx := context.Background()
	for _, id := range []int64{o1.ID, o2.ID} {
		if err := p.Courses.Enrol(ctx, id, "open-government-data"); err != nil {
			t.Fatal(err)
		}
	}
	progress := regexp.MustCompile(`<progress class="progress" max="100" value="(\d+)"`)
	percent := func(body string) string {
		if m := progress.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		return "none"
	}
	// Twice each, so that the second answer comes from the kept page.
	for round := 0; round < 2; round++ {
		a, b, s := ana.get(lesson), bilal.get(lesson), staff.get(lesson)
		for _, r := range []response{a, b, s} {
			if r.Status != http.StatusOK {
				t.Fatalf("round %d: status %d", round, r.Status)
			}
		}
		if percent(a.Body) != "0" || percent(b.Body) != "0" || percent(s.Body) != "none" {
			t.Fatalf("round %d: progress bars %s %s %s", round, percent(a.Body), percent(b.Body), percent(s.Body))
		}
		if strings.Contains(a.Body, "/ar/admin/") || !strings.Contains(s.Body, "/ar/admin/") {
			t.Errorf("round %d: the admin link follows the role", round)
		}
		if ana.csrf == "" || ana.csrf == bilal.csrf || ana.csrf == staff.csrf || strings.Contains(a.Body, "Placeholder") {
			t.Fatalf("round %d: form tokens %q %q %q", round, ana.csrf, bilal.csrf, staff.csrf)
		}
	}
	// Ana's token is hers: the form on the kept page works (once the lesson's reading time
	// has passed since she opened it).
	p.Courses.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	defer p.Courses.SetClock(nil)
	if r := ana.post(lesson+"/done", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("mark done from a kept page: %d %s", r.Status, r.Body)
	}
	a, b := ana.get(lesson), bilal.get(lesson)
	if percent(a.Body) != "20" || !strings.Contains(a.Body, "✓") {
		t.Errorf("after marking the lesson done: %s%%, done mark shown %v", percent(a.Body), strings.Contains(a.Body, "✓"))
	}
	if percent(b.Body) != "0" || strings.Contains(b.Body, "✓") {
		t.Error("another reader's page shows Ana's progress")
	}
	// Logging out leaves no trace of the kept personal page.
	if r := ana.post("/ar/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := ana.get(lesson); percent(r.Body) != "none" || strings.Contains(r.Body, "✓") {
		t.Error("a logged-out reader sees progress")
	}
}

// TestConditionalListsAndWeakTags: If-None-Match may hold several tags, weak or strong.
func TestConditionalListsAndWeakTags(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	first := c.get("/en/courses")
	tag := first.Header.Get("ETag")
	if !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("etag %q", tag)
	}
	for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag, "*"} {
		req := httpGet("/en/courses")
		req.Header.Set("If-None-Match", inm)
		if r := c.do(req); r.Status != http.StatusNotModified || r.Body != "" {
			t.Errorf("If-None-Match %s: %d", inm, r.Status)
		}
	}
	req := httpGet("/en/courses")
	req.Header.Set("If-None-Match", `W/"1-abc"`)
	if r := c.do(req); r.Status != http.StatusOK || r.Header.Get("ETag") != tag {
		t.Errorf("a stale tag: %d %q", r.Status, r.Header.Get("ETag"))
	}
}
