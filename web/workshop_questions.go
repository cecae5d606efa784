package web

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// Registration questions: staff manage a workshop's questions; the application form and the
// delegation's nomination form ask them; the registrations page shows the answers.

// questionRoutes registers the questions' pages. They come before /registrations/:rid/:action.
func (h *handler) questionRoutes(g fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	g.Get("/admin/workshops/:id/questions", h.requireLogin, staff, h.showQuestions)
	g.Post("/admin/workshops/:id/questions", h.requireLogin, staff, h.createQuestion)
	g.Get("/admin/workshops/:id/questions/:qid", h.requireLogin, staff, h.showEditQuestion)
	g.Post("/admin/workshops/:id/questions/:qid", h.requireLogin, staff, h.saveQuestion)
	g.Post("/admin/workshops/:id/questions/:qid/delete", h.requireLogin, staff, h.deleteQuestion)
	g.Get("/registrations/:id/answers/:qid", h.requireLogin, h.downloadAnswerFile)
	h.visaRoutes(g)
}

// questionField is a question as a form asks it.
type questionField struct {
	Q       *workshops.Question
	Field   string // form field: q12
	Label   string
	Options [][2]string // a choice's options: key, label
}

// questionFields are workshop wid's live questions for a form in lang, and whether one of
// them takes a file (the form is then multipart).
func (h *handler) questionFields(ctx context.Context, wid int64, lang string) ([]questionField, bool, error) {
	qs, err := h.Workshops.Questions(ctx, wid, false)
	if err != nil {
		return nil, false, err
	}
	var out []questionField
	file := false
	for _, q := range qs {
		f := questionField{Q: q, Field: q.Field(), Label: q.LabelIn(lang)}
		for _, o := range q.Options {
			f.Options = append(f.Options, [2]string{o.Key, o.LabelIn(lang)})
		}
		file = file || q.Kind == workshops.QuestionFile
		out = append(out, f)
	}
	return out, file, nil
}

// answersFromForm reads the answers to qs from the form (a file question's upload too) and
// adds the typed values to form, for showing the form again.
func answersFromForm(c *fiber.Ctx, fields []questionField, form map[string]string) (workshops.Answers, error) {
	ans := workshops.Answers{Lang: lang(c), Values: map[int64]workshops.AnswerInput{}}
	for _, f := range fields {
		if f.Q.Kind != workshops.QuestionFile {
			v := c.FormValue(f.Field)
			form[f.Field] = v
			ans.Values[f.Q.ID] = workshops.AnswerInput{Value: v}
			continue
		}
		fh, err := c.FormFile(f.Field)
		if err != nil || fh.Size == 0 {
			continue // no file chosen: a required question says so
		}
		if fh.Size > workshops.MaxAnswerFileBytes {
			return ans, problem.Fields{f.Field: "workshops.questions.error.file_too_large"}.Err()
		}
		r, err := fh.Open()
		if err != nil {
			return ans, err
		}
		data, err := io.ReadAll(io.LimitReader(r, workshops.MaxAnswerFileBytes+1))
		r.Close()
		if err != nil {
			return ans, err
		}
		ans.Values[f.Q.ID] = workshops.AnswerInput{Filename: fh.Filename, Data: data}
	}
	return ans, nil
}

// formProblem is formError keeping a refusal's own message when it names something (the
// questions left unanswered): its key and arguments along with the fields.
func formProblem(err error) (fields map[string]string, key string, args []any, status int, ok bool) {
	fields, key, status, ok = formError(err)
	if p, isP := problem.As(err); ok && isP && len(p.Args) > 0 {
		key, args = p.Key, p.Args
	}
	return fields, key, args, status, ok
}

// questionsPage is the staff's page of a workshop's questions.
type questionsPage struct {
	workshopCard
	Rows     []questionRow
	Edit     *workshops.Question // the question being edited; nil: the form adds one
	Kinds    []string
	Purposes []string
}

type questionRow struct {
	Q       *workshops.Question
	Label   string
	Kind    string
	Purpose string
	Options string
}

func (h *handler) questionsPageData(c *fiber.Ctx, w *workshops.Workshop) (questionsPage, error) {
	l := lang(c)
	d := questionsPage{workshopCard: h.workshopCardOf(c.UserContext(), w, l), Kinds: workshops.QuestionKinds, Purposes: workshops.Purposes}
	qs, err := h.Workshops.Questions(c.UserContext(), w.ID, true)
	if err != nil {
		return d, err
	}
	for _, q := range qs {
		row := questionRow{Q: q, Label: q.LabelIn(l), Kind: h.cat.T(l, "workshops.questions.kind."+q.Kind)}
		if q.Purpose != "" {
			row.Purpose = h.cat.T(l, "workshops.questions.purpose."+q.Purpose)
		}
		var opts []string
		for _, o := range q.Options {
			opts = append(opts, o.LabelIn(l))
		}
		row.Options = strings.Join(opts, listSep(l))
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// regQuestionFormValues is a question as its form shows it.
func regQuestionFormValues(in workshops.QuestionInput) map[string]string {
	m := map[string]string{"kind": in.Kind, "purpose": in.Purpose, "position": strconv.Itoa(in.Position),
		"options": workshops.OptionLines(in.Options)}
	for _, l := range []string{"ar", "en", "fr"} {
		m["label_"+l] = in.Label[l]
	}
	if in.Required {
		m["required"] = "1"
	}
	return m
}

// questionInputFromForm reads the question form.
func questionInputFromForm(c *fiber.Ctx) (workshops.QuestionInput, map[string]string) {
	form := typed(c, "kind", "purpose", "position", "options", "label_ar", "label_en", "label_fr", "required")
	in := workshops.QuestionInput{Kind: form["kind"], Purpose: form["purpose"], Required: form["required"] != "",
		Label:   map[string]string{"ar": form["label_ar"], "en": form["label_en"], "fr": form["label_fr"]},
		Options: workshops.ParseOptionLines(form["options"])}
	if p := strings.TrimSpace(form["position"]); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			n = -1
		}
		in.Position = n
	}
	return in, form
}

func (h *handler) renderQuestions(c *fiber.Ctx, w *workshops.Workshop, edit *workshops.Question, status int, form map[string]string, err error) error {
	d, derr := h.questionsPageData(c, w)
	if derr != nil {
		return derr
	}
	d.Edit = edit
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "workshops.questions.title") + " · " + d.Title
	if form == nil {
		form = map[string]string{"position": strconv.Itoa(10 * (len(d.Rows) + 1))}
		if edit != nil {
			form = regQuestionFormValues(workshops.InputOf(edit))
		}
	}
	v.Form, v.Data = form, d
	if err != nil {
		fields, key, args, st, ok := formProblem(err)
		if !ok {
			return err
		}
		v.Errors, v.ErrorKey, v.ErrArgs, status = fields, key, h.localArgs(c, args), st
	}
	return h.render(c, status, "admin_workshop_questions", v)
}

func (h *handler) showQuestions(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	return h.renderQuestions(c, w, nil, fiber.StatusOK, nil, nil)
}

func (h *handler) questionsURL(c *fiber.Ctx, wid int64) string {
	return fmt.Sprintf("/%s/admin/workshops/%d/questions", lang(c), wid)
}

func (h *handler) createQuestion(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	in, form := questionInputFromForm(c)
	if _, err := h.Workshops.SaveQuestion(c.UserContext(), user(c), w.ID, 0, in); err != nil {
		return h.renderQuestions(c, w, nil, 0, form, err)
	}
	h.setFlash(c, "workshops.questions.flash.saved")
	return c.Redirect(h.questionsURL(c, w.ID), fiber.StatusSeeOther)
}

// loadQuestion is the question named in the URL, of the workshop named in it.
func (h *handler) loadQuestion(c *fiber.Ctx) (*workshops.Workshop, *workshops.Question, error) {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return nil, nil, err
	}
	qid, err := parseID(c.Params("qid"))
	if err != nil {
		return nil, nil, err
	}
	q, err := h.Workshops.Question(c.UserContext(), w.ID, qid)
	if err != nil {
		return nil, nil, err
	}
	if q.Archived {
		return nil, nil, problem.NotFound
	}
	return w, q, nil
}

func (h *handler) showEditQuestion(c *fiber.Ctx) error {
	w, q, err := h.loadQuestion(c)
	if err != nil {
		return err
	}
	return h.renderQuestions(c, w, q, fiber.StatusOK, nil, nil)
}

func (h *handler) saveQuestion(c *fiber.Ctx) error {
	w, q, err := h.loadQuestion(c)
	if err != nil {
		return err
	}
	in, form := questionInputFromForm(c)
	if _, err := h.Workshops.SaveQuestion(c.UserContext(), user(c), w.ID, q.ID, in); err != nil {
		return h.renderQuestions(c, w, q, 0, form, err)
	}
	h.setFlash(c, "workshops.questions.flash.saved")
	return c.Redirect(h.questionsURL(c, w.ID), fiber.StatusSeeOther)
}

func (h *handler) deleteQuestion(c *fiber.Ctx) error {
	w, q, err := h.loadQuestion(c)
	if err != nil {
		return err
	}
	archived, err := h.Workshops.DeleteQuestion(c.UserContext(), user(c), w.ID, q.ID)
	if err != nil {
		return err
	}
	if archived {
		h.setFlash(c, "workshops.questions.flash.archived")
	} else {
		h.setFlash(c, "workshops.questions.flash.deleted")
	}
	return c.Redirect(h.questionsURL(c, w.ID), fiber.StatusSeeOther)
}

// downloadAnswerFile sends the file a registration answered a question with, to staff, the
// person and their country's focal point (the page's route and the API's).
func (h *handler) downloadAnswerFile(c *fiber.Ctx) error {
	rid, err := parseID(c.Params("id"))
	if err != nil {
		return err
	}
	qid, err := parseID(c.Params("qid"))
	if err != nil {
		return err
	}
	f, err := h.Workshops.AnswerFileOf(c.UserContext(), user(c), rid, qid)
	if err != nil {
		return err
	}
	sendAnswerFile(c, f)
	return nil
}

func sendAnswerFile(c *fiber.Ctx, f *workshops.AnswerFile) {
	sendLetterPDF(c, f.Name, f.Data)
	c.Set(fiber.HeaderContentType, f.Type)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
}

// answerCell is one answer as the registrations page shows it.
type answerCell struct {
	Label, Text string
	File        bool
	QuestionID  int64
}

// answerCells are r's answers to qs in lang, in the questions' order.
func (h *handler) answerCells(qs []*workshops.Question, r *workshops.Registration, l string) []answerCell {
	var out []answerCell
	for _, q := range qs {
		a, ok := r.AnswerTo(q.ID)
		if !ok {
			continue
		}
		out = append(out, answerCell{Label: q.LabelIn(l), Text: h.Workshops.AnswerText(q, a, l), File: q.Kind == workshops.QuestionFile && a.FileSize > 0, QuestionID: q.ID})
	}
	return out
}

// validLang is lang if it is one of the platform's, else "".
func validLang(l string) string {
	if slices.Contains([]string{"ar", "en", "fr"}, l) {
		return l
	}
	return ""
}
