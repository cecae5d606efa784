package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
)

// Unconfirmed accounts: one policy. Someone whose e-mail address is not confirmed may read
// courses and workshops, but may not enrol in a course nor apply to a workshop until they
// confirm it (the confirmation mail says so; the pages offer to send the link again). A
// nomination is the act of the focal point or staff member who makes it, so it does not wait
// for the nominee's confirmation (a nominee may not even have a password yet); the nominee
// confirms their address when they first use the account.

// errUnconfirmed refuses an enrolment or an application from an unconfirmed account.
var errUnconfirmed = problem.New(fiber.StatusForbidden, "email_unconfirmed", "error.email_unconfirmed")

// mustBeConfirmed refuses the request when the logged-in person's address is not confirmed.
func mustBeConfirmed(c *fiber.Ctx) error {
	if u := user(c); u != nil && !u.EmailConfirmed {
		return errUnconfirmed
	}
	return nil
}

// mayEnrol refuses what would enrol an unconfirmed person in a course (enrolling, or marking
// a lesson done, which enrols); someone already enrolled goes on.
func (h *handler) mayEnrol(c *fiber.Ctx, slug string) error {
	if mustBeConfirmed(c) == nil {
		return nil
	}
	p, err := h.Courses.Progress(c.UserContext(), user(c).ID, slug)
	if err != nil {
		return err
	}
	if p.Enrolled {
		return nil
	}
	return errUnconfirmed
}
