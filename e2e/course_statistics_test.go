package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
)

// TestBrowserItemAnalysis: staff go from the course progress page to a course's item
// analysis, in Arabic. The score chart reads right to left (a band's label to the right of
// its bars) beside its table, every question of the bank has its block, and on a phone
// nothing sticks out of the page; axe finds no serious fault.
func TestBrowserItemAnalysis(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	staff := officials.Input{Email: "staff.items@masar.example.org", Password: password, NameAr: "نور سالم", NameLatin: "Nour Salem",
		JobTitle: "Programme officer", Organisation: "Secretariat", Sector: "central_government", Gender: "female", Language: "ar"}
	if _, err := s.p.Officials.Create(bg, audit.Actor{Email: "e2e"}, staff, officials.RoleStaff); err != nil {
		t.Fatal(err)
	}
	var co *courses.Course
	for _, c := range s.p.Library.Catalogue().Courses() {
		if c.Quiz != nil && len(c.Quiz.Questions) > 0 {
			co = c
			break
		}
	}
	if co == nil {
		t.Fatal("no shipped course with a quiz")
	}
	// Twelve learners: the n-th answers the first n questions right, and the rest with the
	// first wrong option (or "false"/"true" the wrong way).
	nq := len(co.Quiz.Questions)
	for n := 0; n < 12; n++ {
		in := s.account(t, fmt.Sprintf("learner%d@mode.gov.jo", n))
		o, err := s.p.Officials.GetByEmail(bg, in.Email)
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string][]string{}
		right := 0
		for i, q := range co.Quiz.Questions {
			good := i < n*nq/12
			if good {
				right++
			}
			switch {
			case q.Type == courses.TrueFalse:
				answers[q.ID] = []string{fmt.Sprint(q.Answer == good)}
			default:
				for _, op := range q.Options {
					if op.Correct == good && (good || len(answers[q.ID]) == 0) {
						answers[q.ID] = append(answers[q.ID], op.ID)
					}
				}
			}
		}
		if err := s.p.Courses.Enrol(bg, o.ID, co.Slug); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(answers)
		err = s.p.DB.Tx(bg, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(bg, `INSERT INTO quiz_attempts(official_id, course_slug, attempt_no, score, passed, answers, submitted_at)
				VALUES(?, ?, 1, ?, ?, ?, ?)`, o.ID, co.Slug, right*100/nq, right*100/nq >= co.PassMark, string(b), time.Now().UTC().Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, "/ar/admin/courses")
	clickAndLoad(t, ctx, `a[href="/ar/admin/courses/`+co.Slug+`/statistics"]`)
	if got := text(t, ctx, "h1"); !strings.Contains(got, "تحليل أسئلة الاختبار") || !strings.Contains(got, co.TitleIn("ar")) {
		t.Errorf("heading %q", got)
	}
	if got := text(t, ctx, ".kpi dd"); got != "12" {
		t.Errorf("learners shown %q, want 12", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('article.item-stats').length`); n != nq {
		t.Errorf("%d question blocks, want %d", n, nq)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#t-scores svg.chart[role=img] > title').length`); n != 1 {
		t.Fatalf("%d titled score charts, want 1", n)
	}
	// Right to left: the first band's label lies right of its bars, and reads "low–high".
	geo := eval[[]float64](t, ctx, `(() => {
		const svg = document.querySelector('#t-scores svg');
		const label = svg.querySelector('text.label').getBoundingClientRect();
		const bar = svg.querySelector('rect.s0:not([width="12"])').getBoundingClientRect();
		return [label.left, bar.right];
	})()`)
	if geo[0] < geo[1]-1 {
		t.Errorf("Arabic band label (left %v) is not to the right of its bar (right %v)", geo[0], geo[1])
	}
	if got := text(t, ctx, "#t-scores tbody th"); got != "0–9" {
		t.Errorf("first band of the table %q", got)
	}
	screenshot(t, ctx, "item-analysis-ar")

	do(t, ctx, "phone-sized screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	s.open(t, ctx, "/ar/admin/courses/"+co.Slug+"/statistics")
	w := eval[[]float64](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	if w[0] > w[1] {
		t.Errorf("the item analysis is %v px wide in a %v px window", w[0], w[1])
	}
	screenshot(t, ctx, "item-analysis-ar-phone")

	t.Run("axe", func(t *testing.T) {
		src := axeSource(t)
		do(t, ctx, "desktop screen", chromedp.EmulateViewport(1280, 900))
		s.open(t, ctx, "/ar/admin/courses/"+co.Slug+"/statistics")
		checkAxe(t, ctx, src, "/ar/admin/courses/"+co.Slug+"/statistics")
	})
}
