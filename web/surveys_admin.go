package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// A workshop's surveys for staff: the list, a form to attach a copy of a template as the
// satisfaction survey, the pre-test or the post-test, and publishing (audited).

type workshopSurveysPage struct {
	W         *workshops.Workshop
	Workshop  string
	Surveys   []*surveys.Survey
	Templates []*surveys.Template
	Kinds     []string
	Closes    map[int64]string // when each survey stops taking answers, in the host's zone
	Zone      string           // the host's zone, for the form's times
}

// Link is the survey's page, where participants answer it (staff see it as a preview).
func (d workshopSurveysPage) Link(sv *surveys.Survey) string {
	return "/surveys/" + strconv.FormatInt(sv.ID, 10)
}

func (h *handler) showWorkshopSurveys(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, false)
	if err != nil {
		return err
	}
	return h.workshopSurveysForm(c, fiber.StatusOK, w, map[string]string{"anonymous": "1"}, nil, "")
}

func (h *handler) workshopSurveysForm(c *fiber.Ctx, status int, w *workshops.Workshop, form, errs map[string]string, key string) error {
	ctx := c.UserContext()
	l := lang(c)
	list, err := h.Surveys.Surveys(ctx, w.ID)
	if err != nil {
		return err
	}
	tpls, err := h.Surveys.Templates(ctx)
	if err != nil {
		return err
	}
	d := workshopSurveysPage{W: w, Workshop: w.TitleIn(l), Surveys: list, Templates: tpls, Kinds: surveys.Kinds,
		Closes: map[int64]string{}, Zone: workshops.ZoneLabel(l, w.Timezone, w.Start())}
	for _, sv := range list {
		if t := surveys.ClosesAt(sv, w); t != nil {
			d.Closes[sv.ID] = workshops.FormatDateTime(l, *t, w.Location())
		}
	}
	v := h.view(c, "")
	v.Title = h.cat.T(l, "surveys.workshop.title") + " · " + d.Workshop
	v.Form, v.Errors, v.ErrorKey = form, errs, key
	v.Data = d
	return h.render(c, status, "admin_workshop_surveys", v)
}

func (h *handler) attachSurvey(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, false)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"kind", "template_id", "anonymous", "certificate_gate", "opens_at", "closes_at"} {
		form[k] = c.FormValue(k)
	}
	in := surveys.AttachInput{Kind: form["kind"], Anonymous: form["anonymous"] == "1", CertificateGate: form["certificate_gate"] == "1"}
	f := problem.Fields{}
	if form["template_id"] != "" {
		id, err := strconv.ParseInt(form["template_id"], 10, 64)
		if err != nil {
			f.Add("template_id", "surveys.error.template_required")
		}
		in.TemplateID = id
	}
	var ok bool
	if in.OpensAt, ok = parseLocalTime(form["opens_at"], w.Location()); !ok {
		f.Add("opens_at", "surveys.error.time")
	}
	if in.ClosesAt, ok = parseLocalTime(form["closes_at"], w.Location()); !ok {
		f.Add("closes_at", "surveys.error.time")
	}
	if len(f) > 0 {
		return h.workshopSurveysForm(c, fiber.StatusUnprocessableEntity, w, form, f, "")
	}
	if _, err := h.Surveys.Attach(c.UserContext(), w.ID, in); err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		return h.workshopSurveysForm(c, status, w, form, fields, key)
	}
	h.setFlash(c, "surveys.workshop.attached")
	return c.Redirect("/"+lang(c)+"/admin/workshops/"+strconv.FormatInt(w.ID, 10)+"/surveys", fiber.StatusSeeOther)
}

func (h *handler) publishSurvey(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, false)
	if err != nil {
		return err
	}
	sv, err := h.surveyOf(c, w)
	if err != nil {
		return err
	}
	if _, err := h.Surveys.Publish(c.UserContext(), actor(c), sv.ID); err != nil {
		_, key, status, ok := formError(err)
		if !ok {
			return err
		}
		return h.workshopSurveysForm(c, status, w, map[string]string{"anonymous": "1"}, nil, key)
	}
	h.setFlash(c, "surveys.workshop.published")
	return c.Redirect("/"+lang(c)+"/admin/workshops/"+strconv.FormatInt(w.ID, 10)+"/surveys", fiber.StatusSeeOther)
}

func (h *handler) deleteSurvey(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, false)
	if err != nil {
		return err
	}
	sv, err := h.surveyOf(c, w)
	if err != nil {
		return err
	}
	if err := h.Surveys.Remove(c.UserContext(), sv.ID); err != nil {
		_, key, status, ok := formError(err)
		if !ok {
			return err
		}
		return h.workshopSurveysForm(c, status, w, map[string]string{"anonymous": "1"}, nil, key)
	}
	h.setFlash(c, "surveys.workshop.removed")
	return c.Redirect("/"+lang(c)+"/admin/workshops/"+strconv.FormatInt(w.ID, 10)+"/surveys", fiber.StatusSeeOther)
}
