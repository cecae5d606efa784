package courses_test

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
)

// Each folder of testdata/broken has exactly one deliberate mistake; Check must find each
// one, at its line, and nothing else.
func TestCheckFindsEachMistakeAtItsLine(t *testing.T) {
	want := []string{
		"01-no-front-matter/01-only.en.md:1: missing front matter",
		"02-no-title/01-only.en.md:1: missing title",
		`03-unknown-key/course.yaml:16: unknown key "colour"`,
		`04-bad-slug/course.yaml:1: slug "Bad_Slug"`,
		"05-bad-phase/course.yaml:2: phase 5: phases are 1",
		`06-bad-level/course.yaml:3: level "expert"`,
		"07-bad-hours/course.yaml:4: hours 0",
		"08-bad-pass-mark/course.yaml:5: pass_mark 150",
		`10-dup-slug-b/course.yaml:1: slug "dup-slug" is already used by 09-dup-slug-a/course.yaml`,
		"11-missing-language/course.yaml:18: lesson 01-only is missing in fr",
		"12-unlisted-lesson/02-extra.en.md:1: lesson not listed",
		"13-broken-link/01-only.en.md:8: link to lesson 02-nowhere: no such lesson",
		"14-missing-image/01-only.en.md:8: image images/missing.png not found",
		"15-empty-alt/01-only.en.md:8: image images/pic.png has no alt text",
		`16-quiz-dup-question/quiz.yaml:9: question id "q1" already used on line 2`,
		`17-quiz-unknown-type/quiz.yaml:3: question q1: unknown type "essay"`,
		"18-quiz-single-two-correct/quiz.yaml:5: question q1: a single-choice question needs exactly one correct option, 2 marked",
		"19-quiz-multiple-none-correct/quiz.yaml:5: question q1: a multiple-choice question needs at least one correct option",
		"20-quiz-truefalse-no-answer/quiz.yaml:2: question q1: a truefalse question needs answer",
		`21-quiz-dup-option/quiz.yaml:7: question q1: option id "a" already used on line 6`,
		"22-quiz-missing-text/quiz.yaml:4: question q1 prompt is missing in fr",
		"23-quiz-no-explanation/quiz.yaml:2: question q1: missing explanation",
		"24-yaml-syntax/course.yaml:3: YAML syntax error: mapping values are not allowed",
		"25-raw-html/01-only.en.md:8: raw HTML is not rendered",
		"26-level-one-heading/01-only.en.md:6: level-1 heading",
		"27-bad-minutes/01-only.en.md:3: minutes 0",
		"28-quiz-yaml-syntax/quiz.yaml:4: YAML syntax error",
		"29-unknown-callout/01-only.en.md:8: unknown callout [!DANGER]",
		"30-svg-no-title/01-only.en.md:8: image images/figure.svg: the SVG needs a <title>",
		`31-svg-wrong-language/01-only.en.md:8: image images/phases.fr.svg: the figure is in "fr" but the lesson is in "en"`,
	}
	got := courses.Check(os.DirFS("testdata/broken"))
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, p := range got {
			if !used[i] && strings.HasPrefix(p.String(), w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("not reported: %s", w)
		}
	}
	for i, p := range got {
		if !used[i] {
			t.Errorf("unexpected problem: %s", p)
		}
	}
	// Every broken course folder is covered, one problem each.
	dirs, _ := os.ReadDir("testdata/broken")
	if len(dirs) != len(want)+1 { // 09-dup-slug-a is the clean half of the duplicate pair
		t.Errorf("%d folders for %d expectations", len(dirs), len(want))
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    courses.Problem
		want string
	}{
		{courses.Problem{File: "01-x/course.yaml", Line: 3, Message: "bad"}, "01-x/course.yaml:3: bad"},
		{courses.Problem{File: "01-x/quiz.yaml", Message: "missing"}, "01-x/quiz.yaml: missing"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// The shipped courses must be free of problems. Writers add courses while the platform is
// built, so this test fails until their work is complete: that is its purpose.
func TestShippedContentIsClean(t *testing.T) {
	entries, err := fs.ReadDir(content.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	courseDir := regexp.MustCompile(`^[0-9]{2}-`)
	n := 0
	for _, e := range entries {
		if e.IsDir() && courseDir.MatchString(e.Name()) {
			n++
		}
	}
	if n == 0 {
		t.Skip("no course folder in content/ yet")
	}
	cat, ps := courses.Load(content.FS)
	for _, p := range ps {
		t.Error(p)
	}
	if cat.Len() != n {
		t.Errorf("%d course folders, %d courses loaded", n, cat.Len())
	}
	if _, err := fs.Stat(content.FS, "FORMAT.md"); err != nil {
		t.Errorf("FORMAT.md is not embedded: %v", err)
	}
}

// The shipped question banks keep the bank rules (CheckBank), so that a content-blind
// guesser cannot pass a course.
func TestShippedBanksKeepTheRules(t *testing.T) {
	cat, _ := courses.Load(content.FS)
	for _, c := range cat.Courses() {
		for _, q := range c.Quiz.Questions {
			if q.Lesson == "" {
				// The banks are being rewritten by lesson (issue 16) on other branches; this
				// test turns itself on once every shipped question names its lesson.
				t.Skipf("shipped content not yet grouped by lesson (%s question %s has no lesson:)", c.Slug, q.ID)
			}
		}
	}
	for _, p := range courses.Check(content.FS) {
		t.Error(p)
	}
}
