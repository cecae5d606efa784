package web

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/eventdocs"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// The documents of a workshop's days — name badges and sign-in sheets — for staff and the
// workshop's trainers (those who take its attendance), on the pages and in the API.

// workshopDocumentRoutes registers the pages' routes; takers are staff and trainers.
func (h *handler) workshopDocumentRoutes(g fiber.Router, takers fiber.Handler) {
	g.Get("/admin/workshops/:id/documents", h.requireLogin, takers, h.showWorkshopDocuments)
	g.Get("/admin/workshops/:id/badges.pdf", h.requireLogin, takers, h.downloadBadges)
	g.Get("/admin/workshops/:id/badges.zip", h.requireLogin, takers, h.downloadBadgesZIP)
	g.Get("/admin/workshops/:id/badges/registrations/:rid", h.requireLogin, takers, h.downloadParticipantBadge)
	g.Get("/admin/workshops/:id/badges/trainers/:oid", h.requireLogin, takers, h.downloadTrainerBadge)
	g.Get("/admin/workshops/:id/signin-sheets.zip", h.requireLogin, takers, h.downloadSignInZIP)
	g.Get("/admin/workshops/:id/signin-sheets/:day", h.requireLogin, takers, h.downloadSignInSheet)
}

// apiWorkshopDocumentRoutes registers the same downloads under /api/v1, with a list of the
// badges and of the days.
func (h *handler) apiWorkshopDocumentRoutes(api fiber.Router) {
	api.Get("/workshops/:id/badges", h.requireAPIUser, h.apiListBadges)
	api.Get("/workshops/:id/badges.pdf", h.requireAPIUser, h.apiDocument(h.downloadBadges))
	api.Get("/workshops/:id/badges.zip", h.requireAPIUser, h.apiDocument(h.downloadBadgesZIP))
	api.Get("/workshops/:id/badges/registrations/:rid", h.requireAPIUser, h.apiDocument(h.downloadParticipantBadge))
	api.Get("/workshops/:id/badges/trainers/:oid", h.requireAPIUser, h.apiDocument(h.downloadTrainerBadge))
	api.Get("/workshops/:id/signin-sheets", h.requireAPIUser, h.apiListSignInSheets)
	api.Get("/workshops/:id/signin-sheets.zip", h.requireAPIUser, h.apiDocument(h.downloadSignInZIP))
	api.Get("/workshops/:id/signin-sheets/:day", h.requireAPIUser, h.apiDocument(h.downloadSignInSheet))
}

// docLang is the language of a document: the lang query parameter when it names one, else
// the page's (or, in the API, Accept-Language's).
func docLang(c *fiber.Ctx) string {
	if l := c.Query("lang"); i18n.Supported(l) {
		return l
	}
	return lang(c)
}

// documentsData is the documents page.
type documentsData struct {
	workshopCard
	People []documentPerson
	Days   [][2]string // day, as shown
}

type documentPerson struct {
	eventdocs.Person
	Role    string
	Country string
	URL     string
}

func (h *handler) showWorkshopDocuments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	l := lang(c)
	people, err := h.docs.People(ctx, w, l)
	if err != nil {
		return err
	}
	d := documentsData{workshopCard: h.workshopCardOf(ctx, w, l)}
	for _, p := range people {
		d.People = append(d.People, documentPerson{Person: p, Role: h.cat.G(l, "event_docs.role."+p.Role, p.Gender),
			Country: h.Workshops.CountryName(ctx, p.Country, l), URL: badgePath(w.ID, p)})
	}
	for _, day := range eventdocs.Days(w) {
		d.Days = append(d.Days, [2]string{day, workshops.FormatDay(l, day)})
	}
	v := h.view(c, "")
	v.Title = h.cat.T(l, "event_docs.page.title") + " · " + d.Title
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_workshop_documents", v)
}

// badgePath is the address of one person's badge, under /admin/workshops/{id} (pages) or
// /workshops/{id} (API).
func badgePath(wid int64, p eventdocs.Person) string {
	if p.Role == eventdocs.RoleTrainer {
		return fmt.Sprintf("/admin/workshops/%d/badges/trainers/%d", wid, p.OfficialID)
	}
	return fmt.Sprintf("/admin/workshops/%d/badges/registrations/%d", wid, p.RegistrationID)
}

func (h *handler) downloadBadges(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	l := docLang(c)
	people, err := h.docs.People(ctx, w, l)
	if err != nil {
		return err
	}
	b, err := h.docs.BadgesPDF(ctx, w, people, l)
	if err != nil {
		return err
	}
	return sendAttachment(c, "application/pdf", fmt.Sprintf("masar-workshop-%d-badges.pdf", w.ID), b)
}

func (h *handler) downloadBadgesZIP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	l := docLang(c)
	people, err := h.docs.People(ctx, w, l)
	if err != nil {
		return err
	}
	if len(people) == 0 {
		return eventdocs.ErrNoBadges
	}
	var buf bytes.Buffer
	if err := h.docs.BadgesZIP(ctx, &buf, w, people, l); err != nil {
		return err
	}
	return sendAttachment(c, "application/zip", fmt.Sprintf("masar-workshop-%d-badges.zip", w.ID), buf.Bytes())
}

// downloadParticipantBadge is the badge of a confirmed participant (by registration).
func (h *handler) downloadParticipantBadge(c *fiber.Ctx) error {
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	rid, err := parseID(c.Params("rid"))
	if err != nil {
		return err
	}
	p, err := h.docs.ParticipantByRegistration(c.UserContext(), w, rid)
	if err != nil {
		return err
	}
	return h.sendBadge(c, w, p)
}

// downloadTrainerBadge is the badge of one of the workshop's trainers (by account).
func (h *handler) downloadTrainerBadge(c *fiber.Ctx) error {
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	oid, err := parseID(c.Params("oid"))
	if err != nil {
		return err
	}
	p, err := h.docs.TrainerByOfficial(c.UserContext(), w, oid)
	if err != nil {
		return err
	}
	return h.sendBadge(c, w, p)
}

func (h *handler) sendBadge(c *fiber.Ctx, w *workshops.Workshop, p eventdocs.Person) error {
	b, err := h.docs.BadgesPDF(c.UserContext(), w, []eventdocs.Person{p}, docLang(c))
	if err != nil {
		return err
	}
	return sendAttachment(c, "application/pdf", fmt.Sprintf("masar-workshop-%d-%s", w.ID, p.FileName()), b)
}

func (h *handler) downloadSignInSheet(c *fiber.Ctx) error {
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	day := c.Params("day")
	b, err := h.docs.SignInSheetPDF(c.UserContext(), w, day, docLang(c))
	if err != nil {
		return err
	}
	return sendAttachment(c, "application/pdf", fmt.Sprintf("masar-workshop-%d-%s", w.ID, eventdocs.SignInFileName(day)), b)
}

func (h *handler) downloadSignInZIP(c *fiber.Ctx) error {
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.docs.SignInZIP(c.UserContext(), &buf, w, docLang(c)); err != nil {
		return err
	}
	return sendAttachment(c, "application/zip", fmt.Sprintf("masar-workshop-%d-signin-sheets.zip", w.ID), buf.Bytes())
}

// apiDocument serves a download in the API: a caller who may see the workshop but not take
// its attendance is refused (403) rather than told it does not exist, as in the rest of
// the API.
func (h *handler) apiDocument(download fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		w, err := h.apiWorkshop(c)
		if err != nil {
			return err
		}
		if !workshops.CanTakeAttendance(user(c), w) {
			return problem.Forbidden
		}
		return download(c)
	}
}

// apiBadge is a person who gets a badge, with the address of the badge's PDF.
type apiBadge struct {
	eventdocs.Person
	URL string `json:"url"`
}

func (h *handler) apiListBadges(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	if !workshops.CanTakeAttendance(user(c), w) {
		return problem.Forbidden
	}
	people, err := h.docs.People(c.UserContext(), w, docLang(c))
	if err != nil {
		return err
	}
	out := make([]apiBadge, 0, len(people))
	for _, p := range people {
		out = append(out, apiBadge{Person: p, URL: h.cfg.BaseURL + "/api/v1" + badgePath(w.ID, p)[len("/admin"):]})
	}
	return data(c, fiber.StatusOK, out)
}

// apiSignInDay is a day that has a sign-in sheet, with the address of its PDF.
type apiSignInDay struct {
	Day string `json:"day"`
	URL string `json:"url"`
}

func (h *handler) apiListSignInSheets(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	if !workshops.CanTakeAttendance(user(c), w) {
		return problem.Forbidden
	}
	out := []apiSignInDay{}
	for _, day := range eventdocs.Days(w) {
		out = append(out, apiSignInDay{Day: day, URL: h.cfg.BaseURL + "/api/v1/workshops/" + strconv.FormatInt(w.ID, 10) + "/signin-sheets/" + day})
	}
	return data(c, fiber.StatusOK, out)
}
