package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// The registration questions and visa letters in the API, with the pages' checks.
func (h *handler) apiQuestionRoutes(api fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	api.Get("/workshops/:id/questions", h.requireAPIUser, h.apiListQuestions)
	api.Post("/workshops/:id/questions", staff, h.apiCreateQuestion)
	api.Put("/workshops/:id/questions/:qid", staff, h.apiSaveQuestion)
	api.Delete("/workshops/:id/questions/:qid", staff, h.apiDeleteQuestion)
	api.Get("/registrations/:id/answers/:qid", h.requireAPIUser, h.downloadAnswerFile)
	api.Get("/workshops/:id/invitation-letter-template", staff, h.apiGetVisaTemplate)
	api.Put("/workshops/:id/invitation-letter-template", staff, h.apiPutVisaTemplate)
	api.Get("/workshops/:id/invitation-letters.zip", staff, h.downloadVisaLetters)
	api.Get("/registrations/:id/invitation-letter", h.requireAPIUser, h.downloadVisaLetter)
	api.Post("/registrations/:id/invitation-letter", h.requireAPIUser, h.apiIssueVisaLetter)
}

// apiAnswers reads a registration body's answers.
func apiAnswers(c *fiber.Ctx, b registrationBody) (workshops.Answers, error) {
	ans := workshops.Answers{Lang: lang(c), Values: map[int64]workshops.AnswerInput{}}
	for k, raw := range b.Answers {
		field := "q" + k
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || id <= 0 {
			return ans, problem.Fields{field: "workshops.questions.error.unknown"}.Err()
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			ans.Values[id] = workshops.AnswerInput{Value: s}
			continue
		}
		var f struct {
			Filename string `json:"filename"`
			Content  string `json:"content_base64"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return ans, problem.Fields{field: "workshops.questions.error.answer_shape"}.Err()
		}
		if base64.StdEncoding.DecodedLen(len(f.Content)) > workshops.MaxAnswerFileBytes+3 {
			return ans, problem.Fields{field: "workshops.questions.error.file_too_large"}.Err()
		}
		data, err := base64.StdEncoding.DecodeString(f.Content)
		if err != nil {
			return ans, problem.Fields{field: "workshops.questions.error.base64"}.Err()
		}
		ans.Values[id] = workshops.AnswerInput{Filename: f.Filename, Data: data}
	}
	return ans, nil
}

// apiListQuestions lists a workshop's questions (archived ones too for staff, with ?all=1).
func (h *handler) apiListQuestions(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	qs, err := h.Workshops.Questions(c.UserContext(), w.ID, user(c).IsStaff() && c.Query("all") == "1")
	if err != nil {
		return err
	}
	if !user(c).IsStaff() {
		for _, q := range qs {
			q.Answered = 0
		}
	}
	return data(c, fiber.StatusOK, qs)
}

func (h *handler) apiCreateQuestion(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	var in workshops.QuestionInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	q, err := h.Workshops.SaveQuestion(c.UserContext(), user(c), w.ID, 0, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, q)
}

func (h *handler) apiQuestionID(c *fiber.Ctx) (*workshops.Workshop, int64, error) {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return nil, 0, err
	}
	qid, err := parseID(c.Params("qid"))
	return w, qid, err
}

func (h *handler) apiSaveQuestion(c *fiber.Ctx) error {
	w, qid, err := h.apiQuestionID(c)
	if err != nil {
		return err
	}
	if _, err := h.Workshops.Question(c.UserContext(), w.ID, qid); err != nil {
		return err
	}
	var in workshops.QuestionInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	q, err := h.Workshops.SaveQuestion(c.UserContext(), user(c), w.ID, qid, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, q)
}

func (h *handler) apiDeleteQuestion(c *fiber.Ctx) error {
	w, qid, err := h.apiQuestionID(c)
	if err != nil {
		return err
	}
	archived, err := h.Workshops.DeleteQuestion(c.UserContext(), user(c), w.ID, qid)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, fiber.Map{"id": qid, "archived": archived})
}

// visaTemplateBody is the wording of a workshop's letters: body keyed by language, the
// platform's wording in default.
type visaTemplateBody struct {
	Body    map[string]string `json:"body"`
	Default map[string]string `json:"default,omitempty"`
}

func (h *handler) apiGetVisaTemplate(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	t, err := h.Workshops.VisaTemplate(c.UserContext(), w.ID)
	if err != nil {
		return err
	}
	def := map[string]string{}
	for _, l := range []string{"ar", "en", "fr"} {
		def[l] = h.cat.T(l, "workshops.visa.default_body")
	}
	return data(c, fiber.StatusOK, fiber.Map{"workshop_id": t.WorkshopID, "body": t.Body, "updated_at": t.UpdatedAt,
		"default": def, "placeholders": workshops.VisaPlaceholders})
}

func (h *handler) apiPutVisaTemplate(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	var b visaTemplateBody
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	t, err := h.Workshops.SaveVisaTemplate(c.UserContext(), user(c), w.ID, b.Body)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, t)
}

// apiIssueVisaLetter issues a registration's letter: {"lang": "ar"|"en"|"fr"} (empty: the
// person's language).
func (h *handler) apiIssueVisaLetter(c *fiber.Ctx) error {
	rid, err := parseID(c.Params("id"))
	if err != nil {
		return err
	}
	var b struct {
		Lang string `json:"lang"`
	}
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := bodyJSON(c, &b); err != nil {
			return err
		}
	}
	b.Lang = strings.TrimSpace(b.Lang)
	if b.Lang != "" && validLang(b.Lang) == "" {
		return problem.Fields{"lang": "field.choose"}.Err()
	}
	l, err := h.Workshops.IssueVisaLetter(c.UserContext(), user(c), rid, b.Lang, h.renderLetter)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, l)
}
