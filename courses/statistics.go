package courses

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Item analysis: what staff need to judge a quiz's questions from learners' answers, in the
// manner of Moodle's quiz statistics.
//
// Definitions (also stated on the page):
//   - a question is asked in an attempt when the attempt's stored answers name it (an
//     unanswered one is stored as an empty list; attempts made before every asked question
//     was stored name only the answered ones, so their unanswered questions are not counted);
//   - facility is the share of the attempts that asked a question in which it was answered
//     right (exactly the correct options; unanswered is wrong);
//   - discrimination is the upper–lower index: the facility among the top third of those
//     attempts by quiz score minus the facility among the bottom third (each third is
//     floor(n/3) attempts; ties in score keep the order of submission). It runs from −1 to 1
//     and needs MinAttempts attempts that asked the question;
//   - flags are raised only on questions asked in MinAttempts attempts or more.

// MinAttempts is the number of attempts that must have asked a question before its
// discrimination is computed and it is flagged.
const MinAttempts = 10

// Thresholds of the flags.
const (
	EasyAbove           = 0.9 // facility above: too easy
	HardBelow           = 0.3 // facility below: too hard
	LowDiscriminationLT = 0.2 // discrimination below: does not tell who learned from who did not
)

// The flags a question can carry.
const (
	FlagEasy                   = "easy"
	FlagHard                   = "hard"
	FlagLowDiscrimination      = "low_discrimination"
	FlagNegativeDiscrimination = "negative_discrimination"
	FlagUnusedDistractor       = "unused_distractor"
	FlagStrongDistractor       = "strong_distractor"
)

// Flags lists the flags in the order they are shown.
var Flags = []string{FlagEasy, FlagHard, FlagNegativeDiscrimination, FlagLowDiscrimination, FlagStrongDistractor, FlagUnusedDistractor}

// The attempts whose answers the questions' figures are computed from: every submitted
// attempt, or each learner's first only (what the questions tell before a retry).
const (
	AttemptsAll   = "all"
	AttemptsFirst = "first"
)

// AttemptSets lists the choices of attempts, the default first.
var AttemptSets = []string{AttemptsAll, AttemptsFirst}

// ScoreBands is the number of bands of the score distribution: 0–9, 10–19, … 90–100.
const ScoreBands = 10

// Statistics is the item analysis of one course's quiz.
type Statistics struct {
	Course         string            `json:"course"`
	Title          map[string]string `json:"title"`
	PassMark       int               `json:"pass_mark"`
	MinAttempts    int               `json:"min_attempts"`
	Attempts       string            `json:"attempts"`        // AttemptsAll or AttemptsFirst: the attempts the questions' figures read
	Learners       int               `json:"learners"`        // officials with at least one attempt
	LearnersPassed int               `json:"learners_passed"` // of them, those who passed at least once
	PassRate       *float64          `json:"pass_rate"`       // LearnersPassed / Learners; null with no learner
	All            ScoreSummary      `json:"all_attempts"`
	First          ScoreSummary      `json:"first_attempts"`
	Questions      []QuestionStats   `json:"questions"` // in the bank's order, then the retired ones
}

// ScoreSummary sums up the scores of a set of attempts.
type ScoreSummary struct {
	Attempts     int      `json:"attempts"`
	Passed       int      `json:"passed"`
	PassRate     *float64 `json:"pass_rate"`    // Passed / Attempts; null with no attempt
	Mean         *float64 `json:"mean_score"`   // percent
	Median       *float64 `json:"median_score"` // percent
	Distribution []int    `json:"distribution"` // ScoreBands counts: 0–9, 10–19, … 90–100
}

// QuestionStats is the analysis of one question.
type QuestionStats struct {
	ID             string            `json:"id"`
	Type           string            `json:"type"`    // "" for a retired question
	Retired        bool              `json:"retired"` // no longer in the bank: only its choice counts are known
	Prompt         map[string]string `json:"prompt"`
	Asked          int               `json:"asked"`
	Right          int               `json:"right"`
	Unanswered     int               `json:"unanswered"`
	Facility       *float64          `json:"facility"`       // null when never asked or retired
	Discrimination *float64          `json:"discrimination"` // null below MinAttempts or retired
	Options        []OptionStats     `json:"options"`
	Flags          []string          `json:"flags"`
}

// OptionStats counts the attempts that chose one option of a question.
type OptionStats struct {
	ID      string            `json:"id"`
	Text    map[string]string `json:"text"`    // for true/false: empty, the id says it
	Correct bool              `json:"correct"` // false for the options of a retired question
	Chosen  int               `json:"chosen"`
	Share   *float64          `json:"share"` // Chosen / Asked
}

// PromptIn is the question in lang, with fallback.
func (q QuestionStats) PromptIn(lang string) string { return pick(q.Prompt, lang) }

// TextIn is the option in lang, with fallback.
func (o OptionStats) TextIn(lang string) string { return pick(o.Text, lang) }

// Flagged tells whether the question carries flag f.
func (q QuestionStats) Flagged(f string) bool { return slices.Contains(q.Flags, f) }

// attemptRow is one submitted attempt as item analysis reads it.
type attemptRow struct {
	official int64
	no       int
	score    int
	passed   bool
	answers  map[string][]string
}

// statisticsAttempts selects the submitted attempts of a course. Attempts that are open (not
// yet submitted) must not count: when attempts gain a status, its filter goes in this WHERE.
const statisticsAttempts = `SELECT official_id, attempt_no, score, passed, answers FROM quiz_attempts
	WHERE course_slug = ?
	ORDER BY submitted_at, id`

// Statistics computes the item analysis of a course's quiz from its submitted attempts; the
// questions' figures read the attempts named by set (AttemptsAll when ""; another value is a
// 422 naming the field "attempts"), the course's figures always both sets. The course must be
// in the catalogue (ErrNotFound otherwise); a course without a quiz has no question and,
// normally, no attempt.
func (s *Service) Statistics(ctx context.Context, slug, set string) (*Statistics, error) {
	if set == "" {
		set = AttemptsAll
	}
	i := slices.Index(AttemptSets, set)
	if i < 0 {
		return nil, problem.Fields{"attempts": "courses.statistics.field.attempts"}.Err()
	}
	set = AttemptSets[i] // ours, not the caller's string (which may live in a request's buffer)
	c, err := s.course(slug)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, statisticsAttempts, slug)
	attempts, err := store.Collect(rows, err, func(sc store.Scanner) (attemptRow, error) {
		var a attemptRow
		var raw string
		if err := sc.Scan(&a.official, &a.no, &a.score, &a.passed, &raw); err != nil {
			return a, err
		}
		// A malformed record is read as an attempt that named no question: its score counts,
		// and one bad row does not take the page down.
		if json.Unmarshal([]byte(raw), &a.answers) != nil {
			a.answers = nil
		}
		return a, nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: statistics %s: %w", slug, err)
	}
	return analyse(c, attempts, set), nil
}

// analyse is the computation of Statistics, apart from the database.
func analyse(c *Course, attempts []attemptRow, set string) *Statistics {
	st := &Statistics{Course: c.Slug, Title: c.Title, PassMark: c.PassMark, MinAttempts: MinAttempts, Attempts: set, Questions: []QuestionStats{}}
	learners, passed := map[int64]bool{}, map[int64]bool{}
	var all, first []attemptRow
	for _, a := range attempts {
		learners[a.official] = true
		if a.passed {
			passed[a.official] = true
		}
		all = append(all, a)
		if a.no == 1 {
			first = append(first, a)
		}
	}
	st.Learners, st.LearnersPassed = len(learners), len(passed)
	st.PassRate = ratio(st.LearnersPassed, st.Learners)
	st.All, st.First = summarise(all), summarise(first)
	items := all
	if set == AttemptsFirst {
		items = first
	}

	var bank []*Question
	if c.Quiz != nil {
		bank = c.Quiz.Questions
	}
	known := map[string]bool{}
	for _, q := range bank {
		known[q.ID] = true
		st.Questions = append(st.Questions, analyseQuestion(q, items))
	}
	// Questions answered in the past but gone from the bank: their choices, by option id.
	retired := map[string]*QuestionStats{}
	for _, a := range items {
		for id, chosen := range a.answers {
			if known[id] {
				continue
			}
			r := retired[id]
			if r == nil {
				r = &QuestionStats{ID: id, Retired: true, Prompt: map[string]string{}, Flags: []string{}}
				retired[id] = r
			}
			r.Asked++
			if len(chosen) == 0 {
				r.Unanswered++
			}
			for _, o := range chosen {
				i := slices.IndexFunc(r.Options, func(x OptionStats) bool { return x.ID == o })
				if i < 0 {
					r.Options = append(r.Options, OptionStats{ID: o, Text: map[string]string{}})
					i = len(r.Options) - 1
				}
				r.Options[i].Chosen++
			}
		}
	}
	ids := make([]string, 0, len(retired))
	for id := range retired {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := retired[id]
		sort.Slice(r.Options, func(i, j int) bool { return r.Options[i].ID < r.Options[j].ID })
		for i := range r.Options {
			r.Options[i].Share = ratio(r.Options[i].Chosen, r.Asked)
		}
		st.Questions = append(st.Questions, *r)
	}
	return st
}

func analyseQuestion(q *Question, attempts []attemptRow) QuestionStats {
	qs := QuestionStats{ID: q.ID, Type: q.Type, Prompt: q.Prompt, Flags: []string{}}
	if q.Type == TrueFalse {
		qs.Options = []OptionStats{{ID: AnswerTrue, Correct: q.Answer}, {ID: AnswerFalse, Correct: !q.Answer}}
	} else {
		for _, o := range q.Options {
			qs.Options = append(qs.Options, OptionStats{ID: o.ID, Text: o.Text, Correct: o.Correct})
		}
	}
	want := q.correct()
	type scored struct {
		score int
		right bool
	}
	var asked []scored
	for _, a := range attempts {
		chosen, ok := a.answers[q.ID]
		if !ok {
			continue
		}
		qs.Asked++
		if len(chosen) == 0 {
			qs.Unanswered++
		}
		for _, c := range chosen {
			if i := slices.IndexFunc(qs.Options, func(o OptionStats) bool { return o.ID == c }); i >= 0 {
				qs.Options[i].Chosen++
			}
		}
		got := slices.Clone(chosen)
		slices.Sort(got)
		got = slices.Compact(got)
		right := len(got) > 0 && slices.Equal(got, want)
		if right {
			qs.Right++
		}
		asked = append(asked, scored{a.score, right})
	}
	qs.Facility = ratio(qs.Right, qs.Asked)
	for i := range qs.Options {
		qs.Options[i].Share = ratio(qs.Options[i].Chosen, qs.Asked)
	}
	if qs.Asked >= MinAttempts {
		// Upper–lower index: attempts ranked by score (stable, so ties keep the order of
		// submission), the top third's facility minus the bottom third's.
		sort.SliceStable(asked, func(i, j int) bool { return asked[i].score > asked[j].score })
		k := len(asked) / 3
		top, bottom := 0, 0
		for i := 0; i < k; i++ {
			if asked[i].right {
				top++
			}
			if asked[len(asked)-1-i].right {
				bottom++
			}
		}
		d := float64(top-bottom) / float64(k)
		qs.Discrimination = &d
		qs.Flags = flags(qs)
	}
	return qs
}

// flags raises the flags of a question asked often enough.
func flags(qs QuestionStats) []string {
	out := []string{}
	f := *qs.Facility
	if f > EasyAbove {
		out = append(out, FlagEasy)
	}
	if f < HardBelow {
		out = append(out, FlagHard)
	}
	if d := *qs.Discrimination; d < 0 {
		out = append(out, FlagNegativeDiscrimination)
	} else if d < LowDiscriminationLT {
		out = append(out, FlagLowDiscrimination)
	}
	leastRight := -1
	for _, o := range qs.Options {
		if o.Correct && (leastRight < 0 || o.Chosen < leastRight) {
			leastRight = o.Chosen
		}
	}
	strong, unused := false, false
	for _, o := range qs.Options {
		if o.Correct {
			continue
		}
		if o.Chosen > leastRight {
			strong = true
		}
		// A true/false question's wrong answer left alone is what "too easy" says already.
		if o.Chosen == 0 && qs.Type != TrueFalse {
			unused = true
		}
	}
	if strong {
		out = append(out, FlagStrongDistractor)
	}
	if unused {
		out = append(out, FlagUnusedDistractor)
	}
	return out
}

// summarise sums up the scores of attempts.
func summarise(as []attemptRow) ScoreSummary {
	s := ScoreSummary{Attempts: len(as), Distribution: make([]int, ScoreBands)}
	if len(as) == 0 {
		return s
	}
	scores := make([]int, 0, len(as))
	sum := 0
	for _, a := range as {
		if a.passed {
			s.Passed++
		}
		scores = append(scores, a.score)
		sum += a.score
		s.Distribution[Band(a.score)]++
	}
	s.PassRate = ratio(s.Passed, s.Attempts)
	mean := float64(sum) / float64(len(as))
	s.Mean = &mean
	slices.Sort(scores)
	n := len(scores)
	med := float64(scores[n/2])
	if n%2 == 0 {
		med = float64(scores[n/2-1]+scores[n/2]) / 2
	}
	s.Median = &med
	return s
}

// Band is the band of the score distribution a score falls in: 0 for 0–9 … 9 for 90–100.
func Band(score int) int { return min(max(score, 0)/10, ScoreBands-1) }

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}
