package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
)

// advisoryWorkshop is the national workshop spawned from a request, as its page shows it.
type advisoryWorkshop struct {
	ID   int64
	Href string
}

func (h *handler) advisoryWorkshopRoutes(g fiber.Router, staff fiber.Handler) {}

func (h *handler) advisoryWorkshop(c *fiber.Ctx, r *advisory.Request) (*advisoryWorkshop, error) {
	if r.WorkshopID == nil {
		return nil, nil
	}
	return &advisoryWorkshop{ID: *r.WorkshopID, Href: "/workshops/" + strconv.FormatInt(*r.WorkshopID, 10)}, nil
}

func (h *handler) apiAdvisoryWorkshopRoutes(api fiber.Router, staff fiber.Handler) {}
