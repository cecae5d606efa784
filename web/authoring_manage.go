package web

import "github.com/gofiber/fiber/v2"

// manageRoutes: course settings, lesson order, quiz, images, trainers and translations.
func (h *handler) manageRoutes(g fiber.Router) {}
