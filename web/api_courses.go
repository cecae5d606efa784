package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

func (h *handler) apiCourseRoutes(api fiber.Router) {
	api.Get("/courses", h.apiListCourses)
	api.Get("/courses/:slug", h.apiGetCourse)
	api.Post("/courses/:slug/enrol", h.requireAPIUser, h.apiEnrol)
	api.Post("/courses/:slug/lessons/:lesson/done", h.requireAPIUser, h.apiLessonDone)
	api.Get("/courses/:slug/quiz", h.requireAPIUser, h.apiOpenQuiz)
	api.Post("/courses/:slug/quiz", h.requireAPIUser, h.apiSubmitQuiz)
	api.Get("/me/progress", h.requireAPIUser, h.apiMyProgress)
	api.Get("/courses/:slug/statistics", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.apiCourseStatistics)
}

// courseSummary is a course as the API lists it.
type courseSummary struct {
	Slug         string              `json:"slug"`
	Title        map[string]string   `json:"title"`
	Summary      map[string]string   `json:"summary"`
	Phases       []int               `json:"phases"`
	Level        string              `json:"level"`
	Hours        float64             `json:"hours"`         // study hours computed from the content (Course.StudyHours)
	StudyMinutes int                 `json:"study_minutes"` // the same, in minutes
	Languages    []string            `json:"languages"`
	PassMark     int                 `json:"pass_mark"`
	MaxAttempts  int                 `json:"max_attempts"`
	Outcomes     map[string][]string `json:"outcomes,omitempty"`
	Lessons      []lessonSummary     `json:"lessons,omitempty"`
	Quiz         int                 `json:"quiz_questions"`
}

type lessonSummary struct {
	Slug      string            `json:"slug"`
	Number    int               `json:"number"`
	Title     map[string]string `json:"title"`
	Languages []string          `json:"languages"`
	// ReadingMinutes is the lesson's reading time by language; MinReadingMinutes the time it
	// must have been open before it can be marked done.
	ReadingMinutes    map[string]int `json:"reading_minutes"`
	MinReadingMinutes int            `json:"min_reading_minutes"`
	ExerciseMinutes   int            `json:"exercise_minutes"`
}

func summarise(co *courses.Course, full bool) courseSummary {
	s := courseSummary{Slug: co.Slug, Title: co.Title, Summary: co.Summary, Phases: co.Phases, Level: co.Level, Hours: float64(co.StudyHours()), StudyMinutes: co.StudyMinutes(),
		Languages: co.Languages, PassMark: co.PassMark, MaxAttempts: co.MaxAttempts}
	if co.Quiz != nil {
		s.Quiz = len(co.Quiz.Questions)
	}
	if full {
		s.Outcomes = co.Outcomes
		for _, l := range co.Lessons {
			titles, minutes := map[string]string{}, map[string]int{}
			for _, lg := range l.Languages {
				titles[lg] = l.Title(lg)
				if v, _ := l.View(lg); v != nil {
					minutes[lg] = v.Minutes
				}
			}
			s.Lessons = append(s.Lessons, lessonSummary{Slug: l.Slug, Number: l.Number, Title: titles, Languages: l.Languages,
				ReadingMinutes: minutes, MinReadingMinutes: l.MinReadingMinutes(), ExerciseMinutes: l.ExerciseMinutes})
		}
	}
	return s
}

func (h *handler) apiListCourses(c *fiber.Ctx) error {
	out := []courseSummary{}
	for _, co := range h.Library.Catalogue().Courses() {
		out = append(out, summarise(co, false))
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiGetCourse(c *fiber.Ctx) error {
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, summarise(co, true))
}

func (h *handler) apiEnrol(c *fiber.Ctx) error {
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	if err := h.mayEnrol(c, co.Slug); err != nil {
		return err
	}
	if err := h.Courses.Enrol(c.UserContext(), user(c).ID, co.Slug); err != nil {
		return err
	}
	p, err := h.Courses.Progress(c.UserContext(), user(c).ID, co.Slug)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, p)
}

func (h *handler) apiLessonDone(c *fiber.Ctx) error {
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	if l, _ := co.FindLesson(c.Params("lesson")); l == nil {
		return problem.NotFound
	}
	if err := h.mayEnrol(c, co.Slug); err != nil {
		return err
	}
	if _, err := h.Courses.MarkDone(c.UserContext(), user(c).ID, co.Slug, c.Params("lesson")); err != nil {
		return h.notReadProblem(c, err)
	}
	p, err := h.Courses.Progress(c.UserContext(), user(c).ID, co.Slug)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, p)
}

func (h *handler) apiMyProgress(c *fiber.Ctx) error {
	ps, err := h.Courses.MyProgress(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []*courses.Progress{}
	}
	return data(c, fiber.StatusOK, ps)
}
