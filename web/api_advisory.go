package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// apiAdvisoryRoutes registers the advisory API. The role checks are those of the pages: focal
// points, staff and admins only (403 for other roles); another country's request answers
// 404; a move the workflow does not have answers 409 transition_forbidden, one that belongs
// to the other party 403 transition_not_allowed.
func (h *handler) apiAdvisoryRoutes(api fiber.Router) {
	may := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	api.Get("/advisory", may, h.apiListAdvisory)
	api.Post("/advisory", may, h.apiCreateAdvisory)
	api.Get("/advisory/:id", may, h.apiGetAdvisory)
	api.Patch("/advisory/:id", staff, h.apiAssignAdvisory)
	api.Post("/advisory/:id/transition", may, h.apiTransitionAdvisory)
	api.Post("/advisory/:id/comments", may, h.apiCommentAdvisory)
	api.Post("/advisory/:id/attachments", may, h.apiAttachAdvisory)
	api.Get("/advisory/:id/attachments/:aid", may, h.apiDownloadAdvisoryAttachment)
	api.Post("/advisory/:id/rating", may, h.apiRateAdvisory)
	api.Get("/countries/:iso/assessments", may, h.apiListAssessments)
	api.Post("/countries/:iso/assessments", h.requireRole(officials.RoleFocalPoint), h.apiSaveAssessment)
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
}

func files(in []advisoryFileBody) []advisory.File {
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
	r, err := h.Advisory.Create(c.UserContext(), user(c), b.Input, files(b.Attachments))
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
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	r, err := h.Advisory.Get(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	a := advisory.Assignment{LeadExpert: r.LeadExpert, ResponseDue: r.ResponseDue, DeliveryDue: r.DeliveryDue}
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
		if fs, err = uploadedFiles(c, "file"); err != nil {
			return err
		}
	} else {
		var b struct {
			Attachments []advisoryFileBody `json:"attachments"`
		}
		if err := bodyJSON(c, &b); err != nil {
			return err
		}
		fs = files(b.Attachments)
	}
	as, err := h.Advisory.AddAttachments(c.UserContext(), user(c), id, fs)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, as)
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
		return problem.NotFound
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
