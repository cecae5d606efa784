package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// apiAdvisoryLifecycleRoutes registers the API of the lifecycle's steps, with the pages' checks:
// focal points, staff and admins only; staff-only steps 403 for focal points; another country's
// request 404; a step at the wrong stage 409 (step_not_possible, tor_not_agreed, …).
func (h *handler) apiAdvisoryLifecycleRoutes(api fiber.Router) {
	may := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	api.Get("/advisory/outcomes", may, h.apiAdvisoryOutcomes)
	api.Get("/advisory/:id/timeline", may, h.apiAdvisoryTimeline)
	api.Get("/advisory/:id/tor", may, h.apiAdvisoryTor)
	api.Post("/advisory/:id/tor", staff, h.apiProposeAdvisoryTor)
	api.Post("/advisory/:id/tor/:vid/decision", may, h.apiDecideAdvisoryTor)
	api.Get("/advisory/:id/missions", may, h.apiAdvisoryMissions)
	api.Post("/advisory/:id/missions", staff, h.apiAddAdvisoryMission)
	api.Get("/advisory/:id/deliverables", may, h.apiAdvisoryDeliverables)
	api.Post("/advisory/:id/deliverables", staff, h.apiAddAdvisoryDeliverable)
	api.Post("/advisory/:id/deliverables/:did/status", may, h.apiMoveAdvisoryDeliverable)
	api.Get("/advisory/:id/closing-report", may, h.apiAdvisoryClosingReport)
	api.Post("/advisory/:id/closing-report", staff, h.apiFileAdvisoryClosingReport)
	api.Put("/advisory/:id/tags", staff, h.apiTagAdvisory)
	api.Get("/advisory/:id/follow-up", may, h.apiAdvisoryFollowUp)
	api.Post("/advisory/:id/follow-up", may, h.apiAnswerAdvisoryFollowUp)
	api.Get("/advisory/:id/files/:fid", may, h.downloadAdvisoryFile)
}

// fileOf turns a file sent in JSON into the service's form (nil when absent).
func fileOf(b *advisoryFileBody) *advisory.File {
	if b == nil {
		return nil
	}
	return &advisory.File{Name: b.Filename, Data: b.Data}
}

func (h *handler) apiAdvisoryOutcomes(c *fiber.Ctx) error {
	out, err := h.Advisory.Outcomes(c.UserContext(), user(c), c.Query("country"))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiAdvisoryTimeline(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	steps, err := h.Advisory.Timeline(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, steps)
}

func (h *handler) apiAdvisoryTor(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	vs, err := h.Advisory.TorVersions(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, vs)
}

// apiProposeAdvisoryTor takes {"summary": "…", "file": {"filename": "…", "data": "<base64>"}}.
func (h *handler) apiProposeAdvisoryTor(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		Summary string            `json:"summary"`
		File    *advisoryFileBody `json:"file"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	v, err := h.Advisory.ProposeTor(c.UserContext(), user(c), id, b.Summary, fileOf(b.File))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, v)
}

// apiDecideAdvisoryTor takes {"decision": "agree"|"changes", "comment": "…"}.
func (h *handler) apiDecideAdvisoryTor(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	vid, err := parseID(c.Params("vid"))
	if err != nil {
		return err
	}
	var b struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	if b.Decision != "agree" && b.Decision != "changes" {
		return problem.Fields{"decision": "field.choose"}.Err()
	}
	v, err := h.Advisory.DecideTor(c.UserContext(), user(c), id, vid, b.Decision == "agree", b.Comment)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, v)
}

func (h *handler) apiAdvisoryMissions(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	ms, err := h.Advisory.Missions(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, ms)
}

func (h *handler) apiAddAdvisoryMission(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var in advisory.MissionInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Advisory.AddMission(c.UserContext(), user(c), id, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, m)
}

func (h *handler) apiAdvisoryDeliverables(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	ds, err := h.Advisory.Deliverables(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, ds)
}

func (h *handler) apiAddAdvisoryDeliverable(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var in advisory.DeliverableInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	d, err := h.Advisory.AddDeliverable(c.UserContext(), user(c), id, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, d)
}

// apiMoveAdvisoryDeliverable takes {"status": "delivered", "file": {"filename": "…", "data": "<base64>"}}.
func (h *handler) apiMoveAdvisoryDeliverable(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	did, err := parseID(c.Params("did"))
	if err != nil {
		return err
	}
	var b struct {
		Status string            `json:"status"`
		File   *advisoryFileBody `json:"file"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	d, err := h.Advisory.SetDeliverableStatus(c.UserContext(), user(c), id, did, strings.TrimSpace(b.Status), fileOf(b.File))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

func (h *handler) apiAdvisoryClosingReport(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	cr, err := h.Advisory.ClosingReportOf(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, cr)
}

// apiFileAdvisoryClosingReport takes {"summary": "…", "file": {"filename": "…", "data": "<base64>"}}.
func (h *handler) apiFileAdvisoryClosingReport(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var b struct {
		Summary string            `json:"summary"`
		File    *advisoryFileBody `json:"file"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	cr, err := h.Advisory.FileClosingReport(c.UserContext(), user(c), id, b.Summary, fileOf(b.File))
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, cr)
}

// apiTagAdvisory takes {"sdg_targets": ["16.6"], "objectives": ["policy_strategy"]}.
func (h *handler) apiTagAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var t advisory.Tags
	if err := bodyJSON(c, &t); err != nil {
		return err
	}
	r, err := h.Advisory.SetTags(c.UserContext(), user(c), id, t)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, r)
}

func (h *handler) apiAdvisoryFollowUp(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	f, err := h.Advisory.FollowUpOf(c.UserContext(), user(c), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, f)
}

// apiAnswerAdvisoryFollowUp takes {"rating": 1…5, "used": "fully"|"partly"|"not_yet", "changes": "…", "further_needs": "…"}.
func (h *handler) apiAnswerAdvisoryFollowUp(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var a advisory.FollowUpAnswer
	if err := bodyJSON(c, &a); err != nil {
		return err
	}
	f, err := h.Advisory.AnswerFollowUp(c.UserContext(), user(c), id, a)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, f)
}
