package courses_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
)

// The question banks of courses 03 and 04 are written so that an attempt can draw two
// questions of every lesson, and so that content-blind rules (the position of the right
// option, its length, the number of options to tick, "false" everywhere) do not find the
// right answers. These are the bank rules of issue 16, checked on the shipped files.
func TestBanksOfCourses03And04(t *testing.T) {
	cat, _ := courses.Load(content.FS)
	for _, slug := range []string{"citizen-participation", "collaboration-co-creation"} {
		t.Run(slug, func(t *testing.T) {
			co, err := cat.Course(slug)
			if err != nil || co.Quiz == nil {
				t.Fatalf("course %s not loaded: %v", slug, err)
			}
			for _, p := range bankProblems(co) {
				t.Error(p)
			}
		})
	}
}

// letterCite matches an explanation that points at an option by its letter or position,
// which a shuffled form does not show.
var letterCite = regexp.MustCompile(`\([a-eA-E]\)|\((أ|ب|ج|د|هـ)\)|(?i)\boption [a-e]\b|الخيار (أ|ب|ج|د)([\s.،)]|$)|(?i)\b(first|second|third|fourth|last) option\b|الخيار (الأول|الثاني|الثالث|الرابع|الأخير)`)

func bankProblems(co *courses.Course) []string {
	var out []string
	bad := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	qs := co.Quiz.Questions
	perLesson := map[string]int{}
	var single, multiple, tf []*courses.Question
	for _, q := range qs {
		if !slices.ContainsFunc(co.Lessons, func(l *courses.Lesson) bool { return l.Slug == q.Lesson }) {
			bad("%s: lesson %q is not a lesson of the course", q.ID, q.Lesson)
		}
		perLesson[q.Lesson]++
		for _, lang := range co.Languages {
			if letterCite.MatchString(q.Explanation[lang]) {
				bad("%s: the %s explanation cites an option by letter or position", q.ID, lang)
			}
		}
		switch q.Type {
		case courses.Single:
			single = append(single, q)
		case courses.Multiple:
			multiple = append(multiple, q)
		default:
			tf = append(tf, q)
		}
	}
	for _, l := range co.Lessons {
		if perLesson[l.Slug] < 4 {
			bad("lesson %s has %d questions, want at least 4", l.Slug, perLesson[l.Slug])
		}
	}
	share := func(n, of int) float64 { return float64(n) / float64(of) }

	// Single choice: four options; no position holds more than 40 % of the right answers;
	// the right option is the strictly longest, or the strictly shortest, in at most 35 %.
	positions := make([]int, 4)
	for _, q := range single {
		if len(q.Options) != 4 {
			bad("%s: %d options, want 4", q.ID, len(q.Options))
			continue
		}
		positions[slices.IndexFunc(q.Options, func(o *courses.Option) bool { return o.Correct })]++
	}
	for i, n := range positions {
		if share(n, len(single)) > 0.40 {
			bad("right answer in position %d in %d of %d single questions", i+1, n, len(single))
		}
	}
	for _, lang := range co.Languages {
		longest, shortest := 0, 0
		for _, q := range single {
			right, others := 0, []int{}
			for _, o := range q.Options {
				if n := utf8.RuneCountInString(o.Text[lang]); o.Correct {
					right = n
				} else {
					others = append(others, n)
				}
			}
			if len(others) == 0 {
				continue
			}
			if right > slices.Max(others) {
				longest++
			}
			if right < slices.Min(others) {
				shortest++
			}
		}
		if share(longest, len(single)) > 0.35 || share(shortest, len(single)) > 0.35 {
			bad("%s: right option strictly longest in %d and strictly shortest in %d of %d single questions",
				lang, longest, shortest, len(single))
		}
	}

	// Multiple choice: 4 or 5 options, 1 to options−1 right; no count of right options in
	// more than 60 %; "all but the shortest" in at most 30 %, "the k longest" in at most 40 %.
	counts := map[int]int{}
	for _, q := range multiple {
		k := 0
		for _, o := range q.Options {
			if o.Correct {
				k++
			}
		}
		if len(q.Options) < 4 || len(q.Options) > 5 || k < 1 || k > len(q.Options)-1 {
			bad("%s: %d right of %d options", q.ID, k, len(q.Options))
		}
		counts[k]++
	}
	for k, n := range counts {
		if share(n, len(multiple)) > 0.60 {
			bad("%d of %d multiple questions have %d right options", n, len(multiple), k)
		}
	}
	for _, lang := range co.Languages {
		allButShortest, longestK := 0, 0
		for _, q := range multiple {
			lens := make([]int, len(q.Options))
			k := 0
			for i, o := range q.Options {
				lens[i] = utf8.RuneCountInString(o.Text[lang])
				if o.Correct {
					k++
				}
			}
			sorted := slices.Sorted(slices.Values(lens))
			minRight, maxWrong := 1<<30, -1
			for i, o := range q.Options {
				if o.Correct {
					minRight = min(minRight, lens[i])
				} else {
					maxWrong = max(maxWrong, lens[i])
				}
			}
			if minRight > maxWrong { // the right options are exactly the k longest
				longestK++
				if k == len(lens)-1 && sorted[0] < sorted[1] {
					allButShortest++
				}
			}
		}
		if share(allButShortest, len(multiple)) > 0.30 || share(longestK, len(multiple)) > 0.40 {
			bad("%s: all-but-the-shortest in %d and the-longest-k in %d of %d multiple questions",
				lang, allButShortest, longestK, len(multiple))
		}
	}

	// True/false: at most 30 % of the bank, between 35 % and 65 % of them true.
	if share(len(tf), len(qs)) > 0.30 {
		bad("%d true/false questions of %d", len(tf), len(qs))
	}
	if len(tf) > 0 {
		trues := 0
		for _, q := range tf {
			if q.Answer {
				trues++
			}
		}
		if s := share(trues, len(tf)); s < 0.35 || s > 0.65 {
			bad("%d of %d true/false questions are true", trues, len(tf))
		}
	}
	return out
}
