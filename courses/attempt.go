package courses

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/masar-platform/masar/problem"
)

// Errors of the attempt rules.
var (
	// ErrQuizPassed refuses a new attempt at a quiz the official has passed: the course is
	// done and its answers have been shown.
	ErrQuizPassed = problem.New(http.StatusConflict, "quiz_passed", "error.quiz_passed")
)

// CooldownError refuses an attempt while the wait after a failed attempt runs (the
// course's quiz_cooldown); Until is when the next attempt opens.
type CooldownError struct{ Until time.Time }

func (e *CooldownError) Error() string {
	return "courses: next attempt opens at " + e.Until.UTC().Format(time.RFC3339)
}

// DrawnQuestion is one question asked by an attempt, with its options in the order shown
// (empty for a true/false question).
type DrawnQuestion struct {
	ID      string   `json:"id"`
	Options []string `json:"options"`
}

// newRand returns a generator seeded from the system's randomness, one per draw, so that no
// learner can predict or replay another's draw.
func newRand() *rand.Rand {
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // never fails (crypto/rand panics rather than return short)
	return rand.New(rand.NewChaCha8(seed))
}

// Draw picks the questions of a new attempt: QuestionsPerLesson questions of each lesson at
// random, lesson by lesson, each with its options shuffled. When some question of the bank
// does not name its lesson (older content), the attempt draws QuestionsPerLesson × lessons
// questions from the whole bank (all of them when the bank is not larger).
func (c *Course) Draw(rng *rand.Rand) []DrawnQuestion {
	if c.Quiz == nil {
		return nil
	}
	per := max(1, c.QuestionsPerLesson)
	bank := c.Quiz.Questions
	var picked []*Question
	byLesson := len(bank) > 0
	for _, qu := range bank {
		if qu.Lesson == "" {
			byLesson = false
			break
		}
	}
	if byLesson {
		for _, l := range c.Lessons {
			var of []*Question
			for _, qu := range bank {
				if qu.Lesson == l.Slug {
					of = append(of, qu)
				}
			}
			rng.Shuffle(len(of), func(i, j int) { of[i], of[j] = of[j], of[i] })
			picked = append(picked, of[:min(per, len(of))]...)
		}
	} else {
		want := per * len(c.Lessons)
		if want == 0 || want > len(bank) {
			want = len(bank)
		}
		all := slices.Clone(bank)
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		picked = all[:want]
		// Keep the bank's order, which follows the course.
		slices.SortStableFunc(picked, func(a, b *Question) int {
			return slices.Index(bank, a) - slices.Index(bank, b)
		})
	}
	out := make([]DrawnQuestion, 0, len(picked))
	for _, qu := range picked {
		d := DrawnQuestion{ID: qu.ID, Options: []string{}}
		for _, o := range qu.Options {
			d.Options = append(d.Options, o.ID)
		}
		rng.Shuffle(len(d.Options), func(i, j int) { d.Options[i], d.Options[j] = d.Options[j], d.Options[i] })
		out = append(out, d)
	}
	return out
}

// asked is the quiz an attempt asks: the drawn questions of the bank, in the drawn order
// (questions no longer in the bank are left out), with the course's pass mark.
func (q *Quiz) asked(draw []DrawnQuestion) *Quiz {
	out := &Quiz{PassMark: q.PassMark}
	for _, d := range draw {
		for _, qu := range q.Questions {
			if qu.ID == d.ID {
				out.Questions = append(out.Questions, qu)
				break
			}
		}
	}
	return out
}

// ViewDraw returns the questions of a draw in lang, in the drawn order with the options in
// the drawn order, without answers.
func (q *Quiz) ViewDraw(draw []DrawnQuestion, lang string) []QuestionView {
	if q == nil {
		return nil
	}
	views := q.asked(draw).View(lang)
	order := map[string][]string{}
	for _, d := range draw {
		order[d.ID] = d.Options
	}
	for i := range views {
		ids := order[views[i].ID]
		if views[i].Type == TrueFalse || len(ids) == 0 {
			continue
		}
		slices.SortStableFunc(views[i].Options, func(a, b OptionView) int {
			return slices.Index(ids, a.ID) - slices.Index(ids, b.ID)
		})
	}
	return views
}

// OpenAttempt is an attempt the official has opened and not yet submitted.
type OpenAttempt struct {
	Attempt      int             `json:"attempt"`       // number of this attempt, from 1
	AttemptsLeft int             `json:"attempts_left"` // attempts allowed after this one
	OpenedAt     time.Time       `json:"opened_at"`
	Questions    []DrawnQuestion `json:"-"`
}

// quizStanding is what the attempt rules need to know of the official's past attempts.
type quizStanding struct {
	used       int
	passed     bool
	lastFailed time.Time // submission time of the last attempt, when it failed
}

func readStanding(ctx context.Context, tx *sql.Tx, officialID int64, slug string) (quizStanding, error) {
	var st quizStanding
	var passed sql.NullBool
	var last sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT count(*), max(passed), max(submitted_at) FROM quiz_attempts
		WHERE official_id = ? AND course_slug = ?`, officialID, slug).Scan(&st.used, &passed, &last)
	if err != nil {
		return st, fmt.Errorf("courses: attempts of %d in %s: %w", officialID, slug, err)
	}
	st.passed = passed.Bool
	if !st.passed && last.Valid {
		st.lastFailed = parseTime(last.String)
	}
	return st, nil
}

// mayAttempt applies the attempt rules: no attempt after a pass, none past max_attempts,
// none during the cool-down after a failed attempt.
func (c *Course) mayAttempt(st quizStanding, now time.Time) error {
	switch {
	case st.passed:
		return ErrQuizPassed
	case st.used >= c.MaxAttempts:
		return ErrAttemptsExhausted
	case !st.lastFailed.IsZero() && c.QuizCooldown > 0 && now.Before(st.lastFailed.Add(c.QuizCooldown)):
		return &CooldownError{Until: st.lastFailed.Add(c.QuizCooldown)}
	}
	return nil
}

// readDraw returns the official's open draw, or nil.
// attemptAllowed reads, in tx, the official's standing in the course's quiz and the open
// draw (nil if none), and refuses (ErrQuizPassed, ErrAttemptsExhausted, *CooldownError)
// when no attempt may be taken at time at.
func (c *Course) attemptAllowed(ctx context.Context, tx *sql.Tx, officialID int64, at time.Time) (quizStanding, []DrawnQuestion, time.Time, error) {
	st, err := readStanding(ctx, tx, officialID, c.Slug)
	if err != nil {
		return st, nil, time.Time{}, err
	}
	if err := c.mayAttempt(st, at); err != nil {
		return st, nil, time.Time{}, err
	}
	d, opened, err := readDraw(ctx, tx, officialID, c.Slug)
	return st, d, opened, err
}

func readDraw(ctx context.Context, tx *sql.Tx, officialID int64, slug string) ([]DrawnQuestion, time.Time, error) {
	var raw, at string
	err := tx.QueryRowContext(ctx, "SELECT questions, opened_at FROM quiz_draws WHERE official_id = ? AND course_slug = ?",
		officialID, slug).Scan(&raw, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("courses: open attempt of %d in %s: %w", officialID, slug, err)
	}
	var d []DrawnQuestion
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, time.Time{}, fmt.Errorf("courses: open attempt of %d in %s: %w", officialID, slug, err)
	}
	return d, parseTime(at), nil
}

// OpenQuiz opens the official's next attempt at a course's quiz, enrolling them if needed:
// the attempt already open is returned as it is; otherwise a new one is drawn (Course.Draw)
// and kept, so that reloading the page asks the same questions in the same order. It is
// refused with ErrQuizPassed, ErrAttemptsExhausted or a *CooldownError.
func (s *Service) OpenQuiz(ctx context.Context, officialID int64, slug string) (*OpenAttempt, error) {
	c, err := s.course(slug)
	if err != nil {
		return nil, err
	}
	if c.Quiz == nil || len(c.Quiz.Questions) == 0 {
		return nil, ErrNoQuiz
	}
	at := s.now()
	var open OpenAttempt
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockProgress(ctx, tx, officialID, slug); err != nil {
			return err
		}
		st, d, opened, err := c.attemptAllowed(ctx, tx, officialID, at)
		if err != nil {
			return err
		}
		open.Attempt, open.AttemptsLeft = st.used+1, c.MaxAttempts-st.used-1
		if len(c.Quiz.asked(d).Questions) > 0 {
			open.Questions, open.OpenedAt = d, opened
			return nil
		}
		// None yet (or the bank changed under it so that none of its questions is left).
		if err := enrol(ctx, tx, officialID, slug, at); err != nil {
			return err
		}
		open.Questions, open.OpenedAt = c.Draw(newRand()), at
		raw, err := json.Marshal(open.Questions)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_draws(official_id, course_slug, questions, opened_at) VALUES(?, ?, ?, ?)
			ON CONFLICT(official_id, course_slug) DO UPDATE SET questions = excluded.questions, opened_at = excluded.opened_at`,
			officialID, slug, string(raw), timestamp(at)); err != nil {
			return fmt.Errorf("courses: open attempt of %d in %s: %w", officialID, slug, err)
		}
		return nil
	})
	s.progress.Forget(visitKey{officialID, slug})
	if err != nil {
		return nil, err
	}
	return &open, nil
}

// unansweredError is the problem of a submission that leaves questions unanswered without
// the learner's confirmation: it names each of them.
func unansweredError(ids []string) *problem.Error {
	p := problem.New(http.StatusUnprocessableEntity, "quiz_unanswered", "error.quiz_unanswered", "count", len(ids))
	p.Fields = map[string]string{}
	for _, id := range ids {
		p.Fields["answers."+id] = "quiz.unanswered"
	}
	return p
}

// Unanswered returns the ids of the questions of an unconfirmed submission that were left
// unanswered, or nil when err is not that refusal.
func Unanswered(err error) []string {
	var p *problem.Error
	if !errors.As(err, &p) || p.Code != "quiz_unanswered" {
		return nil
	}
	var out []string
	for f := range p.Fields {
		if id, ok := strings.CutPrefix(f, "answers."); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// hideAnswers removes the right options from a result: until the course is passed or the
// attempts are used up, a review says which questions were wrong, not what was right.
func (r *Result) hideAnswers() {
	for i := range r.Questions {
		r.Questions[i].Answer = nil
	}
}

// LastReview is the feedback on the official's last attempt, as shown right after it (the
// right options only when revealed), so that the quiz page can show it again during the
// cool-down or once the attempts are used up. It is nil before any attempt, and for an
// attempt made before attempts kept their draw.
func (s *Service) LastReview(ctx context.Context, officialID int64, slug string) (*Submission, error) {
	c, err := s.course(slug)
	if err != nil {
		return nil, err
	}
	hist, err := s.AttemptHistory(ctx, officialID, slug)
	if err != nil || len(hist) == 0 || c.Quiz == nil {
		return nil, err
	}
	last := hist[len(hist)-1]
	asked := c.Quiz.asked(last.Questions)
	if len(asked.Questions) == 0 {
		return nil, nil
	}
	answers := map[string][]string{}
	for _, q := range asked.Questions {
		answers[q.ID] = last.Answers[q.ID]
	}
	res, err := asked.Score(answers)
	if err != nil {
		return nil, nil // the bank changed under the stored answers: nothing sound to show
	}
	passed := slices.ContainsFunc(hist, func(a Attempt) bool { return a.Passed })
	sub := &Submission{Result: res, Attempt: last.No, AttemptsLeft: max(0, c.MaxAttempts-len(hist)), Drawn: last.Questions}
	sub.Score, sub.Passed = last.Score, last.Passed
	sub.Revealed = passed || sub.AttemptsLeft == 0
	if !sub.Revealed {
		sub.hideAnswers()
	}
	if !last.Passed && sub.AttemptsLeft > 0 && c.QuizCooldown > 0 {
		next := last.SubmittedAt.Add(c.QuizCooldown)
		sub.NextAttemptAt = &next
	}
	return sub, nil
}
