package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// workshopRoutes registers the workshop pages under a language prefix.
func (h *handler) workshopRoutes(g fiber.Router) {
	nominators := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	takers := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleTrainer)
	// Registration questions and visa letters (before /registrations/:rid/:action).
	h.questionRoutes(g)
	// Public calendar and pages; an official's own registration.
	g.Get("/workshops", h.listWorkshops)
	g.Get("/workshops/:id", h.showWorkshop)
	g.Post("/workshops/:id/apply", h.requireLogin, h.applyToWorkshop)
	g.Post("/workshops/:id/withdraw", h.requireLogin, h.withdrawFromWorkshop)
	g.Post("/workshops/:id/accept", h.requireLogin, h.acceptSeat)
	g.Get("/workshops/:id/ticket", h.requireLogin, h.showTicket)
	// Delegations: focal points (and staff) nominate, attach the letter, import a list.
	g.Get("/workshops/:id/nominate", h.requireLogin, nominators, h.showNominate)
	g.Post("/workshops/:id/nominate", h.requireLogin, nominators, h.nominate)
	g.Post("/workshops/:id/letter", h.requireLogin, nominators, h.uploadLetter)
	g.Get("/workshops/:id/letter/:country", h.requireLogin, nominators, h.downloadLetter)
	g.Post("/workshops/:id/import", h.requireLogin, nominators, h.importParticipants)
	g.Post("/registrations/:rid/:action", h.requireLogin, h.actOnRegistration)
	// Programme staff: scheduling, decisions, lists.
	g.Get("/admin/workshops", h.requireLogin, nominators, h.listAdminWorkshops)
	g.Get("/admin/workshops/new", h.requireLogin, staff, h.showNewWorkshop)
	g.Post("/admin/workshops/new", h.requireLogin, staff, h.createWorkshop)
	g.Get("/admin/workshops/:id", h.requireLogin, staff, h.showEditWorkshop)
	g.Post("/admin/workshops/:id", h.requireLogin, staff, h.saveWorkshop)
	g.Post("/admin/workshops/:id/status", h.requireLogin, staff, h.setWorkshopStatus)
	g.Get("/admin/workshops/:id/registrations", h.requireLogin, staff, h.listRegistrations)
	g.Get("/admin/workshops/:id/export.xlsx", h.requireLogin, staff, h.exportParticipants)
	// Attendance: staff and the workshop's trainers, on a phone too.
	g.Get("/admin/workshops/:id/checkin", h.requireLogin, takers, h.showCheckIn)
	g.Post("/admin/workshops/:id/checkin", h.requireLogin, takers, h.checkIn)
	g.Get("/admin/workshops/:id/attendance", h.requireLogin, takers, h.showAttendance)
	h.workshopMaterialRoutes(g)
	h.workshopDocumentRoutes(g, takers)
}

// workshopFeedRoutes registers the calendar feeds, which live outside the language prefix.
func (h *handler) workshopFeedRoutes(app *fiber.App) {
	app.Get("/workshops.ics", h.workshopsFeed)
	app.Get("/workshops/:id.ics", h.workshopFeed)
}

// loadWorkshop returns the workshop named in the URL if the viewer may see it: drafts only
// for staff and the workshop's trainers; anyone else is told it does not exist.
func (h *handler) loadWorkshop(c *fiber.Ctx) (*workshops.Workshop, error) {
	return h.workshopWith(c, h.Workshops.Get)
}

// visibleWorkshop is loadWorkshop without the agenda and the seat counts (see
// workshops.Service.Visible), for a request that acts on the workshop without showing it.
func (h *handler) visibleWorkshop(c *fiber.Ctx) (*workshops.Workshop, error) {
	return h.workshopWith(c, h.Workshops.Visible)
}

// workshopWith is the workshop named in the URL, read by get, if the caller may see it.
func (h *handler) workshopWith(c *fiber.Ctx, get func(context.Context, int64) (*workshops.Workshop, error)) (*workshops.Workshop, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return nil, err
	}
	w, err := get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if !w.IsPublic() {
		u := user(c)
		if u == nil || !(u.IsStaff() || w.HasTrainer(u.ID)) {
			return nil, problem.NotFound
		}
	}
	return w, nil
}

// workshopCard is a workshop as lists show it.
type workshopCard struct {
	W      *workshops.Workshop
	Title  string
	Dates  string
	Place  string
	Kind   string
	Status string
}

func (h *handler) workshopCardOf(ctx context.Context, w *workshops.Workshop, l string) workshopCard {
	return workshopCard{W: w, Title: w.TitleIn(l), Dates: workshops.FormatDateRange(l, w.StartDate, w.EndDate),
		Place: h.placeOf(ctx, w, l), Kind: h.cat.T(l, "workshops.kind."+w.Kind), Status: h.cat.T(l, "workshops.state."+w.Status)}
}

// placeOf is where the workshop happens, for a page in l: the city as staff typed it (in any
// script, kept whole by a Unicode isolate so that it sits right in either direction) and the
// host country's name, or "online".
func (h *handler) placeOf(ctx context.Context, w *workshops.Workshop, l string) string {
	if w.Kind == workshops.KindOnline || w.HostCountry == "" {
		return h.cat.T(l, "workshops.online")
	}
	country := h.Workshops.CountryName(ctx, w.HostCountry, l)
	if w.City == "" {
		return country
	}
	return isolateTyped(w.City) + listSep(l) + country
}

// isolateTyped wraps text a user typed in a first-strong isolate (U+2068 … U+2069), so that
// a Latin name on an Arabic page, or the reverse, does not drag the punctuation around it.
func isolateTyped(s string) string { return "\u2068" + s + "\u2069" }

type workshopCalendar struct {
	Upcoming, Past []workshopCard
	Country        string
	Kind           string
	Phase          int
	Month          string
	Countries      []officials.Country
	Kinds          []string
	Months         [][2]string
	Feed           string
}

func (h *handler) listWorkshops(c *fiber.Ctx) error {
	if h.pages.serve(c, h.calendarGeneration()) {
		return nil
	}
	ctx := c.UserContext()
	l := lang(c)
	f := workshops.Filter{Country: strings.ToUpper(c.Query("country")), Kind: c.Query("kind"), Phase: c.QueryInt("phase", 0), Month: c.Query("month")}
	if !slices.Contains(workshops.Kinds, f.Kind) {
		f.Kind = ""
	}
	if f.Phase < 0 || f.Phase > 4 {
		f.Phase = 0
	}
	if _, err := time.Parse("2006-01", f.Month); err != nil {
		f.Month = ""
	}
	facets, err := h.Workshops.Facets(ctx)
	if err != nil {
		return err
	}
	d := workshopCalendar{Country: f.Country, Kind: f.Kind, Phase: f.Phase, Month: f.Month, Kinds: workshops.Kinds,
		Feed: h.cfg.BaseURL + "/workshops.ics?lang=" + l}
	cs, err := h.Officials.Countries(ctx, false)
	if err != nil {
		return err
	}
	for _, co := range cs {
		if slices.Contains(facets.Hosts, co.ISO) {
			d.Countries = append(d.Countries, co)
		}
	}
	for _, m := range facets.Months {
		t, _ := time.Parse("2006-01", m)
		d.Months = append(d.Months, [2]string{m, workshopMonthLabel(l, t)})
	}
	up, past := true, false
	f.Upcoming = &up
	list, err := h.Workshops.List(ctx, f)
	if err != nil {
		return err
	}
	for _, w := range list {
		d.Upcoming = append(d.Upcoming, h.workshopCardOf(ctx, w, l))
	}
	f.Upcoming = &past
	f.Limit = pastWorkshopsShown
	if list, err = h.Workshops.List(ctx, f); err != nil {
		return err
	}
	for _, w := range list {
		d.Past = append(d.Past, h.workshopCardOf(ctx, w, l))
	}
	v := h.view(c, "workshops.title")
	v.Data = d
	// Anonymous visitors share the calendar for a few seconds: a registration opening brings
	// everyone at once, and seat counts a few seconds old are fine on a page that only lists.
	v.Cacheable, v.CacheTTL, v.CacheGen = true, calendarCacheTTL, h.calendarGeneration()
	return h.render(c, fiber.StatusOK, "workshops", v)
}

// calendarCacheTTL is how long anonymous visitors may share a rendered calendar.
const calendarCacheTTL = 5 * time.Second

// calendarGeneration changes whenever a workshop is created, edited or changes status, so
// that such a change shows at once.
func (h *handler) calendarGeneration() uint64 { return h.workshopGen.Generation() + 1 }

// pastWorkshopsShown is how many past workshops the calendar lists (the latest first); the
// month filter reaches older ones.
const pastWorkshopsShown = 30

func workshopMonthLabel(l string, t time.Time) string {
	parts := strings.SplitN(i18n.FormatDate(l, t), " ", 2)
	return parts[len(parts)-1]
}

// agendaDay is one day of the agenda as the workshop page shows it.
type agendaDay struct {
	Label string
	Day   string // host-local date, YYYY-MM-DD
	// HostZone and ViewerZone name the zones over this day's columns with the day's UTC
	// offset ("Beirut time (UTC+3)"), or without it when the offset changes within the day:
	// each item then gives its own.
	HostZone, ViewerZone string
	Items                []agendaItem
}

type agendaItem struct {
	S                        workshops.Session
	Title                    string
	Host                     workshops.TimeRange
	Viewer                   *workshops.TimeRange
	HostOffset, ViewerOffset string // set when the day's offset is not one
	Speaker                  string
	Speakers                 []speakerView  // see workshop_materials.go
	Materials                []materialView // the viewer may read
}

type workshopPage struct {
	workshopCard
	Description    string
	Where          string // venue and place
	TrainerList    string
	Languages      string
	Interpretation string
	HostZone       string // the host's zone by name: "Amman time" (each day gives its offset)
	ViewerZone     string // the viewer's zone, when it differs
	ZoneCountry    string // the country whose zone the viewer chose
	Countries      []officials.Country
	Agenda         []agendaDay
	Trainers       []string
	Courses        [][2]string // slug, title
	Mine           *workshops.Registration
	MineStatus     string
	OfferDeadline  string
	OpenNow        bool
	Opens, Closes  string
	CanApply       bool
	CanNominate    bool
	CanManage      bool
	CanCheckIn     bool
	Seats          workshops.Seats
	ShowSeats      bool
	Feed           string
	OnlineURL      string // the meeting link, for those who may join (LinkVisibleTo)
	Questions      []questionField
	Multipart      bool // a question takes a file
	// VisaLetter: the participant may ask for a visa invitation letter (a confirmed seat and
	// "yes" to the visa question); Letter is the one issued, if any.
	VisaLetter bool
	Letter     *workshops.VisaLetter
	Extras     *workshopExtras // speakers and materials (workshop_materials.go)
}

// zoneFor picks the viewer's zone: the country chosen on the page (?zone=MA), else the
// logged-in official's country.
func (h *handler) viewerZone(c *fiber.Ctx, cs []officials.Country) (iso string, loc *time.Location) {
	iso = strings.ToUpper(c.Query("zone"))
	if iso == "" && user(c) != nil {
		iso = user(c).Country
	}
	for _, co := range cs {
		if co.ISO == iso {
			if l, err := time.LoadLocation(co.Timezone); err == nil {
				return iso, l
			}
		}
	}
	return "", nil
}

func (h *handler) showWorkshop(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	l := lang(c)
	u := user(c)
	now := h.Workshops.Now()
	cs, err := h.Officials.Countries(ctx, false)
	if err != nil {
		return err
	}
	d := workshopPage{workshopCard: h.workshopCardOf(ctx, w, l), Description: w.DescriptionIn(l), Countries: cs, Seats: w.Seats,
		Feed: fmt.Sprintf("%s/workshops/%d.ics?lang=%s", h.cfg.BaseURL, w.ID, l)}
	d.Where = d.Place
	if w.Venue != "" && w.Kind != workshops.KindOnline {
		d.Where = isolateTyped(w.Venue) + listSep(l) + d.Place
	}
	d.Languages = h.workshopLangNames(l, w.Languages)
	d.Interpretation = h.workshopLangNames(l, w.Interpretation)
	hostLoc := w.Location()
	ref := w.Start()
	if len(w.Sessions) > 0 {
		ref = w.Sessions[0].StartsAt
	}
	d.HostZone = zoneTitle(l, w.Timezone, ref)
	iso, viewer := h.viewerZone(c, cs)
	d.ZoneCountry = iso
	if viewer != nil && (viewer.String() == hostLoc.String() || workshops.SameOffset(ref, viewer, hostLoc) && !zonesDifferDuring(w, viewer, hostLoc)) {
		viewer = nil
	}
	if viewer != nil {
		d.ViewerZone = zoneTitle(l, viewer.String(), ref)
	}
	for _, se := range w.Sessions {
		day := se.StartsAt.In(hostLoc).Format(workshops.DateLayout)
		if len(d.Agenda) == 0 || d.Agenda[len(d.Agenda)-1].Day != day {
			d.Agenda = append(d.Agenda, agendaDay{Label: workshops.FormatDay(l, day), Day: day})
		}
		it := agendaItem{S: se, Title: se.TitleIn(l), Host: workshops.Times(l, se.StartsAt, se.EndsAt, hostLoc, day), Speaker: se.Speaker}
		if viewer != nil {
			vr := workshops.Times(l, se.StartsAt, se.EndsAt, viewer, day)
			it.Viewer = &vr
		}
		day0 := &d.Agenda[len(d.Agenda)-1]
		day0.Items = append(day0.Items, it)
	}
	// Each day states its own offsets: daylight saving and Morocco's Ramadan hour change
	// them between days, and sometimes within one.
	for i := range d.Agenda {
		day := &d.Agenda[i]
		day.HostZone = dayZone(l, w.Timezone, day.Items, func(it *agendaItem) (time.Time, *string) { return it.S.StartsAt.In(hostLoc), &it.HostOffset })
		if viewer != nil {
			day.ViewerZone = dayZone(l, viewer.String(), day.Items, func(it *agendaItem) (time.Time, *string) { return it.S.StartsAt.In(viewer), &it.ViewerOffset })
		}
	}
	for _, id := range w.Trainers {
		if o, err := h.Officials.Get(ctx, id); err == nil && o.DeletedAt == nil {
			d.Trainers = append(d.Trainers, o.DisplayName(l))
		}
	}
	d.TrainerList = strings.Join(d.Trainers, listSep(l))
	for _, slug := range w.Courses {
		if co, err := h.Library.Catalogue().Course(slug); err == nil {
			d.Courses = append(d.Courses, [2]string{slug, co.TitleIn(l)})
		}
	}
	d.OpenNow = w.RegistrationOpenAt(now)
	if w.RegistrationOpens != nil {
		d.Opens = h.hostAndViewerTime(l, *w.RegistrationOpens, hostLoc, viewer)
	}
	if w.RegistrationCloses != nil {
		d.Closes = h.hostAndViewerTime(l, *w.RegistrationCloses, hostLoc, viewer)
	}
	d.ShowSeats = w.Status == workshops.StatusPublished
	if u != nil {
		r, err := h.Workshops.RegistrationFor(ctx, w.ID, u.ID)
		switch {
		case err == nil:
			d.Mine = r
			d.MineStatus = h.cat.T(l, "workshops.status."+r.Status)
			if w.Status == workshops.StatusCancelled {
				d.MineStatus = h.cat.T(l, "workshops.ticket.workshop_cancelled")
			}
			if r.OfferExpiresAt != nil {
				d.OfferDeadline = h.hostAndViewerTime(l, *r.OfferExpiresAt, hostLoc, viewer)
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		d.CanApply = d.OpenNow && (d.Mine == nil || d.Mine.Status == workshops.RegCancelled) && u.Country != ""
		if d.CanApply {
			if d.Questions, d.Multipart, err = h.questionFields(ctx, w.ID, l); err != nil {
				return err
			}
		}
		if d.Mine != nil && h.Workshops.CanHaveVisaLetter(u, d.Mine, w) == nil {
			d.VisaLetter = true
			lt, err := h.Workshops.VisaLetterOf(ctx, u, d.Mine.ID)
			switch {
			case err == nil:
				d.Letter = lt
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		d.CanNominate = (u.IsFocalPoint() && d.OpenNow && countryMayJoin(u, w)) || (u.IsStaff() && w.Status == workshops.StatusPublished)
		d.CanManage = u.IsStaff()
		d.CanCheckIn = workshops.CanTakeAttendance(u, w) && (w.Status == workshops.StatusPublished || w.Status == workshops.StatusCompleted)
	}
	if err := h.addWorkshopExtras(c, w, &d); err != nil {
		return err
	}
	if w.LinkVisibleTo(u, d.Mine) {
		d.OnlineURL = w.OnlineURL
	} else {
		d.W = w.WithoutLink()
	}
	v := h.view(c, "")
	v.Title = d.Title
	v.Data = d
	v.Form = map[string]string{"motivation": ""}
	status := fiber.StatusOK
	if st, ok := c.Locals(keyWorkshopForm).(*workshopFormState); ok {
		v.Errors, v.ErrorKey, v.ErrArgs, status = st.fields, st.key, st.args, st.status
		if st.form != nil {
			v.Form = st.form
		}
	}
	return h.render(c, status, "workshop", v)
}

// hostAndViewerTime writes an instant of a workshop in the host's zone and, when the viewer
// reads another clock (viewer not nil), in theirs beside it: "12 March 2026, 17:00 (UTC+3) —
// your time: 12 March 2026, 16:00 (UTC+2)".
func (h *handler) hostAndViewerTime(l string, t time.Time, host, viewer *time.Location) string {
	s := workshops.FormatDateTime(l, t, host)
	if viewer == nil || workshops.SameOffset(t, host, viewer) {
		return s
	}
	return s + " — " + h.cat.T(l, "workshops.your_time", "time", workshops.FormatDateTime(l, t, viewer))
}

// zoneTitle names zone tz in l for the note above the agenda: «توقيت بيروت», "Beirut time";
// the offset at ref for a zone without a name.
func zoneTitle(l, tz string, ref time.Time) string {
	if n := workshops.ZoneName(l, tz); n != "" {
		return n
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return workshops.Isolate(l, workshops.UTCOffset(ref.In(loc)))
}

// dayZone labels one day's column of times in zone tz: the zone and the day's offset when
// every item has the same, else the zone alone, each item then getting its own offset
// through at (which gives an item's start in the zone and where to write its offset).
func dayZone(l, tz string, items []agendaItem, at func(*agendaItem) (time.Time, *string)) string {
	offsets := map[string]bool{}
	var first time.Time
	for i := range items {
		t, _ := at(&items[i])
		if i == 0 {
			first = t
		}
		offsets[workshops.UTCOffset(t)] = true
	}
	if len(offsets) <= 1 {
		return workshops.ZoneLabel(l, tz, first)
	}
	for i := range items {
		t, dst := at(&items[i])
		*dst = workshops.Isolate(l, workshops.UTCOffset(t))
	}
	if n := workshops.ZoneName(l, tz); n != "" {
		return n
	}
	return ""
}

// zonesDifferDuring reports whether two zones differ at any agenda item or day of w.
func zonesDifferDuring(w *workshops.Workshop, a, b *time.Location) bool {
	for _, se := range w.Sessions {
		if !workshops.SameOffset(se.StartsAt, a, b) {
			return true
		}
	}
	return !workshops.SameOffset(w.Start(), a, b) || !workshops.SameOffset(w.End(), a, b)
}

func (h *handler) workshopLangNames(l string, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = h.cat.T(l, "workshops.lang."+c)
	}
	return strings.Join(names, listSep(l))
}

// listSep separates the items of a list in a sentence of language l.
func listSep(l string) string {
	if l == "ar" {
		return "، "
	}
	return ", "
}

func (h *handler) workshopURL(c *fiber.Ctx, id int64, rest string) string {
	return fmt.Sprintf("/%s/workshops/%d%s", lang(c), id, rest)
}

// back redirects to the workshop page after an action, with a flash message.
func (h *handler) backToWorkshop(c *fiber.Ctx, id int64, flash string) error {
	h.setFlash(c, flash)
	return c.Redirect(h.workshopURL(c, id, ""), fiber.StatusSeeOther)
}

func (h *handler) applyToWorkshop(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	if err := mustBeConfirmed(c); err != nil {
		return err
	}
	qs, _, err := h.questionFields(c.UserContext(), w.ID, lang(c))
	if err != nil {
		return err
	}
	form := map[string]string{"motivation": c.FormValue("motivation")}
	ans, err := answersFromForm(c, qs, form)
	if err == nil {
		_, err = h.Workshops.ApplyAnswered(c.UserContext(), user(c), w.ID, form["motivation"], ans)
	}
	if err != nil {
		fields, key, args, status, ok := formProblem(err)
		if !ok {
			return err
		}
		return h.renderWorkshopWithArgs(c, status, fields, key, h.localArgs(c, args), form)
	}
	return h.backToWorkshop(c, w.ID, "workshops.flash.applied")
}

// workshopFormState is a refused form of the workshop page (a full workshop, a closed
// registration, a missing motivation), shown on the page again with what was typed.
type workshopFormState struct {
	status int
	fields map[string]string
	key    string
	args   []any
	form   map[string]string
}

type workshopKey int

const keyWorkshopForm workshopKey = iota

func (h *handler) renderWorkshopWith(c *fiber.Ctx, status int, fields map[string]string, key string, form map[string]string) error {
	return h.renderWorkshopWithArgs(c, status, fields, key, nil, form)
}

// renderWorkshopWithArgs is renderWorkshopWith with the arguments of the form's message (the
// questions it names).
func (h *handler) renderWorkshopWithArgs(c *fiber.Ctx, status int, fields map[string]string, key string, args []any, form map[string]string) error {
	if key == "" && len(fields) > 0 {
		key = "error.validation"
	}
	c.Locals(keyWorkshopForm, &workshopFormState{status: status, fields: fields, key: key, args: args, form: form})
	return h.showWorkshop(c)
}

func (h *handler) withdrawFromWorkshop(c *fiber.Ctx) error {
	return h.ownAction(c, workshops.ActCancel, "workshops.flash.withdrawn")
}

func (h *handler) acceptSeat(c *fiber.Ctx) error {
	return h.ownAction(c, workshops.ActAccept, "workshops.flash.accepted")
}

// ownAction carries out an action on the current official's own registration.
func (h *handler) ownAction(c *fiber.Ctx, action, flash string) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	r, err := h.Workshops.RegistrationFor(c.UserContext(), w.ID, user(c).ID)
	if err != nil {
		return err
	}
	if _, err := h.Workshops.Transition(c.UserContext(), user(c), r.ID, action); err != nil {
		if _, key, status, ok := formError(err); ok && status < 500 {
			return h.renderWorkshopWith(c, status, nil, key, nil)
		}
		return err
	}
	return h.backToWorkshop(c, w.ID, flash)
}

type workshopTicket struct {
	workshopCard
	R      *workshops.Registration
	Code   string
	QR     any
	Status string
	Days   []string
	Void   string // why a ticket that once admitted its holder no longer does
	// Materials are the workshop's materials the holder may read (workshop_materials.go).
	Materials []materialView
}

func (h *handler) showTicket(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	r, err := h.Workshops.RegistrationFor(ctx, w.ID, user(c).ID)
	if err != nil {
		return err
	}
	l := lang(c)
	d := workshopTicket{workshopCard: h.workshopCardOf(ctx, w, l), R: r, Code: workshops.FormatTicket(r.Ticket), Status: h.cat.T(l, "workshops.status."+r.Status)}
	switch {
	case w.Status == workshops.StatusCancelled:
		d.Status = h.cat.T(l, "workshops.ticket.workshop_cancelled")
		d.Void = h.cat.T(l, "workshops.ticket.void_workshop")
	case r.TicketVoid(w):
		d.Void = h.cat.T(l, "workshops.ticket.void_registration")
	}
	if r.TicketValid(w) {
		link := fmt.Sprintf("%s/%s/admin/workshops/%d/checkin?code=%s", h.cfg.BaseURL, l, w.ID, url.QueryEscape(r.Ticket))
		svg, err := ticketQRSVG(link, h.cat.T(l, "workshops.ticket.qr_label"))
		if err != nil {
			return err
		}
		d.QR = svg
	}
	for _, day := range w.Days() {
		mark := ""
		if r.AttendedOn(day) {
			mark = " ✓"
		}
		d.Days = append(d.Days, workshops.FormatDay(l, day)+mark)
	}
	if d.Materials, err = h.ticketMaterials(c, w, r); err != nil {
		return err
	}
	v := h.view(c, "workshops.ticket.title")
	v.Data = d
	return h.render(c, fiber.StatusOK, "workshop_ticket", v)
}

// actOnRegistration carries out approve, reject, waitlist, cancel or accept on a
// registration from a page's button, then goes back where the button was.
func (h *handler) actOnRegistration(c *fiber.Ctx) error {
	id, err := parseID(c.Params("rid"))
	if err != nil {
		return err
	}
	action := c.Params("action")
	if !slices.Contains(workshops.Actions, action) {
		return problem.NotFound
	}
	r, err := h.Workshops.Transition(c.UserContext(), user(c), id, action)
	if err != nil {
		if _, key, status, ok := formError(err); ok && status == fiber.StatusConflict {
			// A refused decision (no seat left, quota reached) is shown on the list it came from.
			reg, gerr := h.Workshops.Registration(c.UserContext(), id)
			if gerr != nil {
				return err
			}
			return h.renderRegistrationsWith(c, reg.WorkshopID, status, key)
		}
		return err
	}
	next := safeNext(c.FormValue("next"), h.workshopURL(c, r.WorkshopID, ""))
	h.setFlash(c, "workshops.flash."+action)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// workshopsFeed is the iCalendar feed of the published workshops, in ?lang= (or the
// browser's language).
func (h *handler) workshopsFeed(c *fiber.Ctx) error {
	l := c.Query("lang")
	if !i18n.Supported(l) {
		l = i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
	}
	ws, err := h.Workshops.List(c.UserContext(), workshops.Filter{Country: strings.ToUpper(c.Query("country"))})
	if err != nil {
		return err
	}
	for i, w := range ws {
		ws[i] = w.WithoutLink() // a public feed: the link is for those who may join
	}
	return sendCalendar(c, "masar-workshops.ics", h.Workshops.FeedICS(c.UserContext(), ws, l, h.cat.T(l, "workshops.feed_name")))
}

func (h *handler) workshopFeed(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return err
	}
	w, err := h.Workshops.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !w.IsPublic() {
		return problem.NotFound
	}
	l := c.Query("lang")
	if !i18n.Supported(l) {
		l = i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
	}
	return sendCalendar(c, "workshop-"+strconv.FormatInt(id, 10)+".ics", h.Workshops.EventICS(c.UserContext(), w.WithoutLink(), l))
}

// linkFor returns w as the viewer may see it: without its online link unless they are staff,
// one of its trainers or a confirmed participant.
func (h *handler) linkFor(c *fiber.Ctx, w *workshops.Workshop) (*workshops.Workshop, error) {
	u := user(c)
	if w.OnlineURL == "" || u == nil {
		return w.WithoutLink(), nil
	}
	var mine *workshops.Registration
	if !u.IsStaff() && !w.HasTrainer(u.ID) {
		r, err := h.Workshops.RegistrationFor(c.UserContext(), w.ID, u.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		mine = r
	}
	if w.LinkVisibleTo(u, mine) {
		return w, nil
	}
	return w.WithoutLink(), nil
}

func sendCalendar(c *fiber.Ctx, name string, b []byte) error {
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b)
}
