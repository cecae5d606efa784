package courses_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
)

// letterRe finds an explanation that points at an option by its letter or place, which the
// learner never sees: options are shuffled and shown without letters.
var letterRe = regexp.MustCompile(`(?i)\([a-e]\)|\([أبجده]\)|\boption [a-e]\b|الخيار [أبجد]|\b(first|second|third|fourth|last) option|الخيار (الأول|الثاني|الثالث|الرابع|الأخير)`)

// The bank of course 05 must let every attempt draw two questions of each lesson from at
// least four, and must not reward a reader who guesses by position or length.
func TestEngagedGovernanceBank(t *testing.T) {
	cat, ps := courses.Load(content.FS)
	if len(ps) > 0 {
		t.Fatalf("content: %v", ps)
	}
	co, err := cat.Course("engaged-governance")
	if err != nil || co.Quiz == nil {
		t.Fatalf("course: %v", err)
	}
	perLesson := map[string]int{}
	var lessons []string
	for _, l := range co.Lessons {
		lessons = append(lessons, l.Slug)
	}
	var singles, multiples, tf, tfTrue int
	position := map[int]int{}
	longest := map[string]int{}
	counts := map[int]int{}
	for _, q := range co.Quiz.Questions {
		if !slices.Contains(lessons, q.Lesson) {
			t.Errorf("%s: lesson %q is not a lesson of the course", q.ID, q.Lesson)
		}
		perLesson[q.Lesson]++
		for _, lang := range co.Languages {
			if letterRe.MatchString(q.Explanation[lang]) {
				t.Errorf("%s: the %s explanation cites an option by letter or place", q.ID, lang)
			}
		}
		switch q.Type {
		case courses.Single:
			singles++
			if len(q.Options) != 4 {
				t.Errorf("%s: %d options, want 4", q.ID, len(q.Options))
			}
			for i, o := range q.Options {
				if !o.Correct {
					continue
				}
				position[i]++
				for _, lang := range co.Languages {
					if strictlyLongest(q.Options, i, lang) {
						longest[lang]++
					}
				}
			}
		case courses.Multiple:
			multiples++
			n := 0
			for _, o := range q.Options {
				if o.Correct {
					n++
				}
			}
			counts[n]++
		case courses.TrueFalse:
			tf++
			if q.Answer {
				tfTrue++
			}
		}
	}
	for _, l := range lessons {
		if perLesson[l] < 4 {
			t.Errorf("lesson %s: %d questions, want at least 4", l, perLesson[l])
		}
	}
	for p, n := range position {
		if n*100 > singles*40 {
			t.Errorf("the right answer is option %d in %d of %d single questions", p+1, n, singles)
		}
	}
	for lang, n := range longest {
		if n*100 > singles*35 {
			t.Errorf("[%s] the right answer is the longest in %d of %d single questions", lang, n, singles)
		}
	}
	for k, n := range counts {
		if n*100 > multiples*60 {
			t.Errorf("%d of %d multiple questions have %d right options", n, multiples, k)
		}
	}
	if total := len(co.Quiz.Questions); tf*100 > total*30 || tfTrue*100 < tf*35 || tfTrue*100 > tf*65 {
		t.Errorf("true/false: %d of %d questions, %d of them true", tf, total, tfTrue)
	}
}

func strictlyLongest(opts []*courses.Option, i int, lang string) bool {
	n := len([]rune(opts[i].Text[lang]))
	for j, o := range opts {
		if j != i && len([]rune(o.Text[lang])) >= n {
			return false
		}
	}
	return true
}
