package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
)

// confirmAddress marks the account's e-mail address confirmed, as opening the confirmation
// link does (written directly, so that no one-time token is spent: some tests count them).
// Call it before the account logs in.
func confirmAddress(t testing.TB, p *platform.Platform, o *officials.Official) {
	t.Helper()
	if _, err := p.DB.W.Exec("UPDATE officials SET email_confirmed_at = ? WHERE id = ?", store.Now(), o.ID); err != nil {
		t.Fatal(err)
	}
	o.EmailConfirmed = true
}

// openedLongAgo enrols the official in the course (now) and opens every lesson a day ago, so
// that each can be marked done now.
func openedLongAgo(t testing.TB, p *platform.Platform, officialID int64, slug string) {
	t.Helper()
	ctx := context.Background()
	co, err := p.Library.Catalogue().Course(slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Courses.Enrol(ctx, officialID, slug); err != nil {
		t.Fatal(err)
	}
	// A day before the service's time, whatever clock the test set; that clock is put back.
	prev := p.Courses.Clock()
	dayBefore := time.Now().Add(-24 * time.Hour)
	if prev != nil {
		dayBefore = prev().Add(-24 * time.Hour)
	}
	p.Courses.SetClock(func() time.Time { return dayBefore })
	defer p.Courses.SetClock(prev)
	for _, l := range co.Lessons {
		if err := p.Courses.RecordOpen(ctx, officialID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
	// Written now, as the flusher would within a second, for the tests that read them with
	// a service of their own.
	if err := p.Courses.FlushVisits(ctx); err != nil {
		t.Fatal(err)
	}
}

// readAll has the official read every lesson of the course, so that its quiz is open.
func readAll(t testing.TB, p *platform.Platform, officialID int64, slug string) {
	t.Helper()
	openedLongAgo(t, p, officialID, slug)
	co, _ := p.Library.Catalogue().Course(slug)
	for _, l := range co.Lessons {
		if _, err := p.Courses.MarkDone(context.Background(), officialID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
}

// movingClock is a time that only the test moves.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (m *movingClock) now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *movingClock) add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
}

// TestLessonOpenRecordedFromKeptPage: the first opening of a lesson is recorded even when
// the page comes from the kept pages (a second reader at the same point of the course gets
// the page the first one made).
func TestLessonOpenRecordedFromKeptPage(t *testing.T) {
	p := newPlatform(t)
	const slug, lesson = "open-government-data", "03-inventory-and-priorities"
	ana, o1 := account(t, p, "ana.reader@example.org", "official", "JO")
	bilal, o2 := account(t, p, "bilal.reader@example.org", "official", "JO")
	ctx := context.Background()
	for _, id := range []int64{o1.ID, o2.ID} {
		if err := p.Courses.Enrol(ctx, id, slug); err != nil {
			t.Fatal(err)
		}
	}
	clk := &movingClock{t: time.Now().UTC()}
	p.Courses.SetClock(clk.now)
	defer p.Courses.SetClock(nil)
	for _, c := range []*client{ana, ana, bilal} {
		if r := c.get("/ar/courses/" + slug + "/" + lesson); r.Status != 200 {
			t.Fatalf("lesson: %d", r.Status)
		}
		clk.add(time.Minute)
	}
	for who, id := range map[string]int64{"Ana": o1.ID, "Bilal (kept page)": o2.ID} {
		pr, err := p.Courses.Progress(ctx, id, slug)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := pr.Opened[lesson]; !ok {
			t.Errorf("%s's opening of the lesson was not recorded", who)
		}
	}
}

// TestMarkDoneWaitsForTheReadingTime: the lesson page shows its reading time and, by the
// button, the time left; marking done early is refused with that time (page and API), and
// accepted once the reading time has passed since the first opening.
func TestMarkDoneWaitsForTheReadingTime(t *testing.T) {
	p := newPlatform(t)
	const slug = "citizen-participation"
	co, _ := p.Library.Catalogue().Course(slug)
	l := co.Lessons[0]
	need := l.MinReadingMinutes()
	if need < 3 {
		t.Fatalf("lesson %s reads in %d minutes: too short for this test", l.Slug, need)
	}
	c, o := account(t, p, "early@example.org", "official", "JO")
	tok, _ := p.Officials.CreateAPIToken(context.Background(), o.ID, "t")
	clk := &movingClock{t: time.Now().UTC()}
	p.Courses.SetClock(clk.now)
	defer p.Courses.SetClock(nil)
	if r := c.post("/ar/courses/"+slug+"/enrol", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("enrol: %d", r.Status)
	}
	page := "/ar/courses/" + slug + "/" + l.Slug
	r := c.get(page)
	reading := fmt.Sprintf("نحو %d دقائق من القراءة", l.ReadingMinutes("ar"))
	if l.ReadingMinutes("ar") > 10 {
		reading = fmt.Sprintf("نحو %d دقيقة من القراءة", l.ReadingMinutes("ar"))
	}
	if !strings.Contains(r.Body, `<span class="reading-time">`+reading+`</span>`) {
		t.Errorf("lesson page does not show the reading time %q", reading)
	}
	if !strings.Contains(r.Body, `id="read-wait"`) || !strings.Contains(r.Body, fmt.Sprintf("بقيت %d دقائق", need)) {
		t.Errorf("lesson page does not say %d minutes are left", need)
	}

	clk.add(time.Duration(need-2) * time.Minute)
	r = c.post(page+"/done", nil)
	if r.Status != http.StatusSeeOther || r.Location != page+"#done" {
		t.Fatalf("early mark done: %d → %q, want back to the lesson", r.Status, r.Location)
	}
	r = c.get(page)
	if !strings.Contains(r.Body, "لم يُحتسب الدرس مقروءًا بعد") || !strings.Contains(r.Body, "بقيت دقيقتان") || strings.Contains(r.Body, "✓ أُنجز") {
		t.Errorf("after an early mark done the page does not say two minutes are left:\n%s", between(r.Body, `id="done"`, "</div>"))
	}
	api := c.api("POST", "/api/v1/courses/"+slug+"/lessons/"+l.Slug+"/done", tok, "")
	if api.Status != http.StatusConflict || !strings.Contains(api.Body, `"code":"lesson_not_read"`) || !strings.Contains(api.Body, "بقيت دقيقتان") ||
		api.Header.Get("Retry-After") != "120" {
		t.Errorf("API early mark done: %d %s (Retry-After %q)", api.Status, api.Body, api.Header.Get("Retry-After"))
	}
	if pr, _ := p.Courses.Progress(context.Background(), o.ID, slug); pr.IsDone(l.Slug) {
		t.Fatal("an early mark done was saved")
	}

	clk.add(2 * time.Minute)
	if r := c.post(page+"/done", nil); r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, co.Lessons[1].Slug) {
		t.Fatalf("mark done after the reading time: %d → %q", r.Status, r.Location)
	}
	if r := c.get(page); !strings.Contains(r.Body, "✓ أُنجز") || strings.Contains(r.Body, `id="read-wait"`) {
		t.Error("the lesson is not shown done")
	}
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	before, _, _ := strings.Cut(after, to)
	return before
}

// TestQuizOpensWhenEveryLessonIsRead: before, the quiz page lists the lessons left with links
// and shows no question; submissions are refused (page and API); the course's main button
// leads to the next lesson not read, then to the quiz.
func TestQuizOpensWhenEveryLessonIsRead(t *testing.T) {
	p := newPlatform(t)
	const slug = "engaged-governance"
	co, _ := p.Library.Catalogue().Course(slug)
	c, o := account(t, p, "eager@example.org", "official", "JO")
	tok, _ := p.Officials.CreateAPIToken(context.Background(), o.ID, "t")
	openedLongAgo(t, p, o.ID, slug)
	for _, l := range co.Lessons[:2] {
		if r := c.post("/ar/courses/"+slug+"/"+l.Slug+"/done", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("done %s: %d", l.Slug, r.Status)
		}
	}
	r := c.get("/ar/courses/" + slug + "/quiz")
	if r.Status != 200 || !strings.Contains(r.Body, "الاختبار لم يُفتح بعد") || !strings.Contains(r.Body, "بقيت 3 دروس") || strings.Contains(r.Body, `class="quiz"`) {
		t.Fatalf("quiz page before the lessons are read: %d", r.Status)
	}
	for _, l := range co.Lessons {
		linked := strings.Contains(between(r.Body, "remaining-lessons", "</ol>"), `href="/ar/courses/`+slug+"/"+l.Slug+`"`)
		if want := l.Number > 2; linked != want {
			t.Errorf("lesson %s listed as remaining: %v, want %v", l.Slug, linked, want)
		}
	}
	if r := c.get("/ar/courses/" + slug); !strings.Contains(r.Body, `class="button main-step" href="/ar/courses/`+slug+"/"+co.Lessons[2].Slug+`"`) {
		t.Error("the course's main button does not lead to the third lesson")
	}
	answers := url.Values{}
	for id, ids := range rightAnswers(co.Quiz) {
		answers["q_"+id] = ids
	}
	if r := c.post("/ar/courses/"+slug+"/quiz", answers); r.Status != http.StatusConflict || !strings.Contains(r.Body, "يُفتح الاختبار عندما تُحتسب جميع دروس الدورة مقروءة") {
		t.Errorf("quiz submitted before the lessons: %d", r.Status)
	}
	body, _ := json.Marshal(map[string]any{"answers": rightAnswers(co.Quiz)})
	if r := c.api("POST", "/api/v1/courses/"+slug+"/quiz", tok, string(body)); r.Status != http.StatusConflict || !strings.Contains(r.Body, `"quiz_not_open"`) {
		t.Errorf("API quiz before the lessons: %d %s", r.Status, r.Body)
	}
	if pr, _ := p.Courses.Progress(context.Background(), o.ID, slug); pr.AttemptsUsed != 0 {
		t.Fatalf("a refused quiz used an attempt: %+v", pr)
	}

	for _, l := range co.Lessons[2:] {
		if r := c.post("/ar/courses/"+slug+"/"+l.Slug+"/done", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("done %s: %d", l.Slug, r.Status)
		}
	}
	if r := c.get("/ar/courses/" + slug); !strings.Contains(r.Body, `class="button main-step" href="/ar/courses/`+slug+`/quiz"`) {
		t.Error("after the last lesson the course's main button does not lead to the quiz")
	}
	if r := c.get("/ar/me"); !strings.Contains(r.Body, `href="/ar/courses/`+slug+`/quiz"`) {
		t.Error("the profile's list of courses does not lead to the quiz")
	}
	if r := c.get("/ar/courses/" + slug + "/quiz"); r.Status != 200 || !strings.Contains(r.Body, `class="quiz"`) {
		t.Errorf("quiz page after reading every lesson: %d", r.Status)
	}
}

// TestStudyHoursComputedEverywhere: the catalogue, the course page, the API and the
// certificate show the study hours computed from the content, not the manifest's figure.
func TestStudyHoursComputedEverywhere(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	for _, co := range p.Library.Catalogue().Courses() {
		h := co.StudyHours()
		want := map[int]string{1: "نحو ساعة واحدة من الدراسة", 2: "نحو ساعتين من الدراسة"}[h]
		if want == "" {
			want = fmt.Sprintf("نحو %d ساعات من الدراسة", h)
		}
		if r := c.get("/ar/courses/" + co.Slug); !strings.Contains(r.Body, want) {
			t.Errorf("%s: course page does not say %q", co.Slug, want)
		}
		if r := c.get("/ar/courses"); !strings.Contains(r.Body, want) {
			t.Errorf("%s: catalogue does not say %q", co.Slug, want)
		}
		var got struct {
			Data struct {
				Hours        float64 `json:"hours"`
				StudyMinutes int     `json:"study_minutes"`
			} `json:"data"`
		}
		r := c.api("GET", "/api/v1/courses/"+co.Slug, "", "")
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil || got.Data.Hours != float64(h) || got.Data.StudyMinutes != co.StudyMinutes() {
			t.Errorf("%s: API hours %v / %d minutes, want %d / %d (%v)", co.Slug, got.Data.Hours, got.Data.StudyMinutes, h, co.StudyMinutes(), err)
		}
	}
	// The certificate prints the same figure.
	_, o := account(t, p, "hours@example.org", "official", "JO")
	const slug = "open-government-data"
	co, _ := p.Library.Catalogue().Course(slug)
	readAll(t, p, o.ID, slug)
	if _, err := p.Courses.SubmitQuiz(context.Background(), o.ID, slug, drawnRightAnswers(t, p.Courses, o.ID, co), true); err != nil {
		t.Fatal(err)
	}
	p.Certificates.Wait()
	certs, err := p.Certificates.ForOfficial(context.Background(), o.ID)
	if err != nil || len(certs) != 1 || certs[0].Hours != float64(co.StudyHours()) {
		t.Fatalf("certificate hours: %+v %v, want %d", certs, err, co.StudyHours())
	}
}
