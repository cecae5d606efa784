package web

import (
	"context"
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
	api.Get("/advisory/:id/timeline", may, advisoryPart(h, (*advisory.Service).Timeline))
	api.Get("/advisory/:id/tor", may, advisoryPart(h, (*advisory.Service).TorVersions))
	api.Post("/advisory/:id/tor", staff, advisoryStep(h, fiber.StatusCreated, proposeTor))
	api.Post("/advisory/:id/tor/:vid/decision", may, h.apiDecideAdvisoryTor)
	api.Get("/advisory/:id/missions", may, advisoryPart(h, (*advisory.Service).Missions))
	api.Post("/advisory/:id/missions", staff, advisoryStep(h, fiber.StatusCreated, (*advisory.Service).AddMission))
	api.Get("/advisory/:id/deliverables", may, advisoryPart(h, (*advisory.Service).Deliverables))
	api.Post("/advisory/:id/deliverables", staff, advisoryStep(h, fiber.StatusCreated, (*advisory.Service).AddDeliverable))
	api.Post("/advisory/:id/deliverables/:did/status", may, h.apiMoveAdvisoryDeliverable)
	api.Get("/advisory/:id/closing-report", may, advisoryPart(h, (*advisory.Service).ClosingReportOf))
	api.Post("/advisory/:id/closing-report", staff, advisoryStep(h, fiber.StatusCreated, fileClosingReport))
	api.Put("/advisory/:id/tags", staff, advisoryStep(h, fiber.StatusOK, (*advisory.Service).SetTags))
	api.Get("/advisory/:id/follow-up", may, advisoryPart(h, (*advisory.Service).FollowUpOf))
	api.Post("/advisory/:id/follow-up", may, advisoryStep(h, fiber.StatusOK, (*advisory.Service).AnswerFollowUp))
	api.Get("/advisory/:id/files/:fid", may, h.downloadAdvisoryFile)
}

// advisoryPart answers a GET of a part of request :id (its timeline, missions, …): what
// read gives the caller, who must be allowed to see the request.
func advisoryPart[T any](h *handler, read func(*advisory.Service, context.Context, *officials.Official, int64) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := h.advisoryID(c)
		if err != nil {
			return err
		}
		out, err := read(h.Advisory, c.UserContext(), user(c), id)
		if err != nil {
			return err
		}
		return data(c, fiber.StatusOK, out)
	}
}

// advisoryStep answers a step taken on request :id with a JSON body read into In (a mission
// {"start_date", "end_date", "city", "team", "agenda"}, a deliverable {"title", "due_date"},
// tags {"sdg_targets", "objectives"}, a follow-up answer {"rating", "used", "changes",
// "further_needs"}): what the step gives back, with status.
func advisoryStep[In, Out any](h *handler, status int, take func(*advisory.Service, context.Context, *officials.Official, int64, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := h.advisoryID(c)
		if err != nil {
			return err
		}
		var in In
		if err := bodyJSON(c, &in); err != nil {
			return err
		}
		out, err := take(h.Advisory, c.UserContext(), user(c), id, in)
		if err != nil {
			return err
		}
		return data(c, status, out)
	}
}

// advisoryDocument is a document staff file with a summary, as the API takes it:
// {"summary": "…", "file": {"filename": "…", "data": "<base64>"}} (terms of reference, a
// closing report).
type advisoryDocument struct {
	Summary string            `json:"summary"`
	File    *advisoryFileBody `json:"file"`
}

func proposeTor(s *advisory.Service, ctx context.Context, u *officials.Official, id int64, d advisoryDocument) (*advisory.TorVersion, error) {
	return s.ProposeTor(ctx, u, id, d.Summary, fileOf(d.File))
}

func fileClosingReport(s *advisory.Service, ctx context.Context, u *officials.Official, id int64, d advisoryDocument) (*advisory.ClosingReport, error) {
	return s.FileClosingReport(ctx, u, id, d.Summary, fileOf(d.File))
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
