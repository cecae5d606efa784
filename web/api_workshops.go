package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

func (h *handler) apiWorkshopRoutes(api fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	nominators := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint)
	api.Get("/workshops", h.apiListWorkshops)
	api.Post("/workshops", staff, h.apiCreateWorkshop)
	api.Get("/workshops/:id", h.apiGetWorkshop)
	api.Patch("/workshops/:id", staff, h.apiUpdateWorkshop)
	api.Get("/workshops/:id/conflicts", staff, h.apiWorkshopConflicts)
	api.Get("/workshops/:id/registrations", h.requireAPIUser, h.apiListRegistrations)
	api.Post("/workshops/:id/registrations", h.requireAPIUser, h.apiRegister)
	api.Get("/workshops/:id/attendance", h.requireAPIUser, h.apiGetAttendance)
	api.Post("/workshops/:id/attendance", h.requireAPIUser, h.apiRecordAttendance)
	api.Get("/workshops/:id/participants.xlsx", staff, h.apiExportParticipants)
	api.Post("/workshops/:id/participants", nominators, h.apiImportParticipants)
	api.Get("/workshops/:id/letters/:country", nominators, h.apiGetLetter)
	api.Put("/workshops/:id/letters/:country", nominators, h.apiPutLetter)
	h.apiWorkshopDocumentRoutes(api)
	api.Get("/registrations/:id", h.requireAPIUser, h.apiGetRegistration)
	for _, a := range workshops.Actions {
		api.Post("/registrations/:id/"+a, h.requireAPIUser, h.apiRegistrationAction(a))
	}
	api.Get("/me/registrations", h.requireAPIUser, h.apiMyRegistrations)
	h.apiQuestionRoutes(api)
	h.apiWorkshopMaterialRoutes(api)
}

// apiWorkshop is the workshop named in the URL, if the caller may see it (drafts: staff
// and the workshop's trainers).
func (h *handler) apiWorkshop(c *fiber.Ctx) (*workshops.Workshop, error) {
	return h.loadWorkshop(c)
}

func (h *handler) apiListWorkshops(c *fiber.Ctx) error {
	f := workshops.Filter{Country: strings.ToUpper(c.Query("country")), Kind: c.Query("kind"), Phase: c.QueryInt("phase", 0), Month: c.Query("month")}
	if st := c.Query("status"); st != "" {
		if !slices.Contains(workshops.Statuses, st) {
			return problem.Fields{"status": "field.choose"}.Err()
		}
		if st == workshops.StatusDraft && !user(c).IsStaff() {
			// Drafts are for staff: a caller without a token is asked for one, like
			// on every other route that needs an account.
			if user(c) == nil {
				return problem.New(fiber.StatusUnauthorized, "unauthorized", "error.login_required")
			}
			return problem.Forbidden
		}
		f.Statuses = []string{st}
	}
	switch c.Query("when") {
	case "upcoming":
		t := true
		f.Upcoming = &t
	case "past":
		t := false
		f.Upcoming = &t
	}
	ws, err := h.Workshops.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	if ws, err = h.Workshops.LinksFor(c.UserContext(), user(c), ws); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, ws)
}

func (h *handler) apiCreateWorkshop(c *fiber.Ctx) error {
	var in workshops.Input
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	w, err := h.Workshops.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, w)
}

func (h *handler) apiGetWorkshop(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	if w, err = h.linkFor(c, w); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, w)
}

// apiUpdateWorkshop changes the fields present in the body (title.fr alone changes only the
// French title); "status" publishes, cancels or completes the workshop.
func (h *handler) apiUpdateWorkshop(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(c.Body(), &probe); err != nil {
		return problem.New(fiber.StatusBadRequest, "bad_json", "error.bad_json")
	}
	var status string
	if raw, ok := probe["status"]; ok {
		if err := json.Unmarshal(raw, &status); err != nil {
			return problem.Fields{"status": "field.choose"}.Err()
		}
		delete(probe, "status")
	}
	for _, k := range []string{"id", "seats", "sequence", "created_at", "updated_at"} {
		if _, ok := probe[k]; ok {
			return problem.Fields{k: "field.not_editable"}.Err()
		}
	}
	ctx := c.UserContext()
	if len(probe) > 0 {
		in := w.Input()
		body, _ := json.Marshal(probe)
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return jsonProblem(err)
		}
		if w, err = h.Workshops.Update(ctx, actor(c), w.ID, in); err != nil {
			return err
		}
	}
	if status != "" {
		if w, err = h.Workshops.SetStatus(ctx, actor(c), w.ID, status); err != nil {
			return err
		}
	}
	return data(c, fiber.StatusOK, w)
}

// apiWarning is a conflict as the API reports it.
type apiWarning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (h *handler) apiWorkshopConflicts(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	l := lang(c)
	ws, err := h.Workshops.Conflicts(c.UserContext(), w, l)
	if err != nil {
		return err
	}
	out := []apiWarning{}
	for _, wa := range ws {
		out = append(out, apiWarning{Code: wa.Code, Message: h.cat.T(l, wa.Key, wa.Args...)})
	}
	return data(c, fiber.StatusOK, out)
}

// visibleRegistration hides the ticket code from anyone but the person and staff.
func visibleRegistration(u *officials.Official, r *workshops.Registration) *workshops.Registration {
	if u.IsStaff() || r.OfficialID == u.ID {
		return r
	}
	cp := *r
	cp.Ticket = ""
	if !workshops.CanSeeAnswers(u, r) {
		cp.Answers = []workshops.Answer{} // a trainer sees who comes, not their passports and needs
	}
	return &cp
}

// apiListRegistrations lists a workshop's registrations: all for staff and its trainers,
// a country's for its focal point, one's own for an official.
func (h *handler) apiListRegistrations(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	u := user(c)
	f := workshops.RegFilter{Status: c.Query("status"), Country: strings.ToUpper(c.Query("country")), Q: c.Query("q")}
	if f.Status != "" && !slices.Contains(workshops.RegStatuses, f.Status) {
		return problem.Fields{"status": "field.choose"}.Err()
	}
	if u.IsFocalPoint() && !w.HasTrainer(u.ID) {
		f.Country = u.Country
	}
	regs, err := h.Workshops.Registrations(c.UserContext(), w.ID, f)
	if err != nil {
		return err
	}
	out := []*workshops.Registration{}
	for _, r := range regs {
		if workshops.CanSee(u, r, w) {
			out = append(out, visibleRegistration(u, r))
		}
	}
	return data(c, fiber.StatusOK, out)
}

// registrationBody is the body of POST /workshops/{id}/registrations: an official applies
// with a motivation; a focal point or staff nominates by official_id, by e-mail, or by e-mail
// with the profile of an account to create.
type registrationBody struct {
	Motivation string `json:"motivation"`
	OfficialID int64  `json:"official_id"`
	// Answers to the registration questions by question id: a string (text, the option's
	// key, yes or no, YYYY-MM-DD), or for a file {"filename", "content_base64"}.
	Answers map[string]json.RawMessage `json:"answers"`
	officials.Input
}

func (h *handler) apiRegister(c *fiber.Ctx) error {
	ctx := c.UserContext()
	// Only who may see the workshop is checked here: the registration reads and checks the
	// workshop again under its lock, and answers with the registration, not the workshop.
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	var b registrationBody
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	u := user(c)
	var r *workshops.Registration
	switch {
	case b.OfficialID == 0 && b.Email == "":
		if err := mustBeConfirmed(c); err != nil {
			return err
		}
		ans, aerr := apiAnswers(c, b)
		if aerr != nil {
			return aerr
		}
		r, err = h.Workshops.ApplyAnswered(ctx, u, w.ID, b.Motivation, ans)
	case !u.IsStaff() && !u.IsFocalPoint():
		return problem.Forbidden
	default:
		r, err = h.apiNominate(c, w, b)
	}
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, visibleRegistration(u, r))
}

// apiNominate registers the official a nomination is for: an existing account (by id or
// e-mail), or, with a profile, a new one made in the same transaction as the registration
// and the mail that lets its holder claim it. A focal point reaches only their country's
// officials; another country's account is not found, and a new account for its address is
// refused in the same words as on the page.
func (h *handler) apiNominate(c *fiber.Ctx, w *workshops.Workshop, b registrationBody) (*workshops.Registration, error) {
	ctx := c.UserContext()
	u := user(c)
	var o *officials.Official
	var err error
	if b.OfficialID != 0 {
		o, err = h.Officials.Get(ctx, b.OfficialID)
	} else {
		o, err = h.Officials.GetByEmail(ctx, b.Email)
	}
	profile := b.NameAr != "" || b.NameLatin != ""
	ans, aerr := apiAnswers(c, b)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case err == nil && o.DeletedAt == nil && (u.IsStaff() || o.Country == u.Country):
		return h.Workshops.NominateAnswered(ctx, u, w.ID, o, b.Motivation, ans)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, err
	case b.OfficialID != 0 || !profile:
		return nil, problem.NotFound
	case err == nil:
		return nil, errNomineeUnavailable
	}
	return h.Workshops.NominateNew(ctx, u, w.ID, b.Input, b.Motivation, ans, h.claimMail(c))
}

func (h *handler) apiGetRegistration(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return err
	}
	r, err := h.Workshops.Registration(c.UserContext(), id)
	if err != nil {
		return err
	}
	w, err := h.Workshops.Get(c.UserContext(), r.WorkshopID)
	if err != nil {
		return err
	}
	if !workshops.CanSee(user(c), r, w) {
		return problem.NotFound
	}
	return data(c, fiber.StatusOK, visibleRegistration(user(c), r))
}

// apiRegistrationAction approves, rejects, waitlists, cancels or accepts a registration; a
// refused approval answers 409 capacity_full or quota_full.
func (h *handler) apiRegistrationAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := parseID(c.Params("id"))
		if err != nil {
			return err
		}
		r, err := h.Workshops.Transition(c.UserContext(), user(c), id, action)
		if err != nil {
			return err
		}
		return data(c, fiber.StatusOK, visibleRegistration(user(c), r))
	}
}

func (h *handler) apiMyRegistrations(c *fiber.Ctx) error {
	mine, err := h.Workshops.MyRegistrations(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, withVisibleLinks(user(c), mine))
}

// attendanceEntry is one participant's attendance as the API reports it.
type attendanceEntry struct {
	RegistrationID int64    `json:"registration_id"`
	OfficialID     int64    `json:"official_id"`
	NameAr         string   `json:"name_ar"`
	NameLatin      string   `json:"name_latin"`
	Country        string   `json:"country"`
	Days           []string `json:"days"`
	Rate           float64  `json:"rate"`
	Meets          bool     `json:"meets_threshold"`
}

func (h *handler) apiAttendance(c *fiber.Ctx, w *workshops.Workshop) error {
	regs, err := h.Workshops.Registrations(c.UserContext(), w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if err != nil {
		return err
	}
	out := []attendanceEntry{}
	for _, r := range regs {
		rate := r.Rate(w)
		out = append(out, attendanceEntry{RegistrationID: r.ID, OfficialID: r.OfficialID, NameAr: r.NameAr, NameLatin: r.NameLatin,
			Country: r.Country, Days: r.Attended, Rate: rate, Meets: w.MeetsThreshold(rate)})
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiGetAttendance(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	if !workshops.CanTakeAttendance(user(c), w) {
		return problem.Forbidden
	}
	return h.apiAttendance(c, w)
}

// attendanceBody marks participants present (or, with "present": false, absent) on a day,
// by registration id or ticket code, all or none.
type attendanceBody struct {
	Day             string   `json:"day"`
	RegistrationID  int64    `json:"registration_id"`
	RegistrationIDs []int64  `json:"registration_ids"`
	Codes           []string `json:"codes"`
	Present         *bool    `json:"present"`
}

func (h *handler) apiRecordAttendance(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	var b attendanceBody
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	if !workshops.CanTakeAttendance(user(c), w) {
		return problem.Forbidden
	}
	ids := b.RegistrationIDs
	if b.RegistrationID != 0 {
		ids = append(ids, b.RegistrationID)
	}
	for i, code := range b.Codes {
		r, err := h.Workshops.ByTicket(ctx, w.ID, code)
		if errors.Is(err, store.ErrNotFound) {
			return problem.Fields{fmt.Sprintf("codes.%d", i): "workshops.field.code.unknown"}.Err()
		}
		if err != nil {
			return err
		}
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		return problem.Fields{"registration_ids": "field.required"}.Err()
	}
	present := b.Present == nil || *b.Present
	if err := h.Workshops.RecordAttendance(ctx, user(c), w.ID, b.Day, ids, present); err != nil {
		return err
	}
	return h.apiAttendance(c, w)
}

func (h *handler) apiExportParticipants(c *fiber.Ctx) error {
	return h.exportParticipants(c)
}

// apiImportParticipants takes the workbook as the request body (staff: a participant list;
// a focal point: their delegation). It answers the import report; a refused import is 422
// with each bad row and field in error.fields ("rows.3.email").
func (h *handler) apiImportParticipants(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	rep, err := h.Workshops.ImportParticipants(c.UserContext(), user(c), w.ID, c.Body(), lang(c), h.claimMail(c))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, rep)
}

func (h *handler) apiGetLetter(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
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

// apiPutLetter stores the request body (a PDF of at most 5 MB) as the country's letter.
func (h *handler) apiPutLetter(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	name := c.Query("filename", "nomination-letter.pdf")
	l, err := h.Workshops.SaveLetter(c.UserContext(), user(c), w.ID, strings.ToUpper(c.Params("country")), name, c.Body())
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, l)
}

// wsOnlineURL is the schema of a workshop's meeting link, which most callers do not receive.
var wsOnlineURL = map[string]any{"type": "string", "description": "the meeting link; present only for staff, the workshop's trainers and participants with a confirmed seat"}

// OpenAPI schemas of the workshop API.
var (
	wsStr      = map[string]any{"type": "string"}
	wsInt      = map[string]any{"type": "integer"}
	wsNum      = map[string]any{"type": "number"}
	wsBool     = map[string]any{"type": "boolean"}
	wsTime     = map[string]any{"type": "string", "format": "date-time", "nullable": true}
	wsDate     = map[string]any{"type": "string", "format": "date", "description": "host-local date"}
	wsLocal    = map[string]any{"type": "string", "description": "host-local time (2026-03-10T09:00) or RFC 3339 with an offset"}
	wsStrs     = map[string]any{"type": "array", "items": wsStr}
	wsInts     = map[string]any{"type": "array", "items": wsInt}
	wsLangText = map[string]any{"type": "object", "description": "texts keyed by language (ar, en, fr)", "additionalProperties": wsStr}
	wsKind     = map[string]any{"type": "string", "enum": workshops.Kinds}
	wsRegState = map[string]any{"type": "string", "enum": workshops.RegStatuses}

	schemaSession = map[string]any{"type": "object", "properties": map[string]any{"id": wsInt, "starts_at": wsTime, "ends_at": wsTime,
		"room": wsStr, "title": wsLangText, "speaker": wsStr, "trainer_id": wsInt}}
	schemaWorkshop = map[string]any{"type": "object", "properties": map[string]any{
		"id": wsInt, "title": wsLangText, "description": wsLangText, "kind": wsKind, "phases": wsInts, "host_country": wsStr,
		"city": wsStr, "venue": wsStr, "online_url": wsOnlineURL, "timezone": wsStr, "start_date": wsDate, "end_date": wsDate,
		"languages": wsStrs, "interpretation": wsStrs, "capacity": wsInt, "country_quota": wsInt,
		"registration_opens": wsTime, "registration_closes": wsTime,
		"status":               map[string]any{"type": "string", "enum": workshops.Statuses},
		"hours":                wsNum,
		"attendance_threshold": map[string]any{"type": "integer", "description": "percent of days to attend for a certificate"},
		"offer_hours":          wsInt, "reminder_days": wsInt, "courses": wsStrs, "trainers": wsInts,
		"sessions": map[string]any{"type": "array", "items": schemaSession}, "sequence": wsInt,
		"seats":      map[string]any{"type": "object", "properties": map[string]any{"confirmed": wsInt, "offered": wsInt, "pending": wsInt, "waitlisted": wsInt, "left": wsInt}},
		"created_at": wsTime, "updated_at": wsTime,
	}}
	workshopInputProps = map[string]any{
		"title": wsLangText, "description": wsLangText, "kind": wsKind, "phases": wsInts, "host_country": wsStr, "city": wsStr,
		"venue": wsStr, "online_url": wsStr, "timezone": wsStr, "start_date": wsDate, "end_date": wsDate, "languages": wsStrs,
		"interpretation": wsStrs, "capacity": wsInt, "country_quota": wsInt, "registration_opens": wsLocal, "registration_closes": wsLocal,
		"hours": wsNum, "attendance_threshold": wsInt, "offer_hours": wsInt, "reminder_days": wsInt, "courses": wsStrs, "trainers": wsInts,
		"sessions": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"id": wsInt, "starts_at": wsLocal, "ends_at": wsLocal, "room": wsStr, "title": wsLangText, "speaker": wsStr, "trainer_id": wsInt}}},
	}
	schemaWorkshopInput = map[string]any{"type": "object", "required": []string{"title", "kind", "phases", "start_date", "end_date", "languages", "capacity"},
		"properties": workshopInputProps}
	schemaWorkshopPatch = map[string]any{"type": "object", "properties": mergeProps(workshopInputProps,
		map[string]any{"status": map[string]any{"type": "string", "enum": workshops.Statuses}})}
	schemaWarnings     = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"code": wsStr, "message": wsStr}}}
	schemaRegistration = map[string]any{"type": "object", "properties": map[string]any{
		"id": wsInt, "workshop_id": wsInt, "official_id": wsInt, "status": wsRegState, "country": wsStr, "motivation": wsStr,
		"nominated_by": map[string]any{"type": "integer", "nullable": true}, "ticket": wsStr, "offer_expires_at": wsTime,
		"created_at": wsTime, "updated_at": wsTime, "name_ar": wsStr, "name_latin": wsStr, "email": wsStr, "job_title": wsStr,
		"organisation": wsStr, "sector": wsStr, "gender": wsStr, "language": wsStr, "attended": wsStrs,
	}}
	schemaRegistrationInput = map[string]any{"type": "object", "properties": map[string]any{
		"motivation": wsStr, "official_id": wsInt, "email": wsStr, "name_ar": wsStr, "name_latin": wsStr, "job_title": wsStr,
		"organisation": wsStr, "country": wsStr, "sector": wsStr, "gender": wsStr, "language": wsStr,
	}}
	schemaMyRegistrations = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
		"registration": ref("Registration"), "workshop": ref("Workshop")}}}
	schemaAttendance = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
		"registration_id": wsInt, "official_id": wsInt, "name_ar": wsStr, "name_latin": wsStr, "country": wsStr, "days": wsStrs,
		"rate": map[string]any{"type": "number", "minimum": 0, "maximum": 1}, "meets_threshold": wsBool}}}
	schemaAttendanceInput = map[string]any{"type": "object", "required": []string{"day"}, "properties": map[string]any{
		"day": wsDate, "registration_id": wsInt, "registration_ids": wsInts, "codes": wsStrs,
		"present": map[string]any{"type": "boolean", "default": true}}}
	schemaLetter = map[string]any{"type": "object", "properties": map[string]any{"workshop_id": wsInt, "country": wsStr, "filename": wsStr,
		"size": wsInt, "sha256": wsStr, "uploaded_by": wsInt, "uploaded_at": wsTime}}
)

func mergeProps(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
