package web

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// Visa invitation letters: staff write a workshop's wording and issue letters to confirmed
// participants, one by one, and download them all as a ZIP; a participant who needs a visa
// asks for theirs from the workshop page. The PDF is set by the certificates' engine.

func (h *handler) visaRoutes(g fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	g.Get("/admin/workshops/:id/visa", h.requireLogin, staff, h.showVisaLetters)
	g.Post("/admin/workshops/:id/visa", h.requireLogin, staff, h.saveVisaTemplate)
	g.Get("/admin/workshops/:id/visa-letters.zip", h.requireLogin, staff, h.downloadVisaLetters)
	g.Post("/admin/workshops/:id/visa/:rid", h.requireLogin, staff, h.issueVisaLetter)
	g.Post("/workshops/:id/visa-letter", h.requireLogin, h.requestVisaLetter)
	g.Get("/registrations/:id/visa-letter.pdf", h.requireLogin, h.downloadVisaLetter)
}

// renderLetter sets a letter with the certificates' engine.
func (h *handler) renderLetter(ctx context.Context, p workshops.LetterPage) ([]byte, error) {
	return h.Certificates.RenderLetter(ctx, certificates.LetterPage{Lang: p.Lang, WorkshopID: p.WorkshopID, Reference: p.Reference,
		Date: p.Date, Title: p.Title, Paragraphs: p.Paragraphs, Closing: p.Closing})
}

// visaPage is the staff's page of a workshop's visa letters.
type visaPage struct {
	workshopCard
	Rows         []visaRow
	Placeholders []string
	Defaults     map[string][]string // the platform's wording by language, by paragraph
	Issued       int
}

type visaRow struct {
	R        *workshops.Registration
	Passport string
	Visa     string // the answer to "visa needed", in words
	Letter   *workshops.VisaLetter
}

func (h *handler) renderVisaLetters(c *fiber.Ctx, w *workshops.Workshop, status int, form map[string]string, err error) error {
	ctx := c.UserContext()
	l := lang(c)
	d := visaPage{workshopCard: h.workshopCardOf(ctx, w, l), Placeholders: workshops.VisaPlaceholders, Defaults: map[string][]string{}}
	tpl, terr := h.Workshops.VisaTemplate(ctx, w.ID)
	if terr != nil {
		return terr
	}
	for _, lg := range []string{"ar", "en", "fr"} {
		d.Defaults[lg] = strings.Split(h.cat.T(lg, "workshops.visa.default_body"), "\n")
	}
	regs, rerr := h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if rerr != nil {
		return rerr
	}
	letters, lerr := h.Workshops.VisaLetters(ctx, w.ID)
	if lerr != nil {
		return lerr
	}
	for _, r := range regs {
		row := visaRow{R: r}
		if a, ok := r.AnswerFor(workshops.PurposePassportName); ok {
			row.Passport = a.Value
		}
		if a, ok := r.AnswerFor(workshops.PurposeVisaNeeded); ok {
			row.Visa = h.cat.T(l, "workshops.questions.answer."+a.Value)
		}
		if lt, ok := letters[r.ID]; ok {
			row.Letter = &lt
			d.Issued++
		}
		d.Rows = append(d.Rows, row)
	}
	v := h.view(c, "")
	v.Title = h.cat.T(l, "workshops.visa.title") + " · " + d.Title
	if form == nil {
		form = map[string]string{"body_ar": tpl.Body["ar"], "body_en": tpl.Body["en"], "body_fr": tpl.Body["fr"]}
	}
	v.Form, v.Data = form, d
	if err != nil {
		fields, key, args, st, ok := formProblem(err)
		if !ok {
			return err
		}
		v.Errors, v.ErrorKey, v.ErrArgs, status = fields, key, h.localArgs(c, args), st
	}
	return h.render(c, status, "admin_workshop_visa", v)
}

func (h *handler) showVisaLetters(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	return h.renderVisaLetters(c, w, fiber.StatusOK, nil, nil)
}

func (h *handler) saveVisaTemplate(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	form := typed(c, "body_ar", "body_en", "body_fr")
	body := map[string]string{"ar": form["body_ar"], "en": form["body_en"], "fr": form["body_fr"]}
	if _, err := h.Workshops.SaveVisaTemplate(c.UserContext(), user(c), w.ID, body); err != nil {
		return h.renderVisaLetters(c, w, 0, form, err)
	}
	h.setFlash(c, "workshops.visa.flash.template_saved")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/visa", lang(c), w.ID), fiber.StatusSeeOther)
}

// issueVisaLetter issues a confirmed participant's letter (staff), in the language chosen;
// a refusal (no name as in the passport, no confirmed seat) is shown on the page.
func (h *handler) issueVisaLetter(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	rid, err := parseID(c.Params("rid"))
	if err != nil {
		return err
	}
	r, err := h.Workshops.Registration(c.UserContext(), rid)
	if err != nil {
		return err
	}
	if r.WorkshopID != w.ID {
		return problem.NotFound
	}
	if _, err := h.Workshops.IssueVisaLetter(c.UserContext(), user(c), rid, validLang(c.FormValue("lang")), h.renderLetter); err != nil {
		return h.renderVisaLetters(c, w, 0, nil, err)
	}
	h.setFlash(c, "workshops.visa.flash.issued")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/visa#reg-%d", lang(c), w.ID, rid), fiber.StatusSeeOther)
}

// requestVisaLetter issues the caller's own letter, when they have a confirmed seat and
// answered that they need a visa; a refusal is shown on the workshop page.
func (h *handler) requestVisaLetter(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	r, err := h.Workshops.RegistrationFor(c.UserContext(), w.ID, user(c).ID)
	if err != nil {
		return err
	}
	if _, err := h.Workshops.IssueVisaLetter(c.UserContext(), user(c), r.ID, validLang(c.FormValue("lang")), h.renderLetter); err != nil {
		_, key, args, status, ok := formProblem(err)
		if !ok {
			return err
		}
		return h.renderWorkshopWithArgs(c, status, nil, key, h.localArgs(c, args), nil)
	}
	return h.backToWorkshop(c, w.ID, "workshops.visa.flash.issued")
}

// downloadVisaLetter sends a registration's visa letter to its person and to staff (the
// page's route and the API's).
func (h *handler) downloadVisaLetter(c *fiber.Ctx) error {
	rid, err := parseID(c.Params("id"))
	if err != nil {
		return err
	}
	l, err := h.Workshops.VisaLetterOf(c.UserContext(), user(c), rid)
	if err != nil {
		return err
	}
	r, err := h.Workshops.Registration(c.UserContext(), rid)
	if err != nil {
		return err
	}
	sendLetterPDF(c, workshops.VisaLetterName(r), l.Data)
	return nil
}

func (h *handler) downloadVisaLetters(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := h.Workshops.WriteVisaLettersZIP(c.UserContext(), user(c), w.ID, &buf); err != nil {
		return err
	}
	return sendAttachment(c, "application/zip", fmt.Sprintf("masar-workshop-%d-visa-letters-%s.zip", w.ID, time.Now().UTC().Format("2006-01-02")), buf.Bytes())
}
