package web

import (
	"bytes"
	"html/template"
	"net/url"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/reports"
)

// reportRoutes registers the dashboards — staff see every member state, a focal point only
// their own, checked here on the server for the page and every download — and the public
// open-data page.
func (h *handler) reportRoutes(g fiber.Router) {
	may := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint)
	g.Get("/reports", h.requireLogin, may, h.showReports)
	g.Get("/reports/:table.xlsx", h.requireLogin, may, h.downloadReportXLSX)
	g.Get("/reports/:table.csv", h.requireLogin, may, h.downloadReportCSV)
	g.Get("/open-data", h.showOpenData)
}

// reportFilter reads the period and country of the request and applies who may see what:
// a bad date or country is a 422 naming the field; another country than a focal point's
// own is not found.
func (h *handler) reportFilter(c *fiber.Ctx) (reports.Filter, error) {
	ctx := c.UserContext()
	known := func(iso string) (bool, error) { return h.Officials.CountryExists(ctx, iso) }
	f, err := reports.ParseFilter(c.Query("from"), c.Query("to"), c.Query("country"), known)
	if err != nil {
		return f, err
	}
	return reports.Scope(user(c), f)
}

// reportQuery is the query string that repeats a filter (for the download links).
func reportQuery(f reports.Filter) string {
	q := url.Values{}
	for k, v := range map[string]string{"from": f.From, "to": f.To, "country": f.Country} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// reportsPage is what the dashboard template shows.
type reportsPage struct {
	Filter      reports.Filter
	Countries   []officials.Country
	Locked      bool // a focal point: their country only
	CountryName string
	Scope       string
	AllXLSX     string
	Sections    []reportSection
}

type reportSection struct {
	ID     string
	Title  string
	KPIs   []reports.KPI
	Tables []reportTable
}

type reportTable struct {
	ID, Title, Note string
	Columns         []reports.Column
	Rows            [][]reports.Cell
	Foot            []reports.Cell
	FootNote        string
	SVG             template.HTML // drawn by reports.ChartSVG, which escapes every text it writes
	XLSX, CSV       string
	CSVSemicolon    string // the same CSV with semicolons and decimal commas (French, Maghreb Excel)
}

func (h *handler) showReports(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := user(c)
	l := lang(c)
	v := h.view(c, "reports.title")
	v.Form = map[string]string{"from": c.Query("from"), "to": c.Query("to"), "country": c.Query("country")}
	data := reportsPage{Locked: !u.IsStaff()}
	cs, err := h.Officials.Countries(ctx, true)
	if err != nil {
		return err
	}
	data.Countries = cs
	if data.Locked {
		data.Countries = slices.DeleteFunc(slices.Clone(cs), func(x officials.Country) bool { return x.ISO != u.Country })
	}
	f, err := h.reportFilter(c)
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok || status != fiber.StatusUnprocessableEntity {
			return err
		}
		v.Errors, v.ErrorKey = fields, key
		v.Data = data
		return h.render(c, status, "reports", v)
	}
	data.Filter = f
	v.Form["country"] = f.Country
	for _, x := range cs {
		if x.ISO == f.Country {
			data.CountryName = x.Name(l)
		}
	}
	d, err := h.Reports.Dashboard(ctx, f)
	if err != nil {
		return err
	}
	secs, err := h.Reports.Sections(ctx, d, l)
	if err != nil {
		return err
	}
	if data.Scope, err = h.Reports.Scope(ctx, f, l); err != nil {
		return err
	}
	q := reportQuery(f)
	data.AllXLSX = "/" + l + "/reports/all.xlsx" + q
	for _, s := range secs {
		rs := reportSection{ID: s.ID, Title: s.Title, KPIs: s.KPIs}
		for _, t := range s.Tables {
			csv := "/" + l + "/reports/" + t.ID + ".csv" + q
			rs.Tables = append(rs.Tables, reportTable{ID: t.ID, Title: t.Title, Note: t.Note, FootNote: t.FootNote, Columns: t.Columns,
				Rows: t.Cells(l), Foot: t.FootCells(l), SVG: template.HTML(h.Reports.ChartSVG(t, l)),
				XLSX: "/" + l + "/reports/" + t.ID + ".xlsx" + q, CSV: csv, CSVSemicolon: csv + map[bool]string{true: "?", false: "&"}[q == ""] + "sep=semicolon"})
		}
		data.Sections = append(data.Sections, rs)
	}
	v.Data = data
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, fiber.StatusOK, "reports", v)
}

// reportTables computes the dashboard of the request and picks the tables a download asks
// for: one by its id, or "all".
func (h *handler) reportTables(c *fiber.Ctx) (*reports.Dashboard, []*reports.Table, error) {
	f, err := h.reportFilter(c)
	if err != nil {
		return nil, nil, err
	}
	id := c.Params("table")
	if id != "all" && !slices.Contains(reports.TableIDs, id) {
		return nil, nil, problem.NotFound
	}
	d, err := h.Reports.Dashboard(c.UserContext(), f)
	if err != nil {
		return nil, nil, err
	}
	all, err := h.Reports.Tables(c.UserContext(), d, lang(c))
	if err != nil {
		return nil, nil, err
	}
	if id == "all" {
		return d, all, nil
	}
	for _, t := range all {
		if t.ID == id {
			return d, []*reports.Table{t}, nil
		}
	}
	return nil, nil, problem.NotFound
}

// reportFilename names a download after the table, the filter and the day.
func reportFilename(id string, f reports.Filter, ext string) string {
	name := "masar-report-" + id
	if f.Country != "" {
		name += "-" + f.Country
	}
	if f.From != "" {
		name += "-from-" + f.From
	}
	if f.To != "" {
		name += "-to-" + f.To
	}
	return name + "-" + time.Now().UTC().Format("20060102") + "." + ext
}

func (h *handler) downloadReportXLSX(c *fiber.Ctx) error {
	d, tables, err := h.reportTables(c)
	if err != nil {
		return err
	}
	wb, err := h.Reports.Workbook(c.UserContext(), d, lang(c), tables)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteXLSX(&buf, wb); err != nil {
		return err
	}
	return sendXLSX(c, reportFilename(c.Params("table"), d.Filter, "xlsx"), buf.Bytes())
}

func (h *handler) downloadReportCSV(c *fiber.Ctx) error {
	if c.Params("table") == "all" {
		return problem.NotFound // a CSV file holds one table
	}
	d, tables, err := h.reportTables(c)
	if err != nil {
		return err
	}
	t := tables[0]
	format, suffix := reports.CSVComma, ""
	switch c.Query("sep") {
	case "", "comma":
	case "semicolon":
		format, suffix = reports.CSVSemicolon, "-semicolon"
	default:
		return problem.Fields{"sep": "reports.sep.invalid"}.Err()
	}
	var buf bytes.Buffer
	if err := reports.WriteCSVAs(&buf, format, t.Columns, reports.RowsOf(t.Rows), t.Foot); err != nil {
		return err
	}
	return sendAttachment(c, "text/csv; charset=utf-8", reportFilename(t.ID+suffix, d.Filter, "csv"), buf.Bytes())
}
