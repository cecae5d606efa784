package web

import "github.com/gofiber/fiber/v2"

// editorRoutes: the course list, lesson editor, revisions, review and publishing.
func (h *handler) editorRoutes(g fiber.Router) {}
