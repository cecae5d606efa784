package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// statsCourse is a shipped course with a quiz whose first question is single choice.
func statsCourse(t *testing.T, p *platform.Platform) *courses.Course {
	t.Helper()
	for _, co := range p.Library.Catalogue().Courses() {
		if co.Quiz != nil && len(co.Quiz.Questions) > 1 && co.Quiz.Questions[0].Type == courses.Single {
			return co
		}
	}
	t.Fatal("no shipped course whose quiz starts with a single-choice question")
	return nil
}

// recordAttempt stores a submitted attempt of o as the quiz keeps it.
func recordAttempt(t *testing.T, p *platform.Platform, o *officials.Official, slug string, no, score int, answers map[string][]string) {
	t.Helper()
	ctx := context.Background()
	if err := p.Courses.Enrol(ctx, o.ID, slug); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(answers)
	err := p.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO quiz_attempts(official_id, course_slug, attempt_no, score, passed, answers, submitted_at)
			VALUES(?, ?, ?, ?, ?, ?, ?)`, o.ID, slug, no, score, score >= 70, string(b), time.Now().UTC().Format(time.RFC3339Nano))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCourseStatisticsPageWorkbookAndAPI: staff read the item analysis of a course in Arabic,
// download it and get it from the API, with the figures of the recorded attempts; others do not.
func TestCourseStatisticsPageWorkbookAndAPI(t *testing.T) {
	p := newPlatform(t)
	co := statsCourse(t, p)
	q1 := co.Quiz.Questions[0]
	var right, wrong string
	for _, o := range q1.Options {
		if o.Correct {
			right = o.ID
		} else if wrong == "" {
			wrong = o.ID
		}
	}
	// One learner answers everything right; another picks a distractor in the first question
	// and leaves the rest blank.
	_, good := account(t, p, "stats-good@example.org", officials.RoleOfficial, "JO")
	_, weak := account(t, p, "stats-weak@example.org", officials.RoleOfficial, "EG")
	recordAttempt(t, p, good, co.Slug, 1, 100, rightAnswers(co.Quiz))
	blank := map[string][]string{}
	for _, q := range co.Quiz.Questions {
		blank[q.ID] = []string{}
	}
	blank[q1.ID] = []string{wrong}
	recordAttempt(t, p, weak, co.Slug, 1, 0, blank)

	staff, staffAcc := account(t, p, "stats-staff@example.org", officials.RoleStaff, "")
	path := "/ar/admin/courses/" + co.Slug + "/statistics"

	// Linked from the course progress page for staff.
	if r := staff.get("/ar/admin/courses"); !strings.Contains(r.Body, `href="`+path+`"`) {
		t.Errorf("the course progress page does not link %s", path)
	}
	r := staff.get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("page: %d", r.Status)
	}
	body := r.Body
	for _, want := range []string{
		`dir="rtl"`, "تحليل أسئلة الاختبار", co.TitleIn("ar"), q1.Prompt["ar"],
		"معامل السهولة", "المحاولات غير كافية", // two attempts: no discrimination yet
		`role="img"`, "<title", "توزّع النتائج", // the chart, titled, beside its table
		"/ar/admin/courses/" + co.Slug + "/statistics.xlsx",
		"\u206690–100\u2069", // the chart's band, kept left to right inside the right-to-left chart
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The first question: asked twice, right once (50.0%), its right option marked, and the
	// distractor chosen once.
	art := regexp.MustCompile(`(?s)<article[^>]*id="q-` + regexp.QuoteMeta(q1.ID) + `".*?</article>`).FindString(body)
	if art == "" {
		t.Fatalf("no article for %s", q1.ID)
	}
	if !strings.Contains(art, "<dt>معامل السهولة</dt><dd>50.0%</dd>") || !strings.Contains(art, "<dt>مرات الطرح</dt><dd>2</dd>") ||
		strings.Count(art, `class="correct"`) != 1 {
		t.Errorf("first question's figures: %s", art)
	}
	for _, o := range q1.Options {
		if !strings.Contains(art, o.Text["ar"]) {
			t.Errorf("option %s not shown in Arabic", o.ID)
		}
	}
	// No English left in the Arabic page's own words.
	for _, en := range []string{"Facility", "Discrimination", "Times asked", "Not enough", "courses.statistics."} {
		if strings.Contains(body, en) {
			t.Errorf("Arabic page shows %q", en)
		}
	}

	// The workbook opens, reads right to left and has a row per question.
	r = staff.get(path + ".xlsx")
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("xlsx (%d): %v", r.Status, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 3 || sheets[1] != "الأسئلة" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := f.GetRows(sheets[1])
	if len(rows) != 1+len(co.Quiz.Questions) || rows[1][0] != q1.ID || rows[1][3] != q1.Prompt["ar"] || rows[1][5] != "2" {
		t.Errorf("questions sheet: %d rows, first %v", len(rows), rows[1])
	}
	if v, err := f.GetSheetView(sheets[1], 0); err != nil || v.RightToLeft == nil || !*v.RightToLeft {
		t.Errorf("Arabic sheet not right to left: %v", err)
	}
	f.Close()

	// The API gives the same figures.
	tok, err := p.Officials.CreateAPIToken(context.Background(), staffAcc.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	r = newClient(t, p).api("GET", "/api/v1/courses/"+co.Slug+"/statistics", tok, "")
	var doc struct {
		Data courses.Statistics `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil || r.Status != 200 {
		t.Fatalf("api: %d %v %s", r.Status, err, r.Body)
	}
	st := doc.Data
	if st.Learners != 2 || st.All.Attempts != 2 || st.LearnersPassed != 1 || len(st.Questions) != len(co.Quiz.Questions) {
		t.Errorf("api course figures: %+v", st)
	}
	got := st.Questions[0]
	if got.ID != q1.ID || got.Asked != 2 || got.Right != 1 || got.Facility == nil || *got.Facility != 0.5 || got.Discrimination != nil {
		t.Errorf("api first question: %+v", got)
	}
	for _, o := range got.Options {
		want := 0
		if o.ID == right || o.ID == wrong {
			want = 1
		}
		if o.Chosen != want || o.Correct != (o.ID == right) {
			t.Errorf("api option %s: chosen %d correct %v", o.ID, o.Chosen, o.Correct)
		}
	}
	if q := st.Questions[1]; q.Asked != 2 || q.Unanswered != 1 {
		t.Errorf("api second question: asked %d unanswered %d", q.Asked, q.Unanswered)
	}

	// Each learner's first attempt only: chosen in the form, carried to the workbook's link;
	// another value is refused, naming the choice, in Arabic.
	r = staff.get(path + "?attempts=first")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `<option value="first" selected>`) ||
		!strings.Contains(r.Body, "محسوبة على: المحاولة الأولى لكل متعلّم") || !strings.Contains(r.Body, "statistics.xlsx?attempts=first") {
		t.Errorf("first attempts page: %d", r.Status)
	}
	r = staff.get(path + "?attempts=best")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "اختر جميع المحاولات أو المحاولة الأولى لكل متعلّم") {
		t.Errorf("unknown choice of attempts: %d", r.Status)
	}
	r = newClient(t, p).api("GET", "/api/v1/courses/"+co.Slug+"/statistics?attempts=best", tok, "")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"attempts"`) {
		t.Errorf("api, unknown choice of attempts: %d %s", r.Status, r.Body)
	}

	// A focal point and a trainer see neither the page nor the link.
	fp, _ := account(t, p, "stats-fp@example.org", officials.RoleFocalPoint, "JO")
	if r := fp.get(path); r.Status != http.StatusForbidden {
		t.Errorf("focal point on the item analysis: %d", r.Status)
	}
	if r := fp.get("/ar/admin/courses"); strings.Contains(r.Body, path) {
		t.Error("focal point is shown the item-analysis link")
	}
}
