package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
)

// The staff's side of advisory requests: the work queue (mine, my team's, nobody's yet,
// overdue), and who owns a request and works on it.

func (h *handler) advisoryQueueRoutes(g fiber.Router, staff fiber.Handler) {
	g.Get("/advisory/queue", h.requireLogin, staff, h.showAdvisoryQueue)
	g.Post("/advisory/:id/staff", h.requireLogin, staff, h.staffAdvisory)
}

func (h *handler) apiAdvisoryQueueRoutes(api fiber.Router, staff fiber.Handler) {
	api.Get("/advisory/queue", staff, h.apiAdvisoryQueue)
	api.Put("/advisory/:id/staff", staff, h.apiStaffAdvisory)
}

// queueFilter reads the queue's view and filters from the query string; unknown values are
// dropped. A staff member's queue opens on their own requests.
func queueFilter(c *fiber.Ctx, dflt string) advisory.QueueFilter {
	f := advisory.QueueFilter{View: c.Query("view", dflt), Country: strings.ToUpper(strings.TrimSpace(c.Query("country"))), Status: c.Query("status")}
	switch {
	case f.View == "all":
		f.View = advisory.QueueAll
	case f.View == "" || !slices.Contains(advisory.QueueViews, f.View):
		f.View = dflt
	}
	if !slices.Contains(advisory.OpenStatuses, f.Status) {
		f.Status = ""
	}
	if len(f.Country) != 2 {
		f.Country = ""
	}
	switch o := c.Query("owner"); o {
	case "":
	case "none":
		f.Owner = -1
	default:
		if n, err := strconv.ParseInt(o, 10, 64); err == nil && n > 0 {
			f.Owner = n
		}
	}
	return f
}

// query writes the filters (without the view) back as a query string.
func queueQuery(f advisory.QueueFilter) url.Values {
	q := url.Values{}
	if f.Country != "" {
		q.Set("country", f.Country)
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	switch {
	case f.Owner > 0:
		q.Set("owner", strconv.FormatInt(f.Owner, 10))
	case f.Owner < 0:
		q.Set("owner", "none")
	}
	return q
}

// advisoryQueuePage is what the queue page shows.
type advisoryQueuePage struct {
	Q         *advisory.Queue
	F         advisory.QueueFilter
	Views     []queueTab
	Countries []officials.Country
	Statuses  []string
	Staff     []*officials.Official
	Owner     string // the owner filter as the select holds it
	Page      int
	Pages     int
	PagerBase string
	names     map[string]officials.Country
	lang      string
}

// queueTab is one view of the queue, with its count and address.
type queueTab struct {
	View, Href string
	Count      int
	Current    bool
}

// CountryName names a member state in the page's language.
func (d advisoryQueuePage) CountryName(iso string) string {
	if c, ok := d.names[iso]; ok {
		return c.Name(d.lang)
	}
	return iso
}

func (h *handler) showAdvisoryQueue(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), user(c)
	page := max(1, c.QueryInt("page", 1))
	f := queueFilter(c, advisory.QueueMine)
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	q, err := h.Advisory.Queue(ctx, u, f)
	if err != nil {
		return err
	}
	cs, names, err := h.countryNames(c)
	if err != nil {
		return err
	}
	members := cs[:0:0]
	for _, x := range cs {
		if x.Member {
			members = append(members, x)
		}
	}
	staff, err := h.Advisory.StaffMembers(ctx)
	if err != nil {
		return err
	}
	v := h.view(c, "advisory.queue.title")
	d := advisoryQueuePage{Q: q, F: f, Countries: members, Statuses: advisory.OpenStatuses, Staff: staff, Page: page,
		Pages: (q.Total + pageSize - 1) / pageSize, names: names, lang: v.Lang, Owner: queueQuery(f).Get("owner")}
	filters := queueQuery(f)
	for _, view := range advisory.QueueViews {
		qv := queueQuery(f)
		if view != "" {
			qv.Set("view", view)
		} else {
			qv.Set("view", "all")
		}
		d.Views = append(d.Views, queueTab{View: view, Href: "/" + v.Lang + "/advisory/queue?" + qv.Encode(), Count: q.Counts[view], Current: view == f.View})
	}
	view := f.View
	if view == "" {
		view = "all"
	}
	filters.Set("view", view)
	d.PagerBase = "?" + filters.Encode() + "&"
	v.Data = d
	return h.render(c, fiber.StatusOK, "advisory_queue", v)
}

func (h *handler) apiAdvisoryQueue(c *fiber.Ctx) error {
	f := queueFilter(c, advisory.QueueAll)
	f.Limit = c.QueryInt("limit", 50)
	f.Offset = max(0, c.QueryInt("offset", 0))
	q, err := h.Advisory.Queue(c.UserContext(), user(c), f)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, q)
}

// staffingFromForm reads the owner and team of the staffing form.
func staffingFromForm(m map[string][]string) advisory.Staffing {
	var st advisory.Staffing
	if n, err := strconv.ParseInt(firstValue(m, "owner_id"), 10, 64); err == nil {
		st.OwnerID = n
	}
	for _, t := range m["team"] {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			st.Team = append(st.Team, n)
		}
	}
	return st
}

func (h *handler) staffAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	m := advisoryFormValues(c)
	st := staffingFromForm(m)
	_, err = h.Advisory.SetStaffing(c.UserContext(), user(c), id, st)
	form := map[string]string{"owner_id": firstValue(m, "owner_id"), "team": strings.Join(m["team"], ",")}
	return h.redisplayAdvisory(c, id, err, form, "flash.saved", "staffing")
}

// apiStaffAdvisory takes {"owner_id": 12, "team": [14, 15]} (owner_id 0: nobody).
func (h *handler) apiStaffAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	var st advisory.Staffing
	if err := bodyJSON(c, &st); err != nil {
		return err
	}
	if _, err := h.Advisory.SetStaffing(c.UserContext(), user(c), id, st); err != nil {
		return err
	}
	d, err := h.apiAdvisoryDetail(c, id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

// staffChoice is a staff account as the staffing form offers it.
type staffChoice struct {
	ID    string
	Label string
}

// staffChoices lists the staff accounts for the staffing form, named in lang.
func staffChoices(staff []*officials.Official, lang string) []staffChoice {
	out := make([]staffChoice, 0, len(staff))
	for _, o := range staff {
		out = append(out, staffChoice{ID: strconv.FormatInt(o.ID, 10), Label: fmt.Sprintf("%s (%s)", o.DisplayName(lang), o.Email)})
	}
	return out
}

// PersonName is a person's name on a page, or "former account" for one since deleted.
func (v *View) PersonName(p advisory.Person) string {
	if p.Former {
		return v.T("advisory.former_account")
	}
	return p.Name(v.Lang)
}

// The API's description of the queue and of the staffing body.
var (
	schemaAdvisoryQueue = map[string]any{"type": "object", "properties": map[string]any{
		"items": map[string]any{"type": "array", "items": ref("AdvisoryRequest")}, "total": oaInt,
		"counts": map[string]any{"type": "object", "description": "requests in each view (mine, team, unassigned, overdue, and \"\" for all) under the same filters",
			"additionalProperties": oaInt}}}
	schemaAdvisoryStaffing = map[string]any{"type": "object", "properties": map[string]any{
		"owner_id": map[string]any{"type": "integer", "description": "a staff account's id; 0 for nobody"},
		"team":     map[string]any{"type": "array", "items": oaInt, "description": "staff accounts' ids"}}}
)
