package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// advisoryLifecycleRoutes registers the pages of the advisory lifecycle's steps: terms of
// reference, missions, deliverables, the closing report, the tags, the follow-up survey and
// the outcomes by SDG target and strategic objective. The role is checked here; the request's
// country, the party and the stage in the advisory service.
func (h *handler) advisoryLifecycleRoutes(g fiber.Router) {
	may := h.requireRole(officials.RoleFocalPoint, officials.RoleStaff, officials.RoleAdmin)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	g.Get("/advisory/outcomes", h.requireLogin, may, h.showAdvisoryOutcomes)
	g.Post("/advisory/:id/tor", h.requireLogin, staff, h.proposeAdvisoryTor)
	g.Post("/advisory/:id/tor/:vid/decision", h.requireLogin, may, h.decideAdvisoryTor)
	g.Post("/advisory/:id/missions", h.requireLogin, staff, h.addAdvisoryMission)
	g.Post("/advisory/:id/deliverables", h.requireLogin, staff, h.addAdvisoryDeliverable)
	g.Post("/advisory/:id/deliverables/:did/status", h.requireLogin, may, h.moveAdvisoryDeliverable)
	g.Post("/advisory/:id/closing-report", h.requireLogin, staff, h.fileAdvisoryClosingReport)
	g.Post("/advisory/:id/tags", h.requireLogin, staff, h.tagAdvisory)
	g.Get("/advisory/:id/files/:fid", h.requireLogin, may, h.downloadAdvisoryFile)
	g.Get("/advisory/:id/follow-up", h.requireLogin, may, h.showAdvisoryFollowUp)
	g.Post("/advisory/:id/follow-up", h.requireLogin, may, h.answerAdvisoryFollowUp)
}

// advisoryLife is what the request's page shows of the lifecycle.
type advisoryLife struct {
	Letter        *advisory.Letter
	Tor           []advisory.TorVersion
	TorAgreed     bool
	Missions      []advisory.Mission
	Deliverables  []advisoryDeliverableRow
	Closing       *advisory.ClosingReport
	FollowUp      *advisory.FollowUp
	Timeline      []advisory.Step
	SDGTargets    []string
	Objectives    []string
	CanTor        bool // staff may propose a version now
	CanWork       bool // staff may add missions and deliverables now
	CanClose      bool // staff may file the closing report now
	CanAnswer     bool // the country may answer the follow-up survey now
	FollowUpHref  string
	DeliverableSt []string
}

// advisoryDeliverableRow is a deliverable with the moves the viewer may make.
type advisoryDeliverableRow struct {
	advisory.Deliverable
	Moves []string
}

// HasTag reports whether a code is among the request's tags (for the tag form).
func (l *advisoryLife) HasTag(list []string, code string) bool {
	for _, c := range list {
		if c == code {
			return true
		}
	}
	return false
}

// advisoryLife gathers the lifecycle of request r for the current user.
func (h *handler) advisoryLife(c *fiber.Ctx, r *advisory.Request) (*advisoryLife, error) {
	ctx, u := c.UserContext(), user(c)
	l := &advisoryLife{SDGTargets: advisory.SDGTargets, Objectives: advisory.Objectives, DeliverableSt: advisory.DeliverableStatuses}
	var err error
	if l.Letter, err = h.Advisory.LetterOf(ctx, u, r.ID); err != nil {
		return nil, err
	}
	if l.Tor, err = h.Advisory.TorVersions(ctx, u, r.ID); err != nil {
		return nil, err
	}
	for _, v := range l.Tor {
		l.TorAgreed = l.TorAgreed || v.Status == advisory.TorAgreed
	}
	if l.Missions, err = h.Advisory.Missions(ctx, u, r.ID); err != nil {
		return nil, err
	}
	ds, err := h.Advisory.Deliverables(ctx, u, r.ID)
	if err != nil {
		return nil, err
	}
	open := r.Status == advisory.StatusAccepted || r.Status == advisory.StatusPlanned || r.Status == advisory.StatusInProgress
	for _, d := range ds {
		row := advisoryDeliverableRow{Deliverable: d}
		if open {
			for _, to := range advisory.DeliverableStatuses {
				if advisory.CanMoveDeliverable(u, r.Country, d.Status, to) {
					row.Moves = append(row.Moves, to)
				}
			}
		}
		l.Deliverables = append(l.Deliverables, row)
	}
	if l.Closing, err = h.Advisory.ClosingReportOf(ctx, u, r.ID); err != nil {
		return nil, err
	}
	if l.FollowUp, err = h.Advisory.FollowUpOf(ctx, u, r.ID); err != nil {
		return nil, err
	}
	if l.Timeline, err = h.Advisory.Timeline(ctx, u, r.ID); err != nil {
		return nil, err
	}
	staff := u.IsStaff()
	l.CanTor = staff && open
	l.CanWork = staff && open
	l.CanClose = staff && (r.Status == advisory.StatusInProgress || r.Status == advisory.StatusCompleted)
	l.CanAnswer = advisory.PartyOf(u, r.Country) == advisory.PartyCountry && l.FollowUp.Open()
	l.FollowUpHref = "/advisory/" + strconv.FormatInt(r.ID, 10) + "/follow-up"
	return l, nil
}

// StepText describes a step of the timeline in the page's language.
func (v *View) StepText(s advisory.Step) string {
	switch s.Kind {
	case "status":
		return v.T("advisory.status." + s.To)
	case advisory.EventTorProposed, advisory.EventTorAgreed, advisory.EventTorChanges:
		return v.T("advisory.step."+s.Kind, "version", s.Detail)
	case advisory.EventFollowUpAnswered:
		n, _ := strconv.Atoi(s.Detail)
		return v.T("advisory.step."+s.Kind, "rating", v.T("advisory.rating."+strconv.Itoa(n)))
	case advisory.EventDeliverableStatus:
		st, title, _ := strings.Cut(s.Detail, " · ")
		return v.T("advisory.step."+s.Kind, "status", v.T("advisory.deliverable.status."+st), "title", title)
	case "note":
		return v.T("advisory.step.note")
	}
	return v.T("advisory.step."+s.Kind, "what", s.Detail)
}

// StepDetail is the text shown under a step: a move's reason, a note's text, what a tag
// change set, a mission's place and dates.
func (v *View) StepDetail(s advisory.Step) string {
	switch s.Kind {
	case "status":
		return s.Reason
	case "note":
		return s.Detail
	case advisory.EventMission:
		city, dates, _ := strings.Cut(s.Detail, " · ")
		from, to, ok := strings.Cut(dates, " – ")
		if !ok {
			return s.Detail
		}
		return city + " · " + v.T("advisory.period", "from", v.Day(from), "to", v.Day(to))
	case advisory.EventTags:
		var names []string
		for _, code := range strings.Split(s.Detail, ", ") {
			switch {
			case code == "":
			case slices.Contains(advisory.SDGTargets, code):
				names = append(names, v.T("advisory.sdg."+code))
			default:
				names = append(names, v.T("advisory.objective."+code))
			}
		}
		return strings.Join(names, v.T("advisory.list_sep"))
	case advisory.EventDeliverable, advisory.EventClosingReport, advisory.EventLetter:
		return s.Detail
	}
	return ""
}

// Decimal writes a number with one decimal in the page's language.
func (v *View) Decimal(x *float64) string {
	if x == nil {
		return "—"
	}
	return i18n.FormatDecimal(v.Lang, float64(int(*x*10+0.5))/10)
}

// Percent writes a rate 0–1 as a whole percentage in the page's language.
func (v *View) Percent(x *float64) string {
	if x == nil {
		return "—"
	}
	return v.T("advisory.outcomes.percent", "n", i18n.FormatInt(v.Lang, int(*x*100+0.5)))
}

// renameFields renames the fields of a validation problem to the form's names (the page
// holds several forms, whose fields must not share ids).
func renameFields(err error, names map[string]string) error {
	p, ok := problem.As(err)
	if !ok || len(p.Fields) == 0 {
		return err
	}
	q := *p
	q.Fields = make(map[string]string, len(p.Fields))
	for k, v := range p.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		q.Fields[k] = v
	}
	return &q
}

// oneUpload is the first file of a multipart field, or nil.
func (h *handler) oneUpload(c *fiber.Ctx, field string) (*advisory.File, error) {
	fs, err := h.advisoryUploads(c, field)
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	return &fs[0], nil
}

func (h *handler) proposeAdvisoryTor(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	summary := c.FormValue("tor_summary")
	f, err := h.oneUpload(c, "tor_file")
	if err == nil {
		_, err = h.Advisory.ProposeTor(c.UserContext(), user(c), id, summary, f)
	}
	return h.redisplayAdvisory(c, id, err, map[string]string{"tor_summary": summary}, "flash.advisory.tor_proposed", "tor")
}

func (h *handler) decideAdvisoryTor(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	vid, err := parseID(c.Params("vid"))
	if err != nil {
		return err
	}
	agree := c.FormValue("decision") == "agree"
	comment := c.FormValue("tor_comment")
	_, err = h.Advisory.DecideTor(c.UserContext(), user(c), id, vid, agree, comment)
	flash := "flash.advisory.tor_agreed"
	if !agree {
		flash = "flash.advisory.tor_changes"
	}
	return h.redisplayAdvisory(c, id, err, map[string]string{"tor_comment": comment}, flash, "tor")
}

func (h *handler) addAdvisoryMission(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	in := advisory.MissionInput{StartDate: strings.TrimSpace(c.FormValue("mission_start")), EndDate: strings.TrimSpace(c.FormValue("mission_end")),
		City: c.FormValue("mission_city"), Team: c.FormValue("mission_team"), Agenda: c.FormValue("mission_agenda")}
	_, err = h.Advisory.AddMission(c.UserContext(), user(c), id, in)
	err = renameFields(err, map[string]string{"start_date": "mission_start", "end_date": "mission_end", "city": "mission_city",
		"team": "mission_team", "agenda": "mission_agenda"})
	return h.redisplayAdvisory(c, id, err, map[string]string{"mission_start": in.StartDate, "mission_end": in.EndDate, "mission_city": in.City,
		"mission_team": in.Team, "mission_agenda": in.Agenda}, "flash.advisory.mission", "missions")
}

func (h *handler) addAdvisoryDeliverable(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	in := advisory.DeliverableInput{Title: c.FormValue("deliverable_title"), DueDate: strings.TrimSpace(c.FormValue("deliverable_due"))}
	_, err = h.Advisory.AddDeliverable(c.UserContext(), user(c), id, in)
	err = renameFields(err, map[string]string{"title": "deliverable_title", "due_date": "deliverable_due"})
	return h.redisplayAdvisory(c, id, err, map[string]string{"deliverable_title": in.Title, "deliverable_due": in.DueDate}, "flash.advisory.deliverable", "deliverables")
}

func (h *handler) moveAdvisoryDeliverable(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	did, err := parseID(c.Params("did"))
	if err != nil {
		return err
	}
	f, err := h.oneUpload(c, "deliverable_file")
	if err == nil {
		_, err = h.Advisory.SetDeliverableStatus(c.UserContext(), user(c), id, did, c.FormValue("status"), f)
	}
	return h.redisplayAdvisory(c, id, err, nil, "flash.saved", "deliverables")
}

func (h *handler) fileAdvisoryClosingReport(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	summary := c.FormValue("closing_summary")
	f, err := h.oneUpload(c, "closing_file")
	if err == nil {
		_, err = h.Advisory.FileClosingReport(c.UserContext(), user(c), id, summary, f)
	}
	return h.redisplayAdvisory(c, id, err, map[string]string{"closing_summary": summary}, "flash.advisory.closing", "closing")
}

func (h *handler) tagAdvisory(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	m := advisoryFormValues(c)
	_, err = h.Advisory.SetTags(c.UserContext(), user(c), id, advisory.Tags{SDGTargets: m["sdg_targets"], Objectives: m["objectives"]})
	return h.redisplayAdvisory(c, id, err, nil, "flash.saved", "tags")
}

func (h *handler) downloadAdvisoryFile(c *fiber.Ctx) error {
	return h.sendAdvisoryStored(c, "fid", h.Advisory.OpenFile)
}

// advisoryFollowUpPage is what the follow-up survey's page shows.
type advisoryFollowUpPage struct {
	Req       *advisory.Request
	Country   officials.Country
	FollowUp  *advisory.FollowUp
	CanAnswer bool
	Uses      []string
	Levels    []int
}

func (h *handler) followUpPage(c *fiber.Ctx, id int64) (*advisoryFollowUpPage, error) {
	ctx, u := c.UserContext(), user(c)
	r, err := h.Advisory.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &advisoryFollowUpPage{Req: r, Uses: advisory.FollowUpUses, Levels: []int{5, 4, 3, 2, 1}}
	if d.Country, err = h.Officials.Country(ctx, r.Country); err != nil {
		return nil, err
	}
	if d.FollowUp, err = h.Advisory.FollowUpOf(ctx, u, id); err != nil {
		return nil, err
	}
	d.CanAnswer = advisory.PartyOf(u, r.Country) == advisory.PartyCountry && d.FollowUp.Open()
	return d, nil
}

func (h *handler) showAdvisoryFollowUp(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	d, err := h.followUpPage(c, id)
	if err != nil {
		return err
	}
	v := h.view(c, "")
	v.Title = v.T("advisory.followup.title", "id", strconv.FormatInt(id, 10))
	v.Data = d
	return h.render(c, fiber.StatusOK, "advisory_followup", v)
}

func (h *handler) answerAdvisoryFollowUp(c *fiber.Ctx) error {
	id, err := h.advisoryID(c)
	if err != nil {
		return err
	}
	rating, convErr := strconv.Atoi(c.FormValue("rating"))
	if convErr != nil {
		rating = 0
	}
	a := advisory.FollowUpAnswer{Rating: rating, Used: c.FormValue("used"), Changes: c.FormValue("changes"), FurtherNeeds: c.FormValue("further_needs")}
	_, err = h.Advisory.AnswerFollowUp(c.UserContext(), user(c), id, a)
	if err == nil {
		h.setFlash(c, "flash.advisory.followup")
		return c.Redirect("/"+lang(c)+"/advisory/"+strconv.FormatInt(id, 10)+"#followup", fiber.StatusSeeOther)
	}
	fields, key, status, ok := formError(err)
	if !ok {
		return err
	}
	d, derr := h.followUpPage(c, id)
	if derr != nil {
		return derr
	}
	v := h.view(c, "")
	v.Title = v.T("advisory.followup.title", "id", strconv.FormatInt(id, 10))
	v.Form = map[string]string{"rating": c.FormValue("rating"), "used": a.Used, "changes": a.Changes, "further_needs": a.FurtherNeeds}
	v.Data, v.Errors, v.ErrorKey = d, fields, key
	return h.render(c, status, "advisory_followup", v)
}

// advisoryOutcomesPage is what the outcomes page shows.
type advisoryOutcomesPage struct {
	Out        *advisory.Outcomes
	Countries  []officials.Country
	Country    string
	Staff      bool
	Objectives []string
	Phases     []int
}

// showAdvisoryOutcomes shows the advisory figures by SDG target, strategic objective and
// phase, with ratings and on-time delivery: every country for staff (or one, filtered), the
// focal point's own.
func (h *handler) showAdvisoryOutcomes(c *fiber.Ctx) error {
	u := user(c)
	country := strings.ToUpper(c.Query("country"))
	out, err := h.Advisory.Outcomes(c.UserContext(), u, country)
	if err != nil {
		return err
	}
	d := &advisoryOutcomesPage{Out: out, Country: out.Country, Staff: u.IsStaff(), Objectives: advisory.Objectives, Phases: advisory.Phases}
	if u.IsStaff() {
		if d.Countries, err = h.Officials.Countries(c.UserContext(), true); err != nil {
			return err
		}
	}
	v := h.view(c, "advisory.outcomes.title")
	v.Data = d
	return h.render(c, fiber.StatusOK, "advisory_outcomes", v)
}
