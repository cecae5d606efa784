package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
)

// Reading time and "counts as read": a lesson can be marked done once it has been open its
// reading time, and the quiz opens when every lesson counts as read (courses.Service).

// readWait is what the lesson page says by its "mark as done" button: nothing once the lesson
// can be marked done, else the minutes left (from the first opening, or the whole reading time
// when the page is seen by someone whose opening is not recorded).
func (h *handler) readWait(p *courses.Progress, co *courses.Course, l *courses.Lesson) int {
	if p == nil || !p.Enrolled || p.IsDone(l.Slug) {
		return 0
	}
	left, opened := h.Courses.ReadableIn(p, co, l.Slug)
	if !opened {
		return l.MinReadingMinutes()
	}
	if left <= 0 {
		return 0
	}
	return (&courses.NotReadError{Left: left}).MinutesLeft()
}

// notReadProblem turns the refusal to mark a lesson done early into the API's 409, with the
// time left in the message and, in seconds, in Retry-After.
func (h *handler) notReadProblem(c *fiber.Ctx, err error) error {
	var nr *courses.NotReadError
	if !errors.As(err, &nr) {
		return err
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(nr.Left.Seconds()+0.999)))
	return problem.New(fiber.StatusConflict, "lesson_not_read", "error.lesson_not_read",
		"left", h.cat.N(lang(c), "count.minutes_left", nr.MinutesLeft()))
}

type quizClosedData struct {
	Course    *courses.Course
	Remaining []*courses.Lesson
	Progress  *courses.Progress
}

// quizClosed answers a quiz page or submission while some lessons do not count as read: the
// page lists them with links (status 200 for the page, 409 for a submission), the API says
// 409 quiz_not_open. It reports whether it answered.
func (h *handler) quizClosed(c *fiber.Ctx, co *courses.Course) (bool, error) {
	open, remaining, err := h.Courses.QuizOpen(c.UserContext(), user(c).ID, co.Slug)
	if err != nil || open {
		return false, err
	}
	l := lang(c)
	if c.Method() != fiber.MethodGet || strings.HasPrefix(c.Path(), "/api/") {
		return true, problem.New(fiber.StatusConflict, "quiz_not_open", "error.quiz_not_open",
			"left", h.cat.N(l, "count.lessons_left", len(remaining)))
	}
	p, err := h.Courses.Progress(c.UserContext(), user(c).ID, co.Slug)
	if err != nil {
		return true, err
	}
	v := h.view(c, "")
	v.Title = v.T("quiz.closed_title") + " · " + co.TitleIn(v.Lang)
	v.Data = quizClosedData{Course: co, Remaining: remaining, Progress: p}
	return true, h.render(c, fiber.StatusOK, "quiz_closed", v)
}
