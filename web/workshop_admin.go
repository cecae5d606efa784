package web

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// adminWorkshopRow is a workshop in the staff's (or a focal point's) list.
type adminWorkshopRow struct {
	workshopCard
	Mine int // a focal point's: their country's live registrations
}

type adminWorkshopsData struct {
	Rows   []adminWorkshopRow
	Status string
	States []string
	Staff  bool
}

// listAdminWorkshops lists every workshop for staff (drafts included), and the published
// ones with their country's registrations for a focal point.
func (h *handler) listAdminWorkshops(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := user(c)
	l := lang(c)
	f := workshops.Filter{Statuses: workshops.Statuses}
	d := adminWorkshopsData{Staff: u.IsStaff(), Status: c.Query("status"), States: workshops.Statuses}
	if slices.Contains(workshops.Statuses, d.Status) {
		f.Statuses = []string{d.Status}
	}
	if !u.IsStaff() {
		f.Statuses = []string{workshops.StatusPublished}
	}
	ws, err := h.Workshops.List(ctx, f)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if !countryMayJoin(u, w) {
			continue // another member state's national workshop: no delegation of theirs
		}
		row := adminWorkshopRow{workshopCard: h.workshopCardOf(ctx, w, l)}
		if !u.IsStaff() {
			regs, err := h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Country: u.Country})
			if err != nil {
				return err
			}
			for _, r := range regs {
				if workshops.Live(r.Status) {
					row.Mine++
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	v := h.view(c, "admin.workshops.title")
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_workshops", v)
}

// workshopForm is what the scheduling form shows besides the typed values.
type workshopForm struct {
	W              *workshops.Workshop // nil for a new workshop
	Countries      []officials.Country
	Kinds          []string
	Phases         []int
	Languages      []string
	Interpretation []string
	Courses        []*courses.Course
	ChosenCourses  []string
	Trainers       []*officials.Official
	ChosenTrainers []string
	Sessions       []agendaRow
	Warnings       []string
	Statuses       []string // the moves the workshop may make
	Timezones      []string
	// Request is the advisory request the workshop was spawned from, when the viewer may
	// see it.
	Request *advisory.Request
}

type agendaRow struct {
	I                             int
	ID                            string
	StartsAt, EndsAt, Room        string
	TitleAr, TitleEn, TitleFr     string
	Speaker, TrainerID            string
	ErrStart, ErrEnd, ErrTitle    string
	ErrRoom, ErrSpeaker, ErrTrain string
}

// blankSessions is how many empty agenda rows the form offers below the existing ones.
const blankSessions = 3

func (h *handler) workshopFormData(ctx context.Context, w *workshops.Workshop, in workshops.Input, errs map[string]string, l string) (workshopForm, error) {
	cs, err := h.Officials.Countries(ctx, false)
	if err != nil {
		return workshopForm{}, err
	}
	trainers, _, err := h.Officials.List(ctx, officials.Filter{Role: officials.RoleTrainer, Limit: 500})
	if err != nil {
		return workshopForm{}, err
	}
	for _, role := range []string{officials.RoleStaff, officials.RoleAdmin} {
		more, _, err := h.Officials.List(ctx, officials.Filter{Role: role, Limit: 500})
		if err != nil {
			return workshopForm{}, err
		}
		trainers = append(trainers, more...)
	}
	d := workshopForm{W: w, Countries: cs, Kinds: workshops.Kinds, Phases: in.Phases, Languages: in.Languages,
		Interpretation: in.Interpretation, Courses: h.Library.Catalogue().Courses(), ChosenCourses: in.Courses, Trainers: trainers}
	for _, t := range in.Trainers {
		d.ChosenTrainers = append(d.ChosenTrainers, strconv.FormatInt(t, 10))
	}
	zones := map[string]bool{}
	for _, co := range cs {
		if !zones[co.Timezone] {
			zones[co.Timezone] = true
			d.Timezones = append(d.Timezones, co.Timezone)
		}
	}
	// In the order of their names in the page's language, as the picker shows them.
	slices.SortFunc(d.Timezones, func(a, b string) int {
		return strings.Compare(workshops.ZoneName(l, a), workshops.ZoneName(l, b))
	})
	for i, se := range in.Sessions {
		d.Sessions = append(d.Sessions, h.agendaRow(i, se, errs, l))
	}
	for i := 0; i < blankSessions; i++ {
		d.Sessions = append(d.Sessions, agendaRow{I: len(in.Sessions) + i})
	}
	if w != nil {
		ws, err := h.Workshops.Conflicts(ctx, w, l)
		if err != nil {
			return d, err
		}
		for _, wa := range ws {
			d.Warnings = append(d.Warnings, h.cat.T(l, wa.Key, wa.Args...))
		}
		for _, st := range workshops.Statuses {
			if workshops.CanMove(w.Status, st) {
				d.Statuses = append(d.Statuses, st)
			}
		}
	}
	return d, nil
}

func (h *handler) agendaRow(i int, se workshops.SessionInput, errs map[string]string, l string) agendaRow {
	k := fmt.Sprintf("sessions.%d.", i)
	msg := func(f string) string {
		if key, ok := errs[k+f]; ok {
			return h.cat.T(l, key)
		}
		return ""
	}
	r := agendaRow{I: i, StartsAt: strings.Replace(se.StartsAt, " ", "T", 1), EndsAt: strings.Replace(se.EndsAt, " ", "T", 1), Room: se.Room,
		TitleAr: se.Title["ar"], TitleEn: se.Title["en"], TitleFr: se.Title["fr"], Speaker: se.Speaker,
		ErrStart: msg("starts_at"), ErrEnd: msg("ends_at"), ErrTitle: msg("title"), ErrRoom: msg("room"), ErrSpeaker: msg("speaker"), ErrTrain: msg("trainer_id")}
	if se.ID != 0 {
		r.ID = strconv.FormatInt(se.ID, 10)
	}
	if se.TrainerID != 0 {
		r.TrainerID = strconv.FormatInt(se.TrainerID, 10)
	}
	return r
}

var workshopScalars = []string{"title_ar", "title_en", "title_fr", "description_ar", "description_en", "description_fr", "kind",
	"host_country", "city", "venue", "online_url", "timezone", "start_date", "end_date", "capacity", "country_quota",
	"registration_opens", "registration_closes", "hours", "attendance_threshold", "offer_hours", "reminder_days"}

// workshopFormValues is the scheduling form's typed values for in.
func workshopFormValues(in workshops.Input) map[string]string {
	m := map[string]string{
		"title_ar": in.Title["ar"], "title_en": in.Title["en"], "title_fr": in.Title["fr"],
		"description_ar": in.Description["ar"], "description_en": in.Description["en"], "description_fr": in.Description["fr"],
		"kind": in.Kind, "host_country": in.HostCountry, "city": in.City, "venue": in.Venue, "online_url": in.OnlineURL,
		"timezone": in.Timezone, "start_date": in.StartDate, "end_date": in.EndDate,
		"capacity": strconv.Itoa(in.Capacity), "country_quota": strconv.Itoa(in.CountryQuota),
		"registration_opens": in.RegistrationOpens, "registration_closes": in.RegistrationCloses,
		"hours": strconv.FormatFloat(in.Hours, 'f', -1, 64),
	}
	for name, p := range map[string]*int{"attendance_threshold": in.AttendanceThreshold, "offer_hours": in.OfferHours, "reminder_days": in.ReminderDays} {
		if p != nil {
			m[name] = strconv.Itoa(*p)
		}
	}
	return m
}

// workshopInputFromForm reads the scheduling form. Numbers that do not parse become -1, which the
// service refuses with the field's message.
func workshopInputFromForm(c *fiber.Ctx) (workshops.Input, map[string]string) {
	form := typed(c, workshopScalars...)
	num := func(s string) int {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return -1
		}
		return n
	}
	opt := func(s string) *int {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		n := num(s)
		return &n
	}
	hours, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(form["hours"], ",", ".")), 64)
	if strings.TrimSpace(form["hours"]) == "" {
		hours, err = 0, nil
	}
	if err != nil {
		hours = -1
	}
	quota := 0
	if strings.TrimSpace(form["country_quota"]) != "" {
		quota = num(form["country_quota"])
	}
	in := workshops.Input{
		Title:       map[string]string{"ar": form["title_ar"], "en": form["title_en"], "fr": form["title_fr"]},
		Description: map[string]string{"ar": form["description_ar"], "en": form["description_en"], "fr": form["description_fr"]},
		Kind:        form["kind"], HostCountry: form["host_country"], City: form["city"], Venue: form["venue"], OnlineURL: form["online_url"],
		Timezone: form["timezone"], StartDate: form["start_date"], EndDate: form["end_date"], Capacity: num(form["capacity"]),
		CountryQuota: quota, RegistrationOpens: form["registration_opens"], RegistrationCloses: form["registration_closes"],
		Hours: hours, AttendanceThreshold: opt(form["attendance_threshold"]), OfferHours: opt(form["offer_hours"]),
		ReminderDays: opt(form["reminder_days"]),
	}
	args := c.Request().PostArgs()
	for _, v := range args.PeekMulti("phases") {
		if n, err := strconv.Atoi(string(v)); err == nil {
			in.Phases = append(in.Phases, n)
		}
	}
	for _, v := range args.PeekMulti("languages") {
		in.Languages = append(in.Languages, string(v))
	}
	for _, v := range args.PeekMulti("interpretation") {
		in.Interpretation = append(in.Interpretation, string(v))
	}
	for _, v := range args.PeekMulti("courses") {
		in.Courses = append(in.Courses, string(v))
	}
	for _, v := range args.PeekMulti("trainers") {
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			in.Trainers = append(in.Trainers, n)
		}
	}
	// Agenda rows s0_…, s1_… come in order; the form always sends every field of a row.
	for i := 0; i < 400; i++ {
		p := "s" + strconv.Itoa(i) + "_"
		if !args.Has(p + "starts_at") {
			break
		}
		se := workshops.SessionInput{StartsAt: c.FormValue(p + "starts_at"), EndsAt: c.FormValue(p + "ends_at"), Room: c.FormValue(p + "room"),
			Speaker: c.FormValue(p + "speaker"),
			Title:   map[string]string{"ar": c.FormValue(p + "title_ar"), "en": c.FormValue(p + "title_en"), "fr": c.FormValue(p + "title_fr")}}
		se.ID, _ = strconv.ParseInt(c.FormValue(p+"id"), 10, 64)
		se.TrainerID, _ = strconv.ParseInt(c.FormValue(p+"trainer_id"), 10, 64)
		in.Sessions = append(in.Sessions, se)
	}
	return in, form
}

// dropBlankSessions drops the blank agenda rows, renumbering the errors of the others, so
// that the form shows the rows as the service saw them.
func dropBlankSessions(in workshops.Input) workshops.Input {
	var out []workshops.SessionInput
	for _, se := range in.Sessions {
		if !se.Empty() {
			out = append(out, se)
		}
	}
	in.Sessions = out
	return in
}

func (h *handler) showNewWorkshop(c *fiber.Ctx) error {
	ctx := c.UserContext()
	th, oh, rd := 75, 72, 7
	in := workshops.Input{Kind: workshops.KindRegional, Capacity: 30, Languages: []string{"ar"}, AttendanceThreshold: &th, OfferHours: &oh, ReminderDays: &rd}
	d, err := h.workshopFormData(ctx, nil, in, nil, lang(c))
	if err != nil {
		return err
	}
	v := h.view(c, "admin.workshops.new")
	v.Form = workshopFormValues(in)
	v.Form["capacity"] = "30"
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_workshop_edit", v)
}

func (h *handler) createWorkshop(c *fiber.Ctx) error {
	ctx := c.UserContext()
	in, form := workshopInputFromForm(c)
	in = dropBlankSessions(in)
	w, err := h.Workshops.Create(ctx, actor(c), in)
	if err != nil {
		return h.workshopFormError(c, nil, in, form, err, "admin.workshops.new")
	}
	h.setFlash(c, "workshops.flash.created")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d", lang(c), w.ID), fiber.StatusSeeOther)
}

func (h *handler) workshopFormError(c *fiber.Ctx, w *workshops.Workshop, in workshops.Input, form map[string]string, err error, title string) error {
	fields, key, status, ok := formError(err)
	if !ok {
		return err
	}
	d, derr := h.workshopFormData(c.UserContext(), w, in, fields, lang(c))
	if derr != nil {
		return derr
	}
	if w != nil {
		if d.Request, derr = h.Advisory.RequestOfWorkshop(c.UserContext(), user(c), w.ID); derr != nil {
			return derr
		}
	}
	v := h.view(c, title)
	v.Form, v.Data, v.Errors, v.ErrorKey = form, d, fields, key
	if p, ok := problem.As(err); ok {
		v.ErrArgs = h.localArgs(c, p.Args)
	}
	return h.render(c, status, "admin_workshop_edit", v)
}

func (h *handler) showEditWorkshop(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	in := w.Input()
	d, err := h.workshopFormData(c.UserContext(), w, in, nil, lang(c))
	if err != nil {
		return err
	}
	if d.Request, err = h.Advisory.RequestOfWorkshop(c.UserContext(), user(c), w.ID); err != nil {
		return err
	}
	v := h.view(c, "admin.workshops.edit")
	v.Form = workshopFormValues(in)
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_workshop_edit", v)
}

func (h *handler) saveWorkshop(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	in, form := workshopInputFromForm(c)
	in = dropBlankSessions(in)
	if _, err := h.Workshops.Update(c.UserContext(), actor(c), w.ID, in); err != nil {
		return h.workshopFormError(c, w, in, form, err, "admin.workshops.edit")
	}
	h.setFlash(c, "flash.saved")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d", lang(c), w.ID), fiber.StatusSeeOther)
}

func (h *handler) setWorkshopStatus(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	st := c.FormValue("status")
	if _, err := h.Workshops.SetStatus(c.UserContext(), actor(c), w.ID, st); err != nil {
		return err
	}
	h.setFlash(c, "workshops.flash.status_"+st)
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d", lang(c), w.ID), fiber.StatusSeeOther)
}

// registrationRow is a registration in the staff's list, with the actions it allows.
type registrationRow struct {
	R       *workshops.Registration
	Status  string
	Country string
	Actions []string
	Days    []bool
	Rate    int
	Answers []answerCell // the answers to the registration questions
}

type registrationsData struct {
	workshopCard
	Rows      []registrationRow
	Status    string
	Country   string
	Q         string
	Statuses  []string
	Countries []officials.Country
	Letters   []workshops.Letter
	Report    *workshops.ImportReport
	DayLabels []string
	Questions int // how many questions the workshop has (archived ones included)
}

func (h *handler) registrationsPageData(c *fiber.Ctx, w *workshops.Workshop) (registrationsData, error) {
	ctx := c.UserContext()
	l := lang(c)
	f := workshops.RegFilter{Status: c.Query("status"), Country: strings.ToUpper(c.Query("country")), Q: c.Query("q")}
	if !slices.Contains(workshops.RegStatuses, f.Status) {
		f.Status = ""
	}
	regs, err := h.Workshops.Registrations(ctx, w.ID, f)
	if err != nil {
		return registrationsData{}, err
	}
	cs, err := h.Officials.Countries(ctx, false)
	if err != nil {
		return registrationsData{}, err
	}
	d := registrationsData{workshopCard: h.workshopCardOf(ctx, w, l), Status: f.Status, Country: f.Country, Q: f.Q, Statuses: workshops.RegStatuses, Countries: cs}
	if d.Letters, err = h.Workshops.Letters(ctx, user(c), w.ID); err != nil {
		return d, err
	}
	days := w.Days()
	for _, day := range days {
		d.DayLabels = append(d.DayLabels, workshops.FormatDay(l, day))
	}
	qs, err := h.Workshops.Questions(ctx, w.ID, true)
	if err != nil {
		return d, err
	}
	d.Questions = len(qs)
	for _, r := range regs {
		row := registrationRow{R: r, Status: h.cat.T(l, "workshops.status."+r.Status), Country: h.Workshops.CountryName(ctx, r.Country, l),
			Rate: int(r.Rate(w)*100 + 0.5), Answers: h.answerCells(qs, r, l)}
		for _, a := range []string{workshops.ActApprove, workshops.ActWaitlist, workshops.ActReject, workshops.ActCancel} {
			if workshops.CanDo(a, r.Status) {
				row.Actions = append(row.Actions, a)
			}
		}
		for _, day := range days {
			row.Days = append(row.Days, r.AttendedOn(day))
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

func (h *handler) listRegistrations(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	return h.renderRegistrations(c, w, fiber.StatusOK, "", nil)
}

func (h *handler) renderRegistrations(c *fiber.Ctx, w *workshops.Workshop, status int, errKey string, rep *workshops.ImportReport) error {
	d, err := h.registrationsPageData(c, w)
	if err != nil {
		return err
	}
	d.Report = rep
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "admin.workshops.registrations") + " · " + d.Title
	v.ErrorKey = errKey
	v.Data = d
	return h.render(c, status, "admin_workshop_registrations", v)
}

// renderRegistrationsWith shows a refused decision on the registrations list (staff) or,
// for anyone else, back on the workshop page.
func (h *handler) renderRegistrationsWith(c *fiber.Ctx, wid int64, status int, key string) error {
	w, err := h.Workshops.Get(c.UserContext(), wid)
	if err != nil {
		return err
	}
	if u := user(c); u != nil && u.IsStaff() {
		return h.renderRegistrations(c, w, status, key, nil)
	}
	h.setFlash(c, key)
	return c.Redirect(h.workshopURL(c, w.ID, ""), fiber.StatusSeeOther)
}

func (h *handler) exportParticipants(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Workshops.WriteParticipantsXLSX(c.UserContext(), &buf, w.ID, lang(c)); err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("masar-workshop-%d-participants-%s.xlsx", w.ID, time.Now().UTC().Format("2006-01-02")), buf.Bytes())
}

// readWorkshopUpload reads an uploaded file of the form, refusing one larger than limit.
func readWorkshopUpload(c *fiber.Ctx, field string, limit int64, tooLarge error) ([]byte, string, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, "", problem.Fields{field: "field.required"}.Err()
	}
	b, name, err := readFormFile(fh, limit, tooLarge)
	if err != nil {
		name = ""
	}
	return b, name, err
}

type workshopImportData struct {
	workshopCard
	Report *workshops.ImportReport
	Back   string
}

// importParticipants takes a participant list (staff) or a delegation (a focal point) from
// an uploaded workbook: all rows or none.
func (h *handler) importParticipants(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	u := user(c)
	back := h.workshopURL(c, w.ID, "/nominate")
	if u.IsStaff() {
		back = fmt.Sprintf("/%s/admin/workshops/%d/registrations", lang(c), w.ID)
	}
	data, _, err := readWorkshopUpload(c, "file", workshops.MaxImportBytes, workshops.ErrImportTooLarge)
	var rep *workshops.ImportReport
	if err == nil {
		rep, err = h.Workshops.ImportParticipants(ctx, u, w.ID, data, lang(c), h.claimMail(c))
	}
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		if key == "" && len(fields) > 0 {
			key = "error.validation"
		}
		v := h.view(c, "workshops.import.title")
		v.ErrorKey = key
		v.Data = workshopImportData{workshopCard: h.workshopCardOf(ctx, w, lang(c)), Report: rep, Back: back}
		return h.render(c, status, "workshop_import", v)
	}
	v := h.view(c, "workshops.import.title")
	v.Data = workshopImportData{workshopCard: h.workshopCardOf(ctx, w, lang(c)), Report: rep, Back: back}
	return h.render(c, fiber.StatusOK, "workshop_import", v)
}
