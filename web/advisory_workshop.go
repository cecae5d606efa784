package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// A request can spawn a national workshop: staff create it from the request's page (or the
// API), pre-filled from the request, as a draft of the workshops feature; the request keeps
// its id and links to it.

// advisoryWorkshop is the national workshop spawned from a request, as its page shows it.
type advisoryWorkshop struct {
	ID     int64
	Title  string
	Status string
	Href   string // "" when the viewer may not open it (a draft, for the country)
}

// advisoryWorkshopFields are the fields of the form that creates the workshop; errors on
// any other field of the workshop are shown as a form-wide message.
var advisoryWorkshopFields = []string{"title_ar", "title_en", "title_fr", "city", "venue", "start_date", "end_date", "capacity", "languages"}

// defaultWorkshopCapacity is the number of seats a spawned workshop starts with.
const defaultWorkshopCapacity = 30

func (h *handler) advisoryWorkshopRoutes(g fiber.Router, staff fiber.Handler) {
	g.Post("/advisory/:id/workshop", h.requireLogin, staff, h.createAdvisoryWorkshop)
}

func (h *handler) apiAdvisoryWorkshopRoutes(api fiber.Router, staff fiber.Handler) {
	api.Post("/advisory/:id/workshop", staff, h.apiCreateAdvisoryWorkshop)
}

// advisoryWorkshop describes the workshop linked to r for the viewer, or nil.
func (h *handler) advisoryWorkshop(c *fiber.Ctx, r *advisory.Request) (*advisoryWorkshop, error) {
	if r.WorkshopID == nil {
		return nil, nil
	}
	l := lang(c)
	aw := &advisoryWorkshop{ID: *r.WorkshopID}
	w, err := h.Workshops.Get(c.UserContext(), *r.WorkshopID)
	if errors.Is(err, store.ErrNotFound) {
		return aw, nil
	}
	if err != nil {
		return nil, err
	}
	aw.Title, aw.Status = w.TitleIn(l), w.Status
	switch {
	case user(c).IsStaff():
		aw.Href = "/admin/workshops/" + strconv.FormatInt(w.ID, 10)
	case w.IsPublic():
		aw.Href = "/workshops/" + strconv.FormatInt(w.ID, 10)
	}
	return aw, nil
}

// workshopForm is the pre-filled form that creates the workshop from request r.
func (h *handler) workshopForm(ctx context.Context, u *officials.Official, r *advisory.Request) (map[string]string, error) {
	d, err := h.Advisory.DraftWorkshop(ctx, u, r.ID)
	if err != nil {
		return nil, err
	}
	return map[string]string{"title_ar": d.Title["ar"], "title_en": d.Title["en"], "title_fr": d.Title["fr"],
		"start_date": d.StartDate, "end_date": d.EndDate, "capacity": strconv.Itoa(defaultWorkshopCapacity),
		"languages": d.Language}, nil
}

// spawnWorkshop creates the national workshop of request id from the typed values (empty
// ones taken from the request) and links it to the request.
func (h *handler) spawnWorkshop(ctx context.Context, u *officials.Official, id int64, form map[string]string, languages []string) (*workshops.Workshop, error) {
	r, err := h.Advisory.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !r.CanSpawnWorkshop() {
		return nil, advisory.ErrNoWorkshop
	}
	d, err := h.Advisory.DraftWorkshop(ctx, u, id)
	if err != nil {
		return nil, err
	}
	in := workshops.Input{Kind: workshops.KindNational, Phases: d.Phases, HostCountry: d.HostCountry,
		Title: map[string]string{}, Description: d.Description, City: form["city"], Venue: form["venue"],
		StartDate: strings.TrimSpace(form["start_date"]), EndDate: strings.TrimSpace(form["end_date"]), Languages: languages}
	for _, l := range i18n.Langs {
		in.Title[l] = form["title_"+l]
	}
	if form["capacity"] == "" {
		in.Capacity = defaultWorkshopCapacity
	} else if n, err := strconv.Atoi(strings.TrimSpace(form["capacity"])); err == nil {
		in.Capacity = n
	}
	if len(in.Languages) == 0 {
		in.Languages = []string{d.Language}
	}
	w, err := h.Workshops.Create(ctx, audit.Actor{ID: u.ID, Email: u.Email}, in)
	if err != nil {
		return nil, err
	}
	if err := h.Advisory.LinkWorkshop(ctx, u, id, w.ID); err != nil {
		// Someone linked another workshop meanwhile: call this draft off rather than leave
		// it orphaned.
		if _, cerr := h.Workshops.SetStatus(ctx, audit.Actor{ID: u.ID, Email: u.Email}, w.ID, workshops.StatusCancelled); cerr != nil {
			h.log.Error("cancel orphaned workshop draft", "workshop", w.ID, "request", id, "err", cerr)
		}
		return nil, err
	}
	return w, nil
}

func (h *handler) createAdvisoryWorkshop(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	form := typed(c, advisoryWorkshopFields...)
	languages := advisoryFormValues(c)["languages"]
	w, err := h.spawnWorkshop(c.UserContext(), user(c), id, form, languages)
	if err == nil {
		h.setFlash(c, "flash.advisory.workshop")
		return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d", lang(c), w.ID), fiber.StatusSeeOther)
	}
	form["languages"] = strings.Join(languages, ",")
	if p, ok := problem.As(err); ok && len(p.Fields) > 0 {
		// Keep the messages of the form's own fields; the others become a form-wide one.
		fields := problem.Fields{}
		for k, v := range p.Fields {
			if slices.Contains(advisoryWorkshopFields, k) {
				fields[k] = v
			}
		}
		if len(fields) == 0 {
			err = problem.New(p.Status, p.Code, "advisory.error.workshop_fields")
		} else {
			err = fields.Err()
		}
	}
	return h.redisplayAdvisory(c, id, err, form, "", "workshop")
}

// apiCreateAdvisoryWorkshop takes {"title": {"ar", "en", "fr"}, "city", "venue",
// "start_date", "end_date", "capacity", "languages"}; what is left out comes from the request.
func (h *handler) apiCreateAdvisoryWorkshop(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		Title     map[string]string `json:"title"`
		City      string            `json:"city"`
		Venue     string            `json:"venue"`
		StartDate string            `json:"start_date"`
		EndDate   string            `json:"end_date"`
		Capacity  int               `json:"capacity"`
		Languages []string          `json:"languages"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	ctx, u := c.UserContext(), user(c)
	r, err := h.Advisory.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		return problem.Forbidden
	}
	if !r.CanSpawnWorkshop() {
		return advisory.ErrNoWorkshop
	}
	form, err := h.workshopForm(ctx, u, r)
	if err != nil {
		return err
	}
	for l, t := range b.Title {
		form["title_"+l] = t
	}
	form["city"], form["venue"] = b.City, b.Venue
	if b.StartDate != "" {
		form["start_date"] = b.StartDate
	}
	if b.EndDate != "" {
		form["end_date"] = b.EndDate
	}
	if b.Capacity != 0 {
		form["capacity"] = strconv.Itoa(b.Capacity)
	}
	w, err := h.spawnWorkshop(ctx, u, id, form, b.Languages)
	if err != nil {
		return err
	}
	d, err := h.apiAdvisoryDetail(c, id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, fiber.Map{"workshop": w, "request": d})
}
