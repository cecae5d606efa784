package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// advisoryRoutes registers the advisory-service pages and the country pages. Every route
// that shows or changes a request checks the role here and the request's country in the
// advisory service (another country's request answers 404).
func (h *handler) advisoryRoutes(g fiber.Router) {
	may := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	g.Get("/advisory", h.listAdvisory)
	h.advisoryLifecycleRoutes(g)
	g.Get("/advisory/new", h.requireLogin, may, h.showNewAdvisory)
	g.Post("/advisory/new", h.requireLogin, may, h.createAdvisory)
	g.Get("/advisory/export.xlsx", h.requireLogin, staff, h.exportAdvisory)
	h.advisoryQueueRoutes(g, staff)
	g.Get("/advisory/:id", h.requireLogin, may, h.showAdvisory)
	g.Post("/advisory/:id/transition", h.requireLogin, may, h.transitionAdvisory)
	g.Post("/advisory/:id/assign", h.requireLogin, staff, h.assignAdvisory)
	g.Post("/advisory/:id/comments", h.requireLogin, may, h.commentAdvisory)
	g.Post("/advisory/:id/attachments", h.requireLogin, may, h.attachAdvisory)
	g.Get("/advisory/:id/attachments/:aid", h.requireLogin, may, h.downloadAdvisoryAttachment)
	g.Post("/advisory/:id/attachments/:aid/delete", h.requireLogin, may, h.removeAdvisoryAttachment)
	g.Post("/advisory/:id/rating", h.requireLogin, may, h.rateAdvisory)
	h.advisoryWorkshopRoutes(g, staff)
	h.countryRoutes(g)
}

// advisoryList is what the list of requests shows.
type advisoryList struct {
	Items      []*advisory.Request
	Total      int
	Page       int
	Pages      int
	Country    string
	Status     string
	Phase      int
	Overdue    bool
	Countries  []officials.Country
	Statuses   []string
	Staff      bool
	ExportHref string // the export of the filtered list
	PagerBase  string // the list's address with its filters, ready for "page=N"
	names      map[string]officials.Country
	lang       string
}

// CountryName names a member state in the page's language.
func (d advisoryList) CountryName(iso string) string {
	if c, ok := d.names[iso]; ok {
		return c.Name(d.lang)
	}
	return iso
}

// countryNames maps ISO codes to the states, for naming them on pages.
func (h *handler) countryNames(c *fiber.Ctx) ([]officials.Country, map[string]officials.Country, error) {
	cs, err := h.Officials.Countries(c.UserContext(), false)
	if err != nil {
		return nil, nil, err
	}
	m := make(map[string]officials.Country, len(cs))
	for _, x := range cs {
		m[x.ISO] = x
	}
	return cs, m, nil
}

// advisoryFilter reads the list's filters from the query string.
func advisoryFilter(c *fiber.Ctx) advisory.Filter {
	f := advisory.Filter{Country: strings.ToUpper(c.Query("country")), Status: c.Query("status"),
		Phase: c.QueryInt("phase", 0), Overdue: c.Query("overdue") == "1"}
	if !slices.Contains(advisory.Statuses, f.Status) {
		f.Status = ""
	}
	if f.Phase < 1 || f.Phase > 4 {
		f.Phase = 0
	}
	return f
}

// advisoryFilterQuery writes the filters back as a query string.
func advisoryFilterQuery(f advisory.Filter) string {
	q := url.Values{}
	if f.Country != "" {
		q.Set("country", f.Country)
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.Phase != 0 {
		q.Set("phase", strconv.Itoa(f.Phase))
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	return q.Encode()
}

// listAdvisory shows the requests the user may see; to anyone who may not request advisory
// services it explains them instead.
func (h *handler) listAdvisory(c *fiber.Ctx) error {
	u := user(c)
	if u == nil || !advisory.CanRequest(u) {
		v := h.view(c, "advisory.title")
		v.Data = advisory.SupportKinds
		return h.render(c, fiber.StatusOK, "advisory_info", v)
	}
	page := max(1, c.QueryInt("page", 1))
	f := advisoryFilter(c)
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	items, total, err := h.Advisory.List(c.UserContext(), u, f)
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
	v := h.view(c, "advisory.title")
	d := advisoryList{Items: items, Total: total, Page: page, Pages: (total + pageSize - 1) / pageSize,
		Country: f.Country, Status: f.Status, Phase: f.Phase, Overdue: f.Overdue, Countries: members,
		Statuses: advisory.Statuses, Staff: u.IsStaff(), names: names, lang: v.Lang}
	q := advisoryFilterQuery(f)
	d.ExportHref = "/" + v.Lang + "/advisory/export.xlsx"
	d.PagerBase = "?"
	if q != "" {
		d.ExportHref += "?" + q
		d.PagerBase += q + "&"
	}
	v.Data = d
	return h.render(c, fiber.StatusOK, "advisory_list", v)
}

// exportAdvisory sends the filtered list as an Excel workbook (staff).
func (h *handler) exportAdvisory(c *fiber.Ctx) error {
	f := advisoryFilter(c)
	var all []*advisory.Request
	for f.Offset = 0; ; f.Offset += 1000 {
		f.Limit = 1000
		items, total, err := h.Advisory.List(c.UserContext(), user(c), f)
		if err != nil {
			return err
		}
		all = append(all, items...)
		if len(items) == 0 || len(all) >= total {
			break
		}
	}
	_, names, err := h.countryNames(c)
	if err != nil {
		return err
	}
	l := lang(c)
	var buf bytes.Buffer
	out, err := h.Advisory.Outcomes(c.UserContext(), user(c), f.Country)
	if err != nil {
		return err
	}
	err = advisory.WriteXLSXWithOutcomes(&buf, all, out, l, func(key string) string { return h.cat.T(l, key) }, func(iso string) string {
		if x, ok := names[iso]; ok {
			return x.Name(l)
		}
		return iso
	})
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("masar-advisory-requests-%s.xlsx", time.Now().UTC().Format("2006-01-02")), buf.Bytes())
}

// advisoryForm is what the new-request form needs besides the typed values.
type advisoryForm struct {
	In           advisory.Input
	Countries    []officials.Country
	Staff        bool
	Country      officials.Country // a focal point's own country
	Topics       []string
	SupportKinds []string
	FileName     string // the file refused, if any
	FilesDropped bool   // files were sent with a form that had to be shown again
	MaxFileMB    int
	MaxTotalMB   int
	MaxFiles     int
	// MaxFileBytes and MaxTotalBytes are the same limits in bytes, for the check made in
	// the browser before sending.
	MaxFileBytes, MaxTotalBytes int64
	FileAccept                  string
	Languages                   []string
}

// Checked lists the values of a group of checkboxes that were ticked.
func (d *advisoryForm) Checked(name string) []string {
	switch name {
	case "phases":
		out := make([]string, len(d.In.Phases))
		for i, p := range d.In.Phases {
			out[i] = strconv.Itoa(p)
		}
		return out
	case "topics":
		return d.In.Topics
	case "support_kinds":
		return d.In.SupportKinds
	}
	return nil
}

// Day formats a calendar date written YYYY-MM-DD in the page's language ("" stays "").
func (v *View) Day(s string) string {
	t, err := time.Parse(advisory.DateLayout, s)
	if err != nil {
		return s
	}
	return i18n.FormatDate(v.Lang, t)
}

// Checked reports whether value is among the comma-separated typed values of a field.
func (v *View) Checked(field, value string) bool {
	return slices.Contains(strings.Split(v.Form[field], ","), value)
}

// PhaseOptions are the framework's phases as value/label pairs.
func (v *View) PhaseOptions() [][2]string {
	out := make([][2]string, 4)
	for i := range out {
		out[i] = [2]string{strconv.Itoa(i + 1), v.T("phase." + strconv.Itoa(i+1))}
	}
	return out
}

const advisoryFileAccept = ".pdf,.docx,.xlsx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *handler) advisoryForm(c *fiber.Ctx, in advisory.Input) (*advisoryForm, error) {
	u := user(c)
	cs, err := h.Officials.Countries(c.UserContext(), true)
	if err != nil {
		return nil, err
	}
	d := &advisoryForm{In: in, Countries: cs, Staff: u.IsStaff(), Topics: advisory.Topics, SupportKinds: advisory.SupportKinds,
		MaxFileMB: h.Advisory.Limits().FileMB(), MaxTotalMB: h.Advisory.Limits().TotalMB(), MaxFiles: h.Advisory.Limits().Files, FileAccept: advisoryFileAccept,
		MaxFileBytes: h.Advisory.Limits().FileBytes, MaxTotalBytes: h.Advisory.Limits().TotalBytes,
		Languages: []string{"ar", "en", "fr"}}
	if !u.IsStaff() {
		d.Country, err = h.Officials.Country(c.UserContext(), u.Country)
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// advisoryTypedInput is the form's text fields, echoed back on an error.
func advisoryTypedInput(in advisory.Input) map[string]string {
	return map[string]string{"country": in.Country, "requesting_body": in.RequestingBody, "topics_other": in.TopicsOther,
		"start_departments": in.StartDepartments, "extend_departments": in.ExtendDepartments, "needs": in.Needs,
		"preferred_start": in.PreferredStart, "preferred_end": in.PreferredEnd, "language": in.Language,
		"letter_reference": in.Letter.Reference, "letter_date": in.Letter.Date, "letter_signatory_name": in.Letter.SignatoryName,
		"letter_signatory_title": in.Letter.SignatoryTitle}
}

func (h *handler) showNewAdvisory(c *fiber.Ctx) error {
	in := advisory.Input{Language: lang(c)}
	if user(c).IsStaff() {
		in.Country = strings.ToUpper(c.Query("country")) // from a country's page
	}
	d, err := h.advisoryForm(c, in)
	if err != nil {
		return err
	}
	v := h.view(c, "advisory.new.title")
	v.Form, v.Data = advisoryTypedInput(in), d
	return h.render(c, fiber.StatusOK, "advisory_new", v)
}

// advisoryFormValues returns every value of a posted form, urlencoded or multipart.
func advisoryFormValues(c *fiber.Ctx) map[string][]string {
	if mf, err := c.MultipartForm(); err == nil {
		return mf.Value
	}
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

// advisoryUploads reads the files of a multipart field; a file input left empty sends a part
// with no name and no content, which is skipped. The sizes the parts declare are checked
// against the limits before any file is read (a 413 naming the file that does not fit), and
// each file is read up to one byte past the per-file limit, so that none holds more.
func (h *handler) advisoryUploads(c *fiber.Ctx, field string) ([]advisory.File, error) {
	mf, err := c.MultipartForm()
	if err != nil {
		return nil, nil
	}
	l := h.Advisory.Limits()
	var parts []*multipart.FileHeader
	var total int64
	for _, fh := range mf.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		if fh.Size > l.FileBytes {
			return nil, advisory.FileTooLarge(fh.Filename, l)
		}
		if total += fh.Size; total > l.TotalBytes {
			return nil, advisory.FilesTooLarge(fh.Filename, l)
		}
		parts = append(parts, fh)
	}
	out := make([]advisory.File, 0, len(parts))
	for _, fh := range parts {
		data, err := readAdvisoryUpload(fh, l.FileBytes)
		if err != nil {
			return nil, err
		}
		out = append(out, advisory.File{Name: fh.Filename, Data: data})
	}
	return out, nil
}

func readAdvisoryUpload(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("web: read upload %s: %w", fh.Filename, err)
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// refusedFileName is the name of the file a problem refers to, if any.
func refusedFileName(err error) string {
	p, ok := problem.As(err)
	if !ok || p.Key != "advisory.error.attachment" {
		return ""
	}
	for i := 0; i+1 < len(p.Args); i += 2 {
		if p.Args[i] == "name" {
			return fmt.Sprint(p.Args[i+1])
		}
	}
	return ""
}

func firstValue(m map[string][]string, k string) string {
	if v := m[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// advisoryInputFromForm reads a new request from the posted form.
func advisoryInputFromForm(m map[string][]string) advisory.Input {
	in := advisory.Input{Country: firstValue(m, "country"), RequestingBody: firstValue(m, "requesting_body"),
		Topics: m["topics"], TopicsOther: firstValue(m, "topics_other"), StartDepartments: firstValue(m, "start_departments"),
		ExtendDepartments: firstValue(m, "extend_departments"), Needs: firstValue(m, "needs"), SupportKinds: m["support_kinds"],
		PreferredStart: firstValue(m, "preferred_start"), PreferredEnd: firstValue(m, "preferred_end"), Language: firstValue(m, "language"),
		Letter: advisory.LetterInput{Reference: firstValue(m, "letter_reference"), Date: firstValue(m, "letter_date"),
			SignatoryName: firstValue(m, "letter_signatory_name"), SignatoryTitle: firstValue(m, "letter_signatory_title")}}
	for _, p := range m["phases"] {
		n, err := strconv.Atoi(p)
		if err != nil {
			n = -1
		}
		in.Phases = append(in.Phases, n)
	}
	return in
}

func (h *handler) createAdvisory(c *fiber.Ctx) error {
	m := advisoryFormValues(c)
	in := advisoryInputFromForm(m)
	files, err := h.advisoryUploads(c, "attachments")
	if err == nil {
		in.Letter.File, err = h.oneUpload(c, "letter_file")
	}
	if err == nil {
		var r *advisory.Request
		if r, err = h.Advisory.Create(c.UserContext(), user(c), in, files); err == nil {
			h.setFlash(c, "flash.advisory.submitted")
			return c.Redirect(fmt.Sprintf("/%s/advisory/%d", lang(c), r.ID), fiber.StatusSeeOther)
		}
	}
	fields, key, status, ok := formError(err)
	if !ok {
		return err
	}
	in.Clean()
	d, derr := h.advisoryForm(c, in)
	if derr != nil {
		return derr
	}
	d.FileName = refusedFileName(err)
	d.FilesDropped = len(files) > 0 || in.Letter.File != nil || d.FileName != ""
	v := h.view(c, "advisory.new.title")
	v.Form, v.Data, v.Errors, v.ErrorKey = advisoryTypedInput(in), d, fields, key
	if p, ok := problem.As(err); ok {
		v.ErrArgs = p.Args
	}
	return h.render(c, status, "advisory_new", v)
}

// advisoryDetail is what the page of one request shows.
type advisoryDetail struct {
	Req         *advisory.Request
	Country     officials.Country
	Requester   advisory.Person
	History     []advisory.Transition
	Thread      []advisory.Comment
	Notes       []advisory.Comment
	Attachments []advisoryAttachmentRow
	Moves       []advisory.Edge
	Rating      int // 1–5 once the country has rated the completed request
	Staff       bool
	CountrySide bool // the viewer is a focal point of the request's country
	CanRate     bool
	Reason      string // the reason of the latest decline or withdrawal
	FileName    string // the file refused, if any
	MaxFileMB   int
	MaxTotalMB  int
	MaxFiles    int
	// MaxFileBytes and MaxTotalBytes are the limits in bytes, for the browser's check.
	MaxFileBytes, MaxTotalBytes int64
	FileAccept                  string
	Workshop                    *advisoryWorkshop
	CanSpawn                    bool // staff may create the national workshop from the request now
	Levels                      []int
	// StaffChoices are the staff accounts that may own the request or be on its team.
	StaffChoices []staffChoice
	Life         *advisoryLife // the lifecycle's steps and the timeline
}

// advisoryAttachmentRow is a file as the request's page lists it.
type advisoryAttachmentRow struct {
	advisory.Attachment
	Type      string // PDF, DOCX, XLSX
	KB        int
	Removable bool // the viewer may remove it
}

// Mentions reports whether the request names a code in a list (for templates).
func (d *advisoryDetail) Mentions(list []string, code string) bool {
	return slices.Contains(list, code)
}

func (h *handler) advisoryID(c *fiber.Ctx) (int64, error) { return parseID(c.Params("id")) }

// advisoryDetail gathers the page of request id for the current user.
func (h *handler) advisoryDetail(c *fiber.Ctx, id int64) (*advisoryDetail, error) {
	ctx, u := c.UserContext(), user(c)
	r, err := h.Advisory.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &advisoryDetail{Req: r, Staff: u.IsStaff(), CountrySide: advisory.PartyOf(u, r.Country) == advisory.PartyCountry,
		Moves: advisory.Moves(u, r), MaxFileMB: h.Advisory.Limits().FileMB(), MaxTotalMB: h.Advisory.Limits().TotalMB(), MaxFiles: h.Advisory.Limits().Files, FileAccept: advisoryFileAccept,
		MaxFileBytes: h.Advisory.Limits().FileBytes, MaxTotalBytes: h.Advisory.Limits().TotalBytes, Levels: []int{5, 4, 3, 2, 1}}
	d.CanRate = d.CountrySide && r.Status == advisory.StatusCompleted && r.Rating == nil
	if d.Country, err = h.Officials.Country(ctx, r.Country); err != nil {
		return nil, err
	}
	if d.History, err = h.Advisory.History(ctx, u, id); err != nil {
		return nil, err
	}
	for _, t := range d.History {
		if t.To == advisory.StatusDeclined || t.To == advisory.StatusWithdrawn {
			d.Reason = t.Reason
		}
	}
	if len(d.History) > 0 {
		d.Requester = d.History[0].Actor
	}
	if d.Thread, d.Notes, err = h.Advisory.Comments(ctx, u, id); err != nil {
		return nil, err
	}
	as, err := h.Advisory.Attachments(ctx, u, id)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		d.Attachments = append(d.Attachments, advisoryAttachmentRow{Attachment: a, Type: strings.ToUpper(a.Kind), KB: max(1, (a.Size+1023)/1024),
			Removable: advisory.CanRemoveAttachment(u, r, a)})
	}
	if r.Rating != nil {
		d.Rating = *r.Rating
	}
	if d.Workshop, err = h.advisoryWorkshop(c, r); err != nil {
		return nil, err
	}
	d.CanSpawn = u.IsStaff() && r.CanSpawnWorkshop()
	if d.Life, err = h.advisoryLife(c, r); err != nil {
		return nil, err
	}
	if u.IsStaff() {
		staff, err := h.Advisory.StaffMembers(ctx)
		if err != nil {
			return nil, err
		}
		d.StaffChoices = staffChoices(staff, lang(c))
	}
	return d, nil
}

func (h *handler) showAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	d, err := h.advisoryDetail(c, id)
	if err != nil {
		return err
	}
	v := h.view(c, "")
	v.Title = v.T("advisory.detail.title", "id", strconv.FormatInt(id, 10))
	if v.Form, err = h.advisoryDetailForm(c, d); err != nil {
		return err
	}
	v.Data = d
	return h.render(c, fiber.StatusOK, "advisory_detail", v)
}

// advisoryDetailForm is the starting values of the forms of a request's page.
func (h *handler) advisoryDetailForm(c *fiber.Ctx, d *advisoryDetail) (map[string]string, error) {
	form := map[string]string{"lead_expert": d.Req.LeadExpert, "response_due": d.Req.ResponseDue, "delivery_due": d.Req.DeliveryDue,
		"owner_id": "0"}
	if d.Req.Owner != nil {
		form["owner_id"] = strconv.FormatInt(d.Req.Owner.ID, 10)
	}
	var team []string
	for _, p := range d.Req.Team {
		team = append(team, strconv.FormatInt(p.ID, 10))
	}
	form["team"] = strings.Join(team, ",")
	if d.CanSpawn {
		wf, err := h.workshopForm(c.UserContext(), user(c), d.Req)
		if err != nil {
			return nil, err
		}
		for k, v := range wf {
			form[k] = v
		}
	}
	return form, nil
}

// redisplayAdvisory answers a form of the request's page: a validation problem shows the
// page again with the typed values and the messages (422); success sets the flash and
// goes back to the page at anchor.
func (h *handler) redisplayAdvisory(c *fiber.Ctx, id int64, err error, form map[string]string, flash, anchor string) error {
	if err == nil {
		h.setFlash(c, flash)
		return c.Redirect(fmt.Sprintf("/%s/advisory/%d#%s", lang(c), id, anchor), fiber.StatusSeeOther)
	}
	fields, key, status, ok := formError(err)
	if !ok {
		return err
	}
	d, derr := h.advisoryDetail(c, id)
	if derr != nil {
		return derr
	}
	d.FileName = refusedFileName(err)
	v := h.view(c, "")
	v.Title = v.T("advisory.detail.title", "id", strconv.FormatInt(id, 10))
	if v.Form, derr = h.advisoryDetailForm(c, d); derr != nil {
		return derr
	}
	for k, val := range form {
		v.Form[k] = val
	}
	v.Data, v.Errors, v.ErrorKey = d, fields, key
	if p, ok := problem.As(err); ok {
		v.ErrArgs = p.Args
	}
	return h.render(c, status, "advisory_detail", v)
}

func (h *handler) transitionAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	to, reason := c.FormValue("to"), c.FormValue("reason")
	_, err = h.Advisory.Transition(c.UserContext(), user(c), id, to, reason)
	// A move that is not (or no longer) possible is said above the actions, with its status
	// (403 or 409); a missing reason next to the reason field (422).
	return h.redisplayAdvisory(c, id, err, map[string]string{"to": to, "reason": reason}, "flash.advisory.moved", "status")
}

func (h *handler) assignAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	a := advisory.Assignment{LeadExpert: c.FormValue("lead_expert"), ResponseDue: c.FormValue("response_due"), DeliveryDue: c.FormValue("delivery_due"),
		DueNote: c.FormValue("due_note")}
	_, err = h.Advisory.Assign(c.UserContext(), user(c), id, a)
	return h.redisplayAdvisory(c, id, err, map[string]string{"lead_expert": a.LeadExpert, "response_due": a.ResponseDue,
		"delivery_due": a.DeliveryDue, "due_note": a.DueNote}, "flash.saved", "assign")
}

func (h *handler) commentAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	internal := c.FormValue("internal") == "1"
	body := c.FormValue("body")
	if internal {
		body = c.FormValue("note")
	}
	_, err = h.Advisory.AddComment(c.UserContext(), user(c), id, body, internal)
	flash, anchor := "flash.advisory.commented", "thread"
	if internal {
		flash, anchor = "flash.advisory.noted", "notes"
	}
	form := map[string]string{"body": body}
	if internal {
		form = map[string]string{"note": body}
		if p, ok := problem.As(err); ok && p.Fields["body"] != "" {
			err = problem.Fields{"note": p.Fields["body"]}.Err()
		}
	}
	return h.redisplayAdvisory(c, id, err, form, flash, anchor)
}

func (h *handler) attachAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	files, err := h.advisoryUploads(c, "attachments")
	if err == nil {
		_, err = h.Advisory.AddAttachments(c.UserContext(), user(c), id, files)
	}
	return h.redisplayAdvisory(c, id, err, nil, "flash.advisory.attached", "attachments")
}

func (h *handler) removeAdvisoryAttachment(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	aid, err := parseID(c.Params("aid"))
	if err != nil {
		return err
	}
	err = h.Advisory.RemoveAttachment(c.UserContext(), user(c), id, aid)
	return h.redisplayAdvisory(c, id, err, nil, "flash.advisory.detached", "attachments")
}

func (h *handler) downloadAdvisoryAttachment(c *fiber.Ctx) error {
	return h.sendAdvisoryStored(c, "aid", h.Advisory.OpenAttachment)
}

// sendAdvisoryStored sends the file of request :id named by the path's param, read by open
// (an attachment or one of the lifecycle's files), if the caller may see the request.
func (h *handler) sendAdvisoryStored(c *fiber.Ctx, param string,
	open func(context.Context, *officials.Official, int64, int64) (*advisory.Attachment, []byte, error)) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	fid, err := parseID(c.Params(param))
	if err != nil {
		return err
	}
	a, data, err := open(c.UserContext(), user(c), id, fid)
	if err != nil {
		return err
	}
	sendAdvisoryAttachment(c, a, data)
	return nil
}

// sendAdvisoryAttachment sends a stored file as a download, never shown inline.
func sendAdvisoryAttachment(c *fiber.Ctx, a *advisory.Attachment, data []byte) {
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_ = sendAttachment(c, advisory.ContentType(a.Kind), a.Filename, data)
}

// rfc5987 percent-encodes a file name for filename*= (RFC 5987): every byte but the
// attr-chars.
func rfc5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}

func (h *handler) rateAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	rating, convErr := strconv.Atoi(c.FormValue("rating"))
	if convErr != nil {
		rating = 0
	}
	feedback := c.FormValue("feedback")
	_, err = h.Advisory.Rate(c.UserContext(), user(c), id, rating, feedback)
	return h.redisplayAdvisory(c, id, err, map[string]string{"rating": c.FormValue("rating"), "feedback": feedback}, "flash.advisory.rated", "rating")
}
