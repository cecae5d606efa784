package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
)

// apiCorrectAssessment corrects a self-assessment (a focal point of the country or staff);
// the body is that of a new one. The correction is kept with its before and after.
func (h *handler) apiCorrectAssessment(c *fiber.Ctx) error {
	iso := strings.ToUpper(c.Params("iso"))
	if _, err := h.Officials.Country(c.UserContext(), iso); err != nil {
		return err
	}
	aid, err := parseID(c.Params("aid"))
	if err != nil {
		return err
	}
	var in advisory.AssessmentInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	a, err := h.Advisory.CorrectAssessment(c.UserContext(), user(c), iso, aid, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, a)
}

// apiAssessmentChanges lists the corrections of a country's self-assessments, newest first.
func (h *handler) apiAssessmentChanges(c *fiber.Ctx) error {
	iso := strings.ToUpper(c.Params("iso"))
	if _, err := h.Officials.Country(c.UserContext(), iso); err != nil {
		return err
	}
	chs, err := h.Advisory.AssessmentChanges(c.UserContext(), user(c), iso)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, chs)
}

// The API's description of a correction.
var (
	oaSnapshot              = map[string]any{"type": "object", "properties": map[string]any{"assessed_on": oaDate, "note": oaStr, "levels": oaGrid}}
	schemaAssessmentChanges = map[string]any{"type": "array", "description": "newest first", "items": map[string]any{"type": "object", "properties": map[string]any{
		"id": oaInt, "assessment_id": oaInt, "by": oaPerson, "at": oaTime, "before": oaSnapshot, "after": oaSnapshot}}}
)
