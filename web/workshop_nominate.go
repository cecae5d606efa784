package web

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// delegationPage is the delegation page of a focal point (or staff) for one workshop.
type delegationPage struct {
	workshopCard
	Rows      []registrationRow
	Letters   []workshops.Letter
	Countries []officials.Country // for the new account's country (a focal point: only theirs)
	Sectors   []string
	Genders   []string
	OpenNow   bool
	Staff     bool
	Country   string // a focal point's country
	MaxLetter int
	Questions []questionField // the registration questions, answered for the delegate
	Multipart bool
}

func (h *handler) delegationPageData(c *fiber.Ctx, w *workshops.Workshop) (delegationPage, error) {
	ctx := c.UserContext()
	u := user(c)
	l := lang(c)
	d := delegationPage{workshopCard: h.workshopCardOf(ctx, w, l), Sectors: officials.Sectors, Genders: officials.Genders, Staff: u.IsStaff(),
		OpenNow: w.RegistrationOpenAt(h.Workshops.Now()), MaxLetter: workshops.MaxLetterBytes >> 20}
	cs, err := h.Officials.Countries(ctx, true)
	if err != nil {
		return d, err
	}
	f := workshops.RegFilter{}
	if !u.IsStaff() {
		f.Country = u.Country
		d.Country = u.Country
		for _, co := range cs {
			if co.ISO == u.Country {
				d.Countries = []officials.Country{co}
			}
		}
	} else {
		d.Countries = cs
	}
	regs, err := h.Workshops.Registrations(ctx, w.ID, f)
	if err != nil {
		return d, err
	}
	for _, r := range regs {
		row := registrationRow{R: r, Status: h.cat.T(l, "workshops.status."+r.Status), Country: h.Workshops.CountryName(ctx, r.Country, l)}
		if workshops.CanDo(workshops.ActCancel, r.Status) {
			row.Actions = []string{workshops.ActCancel}
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Questions, d.Multipart, err = h.questionFields(ctx, w.ID, l); err != nil {
		return d, err
	}
	d.Letters, err = h.Workshops.Letters(ctx, u, w.ID)
	return d, err
}

// loadNominable is the workshop of a delegation page: published (drafts are not found).
func (h *handler) loadNominable(c *fiber.Ctx) (*workshops.Workshop, error) {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return nil, err
	}
	if w.Status == workshops.StatusDraft {
		return nil, problem.NotFound
	}
	return w, nil
}

// loadNominateForm is the workshop of the nomination form, which a focal point is refused
// at once when nobody of their country can ever be nominated to it.
func (h *handler) loadNominateForm(c *fiber.Ctx) (*workshops.Workshop, error) {
	w, err := h.loadNominable(c)
	if err != nil {
		return nil, err
	}
	if !countryMayJoin(user(c), w) {
		return nil, errNationalElsewhere
	}
	return w, nil
}

// countryMayJoin reports whether u's delegation can ever be nominated to w: staff always;
// a focal point unless w is another member state's national workshop.
func countryMayJoin(u *officials.Official, w *workshops.Workshop) bool {
	return u.IsStaff() || w.Kind != workshops.KindNational || u.Country == w.HostCountry
}

// errNationalElsewhere refuses a focal point the delegation page of another member state's
// national workshop: nobody of their country can ever be nominated to it.
var errNationalElsewhere = problem.New(fiber.StatusForbidden, "wrong_country", "workshops.nominate.national_elsewhere")

func (h *handler) showNominate(c *fiber.Ctx) error {
	w, err := h.loadNominateForm(c)
	if err != nil {
		return err
	}
	return h.renderNominate(c, w, fiber.StatusOK, nil, "", nil)
}

func (h *handler) renderNominate(c *fiber.Ctx, w *workshops.Workshop, status int, fields map[string]string, key string, form map[string]string) error {
	return h.renderNominateArgs(c, w, status, fields, key, nil, form)
}

// renderNominateArgs is renderNominate with the arguments of the form's message.
func (h *handler) renderNominateArgs(c *fiber.Ctx, w *workshops.Workshop, status int, fields map[string]string, key string, args []any, form map[string]string) error {
	d, err := h.delegationPageData(c, w)
	if err != nil {
		return err
	}
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "workshops.nominate.title") + " · " + d.Title
	if form == nil {
		form = map[string]string{"language": lang(c), "country": d.Country}
	}
	v.Form, v.Errors, v.ErrorKey, v.ErrArgs, v.Data = form, fields, key, args, d
	if key == "" && len(fields) > 0 {
		v.ErrorKey = "error.validation"
	}
	return h.render(c, status, "workshop_nominate", v)
}

// nominate registers an official of the focal point's country: an existing account found
// by e-mail, or a new one made from the form's profile fields, whose holder is e-mailed a
// link to claim it. A new account, its registration and that mail are saved together or
// not at all. Another country's account is answered as an address without an account, so
// that the form does not tell who has one.
func (h *handler) nominate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadNominateForm(c)
	if err != nil {
		return err
	}
	u := user(c)
	form := typed(c, append(accountFields, "motivation")...)
	if !u.IsStaff() && strings.TrimSpace(form["country"]) == "" {
		form["country"] = u.Country
	}
	refuse := func(err error) error {
		fields, key, args, status, ok := formProblem(err)
		if !ok {
			return err
		}
		return h.renderNominateArgs(c, w, status, fields, key, h.localArgs(c, args), form)
	}
	qs, _, err := h.questionFields(ctx, w.ID, lang(c))
	if err != nil {
		return err
	}
	ans, err := answersFromForm(c, qs, form)
	if err != nil {
		return refuse(err)
	}
	if !u.IsStaff() && !w.RegistrationOpenAt(h.Workshops.Now()) {
		return refuse(workshops.ErrClosed)
	}
	email := strings.TrimSpace(form["email"])
	if email == "" {
		return refuse(problem.Fields{"email": "field.required"}.Err())
	}
	profile := form["name_ar"] != "" || form["name_latin"] != ""
	nominee, err := h.Officials.GetByEmail(ctx, email)
	switch {
	case err == nil && (u.IsStaff() || nominee.Country == u.Country):
		_, err = h.Workshops.NominateAnswered(ctx, u, w.ID, nominee, form["motivation"], ans)
	case err == nil && !profile, errors.Is(err, store.ErrNotFound) && !profile:
		err = problem.New(fiber.StatusUnprocessableEntity, "no_account", "workshops.nominate.no_account")
	case err == nil:
		err = errNomineeUnavailable
	case errors.Is(err, store.ErrNotFound):
		_, err = h.Workshops.NominateNew(ctx, u, w.ID, inputFrom(form, ""), form["motivation"], ans, h.claimMail(c))
	}
	if err != nil {
		return refuse(err)
	}
	h.setFlash(c, "workshops.flash.nominated")
	return c.Redirect(h.workshopURL(c, w.ID, "/nominate"), fiber.StatusSeeOther)
}

// errNomineeUnavailable answers a nomination that would make an account for an address that
// cannot have a new one here, in words that do not say whether (or where) it has one.
var errNomineeUnavailable = problem.Fields{"email": "workshops.nominate.unavailable"}.Err()

// claimMail queues, inside the transaction that made account o, the mail with the link to
// claim it.
func (h *handler) claimMail(c *fiber.Ctx) func(tx *sql.Tx, o *officials.Official) error {
	ctx := c.UserContext()
	u := user(c)
	return func(tx *sql.Tx, o *officials.Official) error {
		tok, err := h.Officials.NewEmailTokenTx(ctx, tx, o.ID, officials.PurposeReset)
		if err != nil {
			return err
		}
		_, err = h.Mailer.Enqueue(ctx, tx, mailClaim(o, u.DisplayName(o.Language), h.oneTimeLink(o.Language, "reset", tok)))
		return err
	}
}

// uploadLetter stores the delegation's nomination letter (a PDF, checked by its content).
func (h *handler) uploadLetter(c *fiber.Ctx) error {
	w, err := h.loadNominable(c)
	if err != nil {
		return err
	}
	u := user(c)
	country := u.Country
	if u.IsStaff() {
		country = strings.ToUpper(c.FormValue("country"))
	}
	data, name, err := readWorkshopUpload(c, "letter", workshops.MaxLetterBytes, workshops.ErrLetterTooLarge)
	if err == nil {
		_, err = h.Workshops.SaveLetter(c.UserContext(), u, w.ID, country, name, data)
	}
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		return h.renderNominate(c, w, status, fields, key, nil)
	}
	h.setFlash(c, "workshops.flash.letter_saved")
	return c.Redirect(h.workshopURL(c, w.ID, "/nominate"), fiber.StatusSeeOther)
}

// downloadLetter sends a delegation's letter to staff and that country's focal points only.
func (h *handler) downloadLetter(c *fiber.Ctx) error {
	w, err := h.loadNominable(c)
	if err != nil {
		return err
	}
	l, err := h.Workshops.LetterFor(c.UserContext(), user(c), w.ID, strings.ToUpper(c.Params("country")))
	if err != nil {
		return err
	}
	sendLetterPDF(c, l.Filename, l.Data)
	return nil
}

func sendLetterPDF(c *fiber.Ctx, name string, data []byte) {
	_ = sendAttachment(c, "application/pdf", name, data)
}
