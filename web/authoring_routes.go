package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// authoringRoutes are the course editor's pages, under /{lang}/admin/content: staff and
// admins edit every course, a trainer the courses assigned to them (mayEditCourse, checked
// by every handler that names a course). editorRoutes (web/authoring_editor.go) edit lessons,
// review, publish and restore; manageRoutes (web/authoring_manage.go) the course's settings,
// lesson order, quiz, images, trainers and translations.
func (h *handler) authoringRoutes(g fiber.Router) {
	ed := g.Group("/admin/content", h.requireLogin, h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleTrainer), h.requireContentStore)
	h.editorRoutes(ed)
	h.manageRoutes(ed)
}

// contentStore is the revisions' store of the served library (nil when the library serves
// files only, as in some tests).
func (h *handler) contentStore() *authoring.Store {
	if h.Library == nil {
		return nil
	}
	return h.Library.Store()
}

func (h *handler) requireContentStore(c *fiber.Ctx) error {
	if h.contentStore() == nil {
		return problem.NotFound
	}
	return c.Next()
}

// mayEditCourse lets staff and admins edit any course folder, a trainer only the folders
// assigned to them; others get 403.
func (h *handler) mayEditCourse(c *fiber.Ctx, course string) error {
	u := user(c)
	if u == nil {
		return problem.New(fiber.StatusUnauthorized, "unauthorized", "error.login_required")
	}
	if u.IsStaff() {
		return nil
	}
	if u.Role == officials.RoleTrainer {
		mine, err := h.contentStore().TrainerCourses(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		if slices.Contains(mine, course) {
			return nil
		}
	}
	return problem.Forbidden
}
