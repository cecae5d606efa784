package courses_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// statsQuiz is the bank of the item-analysis fixture: s1 and s2 single (a–d), m1 multiple
// (a and b correct), t1 true, s3 never asked.
const statsQuiz = `questions:
  - id: s1
    type: single
    prompt: { ar: "السؤال الأول", en: "First question" }
    options:
      - { id: a, text: { ar: "الخيار الصحيح", en: "The right one" }, correct: true }
      - { id: b, text: { ar: "خيار ب", en: "Option b" } }
      - { id: c, text: { ar: "خيار ج", en: "Option c" } }
      - { id: d, text: { ar: "خيار لا يختاره أحد", en: "Nobody picks this" } }
    explanation: { ar: "شرح.", en: "Why." }
  - id: m1
    type: multiple
    prompt: { ar: "اختر اثنين", en: "Pick two" }
    options:
      - { id: a, text: { ar: "أ", en: "A" }, correct: true }
      - { id: b, text: { ar: "ب", en: "B" }, correct: true }
      - { id: c, text: { ar: "ج", en: "C" } }
      - { id: d, text: { ar: "د", en: "D" } }
    explanation: { ar: "شرح.", en: "Why." }
  - id: t1
    type: truefalse
    prompt: { ar: "عبارة صحيحة.", en: "A true statement." }
    answer: true
    explanation: { ar: "شرح.", en: "Why." }
  - id: s2
    type: single
    prompt: { ar: "سؤال مضلِّل", en: "A misleading question" }
    options:
      - { id: a, text: { ar: "المشتِّت الجذّاب", en: "The attractive distractor" } }
      - { id: b, text: { ar: "الصحيح", en: "The right one" }, correct: true }
      - { id: c, text: { ar: "ج", en: "C" } }
      - { id: d, text: { ar: "د", en: "D" } }
    explanation: { ar: "شرح.", en: "Why." }
  - id: s3
    type: single
    prompt: { ar: "سؤال جديد", en: "A new question" }
    options:
      - { id: a, text: { ar: "أ", en: "A" }, correct: true }
      - { id: b, text: { ar: "ب", en: "B" } }
      - { id: c, text: { ar: "ج", en: "C" } }
      - { id: d, text: { ar: "د", en: "D" } }
    explanation: { ar: "شرح.", en: "Why." }
`

// statsCatalogue is the fixture course with statsQuiz as its quiz and a pass mark of 70.
func statsCatalogue(t *testing.T) *courses.Catalogue {
	t.Helper()
	src := os.DirFS("testdata/catalogue")
	m := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		switch path := p; {
		case strings.HasSuffix(path, "/quiz.yaml"):
			b = []byte(statsQuiz)
		case strings.HasSuffix(path, "/course.yaml"):
			b = bytes.Replace(b, []byte("pass_mark: 75"), []byte("pass_mark: 70"), 1)
		}
		m[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := courses.Load(m)
	co, err := cat.Course(fixture)
	if err != nil || co.Quiz == nil || len(co.Quiz.Questions) != 5 || co.PassMark != 70 {
		t.Fatalf("fixture course: %v %+v", err, co)
	}
	return cat
}

// statsAttempt is one recorded attempt of the fixture: its learner (1–12), number, score and answers.
type statsAttempt struct {
	learner, no, score int
	answers            string
}

// The attempts, written from the analysis they must give (see TestStatistics), in an order
// that is not the order of the scores. Scores are the stored ones; the analysis does not
// re-mark them.
var statsAttempts = []statsAttempt{
	{8, 1, 50, `{"s1":["c"],"s2":["a"],"t1":["true"],"m1":["a","c"],"old1":["y"]}`},
	{1, 1, 95, `{"s1":["a"],"s2":["b"],"t1":["true"],"m1":["a","b"]}`},
	{12, 1, 10, `{"s1":["c"],"s2":["a"],"t1":["false"],"m1":[]}`},
	{4, 1, 80, `{"s1":["a"],"s2":["c"],"t1":["true"],"m1":["b","a"]}`},
	{2, 1, 90, `{"s1":["a"],"s2":["a"],"t1":["true"],"m1":["a"]}`},
	{11, 1, 20, `{"s1":["b"],"s2":["b"],"t1":["true"],"m1":["a","b"]}`},
	{3, 1, 85, `{"s1":["a"],"s2":["a"],"t1":["true"],"m1":["a"]}`},
	{6, 1, 65, `{"s1":["a"],"s2":["a"],"t1":["true"]}`}, // an older attempt: m1 unanswered and not recorded
	{5, 1, 70, `{"s1":["a"],"s2":["a"],"t1":["true"],"m1":["a"]}`},
	{7, 1, 60, `{"s1":["b"],"s2":["d"],"t1":["true"],"m1":["a","c"]}`},
	{9, 1, 40, `{"s1":["a"],"s2":["b"],"t1":["true"],"m1":["b","c","d"]}`},
	{10, 1, 30, `{"s1":["b"],"s2":["b"],"t1":["true"],"m1":["c"]}`},
	{12, 2, 75, `{"old1":["x"]}`},
}

// seedStatistics records statsAttempts in db (with their learners and enrolments).
func seedStatistics(t *testing.T, ctx context.Context, db *store.DB, svc *courses.Service, acc *officials.Service) {
	t.Helper()
	ids := map[int]int64{}
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, a := range statsAttempts {
		id, ok := ids[a.learner]
		if !ok {
			e := &env{acc: acc}
			id = e.learner(t, a.learner, "JO")
			ids[a.learner] = id
			if err := svc.Enrol(ctx, id, fixture); err != nil {
				t.Fatal(err)
			}
		}
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO quiz_attempts(official_id, course_slug, attempt_no, score, passed, answers, submitted_at)
				VALUES(?, ?, ?, ?, ?, ?, ?)`, id, fixture, a.no, a.score, a.score >= 70, a.answers,
				base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func newStatsEnv(t *testing.T) (*courses.Service, *courses.Statistics) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat := statsCatalogue(t)
	svc := courses.NewService(db, func() *courses.Catalogue { return cat }, nil)
	seedStatistics(t, ctx, db, svc, officials.New(db, 4, nil))
	st, err := svc.Statistics(ctx, fixture, "")
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

func near(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }

func question(t *testing.T, st *courses.Statistics, id string) courses.QuestionStats {
	t.Helper()
	for _, q := range st.Questions {
		if q.ID == id {
			return q
		}
	}
	t.Fatalf("question %s not in the analysis", id)
	return courses.QuestionStats{}
}

func chosen(q courses.QuestionStats) map[string]int {
	out := map[string]int{}
	for _, o := range q.Options {
		out[o.ID] = o.Chosen
	}
	return out
}

func TestStatistics(t *testing.T) {
	_, st := newStatsEnv(t)

	// The course: 13 attempts by 12 learners; 6 of them passed (5 at the first attempt, one at
	// the second).
	if st.Learners != 12 || st.LearnersPassed != 6 || !near(st.PassRate, 0.5) {
		t.Errorf("learners %d, passed %d, rate %v", st.Learners, st.LearnersPassed, st.PassRate)
	}
	if st.All.Attempts != 13 || st.All.Passed != 6 || !near(st.All.Mean, 770.0/13) || !near(st.All.Median, 65) {
		t.Errorf("all attempts: %+v mean %v median %v", st.All, *st.All.Mean, *st.All.Median)
	}
	if st.First.Attempts != 12 || st.First.Passed != 5 || !near(st.First.Mean, 695.0/12) || !near(st.First.Median, 62.5) {
		t.Errorf("first attempts: %+v", st.First)
	}
	if want := []int{0, 1, 1, 1, 1, 1, 2, 2, 2, 2}; !slices.Equal(st.All.Distribution, want) {
		t.Errorf("distribution of all attempts %v, want %v", st.All.Distribution, want)
	}
	if want := []int{0, 1, 1, 1, 1, 1, 2, 1, 2, 2}; !slices.Equal(st.First.Distribution, want) {
		t.Errorf("distribution of first attempts %v, want %v", st.First.Distribution, want)
	}

	// Questions in the bank's order, then the retired one.
	var order []string
	for _, q := range st.Questions {
		order = append(order, q.ID)
	}
	if want := []string{"s1", "m1", "t1", "s2", "s3", "old1"}; !slices.Equal(order, want) {
		t.Fatalf("questions %v, want %v", order, want)
	}

	cases := []struct {
		id                string
		asked, right, una int
		facility, disc    float64
		chosen            map[string]int
		flags             []string
	}{
		// Top third (95, 90, 85, 80) all right, bottom third (40, 30, 20, 10) one right; d unused.
		{"s1", 12, 7, 0, 7.0 / 12, 0.75, map[string]int{"a": 7, "b": 3, "c": 2, "d": 0}, []string{courses.FlagUnusedDistractor}},
		// Asked in 11 (the older attempt did not record it), one left blank; thirds of 3:
		// one right above, one below.
		{"m1", 11, 3, 1, 3.0 / 11, 0, map[string]int{"a": 8, "b": 4, "c": 4, "d": 1},
			[]string{courses.FlagHard, courses.FlagLowDiscrimination}},
		{"t1", 12, 11, 0, 11.0 / 12, 0.25, map[string]int{"true": 11, "false": 1}, []string{courses.FlagEasy}},
		// Right more often among the weakest; the distractor a is chosen more than the answer.
		{"s2", 12, 4, 0, 4.0 / 12, -0.5, map[string]int{"a": 6, "b": 4, "c": 1, "d": 1},
			[]string{courses.FlagNegativeDiscrimination, courses.FlagStrongDistractor}},
	}
	for _, c := range cases {
		q := question(t, st, c.id)
		if q.Asked != c.asked || q.Right != c.right || q.Unanswered != c.una {
			t.Errorf("%s: asked %d right %d unanswered %d, want %d %d %d", c.id, q.Asked, q.Right, q.Unanswered, c.asked, c.right, c.una)
		}
		if !near(q.Facility, c.facility) {
			t.Errorf("%s: facility %v, want %v", c.id, deref(q.Facility), c.facility)
		}
		if !near(q.Discrimination, c.disc) {
			t.Errorf("%s: discrimination %v, want %v", c.id, deref(q.Discrimination), c.disc)
		}
		if got := chosen(q); !mapsEqual(got, c.chosen) {
			t.Errorf("%s: choices %v, want %v", c.id, got, c.chosen)
		}
		if !slices.Equal(q.Flags, c.flags) {
			t.Errorf("%s: flags %v, want %v", c.id, q.Flags, c.flags)
		}
	}
	if q := question(t, st, "s1"); !q.Options[0].Correct || q.Options[1].Correct || q.PromptIn("ar") != "السؤال الأول" || q.Options[3].TextIn("en") != "Nobody picks this" {
		t.Errorf("s1 texts or keys: %+v", q)
	}
	if q := question(t, st, "t1"); !q.Options[0].Correct || q.Options[1].Correct {
		t.Errorf("t1: true is the answer: %+v", q.Options)
	}
	// Never asked: no figure, no flag.
	if q := question(t, st, "s3"); q.Asked != 0 || q.Facility != nil || q.Discrimination != nil || len(q.Flags) != 0 {
		t.Errorf("s3: %+v", q)
	}
	// Gone from the bank: listed as retired with its choices by option id, and no judgement.
	if q := question(t, st, "old1"); !q.Retired || q.Asked != 2 || q.Facility != nil || q.Discrimination != nil ||
		!mapsEqual(chosen(q), map[string]int{"x": 1, "y": 1}) || len(q.Flags) != 0 {
		t.Errorf("old1: %+v", q)
	}
}

// Below MinAttempts a question is shown without discrimination and without flags.
func TestStatisticsFewAttempts(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat := statsCatalogue(t)
	svc := courses.NewService(db, func() *courses.Catalogue { return cat }, nil)
	keep := statsAttempts
	statsAttempts = statsAttempts[:courses.MinAttempts-1]
	defer func() { statsAttempts = keep }()
	seedStatistics(t, ctx, db, svc, officials.New(db, 4, nil))
	st, err := svc.Statistics(ctx, fixture, courses.AttemptsAll)
	if err != nil {
		t.Fatal(err)
	}
	q := question(t, st, "s1")
	if q.Asked != courses.MinAttempts-1 || q.Facility == nil || q.Discrimination != nil || len(q.Flags) != 0 {
		t.Errorf("s1 with %d attempts: %+v", q.Asked, q)
	}
	if _, err := svc.Statistics(ctx, "no-such-course", ""); err == nil {
		t.Error("an unknown course has statistics")
	}
}

// The questions' figures read only each learner's first attempt when asked; the course's
// figures stay those of both sets; another choice is refused, naming the field.
func TestStatisticsFirstAttempts(t *testing.T) {
	svc, all := newStatsEnv(t)
	ctx := context.Background()
	first, err := svc.Statistics(ctx, fixture, courses.AttemptsFirst)
	if err != nil {
		t.Fatal(err)
	}
	if all.Attempts != courses.AttemptsAll || first.Attempts != courses.AttemptsFirst {
		t.Errorf("sets %q and %q", all.Attempts, first.Attempts)
	}
	// old1 was answered at a first attempt (learner 8) and a second one (learner 12).
	if a, f := question(t, all, "old1").Asked, question(t, first, "old1").Asked; a != 2 || f != 1 {
		t.Errorf("old1 asked %d in all attempts, %d in first attempts; want 2 and 1", a, f)
	}
	if first.All.Attempts != 13 || first.First.Attempts != 12 {
		t.Errorf("course figures changed with the set: %+v %+v", first.All, first.First)
	}
	_, err = svc.Statistics(ctx, fixture, "best")
	if p, ok := problem.As(err); !ok || p.Status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(p.Fields), "attempts") {
		t.Errorf("unknown set: %v", err)
	}
}

func TestStatisticsXLSX(t *testing.T) {
	_, st := newStatsEnv(t)
	var buf bytes.Buffer
	if err := courses.WriteStatisticsXLSX(&buf, st, "ar", nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 {
		t.Fatalf("sheets %v", sheets)
	}
	questions, _ := f.GetRows(sheets[1])
	if len(questions) != 1+len(st.Questions) {
		t.Fatalf("questions sheet has %d rows", len(questions))
	}
	// The row of s2: its prompt in Arabic, its figures as numbers, its flags.
	row := questions[4]
	if row[0] != "s2" || !strings.Contains(strings.Join(row, "|"), "سؤال مضلِّل") {
		t.Errorf("s2 row %v", row)
	}
	if v, _ := f.GetCellValue(sheets[1], "F5"); v != "12" {
		t.Errorf("s2 asked %q", v)
	}
	if !strings.Contains(strings.Join(row, "|"), "courses.statistics.flag."+courses.FlagStrongDistractor) {
		t.Errorf("s2 flags missing in %v", row)
	}
	options, _ := f.GetRows(sheets[2])
	n := 0
	for _, q := range st.Questions {
		n += len(q.Options)
	}
	if len(options) != 1+n {
		t.Errorf("options sheet has %d rows, want %d", len(options), 1+n)
	}
	if v, err := f.GetSheetView(sheets[1], 0); err != nil || v.RightToLeft == nil || !*v.RightToLeft {
		t.Errorf("Arabic sheet not right to left: %v", err)
	}
	summary, _ := f.GetRows(sheets[0])
	if !strings.Contains(strings.Join(summary[len(summary)-1], "|"), "90") {
		t.Errorf("summary ends with %v", summary[len(summary)-1])
	}
	// The JSON of the API carries the same figures.
	b, _ := json.Marshal(st)
	if !strings.Contains(string(b), `"discrimination":-0.5`) {
		t.Errorf("json: %s", b)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
