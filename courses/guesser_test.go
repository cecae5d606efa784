package courses_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store/storetest"
)

// A guesser answers without reading: from what the page shows (options in the order shown,
// their lengths), never from what they mean. The rules were written from the learner's side
// before looking at any result: the ones the issue found working on the old banks ("b, or
// the longest", "all but the shortest", "false") and their neighbours.
type guesser struct {
	name string
	// pick chooses the answer to one question as shown (in Arabic, the first language).
	pick func(q courses.QuestionView, rng *rand.Rand) []string
}

func byLength(q courses.QuestionView) []courses.OptionView {
	opts := slices.Clone(q.Options)
	slices.SortStableFunc(opts, func(a, b courses.OptionView) int {
		return utf8.RuneCountInString(a.Text) - utf8.RuneCountInString(b.Text)
	})
	return opts
}

func ids(opts []courses.OptionView) []string {
	out := make([]string, 0, len(opts))
	for _, o := range opts {
		out = append(out, o.ID)
	}
	return out
}

func at(q courses.QuestionView, i int) []string {
	return []string{q.Options[min(i, len(q.Options)-1)].ID}
}

func longest(q courses.QuestionView) []string  { o := byLength(q); return []string{o[len(o)-1].ID} }
func shortest(q courses.QuestionView) []string { return []string{byLength(q)[0].ID} }

var guessers = []guesser{
	{"first shown", func(q courses.QuestionView, _ *rand.Rand) []string { return at(q, 0) }},
	{"second shown", func(q courses.QuestionView, _ *rand.Rand) []string { return at(q, 1) }},
	{"third shown", func(q courses.QuestionView, _ *rand.Rand) []string { return at(q, 2) }},
	{"fourth shown", func(q courses.QuestionView, _ *rand.Rand) []string { return at(q, 3) }},
	{"longest", func(q courses.QuestionView, _ *rand.Rand) []string { return longest(q) }},
	{"shortest", func(q courses.QuestionView, _ *rand.Rand) []string { return shortest(q) }},
	// Multiple: every option but the shortest; single: the longest; true/false: false.
	{"all but the shortest", func(q courses.QuestionView, _ *rand.Rand) []string {
		switch {
		case q.Type == courses.TrueFalse:
			return []string{courses.AnswerFalse}
		case q.Multiple:
			return ids(byLength(q)[1:])
		}
		return longest(q)
	}},
	// Multiple: the two longest; single: the longest; true/false: false.
	{"the longest two", func(q courses.QuestionView, _ *rand.Rand) []string {
		switch {
		case q.Type == courses.TrueFalse:
			return []string{courses.AnswerFalse}
		case q.Multiple:
			o := byLength(q)
			return ids(o[max(0, len(o)-2):])
		}
		return longest(q)
	}},
	// True/false: always true (else the first shown); and always false.
	{"all true", func(q courses.QuestionView, _ *rand.Rand) []string {
		if q.Type == courses.TrueFalse {
			return []string{courses.AnswerTrue}
		}
		return at(q, 0)
	}},
	{"all false", func(q courses.QuestionView, _ *rand.Rand) []string {
		if q.Type == courses.TrueFalse {
			return []string{courses.AnswerFalse}
		}
		return longest(q)
	}},
	{"random", func(q courses.QuestionView, rng *rand.Rand) []string {
		if !q.Multiple {
			return []string{q.Options[rng.IntN(len(q.Options))].ID}
		}
		var out []string
		for len(out) == 0 {
			for _, o := range q.Options {
				if rng.IntN(2) == 0 {
					out = append(out, o.ID)
				}
			}
		}
		return out
	}},
}

// maxGuesserPass is the share of guessers allowed to pass a course.
const maxGuesserPass = 0.05

// allowedPasses is how many of n guessers may pass before a rule counts as passing more
// than maxGuesserPass. With 1,000 guessers or more it is the plain 5 %. A small sample (the
// service run takes 30 by default) varies too much for that: 2 of 30 happens about once in
// a hundred runs to a rule whose true rate is 0.5 %, and 55 rule–course pairs are played.
// There it is the count that a rule really passing 5 % of the time stays at or under in
// 99.9 % of runs, so that only a rule clearly worse than the limit fails.
func allowedPasses(n int) int {
	if n >= 1000 {
		return int(maxGuesserPass * float64(n))
	}
	// Binomial(n, 5 %): the smallest k with P(X > k) < 0.001.
	p, q := maxGuesserPass, 1-maxGuesserPass
	term := math.Pow(q, float64(n)) // P(X = 0)
	cum := term
	for k := 0; k < n; k++ {
		if 1-cum < 0.001 {
			return k
		}
		term *= float64(n-k) / float64(k+1) * p / q
		cum += term
	}
	return n
}

// count returns how many simulated learners play each rule on each course: def, or the
// number in the environment variable env.
func count(t *testing.T, env string, def int) int {
	if s := os.Getenv(env); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q", env, s)
		}
		return n
	}
	return def
}

// attemptFunc plays one attempt of learner i at course c by rule g; it reports a pass.
type attemptFunc func(t *testing.T, i int, c *courses.Course, g guesser) bool

// playGuessers lets n learners per rule play every shipped course, each taking every
// attempt allowed (a guesser passes when any attempt passes), logs the pass rates and fails
// when a rule passes more than 5 %. before runs ahead of each rule. On content whose
// questions do not yet name their lesson (the banks of before issue 16), the rates are
// logged and the test skipped.
func playGuessers(t *testing.T, n int, before func(), attempt attemptFunc) {
	cat, ps := courses.Load(content.FS)
	if len(ps) > 0 {
		t.Fatalf("shipped content: %v", ps[0])
	}
	grouped := true
	for _, c := range cat.Courses() {
		for _, q := range c.Quiz.Questions {
			grouped = grouped && q.Lesson != ""
		}
	}
	var failures []string
	for _, c := range cat.Courses() {
		for _, g := range guessers {
			if before != nil {
				before()
			}
			passed := 0
			for i := 0; i < n; i++ {
				for a := 0; a < c.MaxAttempts; a++ {
					if attempt(t, i, c, g) {
						passed++
						break
					}
				}
			}
			rate := float64(passed) / float64(n)
			t.Logf("%-27s %-21s %5.1f%% pass (%d of %d)", c.Slug, g.name, rate*100, passed, n)
			if passed > allowedPasses(n) {
				failures = append(failures, fmt.Sprintf("%s: %q passes %.1f%% of its guessers (at most %.0f%%)", c.Slug, g.name, rate*100, maxGuesserPass*100))
			}
		}
	}
	if len(failures) > 0 && !grouped {
		t.Skipf("shipped banks not yet rewritten by lesson (issue 16, content branches); %d rule(s) over the limit today, e.g. %s", len(failures), failures[0])
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// answer is what rule g answers to the questions of a draw, as shown in Arabic.
func answer(c *courses.Course, draw []courses.DrawnQuestion, g guesser, rng *rand.Rand) map[string][]string {
	answers := map[string][]string{}
	for _, q := range c.Quiz.ViewDraw(draw, "ar") {
		answers[q.ID] = g.pick(q, rng)
	}
	return answers
}

// 1,000 guessers per rule and course (MASAR_GUESSERS to change) through the code the
// service runs for an attempt: the draw and shuffle (Course.Draw, seeded as OpenQuiz seeds
// it), the page's view of the draw, and the scoring against the draw (as SubmitQuiz).
// The rates: go test -v -run TestGuessersDoNotPass ./courses/
func TestGuessersDoNotPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	playGuessers(t, count(t, "MASAR_GUESSERS", 1000), nil, func(t *testing.T, _ int, c *courses.Course, g guesser) bool {
		draw := c.Draw(courses.NewRand())
		res, err := courses.ScoreDraw(c, draw, answer(c, draw, g, rng))
		if err != nil {
			t.Fatalf("%s, %s: %v", c.Slug, g.name, err)
		}
		return res.Passed
	})
}

// The same guessers, fewer of them (MASAR_SERVICE_GUESSERS, 30 by default: each attempt
// is two transactions on disk), through the service itself on a real SQLite file: attempts
// opened, stored and scored by OpenQuiz and SubmitQuiz, the clock jumping over the
// cool-downs.
func TestGuessersDoNotPassThroughTheService(t *testing.T) {
	if testing.Short() {
		t.Skip("plays thousands of attempts on disk")
	}
	ctx := context.Background()
	n := count(t, "MASAR_SERVICE_GUESSERS", 30)
	cat, _ := courses.Load(content.FS)
	db := storetest.Open(t)
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	svc := courses.NewService(db, func() *courses.Catalogue { return cat }, nil)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	svc.SetClock(func() time.Time { return time.Unix(clock.Add(int64(24*time.Hour/time.Second)), 0).UTC() })
	acc := officials.New(db, 4, nil)
	learners := make([]int64, n)
	for i := range learners {
		o, err := acc.Register(ctx, officials.Input{
			Email: fmt.Sprintf("guesser%d@example.org", i), Password: "a long password 1",
			NameAr: "أمل حداد", NameLatin: "Guesser " + letters(i), JobTitle: "Analyst",
			Organisation: "Ministry", Country: "JO", Sector: "central_government", Gender: "female", Language: "ar",
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		learners[i] = o.ID
	}
	rng := rand.New(rand.NewPCG(16, 2027))
	// Each rule meets fresh learners: the attempts of the previous rule are cleared.
	clear := func() {
		for _, q := range []string{"DELETE FROM quiz_draws", "DELETE FROM quiz_attempts"} {
			if _, err := db.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	playGuessers(t, n, clear, func(t *testing.T, i int, c *courses.Course, g guesser) bool {
		open, err := svc.OpenQuiz(ctx, learners[i], c.Slug)
		if err != nil {
			t.Fatalf("%s, %s: open: %v", c.Slug, g.name, err)
		}
		sub, err := svc.SubmitQuiz(ctx, learners[i], c.Slug, answer(c, open.Questions, g, rng), true)
		if err != nil {
			t.Fatalf("%s, %s: submit: %v", c.Slug, g.name, err)
		}
		return sub.Passed
	})
}

// letters spells i with the letters a to j, for names that take no digits.
func letters(i int) string {
	b := []byte(strconv.Itoa(i))
	for k := range b {
		b[k] += 'a' - '0'
	}
	return string(b)
}
