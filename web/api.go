package web

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// apiAuth reads the bearer token. Requests without one go on anonymously (public routes);
// a token that does not work is refused outright rather than silently ignored.
func (h *handler) apiAuth(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Get(fiber.HeaderAuthorization) == "" {
		return c.Next()
	}
	if err := h.bearerUser(c); err != nil {
		return err
	}
	return c.Next()
}

var errBadToken = problem.New(fiber.StatusUnauthorized, "unauthorized", "error.bad_token")

// bearerUser makes the official of the request's bearer token its user, or refuses it.
func (h *handler) bearerUser(c *fiber.Ctx) error {
	var o *officials.Official
	var err error = errBadToken
	if tok := strings.TrimSpace(c.Get(fiber.HeaderAuthorization)); hasBearer(c) && len(tok) > 7 {
		o, err = h.Officials.TokenOfficial(c.UserContext(), strings.TrimSpace(tok[7:]))
	}
	if err != nil {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
		return errBadToken
	}
	c.Locals(keyUser, o)
	return nil
}

// sessionOrToken lets the files the API links to (a certificate's PDF, PNG and credential)
// be fetched with the API's bearer token as well as in a browser session: a request with a
// bearer token is the token's official's (a token that does not work is refused, as on the
// API); any other (a browser, perhaps with a proxy's Basic credentials) is the session's.
func (h *handler) sessionOrToken(c *fiber.Ctx) error {
	if !hasBearer(c) {
		return h.loadSession(c)
	}
	if err := h.bearerUser(c); err != nil {
		return err
	}
	return c.Next()
}

// apiRoutes registers the JSON API; openapi.go describes every one of them.
func (h *handler) apiRoutes(api fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	seePeople := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint)
	api.Get("/openapi.json", h.openAPI)
	api.Get("/me", h.requireAPIUser, h.apiMe)
	api.Get("/me/export", h.requireAPIUser, h.apiMyData)
	api.Get("/officials", seePeople, h.apiListOfficials)
	api.Post("/officials", staff, h.apiCreateOfficial)
	api.Get("/officials/:id", seePeople, h.apiGetOfficial)
	api.Patch("/officials/:id", staff, h.apiUpdateOfficial)
	api.Get("/countries", h.apiCountries)
	h.apiCourseRoutes(api)
	h.apiWorkshopRoutes(api)
	h.apiAdvisoryRoutes(api)
	h.apiCertificateRoutes(api)
	h.apiReportRoutes(api)
	h.apiSearchRoutes(api)
	h.apiContentRoutes(api)
	h.apiSurveyRoutes(api)
	h.apiSessionRoutes(api)
}

func (h *handler) requireAPIUser(c *fiber.Ctx) error {
	if user(c) == nil {
		return problem.New(fiber.StatusUnauthorized, "unauthorized", "error.login_required")
	}
	return c.Next()
}

func data(c *fiber.Ctx, status int, v any) error {
	return c.Status(status).JSON(fiber.Map{"data": v})
}

// bodyJSON decodes the request body, refusing malformed JSON with a clear code.
func bodyJSON(c *fiber.Ctx, v any) error {
	if isJSON(c) {
		return jsonProblem(json.Unmarshal(c.Body(), v))
	}
	if err := c.BodyParser(v); err != nil {
		return problem.New(fiber.StatusBadRequest, "bad_json", "error.bad_json")
	}
	return nil
}

func (h *handler) apiMe(c *fiber.Ctx) error {
	return data(c, fiber.StatusOK, user(c))
}

type page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	// TotalIsLowerBound says that counting stopped at Total: there are more.
	TotalIsLowerBound bool `json:"total_is_lower_bound,omitempty"`
	Limit             int  `json:"limit"`
	Offset            int  `json:"offset"`
}

func (h *handler) apiListOfficials(c *fiber.Ctx) error {
	limit := c.QueryInt("limit", 50)
	if limit < 1 || limit > 500 {
		limit = 50
	}
	f := scopedFilter(user(c), officials.Filter{Q: c.Query("q"), Country: strings.ToUpper(c.Query("country")), Role: c.Query("role"),
		Limit: limit, Offset: max(0, c.QueryInt("offset", 0))})
	items, total, err := h.Officials.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*officials.Official{}
	}
	return data(c, fiber.StatusOK, page[*officials.Official]{Items: items, Total: total, Limit: f.Limit, Offset: f.Offset,
		TotalIsLowerBound: total > officials.CountCap})
}

type officialBody struct {
	officials.Input
	Role string `json:"role"`
}

func (h *handler) apiCreateOfficial(c *fiber.Ctx) error {
	var b officialBody
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	if b.Role == "" {
		b.Role = officials.RoleOfficial
	}
	if !officials.MayGrant(user(c), b.Role) {
		return problem.Forbidden
	}
	if b.Password != "" {
		// Whoever chose it could log in as the account's holder: the holder sets it, through
		// the claim link that only they receive.
		return problem.Fields{"password": "field.password.not_settable"}.Err()
	}
	o, err := h.createAccount(c, b.Input, b.Role)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, o)
}

func (h *handler) apiGetOfficial(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, o)
}

// apiUpdateOfficial changes the fields present in the body; absent fields keep their value.
func (h *handler) apiUpdateOfficial(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	if !officials.MayManage(user(c), o) {
		return problem.Forbidden
	}
	var patch map[string]any
	if err := bodyJSON(c, &patch); err != nil {
		return err
	}
	form := profileForm(o)
	for k, v := range patch {
		s, ok := v.(string)
		if _, known := form[k]; !known || k == "email" {
			return problem.Fields{k: "field.not_editable"}.Err()
		}
		if !ok {
			return problem.Fields{k: "field.json.string"}.Err()
		}
		form[k] = s
	}
	if !slices.Contains(officials.Roles, form["role"]) {
		return problem.Fields{"role": "field.role.invalid"}.Err()
	}
	if form["role"] != o.Role && !officials.MayGrant(user(c), form["role"]) {
		return problem.Forbidden
	}
	if _, err := h.Officials.UpdateProfile(c.UserContext(), actor(c), o.ID, inputFrom(form, "")); err != nil {
		return err
	}
	if form["role"] != o.Role {
		if err := h.Officials.SetRole(c.UserContext(), actor(c), o.ID, form["role"]); err != nil {
			return err
		}
	}
	o, err = h.Officials.Get(c.UserContext(), o.ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, o)
}

func (h *handler) apiCountries(c *fiber.Ctx) error {
	cs, err := h.Officials.Countries(c.UserContext(), c.Query("all") == "")
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, cs)
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound
	}
	return id, nil
}

// hasBearer reports whether the request carries a bearer token (the scheme is
// case-insensitive).
func hasBearer(c *fiber.Ctx) bool {
	auth := c.Get(fiber.HeaderAuthorization)
	return len(auth) >= 7 && strings.EqualFold(auth[:7], "Bearer ")
}
