package web

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// The workshops' evaluation surveys (package surveys): staff keep reusable templates
// (web/surveys_templates.go), attach a satisfaction survey, a pre-test and a post-test to a
// workshop and publish them (web/surveys_admin.go); participants answer here; staff and the
// workshop's trainers read the results (web/surveys_results.go); the API is in
// web/surveys_api.go.

// surveyRoutes registers the survey pages under /{lang}.
func (h *handler) surveyRoutes(g fiber.Router) {
	if h.Surveys == nil {
		return
	}
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	readers := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleTrainer)
	g.Get("/surveys/:id", h.requireLogin, h.showSurvey)
	g.Post("/surveys/:id", h.requireLogin, h.answerSurvey)
	g.Get("/admin/surveys/templates", h.requireLogin, staff, h.listSurveyTemplates)
	g.Post("/admin/surveys/templates", h.requireLogin, staff, h.createSurveyTemplate)
	g.Get("/admin/surveys/templates/:id", h.requireLogin, staff, h.showSurveyTemplate)
	g.Post("/admin/surveys/templates/:id", h.requireLogin, staff, h.saveSurveyTemplateTitle)
	g.Post("/admin/surveys/templates/:id/questions", h.requireLogin, staff, h.addSurveyQuestion)
	g.Post("/admin/surveys/templates/:id/questions/:qid/delete", h.requireLogin, staff, h.deleteSurveyQuestion)
	g.Get("/admin/surveys/report", h.requireLogin, staff, h.showSurveyReport)
	g.Get("/admin/surveys/report.xlsx", h.requireLogin, staff, h.exportSurveyReport)
	g.Get("/admin/workshops/:id/surveys", h.requireLogin, staff, h.showWorkshopSurveys)
	g.Post("/admin/workshops/:id/surveys", h.requireLogin, staff, h.attachSurvey)
	g.Post("/admin/workshops/:id/surveys/:sid/publish", h.requireLogin, staff, h.publishSurvey)
	g.Post("/admin/workshops/:id/surveys/:sid/delete", h.requireLogin, staff, h.deleteSurvey)
	g.Get("/admin/workshops/:id/surveys/results", h.requireLogin, readers, h.showSurveyResults)
	g.Get("/admin/workshops/:id/surveys/results.xlsx", h.requireLogin, readers, h.exportSurveyResults)
}

// surveyWorkshop is the workshop named in the URL, for staff or (with trainers true) one of
// its trainers; others get 404 (a trainer of another workshop is not told it exists).
func (h *handler) surveyWorkshop(c *fiber.Ctx, trainers bool) (*workshops.Workshop, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return nil, err
	}
	w, err := h.Workshops.Get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	u := user(c)
	if u.IsStaff() || (trainers && w.HasTrainer(u.ID)) {
		return w, nil
	}
	return nil, problem.NotFound
}

// surveyPage is the page where a participant answers a survey.
type surveyPage struct {
	S        *surveys.Survey
	W        *workshops.Workshop
	Workshop string
	Answered bool
	Open     bool
	Opens    string // when it opens, if that is still to come
	Closes   string
	// Preview: staff and the workshop's trainers see the questions without answering.
	Preview bool
	Chosen  map[string]map[string]bool // question → chosen values, typed back after an error
	Ratings []int
}

// Is reports whether value v of question q was chosen in the typed answers.
func (d surveyPage) Is(q, v string) bool { return d.Chosen[q][v] }

// IsN is Is for a rating.
func (d surveyPage) IsN(q string, n int) bool { return d.Chosen[q][strconv.Itoa(n)] }

// loadSurveyFor returns the survey of the URL and its workshop if the viewer may see it: a
// participant of the workshop (published surveys), its trainers and staff; anyone else 404.
func (h *handler) loadSurveyFor(c *fiber.Ctx) (*surveys.Survey, *workshops.Workshop, bool, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return nil, nil, false, err
	}
	ctx := c.UserContext()
	sv, err := h.Surveys.Survey(ctx, id)
	if err != nil {
		return nil, nil, false, err
	}
	w, err := h.Workshops.Get(ctx, sv.WorkshopID)
	if err != nil {
		return nil, nil, false, err
	}
	u := user(c)
	if u.IsStaff() || w.HasTrainer(u.ID) {
		return sv, w, true, nil
	}
	ok, err := h.Surveys.Participant(ctx, w.ID, u.ID)
	if err != nil {
		return nil, nil, false, err
	}
	if !ok || sv.Status != surveys.StatusPublished {
		return nil, nil, false, problem.NotFound
	}
	return sv, w, false, nil
}

func (h *handler) showSurvey(c *fiber.Ctx) error {
	sv, w, preview, err := h.loadSurveyFor(c)
	if err != nil {
		return err
	}
	return h.surveyForm(c, fiber.StatusOK, sv, w, preview, nil, nil)
}

func (h *handler) surveyForm(c *fiber.Ctx, status int, sv *surveys.Survey, w *workshops.Workshop, preview bool, typed surveys.Answers, errs map[string]string) error {
	l := lang(c)
	u := user(c)
	d := surveyPage{S: publicSurvey(sv, u), W: w, Workshop: w.TitleIn(l), Preview: preview, Open: surveys.OpenAt(sv, w, h.Surveys.Now()),
		Chosen: map[string]map[string]bool{}, Ratings: []int{1, 2, 3, 4, 5}}
	if c := surveys.ClosesAt(sv, w); c != nil {
		d.Closes = workshops.FormatDateTime(l, *c, w.Location())
	}
	if o := surveys.OpensAt(sv, w); o != nil && h.Surveys.Now().Before(*o) {
		d.Opens = workshops.FormatDateTime(l, *o, w.Location())
	}
	if !preview {
		var err error
		if d.Answered, err = h.Surveys.Answered(c.UserContext(), sv.ID, u.ID); err != nil {
			return err
		}
	}
	form := map[string]string{}
	for q, vals := range typed {
		d.Chosen[q] = map[string]bool{}
		for _, v := range vals {
			d.Chosen[q][v] = true
		}
		if len(vals) > 0 {
			form[q] = vals[0]
		}
	}
	v := h.view(c, "")
	v.Title = sv.TitleIn(l) + " · " + d.Workshop
	v.Form, v.Errors = form, errs
	v.Data = d
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, status, "survey", v)
}

// publicSurvey is the survey as u may see it: a test's right answers only for staff and the
// workshop's trainers.
func publicSurvey(sv *surveys.Survey, u *officials.Official) *surveys.Survey {
	if u.IsStaff() {
		return sv
	}
	cp := *sv
	cp.Questions = make([]surveys.Question, len(sv.Questions))
	for i, q := range sv.Questions {
		q.Options = slices.Clone(q.Options)
		for j := range q.Options {
			q.Options[j].Correct = false
		}
		cp.Questions[i] = q
	}
	return &cp
}

// answersOfForm reads the answers of a survey form: each question's field is named by its id.
func answersOfForm(c *fiber.Ctx, sv *surveys.Survey) surveys.Answers {
	out := surveys.Answers{}
	args := c.Request().PostArgs()
	for _, q := range sv.Questions {
		var vals []string
		for _, b := range args.PeekMulti(q.ID) {
			vals = append(vals, string(b))
		}
		if len(vals) > 0 {
			out[q.ID] = vals
		}
	}
	return out
}

func (h *handler) answerSurvey(c *fiber.Ctx) error {
	sv, w, preview, err := h.loadSurveyFor(c)
	if err != nil {
		return err
	}
	if preview {
		// Staff and trainers who are not participants see the form but do not answer.
		ok, err := h.Surveys.Participant(c.UserContext(), w.ID, user(c).ID)
		if err != nil {
			return err
		}
		if !ok {
			return surveys.ErrNotParticipant
		}
	}
	typed := answersOfForm(c, sv)
	if _, err := h.Surveys.Respond(c.UserContext(), sv.ID, user(c).ID, typed); err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		if key != "" && len(fields) == 0 {
			return err
		}
		return h.surveyForm(c, status, sv, w, false, typed, fields)
	}
	h.setFlash(c, "surveys.answer.thanks")
	return c.Redirect("/"+lang(c)+"/surveys/"+strconv.FormatInt(sv.ID, 10), fiber.StatusSeeOther)
}

// surveyOf is the survey named by :sid in the URL, which must be one of workshop w.
func (h *handler) surveyOf(c *fiber.Ctx, w *workshops.Workshop) (*surveys.Survey, error) {
	sid, err := parseID(c.Params("sid"))
	if err != nil {
		return nil, err
	}
	sv, err := h.Surveys.Survey(c.UserContext(), sid)
	if err != nil {
		return nil, err
	}
	if sv.WorkshopID != w.ID {
		return nil, problem.NotFound
	}
	return sv, nil
}

// parseLocalTime reads a datetime-local value in the workshop's zone; "" is nil.
func parseLocalTime(v string, loc *time.Location) (*time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
	if err != nil {
		return nil, false
	}
	t = t.UTC()
	return &t, true
}

// mySurveysSection lists, on the profile page, the surveys open to the official that they have
// not answered yet (the mailed link is not the only way in).
func (h *handler) mySurveysSection(ctx context.Context, u *officials.Official, l string) (*meSection, error) {
	if h.Surveys == nil {
		return nil, nil
	}
	list, err := h.Surveys.Pending(ctx, u.ID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	sec := &meSection{TitleKey: "surveys.me.title"}
	for _, sv := range list {
		w, err := h.Workshops.Get(ctx, sv.WorkshopID)
		if err != nil {
			return nil, err
		}
		note := h.cat.T(l, "surveys.kind."+sv.Kind) + " · " + w.TitleIn(l)
		if c := surveys.ClosesAt(sv, w); c != nil {
			note += " · " + h.cat.T(l, "surveys.me.closes", "when", workshops.FormatDateTime(l, *c, w.Location()))
		}
		sec.Items = append(sec.Items, meItem{Label: sv.TitleIn(l), Href: "/" + l + "/surveys/" + strconv.FormatInt(sv.ID, 10), Note: note})
	}
	return sec, nil
}
