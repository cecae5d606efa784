package web

import (
	"fmt"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
)

// recoverPanics turns a panic in a handler into the internal-error answer (500 with the
// request id), and logs the panic with the request id and the stack. It runs inside
// logRequests, so that the request is logged with its status too. A transaction the
// handler had open was rolled back by store.Tx on the way up.
func (h *handler) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		id := requestID(c)
		h.log.Error("panic", "panic", fmt.Sprint(r), "method", c.Method(), "path", c.Path(), "id", id, "stack", string(debug.Stack()))
		err = problem.New(fiber.StatusInternalServerError, "internal", "error.internal", "id", id)
	}()
	return c.Next()
}
