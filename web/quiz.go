package web

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
)

// quizData is what the quiz page shows: the open attempt's form, the result of the attempt
// just submitted, or why no attempt can be taken now (passed, attempts used, cool-down).
type quizData struct {
	Course    *courses.Course
	Questions []courses.QuestionView // the open attempt's, or the submitted one's, in the order shown
	Progress  *courses.Progress
	Attempts  []courses.Attempt
	Result    *courses.Submission
	// NextAt is when the next attempt opens, during the cool-down after a failed attempt.
	NextAt *time.Time
	// Chosen and Unanswered refill the form of a submission that left questions unanswered
	// and asks for confirmation.
	Chosen     map[string][]string
	Unanswered []string
}

// IsChosen reports whether option was chosen for question in the form being refilled.
func (d quizData) IsChosen(question, option string) bool {
	for _, o := range d.Chosen[question] {
		if o == option {
			return true
		}
	}
	return false
}

// IsUnanswered reports whether question is one the learner left unanswered.
func (d quizData) IsUnanswered(question string) bool {
	for _, q := range d.Unanswered {
		if q == question {
			return true
		}
	}
	return false
}

func (h *handler) quizData(c *fiber.Ctx, co *courses.Course) (quizData, error) {
	d := quizData{Course: co}
	var err error
	if d.Progress, err = h.Courses.Progress(c.UserContext(), user(c).ID, co.Slug); err != nil {
		return d, err
	}
	d.Attempts, err = h.Courses.AttemptHistory(c.UserContext(), user(c).ID, co.Slug)
	return d, err
}

// openQuiz opens (or reopens) the learner's attempt into d. A passed quiz, used-up attempts
// and the cool-down are not errors of the page: it says them.
func (h *handler) openQuiz(c *fiber.Ctx, co *courses.Course, d *quizData) error {
	open, err := h.Courses.OpenQuiz(c.UserContext(), user(c).ID, co.Slug)
	var cool *courses.CooldownError
	switch {
	case errors.As(err, &cool):
		d.NextAt = &cool.Until
		return h.lastReview(c, co, d)
	case errors.Is(err, courses.ErrAttemptsExhausted):
		return h.lastReview(c, co, d)
	case errors.Is(err, courses.ErrQuizPassed):
	case err != nil:
		return err
	default:
		d.Questions = co.Quiz.ViewDraw(open.Questions, lang(c))
	}
	return nil
}

// lastReview shows the last attempt's feedback again when no attempt can be taken now.
func (h *handler) lastReview(c *fiber.Ctx, co *courses.Course, d *quizData) error {
	r, err := h.Courses.LastReview(c.UserContext(), user(c).ID, co.Slug)
	if err != nil || r == nil {
		return err
	}
	d.Result, d.Questions = r, co.Quiz.ViewDraw(r.Drawn, lang(c))
	return nil
}

// quizCourse is the course of a quiz route whose quiz the user may open: stop is true when
// it is not (the page listing the lessons left has been sent, or err says why).
func (h *handler) quizCourse(c *fiber.Ctx) (co *courses.Course, stop bool, err error) {
	if co, err = h.course(c.Params("slug")); err != nil {
		return nil, true, err
	}
	if co.Quiz == nil {
		return nil, true, courses.ErrNoQuiz
	}
	if stop, err = h.quizClosed(c, co); stop || err != nil {
		return nil, true, err
	}
	return co, false, nil
}

// showQuiz is the quiz page. The page is never kept in the page cache (it is not
// Cacheable): each attempt asks its own questions.
func (h *handler) showQuiz(c *fiber.Ctx) error {
	co, stop, err := h.quizCourse(c)
	if stop || err != nil {
		return err
	}
	d, err := h.quizData(c, co)
	if err != nil {
		return err
	}
	if err := h.openQuiz(c, co, &d); err != nil {
		return err
	}
	return h.renderQuiz(c, fiber.StatusOK, "quiz.title", d)
}

func (h *handler) renderQuiz(c *fiber.Ctx, status int, title string, d quizData) error {
	v := h.view(c, "")
	v.Title = v.T(title) + " · " + d.Course.TitleIn(v.Lang)
	v.Data = d
	return h.render(c, status, "quiz", v)
}

// quizAnswers collects the answer fields (q_<question id>) of a quiz form; other fields,
// such as the CSRF token, are not answers.
func quizAnswers(c *fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if id, ok := strings.CutPrefix(string(k), "q_"); ok {
			out[id] = append(out[id], string(v))
		}
	})
	return out
}

// submitQuiz scores the open attempt. A submission with unanswered questions comes back
// once (422) with them marked and a confirmation; the confirmed one is scored.
func (h *handler) submitQuiz(c *fiber.Ctx) error {
	co, stop, err := h.quizCourse(c)
	if stop || err != nil {
		return err
	}
	answers := quizAnswers(c)
	sub, err := h.Courses.SubmitQuiz(c.UserContext(), user(c).ID, co.Slug, answers, c.FormValue("confirm") == "1")
	var cool *courses.CooldownError
	switch {
	case errors.As(err, &cool), errors.Is(err, courses.ErrQuizPassed):
		// The page says when the next attempt opens, or that the quiz is passed.
		return c.Redirect(fmt.Sprintf("/%s/courses/%s/quiz", lang(c), co.Slug), fiber.StatusSeeOther)
	case courses.Unanswered(err) != nil:
		d, derr := h.quizData(c, co)
		if derr != nil {
			return derr
		}
		if derr := h.openQuiz(c, co, &d); derr != nil {
			return derr
		}
		d.Chosen, d.Unanswered = answers, courses.Unanswered(err)
		return h.renderQuiz(c, fiber.StatusUnprocessableEntity, "quiz.title", d)
	case err != nil:
		return err
	}
	d, err := h.quizData(c, co)
	if err != nil {
		return err
	}
	d.Result = sub
	d.Questions = co.Quiz.ViewDraw(sub.Drawn, lang(c))
	return h.renderQuiz(c, fiber.StatusOK, "quiz.result", d)
}

// apiQuestion is a question of an attempt as the API gives it: texts in every language of
// the course, options in the order drawn for this attempt, no answer.
type apiQuestion struct {
	ID       string            `json:"id"`
	Type     string            `json:"type"`
	Multiple bool              `json:"multiple"`
	Prompt   map[string]string `json:"prompt"`
	Options  []apiOption       `json:"options"`
}

type apiOption struct {
	ID   string            `json:"id"`
	Text map[string]string `json:"text"`
}

// apiAttempt is the open attempt as GET /api/v1/courses/{slug}/quiz answers it.
type apiAttempt struct {
	Attempt      int           `json:"attempt"`
	AttemptsLeft int           `json:"attempts_left"`
	PassMark     int           `json:"pass_mark"`
	OpenedAt     time.Time     `json:"opened_at"`
	Questions    []apiQuestion `json:"questions"`
}

// quizRefusal maps the cool-down to 429 with Retry-After; other errors pass.
func quizRefusal(c *fiber.Ctx, err error) error {
	var cool *courses.CooldownError
	if errors.As(err, &cool) {
		setRetryAfter(c, time.Until(cool.Until))
		return problem.New(fiber.StatusTooManyRequests, "quiz_cooldown", "error.quiz_cooldown",
			"time", cool.Until.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return err
}

// apiOpenQuiz opens (or reopens) the caller's attempt and returns its questions.
func (h *handler) apiOpenQuiz(c *fiber.Ctx) error {
	co, stop, err := h.quizCourse(c)
	if stop || err != nil {
		return err
	}
	open, err := h.Courses.OpenQuiz(c.UserContext(), user(c).ID, co.Slug)
	if err != nil {
		return quizRefusal(c, err)
	}
	out := apiAttempt{Attempt: open.Attempt, AttemptsLeft: open.AttemptsLeft, PassMark: co.PassMark, OpenedAt: open.OpenedAt,
		Questions: []apiQuestion{}}
	for _, l := range co.Languages {
		for i, v := range co.Quiz.ViewDraw(open.Questions, l) {
			if i == len(out.Questions) {
				q := apiQuestion{ID: v.ID, Type: v.Type, Multiple: v.Multiple, Prompt: map[string]string{}, Options: []apiOption{}}
				for _, o := range v.Options {
					q.Options = append(q.Options, apiOption{ID: o.ID, Text: map[string]string{}})
				}
				out.Questions = append(out.Questions, q)
			}
			out.Questions[i].Prompt[l] = v.Prompt
			for j, o := range v.Options {
				out.Questions[i].Options[j].Text[l] = o.Text
			}
		}
	}
	return data(c, fiber.StatusOK, out)
}

// apiSubmitQuiz takes {"answers": {"q1": ["b"], "q2": ["true"]}, "confirm": true}: the
// answers to the open attempt's questions; confirm is needed when some are unanswered.
func (h *handler) apiSubmitQuiz(c *fiber.Ctx) error {
	var body struct {
		Answers map[string][]string `json:"answers"`
		Confirm bool                `json:"confirm"`
	}
	if err := bodyJSON(c, &body); err != nil {
		return err
	}
	co, stop, err := h.quizCourse(c)
	if stop || err != nil {
		return err
	}
	sub, err := h.Courses.SubmitQuiz(c.UserContext(), user(c).ID, co.Slug, body.Answers, body.Confirm)
	if err != nil {
		return quizRefusal(c, err)
	}
	return data(c, fiber.StatusOK, sub)
}
