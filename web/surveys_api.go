package web

import (
	"maps"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/surveys"
)

// apiSurveyRoutes is the surveys' JSON API, with the pages' checks (surveys_openapi.go
// describes it).
func (h *handler) apiSurveyRoutes(api fiber.Router) {
	if h.Surveys == nil {
		return
	}
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	readers := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleTrainer)
	api.Get("/survey-templates", staff, h.apiSurveyTemplates)
	api.Post("/survey-templates", staff, h.apiCreateSurveyTemplate)
	api.Get("/survey-templates/:id", staff, h.apiSurveyTemplate)
	api.Put("/survey-templates/:id", staff, h.apiUpdateSurveyTemplate)
	api.Get("/survey-report", staff, h.apiSurveyReport)
	api.Get("/workshops/:id/surveys", readers, h.apiWorkshopSurveys)
	api.Post("/workshops/:id/surveys", staff, h.apiAttachSurvey)
	api.Get("/workshops/:id/survey-results", readers, h.apiSurveyResults)
	api.Get("/surveys/:id", h.requireAPIUser, h.apiSurvey)
	api.Delete("/surveys/:id", staff, h.apiDeleteSurvey)
	api.Post("/surveys/:id/publish", staff, h.apiPublishSurvey)
	api.Post("/surveys/:id/responses", h.requireAPIUser, h.apiRespondSurvey)
}

func (h *handler) apiSurveyTemplates(c *fiber.Ctx) error {
	list, err := h.Surveys.Templates(c.UserContext())
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, list)
}

func (h *handler) apiCreateSurveyTemplate(c *fiber.Ctx) error {
	var in surveys.Input
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Surveys.CreateTemplate(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, t)
}

func (h *handler) apiSurveyTemplate(c *fiber.Ctx) error {
	t, err := h.surveyTemplate(c)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, t)
}

func (h *handler) apiUpdateSurveyTemplate(c *fiber.Ctx) error {
	t, err := h.surveyTemplate(c)
	if err != nil {
		return err
	}
	var in surveys.Input
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	t, err = h.Surveys.UpdateTemplate(c.UserContext(), t.ID, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, t)
}

func (h *handler) apiWorkshopSurveys(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, true)
	if err != nil {
		return err
	}
	list, err := h.Surveys.Surveys(c.UserContext(), w.ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, list)
}

func (h *handler) apiAttachSurvey(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, false)
	if err != nil {
		return err
	}
	var in surveys.AttachInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	sv, err := h.Surveys.Attach(c.UserContext(), w.ID, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, sv)
}

// apiSurveyOf is the survey of the URL for staff, as apiDeleteSurvey and apiPublishSurvey act on it.
func (h *handler) apiSurveyOf(c *fiber.Ctx) (*surveys.Survey, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return nil, err
	}
	return h.Surveys.Survey(c.UserContext(), id)
}

func (h *handler) apiPublishSurvey(c *fiber.Ctx) error {
	sv, err := h.apiSurveyOf(c)
	if err != nil {
		return err
	}
	sv, err = h.Surveys.Publish(c.UserContext(), actor(c), sv.ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, sv)
}

func (h *handler) apiDeleteSurvey(c *fiber.Ctx) error {
	sv, err := h.apiSurveyOf(c)
	if err != nil {
		return err
	}
	if err := h.Surveys.Remove(c.UserContext(), sv.ID); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, fiber.Map{"id": sv.ID, "removed": true})
}

// surveyForAPI is a survey as the API gives it to the one who answers it.
type surveyForAPI struct {
	*surveys.Survey
	Open     bool `json:"open"`
	Answered bool `json:"answered"`
}

func (h *handler) apiSurvey(c *fiber.Ctx) error {
	sv, w, preview, err := h.loadSurveyFor(c)
	if err != nil {
		return err
	}
	out := surveyForAPI{Survey: publicSurvey(sv, user(c)), Open: surveys.OpenAt(sv, w, h.Surveys.Now())}
	if !preview {
		if out.Answered, err = h.Surveys.Answered(c.UserContext(), sv.ID, user(c).ID); err != nil {
			return err
		}
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiRespondSurvey(c *fiber.Ctx) error {
	sv, _, _, err := h.loadSurveyFor(c)
	if err != nil {
		return err
	}
	var in struct {
		Answers surveys.Answers `json:"answers"`
	}
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	score, err := h.Surveys.Respond(c.UserContext(), sv.ID, user(c).ID, in.Answers)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, fiber.Map{"survey_id": sv.ID, "answered": true, "score": score})
}

func (h *handler) apiSurveyResults(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, true)
	if err != nil {
		return err
	}
	res, err := h.Surveys.Results(c.UserContext(), w.ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, res)
}

// reportFigureJSON is a line of the programme's report in the API.
type reportFigureJSON struct {
	WorkshopID   int64    `json:"workshop_id,omitempty"`
	Country      *string  `json:"country,omitempty"`
	Phase        int      `json:"phase,omitempty"`
	Responses    int      `json:"satisfaction_responses"`
	Ratings      int      `json:"ratings"`
	Satisfaction *float64 `json:"satisfaction"`
	Pairs        int      `json:"pairs"`
	MeanPre      *float64 `json:"mean_pre"`
	MeanPost     *float64 `json:"mean_post"`
	MeanGain     *float64 `json:"mean_gain"`
}

func figureJSON(f surveys.Figure) reportFigureJSON {
	return reportFigureJSON{Responses: f.Responses, Ratings: f.Ratings, Satisfaction: f.Satisfaction(), Pairs: f.Pairs,
		MeanPre: f.MeanPre(), MeanPost: f.MeanPost(), MeanGain: f.MeanGain()}
}

func (h *handler) apiSurveyReport(c *fiber.Ctx) error {
	rep, err := h.Surveys.Report(c.UserContext())
	if err != nil {
		return err
	}
	out := struct {
		Workshops []reportFigureJSON `json:"by_workshop"`
		Countries []reportFigureJSON `json:"by_country"`
		Phases    []reportFigureJSON `json:"by_phase"`
		Total     reportFigureJSON   `json:"total"`
	}{Workshops: []reportFigureJSON{}, Countries: []reportFigureJSON{}, Phases: []reportFigureJSON{}, Total: figureJSON(rep.Total)}
	for _, w := range rep.Workshops {
		f := figureJSON(w.Figure)
		f.WorkshopID = w.Workshop.ID
		out.Workshops = append(out.Workshops, f)
	}
	for _, iso := range slices.Sorted(maps.Keys(rep.Countries)) {
		f := figureJSON(*rep.Countries[iso])
		f.Country = &iso
		out.Countries = append(out.Countries, f)
	}
	for p := 1; p <= 4; p++ {
		if fig, ok := rep.Phases[p]; ok {
			f := figureJSON(*fig)
			f.Phase = p
			out.Phases = append(out.Phases, f)
		}
	}
	return data(c, fiber.StatusOK, out)
}
