package courses_test

import (
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
)

// optionLetterRe finds an explanation that points at an option by its letter or position:
// options are shown in a shuffled order and without letters, so such a pointer misleads.
var optionLetterRe = regexp.MustCompile(`(?i)\([a-e]\)|\([أبجده]\)|\boption [a-e]\b|الخيار [أبجده]\b|\b(first|second|third|fourth|fifth) option\b|الخيار (الأول|الثاني|الثالث|الرابع)`)

// The question banks of the first two courses: every lesson is tested by at least twice the
// questions an attempt draws from it (2 per lesson), explanations do not cite letters, and
// a guesser gains nothing from where the right option is written or from its length.
func TestBanksOfCourses01And02(t *testing.T) {
	cat, _ := courses.Load(content.FS)
	for _, slug := range []string{"open-government-framework", "open-government-data"} {
		co, err := cat.Course(slug)
		if err != nil || co.Quiz == nil {
			t.Fatalf("%s: %v, quiz %v", slug, err, co)
		}
		perLesson := map[string]int{}
		for _, l := range co.Lessons {
			perLesson[l.Slug] = 0
		}
		var single []*courses.Question
		for _, q := range co.Quiz.Questions {
			if _, ok := perLesson[q.Lesson]; !ok {
				t.Errorf("%s %s: lesson %q is not a lesson of the course", slug, q.ID, q.Lesson)
			}
			perLesson[q.Lesson]++
			for _, lang := range co.Languages {
				if m := optionLetterRe.FindString(q.Explanation[lang]); m != "" {
					t.Errorf("%s %s: the %s explanation cites %q", slug, q.ID, lang, m)
				}
			}
			if q.Type == courses.Single {
				single = append(single, q)
			}
		}
		for l, n := range perLesson {
			if n < 4 {
				t.Errorf("%s: lesson %s has %d questions, want at least 4", slug, l, n)
			}
		}
		if len(single) == 0 {
			t.Fatalf("%s: no single-choice question", slug)
		}
		share := func(n int) float64 { return float64(n) / float64(len(single)) }
		positions := map[int]int{}
		for _, q := range single {
			positions[slices.IndexFunc(q.Options, func(o *courses.Option) bool { return o.Correct })]++
		}
		for p, n := range positions {
			if share(n) > 0.40 {
				t.Errorf("%s: the right answer is option %d in %d of %d single questions", slug, p+1, n, len(single))
			}
		}
		for _, lang := range co.Languages {
			longest, shortest := 0, 0
			for _, q := range single {
				right := slices.IndexFunc(q.Options, func(o *courses.Option) bool { return o.Correct })
				r := utf8.RuneCountInString(q.Options[right].Text[lang])
				isLongest, isShortest := true, true
				for i, o := range q.Options {
					if i == right {
						continue
					}
					n := utf8.RuneCountInString(o.Text[lang])
					isLongest = isLongest && r > n
					isShortest = isShortest && r < n
				}
				if isLongest {
					longest++
				}
				if isShortest {
					shortest++
				}
			}
			if share(longest) > 0.35 || share(shortest) > 0.35 {
				t.Errorf("%s (%s): the right answer is the longest option in %d and the shortest in %d of %d single questions",
					slug, lang, longest, shortest, len(single))
			}
		}
	}
}
