package web

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/sheet"
	"github.com/masar-platform/masar/store"
)

// securityPrefix starts every action of the security log: sign-ins and their failures,
// sign-outs, sessions and tokens ended, second factors, identity providers.
const securityPrefix = "auth."

// securityPageSize is how many entries a page of the security log shows; securityExportMax
// bounds its spreadsheet.
const (
	securityPageSize  = 100
	securityExportMax = 100_000
)

// securityRoutes are the admins' security log, like the audit log it is part of.
func (h *handler) securityRoutes(adm fiber.Router) {
	adm.Get("/security-log", h.requireRole(officials.RoleAdmin), h.showSecurityLog)
	adm.Get("/security-log.xlsx", h.requireRole(officials.RoleAdmin), h.exportSecurityLog)
}

// SessionMethod names a sign-in method in the page's language ("password"); the method as
// recorded when it has no name.
func (v *View) SessionMethod(m string) string {
	if k := "sessions.method." + m; v.cat.Has(v.Lang, k) {
		return v.T(k)
	}
	return m
}

// securityFilter is the security log's filter as typed, and as understood.
type securityFilter struct {
	Person, Action, From, To string
	f                        audit.Filter
}

// query is the filter as a query string ending in "&", for the pager and the export link.
func (s securityFilter) query() string {
	return "person=" + urlEscape(s.Person) + "&action=" + urlEscape(s.Action) + "&from=" + urlEscape(s.From) + "&to=" + urlEscape(s.To) + "&"
}

// securityLog is what the page shows.
type securityLog struct {
	Filter  securityFilter
	Actions []string
	Items   []audit.Entry
	Total   int
	Page    int
	Pages   int
	Query   string
	Export  string // the spreadsheet's URL, with the same filter
}

// securityActions are the actions the log may be filtered by: every auth.* code the
// platform writes.
func securityActions() []string {
	var out []string
	for _, a := range audit.Actions {
		if strings.HasPrefix(a, securityPrefix) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// readSecurityFilter reads the filter from the query; bad values are field errors.
func (h *handler) readSecurityFilter(c *fiber.Ctx) (securityFilter, problem.Fields, error) {
	s := securityFilter{Person: strings.TrimSpace(c.Query("person")), Action: c.Query("action"),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	s.f.Prefix = securityPrefix
	bad := problem.Fields{}
	if s.Action != "" {
		if !slices.Contains(securityActions(), s.Action) {
			bad.Add("action", "security.field.action.invalid")
		} else {
			s.f.Action = s.Action
		}
	}
	if s.Person != "" {
		o, err := h.Officials.GetByEmail(c.UserContext(), s.Person)
		switch {
		case errors.Is(err, store.ErrNotFound):
			bad.Add("person", "security.field.person.unknown")
		case err != nil:
			return s, nil, err
		default:
			s.f.Person = o.ID
		}
	}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			bad.Add(field, "security.field.date.invalid")
		}
		return t
	}
	s.f.From = day("from", s.From)
	if to := day("to", s.To); !to.IsZero() {
		s.f.Until = to.AddDate(0, 0, 1) // the whole of the last day
	}
	if bad["from"] == "" && bad["to"] == "" && !s.f.From.IsZero() && !s.f.Until.IsZero() && !s.f.From.Before(s.f.Until) {
		bad.Add("to", "security.field.to.before_from")
	}
	return s, bad, nil
}

func (h *handler) showSecurityLog(c *fiber.Ctx) error {
	s, bad, err := h.readSecurityFilter(c)
	if err != nil {
		return err
	}
	v := h.view(c, "security.title")
	d := securityLog{Filter: s, Actions: securityActions(), Page: max(1, c.QueryInt("page", 1)), Query: s.query()}
	d.Export = "/" + lang(c) + "/admin/security-log.xlsx?" + d.Query
	v.Data = &d
	v.Form = map[string]string{"person": s.Person, "action": s.Action, "from": s.From, "to": s.To}
	if len(bad) > 0 {
		v.Errors = bad
		return h.render(c, fiber.StatusUnprocessableEntity, "admin_security_log", v)
	}
	s.f.Limit, s.f.Offset = securityPageSize, (d.Page-1)*securityPageSize
	if d.Items, d.Total, err = audit.List(c.UserContext(), h.DB, s.f); err != nil {
		return err
	}
	d.Pages = (d.Total + securityPageSize - 1) / securityPageSize
	return h.render(c, fiber.StatusOK, "admin_security_log", v)
}

// exportSecurityLog is the security log, with the page's filter, as a spreadsheet in the
// page's language.
func (h *handler) exportSecurityLog(c *fiber.Ctx) error {
	s, bad, err := h.readSecurityFilter(c)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return bad.Err()
	}
	v := h.view(c, "security.title")
	l := v.Lang
	f := excelize.NewFile()
	defer f.Close()
	name := sheet.Name(v.T("security.sheet"), "Security log")
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := sheet.Stream(f, name, l, 1)
	if err != nil {
		return err
	}
	hs, err := sheet.HeaderStyle(f)
	if err != nil {
		return err
	}
	cols := []string{"at", "actor", "action", "code", "subject", "field", "value"}
	header := make([]any, len(cols))
	for i, k := range cols {
		header[i] = excelize.Cell{StyleID: hs, Value: v.T("security.col." + k)}
	}
	for i, w := range []float64{20, 32, 30, 24, 24, 20, 40} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	row := 2
	_, err = audit.Each(c.UserContext(), h.DB, s.f, securityExportMax, func(e audit.Entry) error {
		field, value := "", ""
		if e.Field != "" {
			field, value = v.AuditField(e.Action, e.Field), v.AuditValue(e.Action, e.Field, e.To)
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, []any{e.At.UTC().Format("2006-01-02 15:04:05"), e.Actor, v.ActionName(e.Action), e.Action,
			v.SubjectName(e.Subject), field, value})
	})
	if err != nil {
		return err
	}
	if err := sheet.AutoFilter(f, name, len(cols), row-1); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := sheet.Write(f, &buf); err != nil {
		return err
	}
	return sendXLSX(c, "masar-security-log-"+time.Now().UTC().Format("2006-01-02")+"-"+l+".xlsx", buf.Bytes())
}
