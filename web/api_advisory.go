package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
)

// apiAdvisoryRoutes registers the advisory API. The role checks are those of the pages: focal
// points, staff and admins only (403 for other roles); another country's request answers
// 404; a move the workflow does not have answers 409 transition_forbidden, one that belongs
// to the other party 403 transition_not_allowed.
func (h *handler) apiAdvisoryRoutes(api fiber.Router) {
	may := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	h.apiAdvisoryLifecycleRoutes(api)
	api.Get("/advisory", may, h.apiListAdvisory)
	api.Post("/advisory", may, h.apiCreateAdvisory)
	h.apiAdvisoryQueueRoutes(api, staff)
	api.Get("/advisory/:id", may, h.apiGetAdvisory)
	api.Patch("/advisory/:id", staff, h.apiAssignAdvisory)
	api.Post("/advisory/:id/transition", may, h.apiTransitionAdvisory)
	api.Post("/advisory/:id/comments", may, h.apiCommentAdvisory)
	api.Post("/advisory/:id/attachments", may, h.apiAttachAdvisory)
	api.Get("/advisory/:id/attachments/:aid", may, h.apiDownloadAdvisoryAttachment)
	api.Delete("/advisory/:id/attachments/:aid", may, h.apiRemoveAdvisoryAttachment)
	api.Post("/advisory/:id/rating", may, h.apiRateAdvisory)
	api.Get("/countries/:iso/assessments", may, h.apiListAssessments)
	api.Post("/countries/:iso/assessments", may, h.apiSaveAssessment)
	api.Put("/countries/:iso/assessments/:aid", may, h.apiCorrectAssessment)
	api.Get("/countries/:iso/assessments/changes", may, h.apiAssessmentChanges)
	h.apiAdvisoryWorkshopRoutes(api, staff)
}

func (h *handler) apiListAdvisory(c *fiber.Ctx) error {
	f := advisoryFilter(c)
	f.Limit = c.QueryInt("limit", 50)
	if f.Limit < 1 || f.Limit > 500 {
		f.Limit = 50
	}
	f.Offset = max(0, c.QueryInt("offset", 0))
	items, total, err := h.Advisory.List(c.UserContext(), user(c), f)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, page[*advisory.Request]{Items: items, Total: total, Limit: f.Limit, Offset: f.Offset})
}

// advisoryFileBody is a file sent in JSON: its name and its content in base64.
type advisoryFileBody struct {
	Filename string `json:"filename"`
	Data     []byte `json:"data"`
}

type advisoryCreateBody struct {
	advisory.Input
	Attachments []advisoryFileBody `json:"attachments"`
	// Letter is the ministry's letter: the input's fields and the file in base64.
	Letter struct {
		advisory.LetterInput
		File *advisoryFileBody `json:"file"`
	} `json:"letter"`
}

func advisoryFiles(in []advisoryFileBody) []advisory.File {
	out := make([]advisory.File, len(in))
	for i, f := range in {
		out[i] = advisory.File{Name: f.Filename, Data: f.Data}
	}
	return out
}

func (h *handler) apiCreateAdvisory(c *fiber.Ctx) error {
	var b advisoryCreateBody
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	b.Input.Letter = b.Letter.LetterInput
	b.Input.Letter.File = fileOf(b.Letter.File)
	r, err := h.Advisory.Create(c.UserContext(), user(c), b.Input, advisoryFiles(b.Attachments))
	if err != nil {
		return err
	}
	d, err := h.apiAdvisoryDetail(c, r.ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, d)
}

// advisoryJSON is a request as the API shows it, with its history, thread and files. The
// internal notes are there for staff only.
type advisoryJSON struct {
	*advisory.Request
	History       []advisory.Transition `json:"history"`
	Comments      []advisory.Comment    `json:"comments"`
	InternalNotes *[]advisory.Comment   `json:"internal_notes,omitempty"`
	Attachments   []advisory.Attachment `json:"attachments"`
	Moves         []string              `json:"moves"` // the states the caller may move it to now
	Letter        *advisory.Letter      `json:"letter"`
	Timeline      []advisory.Step       `json:"timeline"`
}

func (h *handler) apiAdvisoryDetail(c *fiber.Ctx, id int64) (*advisoryJSON, error) {
	ctx, u := c.UserContext(), user(c)
	r, err := h.Advisory.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &advisoryJSON{Request: r, Moves: []string{}}
	if d.History, err = h.Advisory.History(ctx, u, id); err != nil {
		return nil, err
	}
	thread, notes, err := h.Advisory.Comments(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d.Comments = thread
	if u.IsStaff() {
		d.InternalNotes = &notes
	}
	if d.Attachments, err = h.Advisory.Attachments(ctx, u, id); err != nil {
		return nil, err
	}
	for _, e := range advisory.Moves(u, r) {
		d.Moves = append(d.Moves, e.To)
	}
	if d.Letter, err = h.Advisory.LetterOf(ctx, u, id); err != nil {
		return nil, err
	}
	if d.Timeline, err = h.Advisory.Timeline(ctx, u, id); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *handler) apiGetAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	d, err := h.apiAdvisoryDetail(c, id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

// apiAssignAdvisory changes the lead expert and due dates present in the body; absent fields
// keep their value, "" clears one.
func (h *handler) apiAssignAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		LeadExpert  *string `json:"lead_expert"`
		ResponseDue *string `json:"response_due"`
		DeliveryDue *string `json:"delivery_due"`
		DueNote     string  `json:"due_note"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	r, err := h.Advisory.Get(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	a := advisory.Assignment{LeadExpert: r.LeadExpert, ResponseDue: r.ResponseDue, DeliveryDue: r.DeliveryDue, DueNote: b.DueNote}
	for _, p := range []struct {
		src *string
		dst *string
	}{{b.LeadExpert, &a.LeadExpert}, {b.ResponseDue, &a.ResponseDue}, {b.DeliveryDue, &a.DeliveryDue}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if _, err := h.Advisory.Assign(c.UserContext(), user(c), id, a); err != nil {
		return err
	}
	d, err := h.apiAdvisoryDetail(c, id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

// apiTransitionAdvisory takes {"to": "accepted", "reason": "…"}.
func (h *handler) apiTransitionAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	if _, err := h.Advisory.Transition(c.UserContext(), user(c), id, strings.TrimSpace(b.To), b.Reason); err != nil {
		return err
	}
	d, err := h.apiAdvisoryDetail(c, id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

// apiCommentAdvisory takes {"body": "…", "internal": false}.
func (h *handler) apiCommentAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	cm, err := h.Advisory.AddComment(c.UserContext(), user(c), id, b.Body, b.Internal)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, cm)
}

// apiAttachAdvisory takes the files as multipart/form-data (fields "file"), or as JSON
// {"attachments": [{"filename": "…", "data": "<base64>"}]}.
func (h *handler) apiAttachAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var fs []advisory.File
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		if fs, err = h.advisoryUploads(c, "file"); err != nil {
			return err
		}
	} else {
		var b struct {
			Attachments []advisoryFileBody `json:"attachments"`
		}
		if err := bodyJSON(c, &b); err != nil {
			return err
		}
		fs = advisoryFiles(b.Attachments)
	}
	as, err := h.Advisory.AddAttachments(c.UserContext(), user(c), id, fs)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, as)
}

func (h *handler) apiRemoveAdvisoryAttachment(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	aid, err := parseID(c.Params("aid"))
	if err != nil {
		return err
	}
	if err := h.Advisory.RemoveAttachment(c.UserContext(), user(c), id, aid); err != nil {
		return err
	}
	as, err := h.Advisory.Attachments(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, as)
}

func (h *handler) apiDownloadAdvisoryAttachment(c *fiber.Ctx) error {
	return h.downloadAdvisoryAttachment(c)
}

// apiRateAdvisory takes {"rating": 1…5, "feedback": "…"}.
func (h *handler) apiRateAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		Rating   int    `json:"rating"`
		Feedback string `json:"feedback"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	r, err := h.Advisory.Rate(c.UserContext(), user(c), id, b.Rating, b.Feedback)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, r)
}

func (h *handler) apiListAssessments(c *fiber.Ctx) error {
	as, err := h.Advisory.Assessments(c.UserContext(), user(c), strings.ToUpper(c.Params("iso")))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, as)
}

// apiSaveAssessment takes {"assessed_on": "YYYY-MM-DD", "note": "…", "levels": {"1":
// {"policy_strategy": 2, …}, …, "4": {…}}} with every cell filled.
func (h *handler) apiSaveAssessment(c *fiber.Ctx) error {
	iso := strings.ToUpper(c.Params("iso"))
	if _, err := h.Officials.Country(c.UserContext(), iso); err != nil {
		return err // wraps store.ErrNotFound (404) for an unknown code; a failed lookup is a 500
	}
	var in advisory.AssessmentInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	a, err := h.Advisory.SaveAssessment(c.UserContext(), user(c), iso, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, a)
}

// Schemas of the advisory API, listed in openapi.go's components.
var (
	oaStr      = map[string]any{"type": "string"}
	oaInt      = map[string]any{"type": "integer"}
	oaDate     = map[string]any{"type": "string", "format": "date", "description": "YYYY-MM-DD, or \"\" when not set"}
	oaTime     = map[string]any{"type": "string", "format": "date-time"}
	oaStrArray = map[string]any{"type": "array", "items": oaStr}
	oaPerson   = map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "name_ar": oaStr, "name_latin": oaStr,
		"staff": map[string]any{"type": "boolean"}, "former": map[string]any{"type": "boolean", "description": "an account since deleted: no name"}}}
	oaStatus = map[string]any{"type": "string", "enum": advisory.Statuses}

	schemaAdvisoryRequest = map[string]any{"type": "object", "properties": map[string]any{
		"id": oaInt, "country": oaStr, "requesting_body": oaStr,
		"phases":       map[string]any{"type": "array", "items": map[string]any{"type": "integer", "minimum": 1, "maximum": 4}},
		"topics":       map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": advisory.Topics}},
		"topics_other": oaStr, "start_departments": oaStr, "extend_departments": oaStr, "needs": oaStr,
		"support_kinds":   map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": advisory.SupportKinds}},
		"preferred_start": oaDate, "preferred_end": oaDate, "language": oaStr, "status": oaStatus, "lead_expert": oaStr,
		"response_due": oaDate, "delivery_due": oaDate,
		"response_due_note": map[string]any{"type": "string", "description": "why staff last cleared or postponed the response due date"},
		"owner":             map[string]any{"allOf": []any{oaPerson}, "nullable": true, "description": "the staff account that answers for the request"},
		"team":              map[string]any{"type": "array", "items": oaPerson, "description": "the staff accounts working with the owner"},
		"overdue":           map[string]any{"type": "boolean", "description": "the current step (response, then delivery) is past its due date"},
		"workshop_id":       map[string]any{"type": "integer", "nullable": true},
		"rating":            map[string]any{"type": "integer", "minimum": 1, "maximum": 5, "nullable": true}, "feedback": oaStr,
		"rated_at":   map[string]any{"type": "string", "format": "date-time", "nullable": true},
		"created_by": oaInt, "created_at": oaTime, "updated_at": oaTime,
	}}
	schemaAdvisoryPage = map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": ref("AdvisoryRequest")},
		"total": oaInt, "limit": oaInt, "offset": oaInt}}
	schemaAdvisoryComment = map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "author": oaPerson,
		"internal": map[string]any{"type": "boolean"}, "body": oaStr, "created_at": oaTime}}
	schemaAdvisoryAttachment = map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "filename": oaStr,
		"kind": map[string]any{"type": "string", "enum": []string{advisory.KindPDF, advisory.KindDOCX, advisory.KindXLSX}},
		"size": oaInt, "sha256": oaStr, "uploaded_by": oaPerson, "created_at": oaTime}}
	schemaAdvisoryAttachments = map[string]any{"type": "array", "items": ref("AdvisoryAttachment")}
	schemaAdvisoryDetail      = map[string]any{"allOf": []any{ref("AdvisoryRequest"), map[string]any{"type": "object", "properties": map[string]any{
		"history": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"from": oaStr, "to": oaStatus, "reason": oaStr, "actor": oaPerson, "at": oaTime}}},
		"comments":       map[string]any{"type": "array", "items": ref("AdvisoryComment")},
		"internal_notes": map[string]any{"type": "array", "items": ref("AdvisoryComment"), "description": "staff and admins only; absent for focal points"},
		"attachments":    schemaAdvisoryAttachments,
		"moves":          map[string]any{"type": "array", "items": oaStatus, "description": "the states the caller may move the request to now"},
	}}}}
	oaFiles             = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"filename": oaStr, "data": map[string]any{"type": "string", "format": "byte", "description": "the file's content in base64; PDF, DOCX or XLSX by content, 8 MB at most"}}}}
	schemaAdvisoryInput = map[string]any{"type": "object", "required": []string{"requesting_body", "phases", "topics", "needs", "support_kinds", "language"},
		"properties": map[string]any{"country": map[string]any{"type": "string", "description": "staff only: the member state requested for; a focal point's own country otherwise"},
			"requesting_body": oaStr, "phases": map[string]any{"type": "array", "items": oaInt}, "topics": oaStrArray, "topics_other": oaStr,
			"start_departments": oaStr, "extend_departments": oaStr, "needs": oaStr, "support_kinds": oaStrArray,
			"preferred_start": oaDate, "preferred_end": oaDate, "language": oaStr, "attachments": oaFiles}}
	schemaAdvisoryPatch = map[string]any{"type": "object", "description": "fields left out keep their value; \"\" clears one",
		"properties": map[string]any{"lead_expert": oaStr, "response_due": oaDate, "delivery_due": oaDate,
			"due_note": map[string]any{"type": "string", "description": "required to clear or postpone the response due date: the country sees the reason"}}}
	schemaAdvisoryTransition = map[string]any{"type": "object", "required": []string{"to"},
		"properties": map[string]any{"to": oaStatus, "reason": map[string]any{"type": "string", "description": "required to decline"}}}
	schemaAdvisoryCommentInput = map[string]any{"type": "object", "required": []string{"body"},
		"properties": map[string]any{"body": oaStr, "internal": map[string]any{"type": "boolean", "description": "a staff-only note (staff and admins)"}}}
	schemaAdvisoryFiles  = map[string]any{"type": "object", "description": "or multipart/form-data with one or more fields named file", "properties": map[string]any{"attachments": oaFiles}}
	schemaAdvisoryRating = map[string]any{"type": "object", "required": []string{"rating"},
		"properties": map[string]any{"rating": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "feedback": oaStr}}
	oaGrid = map[string]any{"type": "object", "description": "phase (\"1\"…\"4\") → strategic objective → level 0…4",
		"additionalProperties": map[string]any{"type": "object", "properties": oaObjectiveLevels()}}
	schemaAssessment = map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "country": oaStr, "assessed_on": oaDate,
		"note": oaStr, "by": oaPerson, "created_at": oaTime, "levels": oaGrid,
		"phase_averages": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "number"}}}}
	schemaAssessments     = map[string]any{"type": "array", "items": ref("Assessment"), "description": "newest first"}
	schemaAssessmentInput = map[string]any{"type": "object", "required": []string{"levels"}, "properties": map[string]any{
		"assessed_on": oaDate, "note": oaStr, "levels": oaGrid}}
)

func oaObjectiveLevels() map[string]any {
	out := map[string]any{}
	for _, o := range advisory.Objectives {
		out[o] = map[string]any{"type": "integer", "minimum": 0, "maximum": advisory.MaxLevel}
	}
	return out
}

// schemaAdvisoryWorkshopInput is the body that creates a request's national workshop.
var schemaAdvisoryWorkshopInput = map[string]any{"type": "object", "description": "every field is optional: titles, dates and languages come from the request, 30 seats by default; city is required by the workshop",
	"properties": map[string]any{"title": map[string]any{"type": "object", "description": "by language (ar, en, fr)", "additionalProperties": oaStr},
		"city": oaStr, "venue": oaStr, "start_date": oaDate, "end_date": oaDate, "capacity": oaInt, "languages": oaStrArray}}

// schemaAdvisoryWorkshop is the answer when a request's national workshop is created.
var schemaAdvisoryWorkshop = map[string]any{"type": "object", "properties": map[string]any{"workshop": ref("Workshop"),
	"request": ref("AdvisoryRequestDetail")}}
