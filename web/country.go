package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// countryRoutes registers the country pages: for staff and that country's focal points.
func (h *handler) countryRoutes(g fiber.Router) {
	may := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	g.Get("/countries", h.requireLogin, may, h.listCountryPages)
	g.Get("/countries/:iso", h.requireLogin, may, h.showCountry)
	// Focal points assess their country; staff enter or correct an assessment on its behalf.
	g.Get("/countries/:iso/assessment", h.requireLogin, may, h.showAssessmentForm)
	g.Post("/countries/:iso/assessment", h.requireLogin, may, h.saveAssessment)
}

// countryISO reads the country of the URL and checks that the user may see it: another
// country's page answers 404, as if it did not exist.
func (h *handler) countryISO(c *fiber.Ctx) (officials.Country, error) {
	iso := strings.ToUpper(c.Params("iso"))
	if !user(c).CanSeeCountry(iso) {
		return officials.Country{}, problem.NotFound
	}
	return h.Officials.Country(c.UserContext(), iso)
}

// countryPageRow is a member state in the staff's list of country pages.
type countryPageRow struct {
	Country  officials.Country
	Open     int // requests not yet ended
	Overdue  int
	Requests int
}

// listCountryPages lists the member states with their advisory requests (staff); a focal
// point goes straight to their own country's page.
func (h *handler) listCountryPages(c *fiber.Ctx) error {
	u := user(c)
	if !u.IsStaff() {
		return c.Redirect("/"+lang(c)+"/countries/"+u.Country, fiber.StatusSeeOther)
	}
	cs, err := h.Officials.Countries(c.UserContext(), true)
	if err != nil {
		return err
	}
	rows := make([]countryPageRow, 0, len(cs))
	byISO := map[string]*countryPageRow{}
	for _, x := range cs {
		rows = append(rows, countryPageRow{Country: x})
	}
	for i := range rows {
		byISO[rows[i].Country.ISO] = &rows[i]
	}
	for off := 0; ; off += 1000 {
		items, total, err := h.Advisory.List(c.UserContext(), u, advisory.Filter{Limit: 1000, Offset: off})
		if err != nil {
			return err
		}
		for _, r := range items {
			if row := byISO[r.Country]; row != nil {
				row.Requests++
				if !r.Terminal() {
					row.Open++
				}
				if r.Overdue {
					row.Overdue++
				}
			}
		}
		if len(items) == 0 || off+len(items) >= total {
			break
		}
	}
	v := h.view(c, "countrypage.index.title")
	if v.Lang != "ar" { // the states come sorted by their Arabic names
		slices.SortFunc(rows, func(a, b countryPageRow) int { return strings.Compare(a.Country.Name(v.Lang), b.Country.Name(v.Lang)) })
	}
	v.Data = rows
	return h.render(c, fiber.StatusOK, "country_index", v)
}

// advisoryStatusCount is how many of a country's requests are in one state.
type advisoryStatusCount struct {
	Status string
	N      int
}

// countryPage is what a country's page shows.
type countryPage struct {
	Country      officials.Country
	Officials    int
	FocalPoints  []*officials.Official
	Enrolled     int
	Completed    int
	Requests     []*advisory.Request
	RequestTotal int
	ByStatus     []advisoryStatusCount
	Assessments  []*advisory.Assessment
	Latest       *advisory.Assessment
	Objectives   []string
	Phases       []int
	CanAssess    bool
	CanRequest   bool
	Extra        []countryFigure             // figures of other features (workshops, certificates)
	Outcomes     *advisory.Outcomes          // the advisory figures by SDG target, objective and phase
	Changes      []advisory.AssessmentChange // corrections of the assessments, newest first
}

// countryFigure is one figure on a country's page: a label key and a number.
type countryFigure struct {
	Key string
	N   int
}

func (h *handler) showCountry(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), user(c)
	country, err := h.countryISO(c)
	if err != nil {
		return err
	}
	iso := country.ISO
	d := countryPage{Country: country, Objectives: advisory.Objectives, Phases: advisory.Phases,
		CanAssess: advisory.PartyOf(u, iso) != advisory.PartyNone, CanRequest: advisory.CanRequest(u) && country.Member}
	if _, d.Officials, err = h.Officials.List(ctx, officials.Filter{Country: iso, Limit: 1}); err != nil {
		return err
	}
	if d.FocalPoints, _, err = h.Officials.List(ctx, officials.Filter{Country: iso, Role: officials.RoleFocalPoint, Limit: 100}); err != nil {
		return err
	}
	rep, err := h.Courses.Report(ctx, courses.ReportFilter{Country: iso})
	if err != nil {
		return err
	}
	for _, t := range rep.Countries {
		if t.Country == iso {
			d.Enrolled, d.Completed = t.Enrolled, t.Completed
		}
	}
	if d.Requests, d.RequestTotal, err = h.Advisory.List(ctx, u, advisory.Filter{Country: iso, Limit: 20}); err != nil {
		return err
	}
	counts, err := h.Advisory.CountByStatus(ctx, u, iso)
	if err != nil {
		return err
	}
	for _, st := range advisory.Statuses {
		if n := counts[st]; n > 0 {
			d.ByStatus = append(d.ByStatus, advisoryStatusCount{Status: st, N: n})
		}
	}
	if d.Outcomes, err = h.Advisory.Outcomes(ctx, u, iso); err != nil {
		return err
	}
	if d.Extra, err = h.countryFigures(ctx, iso); err != nil {
		return err
	}
	if d.Assessments, err = h.Advisory.Assessments(ctx, u, iso); err != nil {
		return err
	}
	if len(d.Assessments) > 0 {
		d.Latest = d.Assessments[0]
	}
	if d.Changes, err = h.Advisory.AssessmentChanges(ctx, u, iso); err != nil {
		return err
	}
	v := h.view(c, "")
	v.Title = country.Name(v.Lang)
	v.Data = d
	return h.render(c, fiber.StatusOK, "country", v)
}

// countryAssessmentForm is what the self-assessment form needs.
type countryAssessmentForm struct {
	Country    officials.Country
	Objectives []string
	Phases     []int
	Levels     []int
	Latest     *advisory.Assessment
	Correct    *advisory.Assessment // the assessment being corrected, or nil for a new one
	OnBehalf   bool                 // staff enter it for the country
}

func (h *handler) assessmentData(c *fiber.Ctx, country officials.Country) (*countryAssessmentForm, error) {
	as, err := h.Advisory.Assessments(c.UserContext(), user(c), country.ISO)
	if err != nil {
		return nil, err
	}
	d := &countryAssessmentForm{Country: country, Objectives: advisory.Objectives, Phases: advisory.Phases, Levels: []int{0, 1, 2, 3, 4},
		OnBehalf: user(c).IsStaff()}
	if len(as) > 0 {
		d.Latest = as[0]
	}
	if id, err := strconv.ParseInt(c.Query("correct", c.FormValue("assessment_id")), 10, 64); err == nil {
		for _, a := range as {
			if a.ID == id {
				d.Correct = a
			}
		}
		if d.Correct == nil {
			return nil, problem.NotFound
		}
	}
	return d, nil
}

func (h *handler) showAssessmentForm(c *fiber.Ctx) error {
	country, err := h.countryISO(c)
	if err != nil {
		return err
	}
	d, err := h.assessmentData(c, country)
	if err != nil {
		return err
	}
	form := map[string]string{"assessed_on": h.Advisory.Today()}
	from := d.Latest
	if d.Correct != nil {
		from = d.Correct
		form["assessed_on"], form["note"] = d.Correct.AssessedOn, d.Correct.Note
	}
	if from != nil {
		for p := 1; p <= 4; p++ {
			for o, code := range advisory.Objectives {
				form[advisory.CellField(p, code)] = strconv.Itoa(from.Levels[p-1][o])
			}
		}
	}
	v := h.view(c, "countrypage.assess.title")
	v.Form, v.Data = form, d
	return h.render(c, fiber.StatusOK, "country_assessment", v)
}

func (h *handler) saveAssessment(c *fiber.Ctx) error {
	country, err := h.countryISO(c)
	if err != nil {
		return err
	}
	in := advisory.AssessmentInput{AssessedOn: c.FormValue("assessed_on"), Note: c.FormValue("note"), Levels: map[string]map[string]int{}}
	form := map[string]string{"assessed_on": in.AssessedOn, "note": in.Note}
	for p := 1; p <= 4; p++ {
		row := map[string]int{}
		for _, code := range advisory.Objectives {
			name := advisory.CellField(p, code)
			raw := c.FormValue(name)
			form[name] = raw
			if raw == "" {
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				n = -1
			}
			row[code] = n
		}
		in.Levels[strconv.Itoa(p)] = row
	}
	d, err := h.assessmentData(c, country)
	if err != nil {
		return err
	}
	if d.Correct != nil {
		_, err = h.Advisory.CorrectAssessment(c.UserContext(), user(c), country.ISO, d.Correct.ID, in)
	} else {
		_, err = h.Advisory.SaveAssessment(c.UserContext(), user(c), country.ISO, in)
	}
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		v := h.view(c, "countrypage.assess.title")
		v.Form, v.Data, v.Errors, v.ErrorKey = form, d, fields, key
		return h.render(c, status, "country_assessment", v)
	}
	h.setFlash(c, "flash.assessment.saved")
	return c.Redirect(fmt.Sprintf("/%s/countries/%s#assessment", lang(c), country.ISO), fiber.StatusSeeOther)
}
