package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/surveys"
)

// The reusable survey templates: a list with a form for a new one, and a template's page,
// where its title is edited and questions are added and removed (no script needed).

type surveyTemplatesPage struct {
	Templates []*surveys.Template
	Kinds     []string
}

func (h *handler) listSurveyTemplates(c *fiber.Ctx) error {
	return h.surveyTemplatesForm(c, fiber.StatusOK, map[string]string{"kind": surveys.TemplateSatisfaction}, nil)
}

func (h *handler) surveyTemplatesForm(c *fiber.Ctx, status int, form, errs map[string]string) error {
	list, err := h.Surveys.Templates(c.UserContext())
	if err != nil {
		return err
	}
	v := h.view(c, "surveys.templates.title")
	v.Form, v.Errors = form, errs
	v.Data = surveyTemplatesPage{Templates: list, Kinds: surveys.TemplateKinds}
	return h.render(c, status, "admin_survey_templates", v)
}

// textsOf reads the ar, en and fr values of a field of the form.
func textsOf(c *fiber.Ctx, field string, form map[string]string) map[string]string {
	m := map[string]string{}
	for _, l := range surveys.Langs {
		v := c.FormValue(field + "_" + l)
		form[field+"_"+l] = v
		m[l] = v
	}
	return m
}

func (h *handler) createSurveyTemplate(c *fiber.Ctx) error {
	form := map[string]string{"kind": c.FormValue("kind")}
	in := surveys.Input{Kind: form["kind"], Title: textsOf(c, "title", form)}
	t, err := h.Surveys.CreateTemplate(c.UserContext(), actor(c), in)
	if err != nil {
		fields, _, status, ok := formError(err)
		if !ok || len(fields) == 0 {
			return err
		}
		return h.surveyTemplatesForm(c, status, form, fields)
	}
	h.setFlash(c, "surveys.templates.created")
	return c.Redirect("/"+lang(c)+"/admin/surveys/templates/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

type surveyTemplatePage struct {
	T     *surveys.Template
	Kinds []string // the kinds of question the template takes
	Langs []string
}

func (h *handler) surveyTemplate(c *fiber.Ctx) (*surveys.Template, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return nil, err
	}
	return h.Surveys.Template(c.UserContext(), id)
}

func (h *handler) showSurveyTemplate(c *fiber.Ctx) error {
	t, err := h.surveyTemplate(c)
	if err != nil {
		return err
	}
	form := map[string]string{"title_ar": t.Title["ar"], "title_en": t.Title["en"], "title_fr": t.Title["fr"], "kind": surveys.QSingle}
	if t.Kind == surveys.TemplateSatisfaction {
		form["kind"] = surveys.QRating
	}
	return h.surveyTemplateForm(c, fiber.StatusOK, t, form, nil)
}

func (h *handler) surveyTemplateForm(c *fiber.Ctx, status int, t *surveys.Template, form, errs map[string]string) error {
	d := surveyTemplatePage{T: t, Kinds: surveys.QuestionKinds, Langs: surveys.Langs}
	if t.Kind == surveys.TemplateTest {
		d.Kinds = []string{surveys.QSingle, surveys.QMultiple}
	}
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "surveys.template.title", "title", t.TitleIn(lang(c)))
	v.Form, v.Errors = form, errs
	v.Data = d
	return h.render(c, status, "admin_survey_template", v)
}

func (h *handler) saveSurveyTemplateTitle(c *fiber.Ctx) error {
	t, err := h.surveyTemplate(c)
	if err != nil {
		return err
	}
	form := map[string]string{}
	title := textsOf(c, "title", form)
	if _, err := h.Surveys.UpdateTemplate(c.UserContext(), t.ID, surveys.Input{Title: title, Questions: t.Questions}); err != nil {
		fields, _, status, ok := formError(err)
		if !ok || len(fields) == 0 {
			return err
		}
		return h.surveyTemplateForm(c, status, t, form, fields)
	}
	h.setFlash(c, "surveys.template.saved")
	return c.Redirect("/"+lang(c)+"/admin/surveys/templates/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// questionOfForm reads the new question's fields: kind, text_{ar,en,fr}, options_{ar,en,fr}
// (one option a line; English and French, when given, as many lines as Arabic) and, for a
// test, correct (the numbers of the right options: "2" or "1, 3").
func questionOfForm(c *fiber.Ctx, tplKind string, form map[string]string, f problem.Fields) surveys.Question {
	q := surveys.Question{Kind: c.FormValue("kind")}
	form["kind"] = q.Kind
	q.Text = textsOf(c, "text", form)
	opts := map[string][]string{}
	for _, l := range surveys.Langs {
		v := c.FormValue("options_" + l)
		form["options_"+l] = v
		opts[l] = lines(v)
	}
	n := len(opts["ar"])
	for _, l := range []string{"en", "fr"} {
		if len(opts[l]) > 0 && len(opts[l]) != n {
			f.Add("options_"+l, "surveys.error.options_lines")
		}
	}
	form["correct"] = c.FormValue("correct")
	right := map[int]bool{}
	if tplKind == surveys.TemplateTest && strings.TrimSpace(form["correct"]) != "" {
		for _, p := range strings.FieldsFunc(form["correct"], func(r rune) bool { return r == ',' || r == '،' || r == ' ' || r == ';' }) {
			k, err := strconv.Atoi(p)
			if err != nil || k < 1 || k > n {
				f.Add("correct", "surveys.error.correct_numbers")
				break
			}
			right[k] = true
		}
	}
	for i := range n {
		o := surveys.Option{Text: map[string]string{}, Correct: right[i+1]}
		for _, l := range surveys.Langs {
			if i < len(opts[l]) {
				o.Text[l] = opts[l][i]
			}
		}
		q.Options = append(q.Options, o)
	}
	return q
}

func (h *handler) addSurveyQuestion(c *fiber.Ctx) error {
	t, err := h.surveyTemplate(c)
	if err != nil {
		return err
	}
	form := map[string]string{"title_ar": t.Title["ar"], "title_en": t.Title["en"], "title_fr": t.Title["fr"]}
	f := problem.Fields{}
	q := questionOfForm(c, t.Kind, form, f)
	if len(t.Questions) >= surveys.MaxQuestions {
		f.Add("text_ar", "surveys.error.questions_many")
	}
	surveys.CheckQuestion(f, "", t.Kind, q)
	if len(f) > 0 {
		return h.surveyTemplateForm(c, fiber.StatusUnprocessableEntity, t, form, f)
	}
	qs := append(append([]surveys.Question{}, t.Questions...), q)
	if _, err := h.Surveys.UpdateTemplate(c.UserContext(), t.ID, surveys.Input{Title: t.Title, Questions: qs}); err != nil {
		return err
	}
	h.setFlash(c, "surveys.template.question_added")
	return c.Redirect("/"+lang(c)+"/admin/surveys/templates/"+strconv.FormatInt(t.ID, 10)+"#questions", fiber.StatusSeeOther)
}

func (h *handler) deleteSurveyQuestion(c *fiber.Ctx) error {
	t, err := h.surveyTemplate(c)
	if err != nil {
		return err
	}
	qid := c.Params("qid")
	var qs []surveys.Question
	for _, q := range t.Questions {
		if q.ID != qid {
			qs = append(qs, q)
		}
	}
	if len(qs) == len(t.Questions) {
		return problem.NotFound
	}
	if _, err := h.Surveys.UpdateTemplate(c.UserContext(), t.ID, surveys.Input{Title: t.Title, Questions: qs}); err != nil {
		return err
	}
	h.setFlash(c, "surveys.template.question_removed")
	return c.Redirect("/"+lang(c)+"/admin/surveys/templates/"+strconv.FormatInt(t.ID, 10)+"#questions", fiber.StatusSeeOther)
}
