package web

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// loadForAttendance is the workshop named in the URL, if the user may take its attendance
// (staff, or one of its trainers); a trainer of other workshops is told it does not exist.
func (h *handler) loadForAttendance(c *fiber.Ctx) (*workshops.Workshop, error) {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return nil, err
	}
	if !workshops.CanTakeAttendance(user(c), w) {
		return nil, problem.NotFound
	}
	return w, nil
}

// checkInRow is a participant on the check-in page.
type checkInRow struct {
	R       *workshops.Registration
	Name    string
	Other   string // the name in the other script
	Country string
	Status  string
	Present bool
	CanMark bool
}

type checkInData struct {
	workshopCard
	Day       string
	Days      [][2]string
	Q         string
	Code      string
	Rows      []checkInRow
	Searched  bool
	Confirmed int
	Present   int
	Open      bool // attendance can be taken (published or completed)
}

// checkInDay is the day the page is for: the one asked, else today at the host if it is one
// of the workshop's days, else the first day.
func checkInDay(w *workshops.Workshop, asked string, now string) string {
	if w.HasDay(asked) {
		return asked
	}
	if w.HasDay(now) {
		return now
	}
	if now > w.EndDate {
		return w.EndDate
	}
	return w.StartDate
}

func (h *handler) showCheckIn(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	l := lang(c)
	d := checkInData{workshopCard: h.workshopCardOf(ctx, w, l), Q: c.Query("q"), Code: c.Query("code"),
		Open: w.Status == workshops.StatusPublished || w.Status == workshops.StatusCompleted}
	d.Day = checkInDay(w, c.Query("day"), w.Today(h.Workshops.Now()))
	for _, day := range w.Days() {
		d.Days = append(d.Days, [2]string{day, workshops.FormatDay(l, day)})
	}
	var regs []*workshops.Registration
	switch {
	case d.Code != "":
		d.Searched = true
		r, err := h.Workshops.ByTicket(ctx, w.ID, d.Code)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if r != nil {
			regs = []*workshops.Registration{r}
		}
	case d.Q != "":
		d.Searched = true
		if regs, err = h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Q: d.Q}); err != nil {
			return err
		}
	default:
		if regs, err = h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed}); err != nil {
			return err
		}
	}
	for _, r := range regs {
		row := checkInRow{R: r, Name: r.DisplayName(l), Status: h.cat.T(l, "workshops.status."+r.Status), Present: r.AttendedOn(d.Day),
			CanMark: r.Status == workshops.RegConfirmed && d.Open}
		row.Country = h.Workshops.CountryName(ctx, r.Country, l)
		row.Other = r.NameLatin
		if row.Name == r.NameLatin {
			row.Other = r.NameAr
		}
		d.Rows = append(d.Rows, row)
	}
	all, err := h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if err != nil {
		return err
	}
	d.Confirmed = len(all)
	for _, r := range all {
		if r.AttendedOn(d.Day) {
			d.Present++
		}
	}
	v := h.view(c, "")
	v.Title = h.cat.T(l, "workshops.checkin.title") + " · " + d.Title
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_workshop_checkin", v)
}

func (h *handler) checkIn(c *fiber.Ctx) error {
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	id, err := parseID(c.FormValue("registration_id"))
	if err != nil {
		return err
	}
	day := c.FormValue("day")
	present := c.FormValue("present") != "0"
	if _, err := h.Workshops.CheckIn(c.UserContext(), user(c), w.ID, id, day, present); err != nil {
		return err
	}
	if present {
		h.setFlash(c, "workshops.flash.checked_in")
	} else {
		h.setFlash(c, "workshops.flash.check_in_undone")
	}
	q := url.Values{"day": {day}}
	if s := c.FormValue("q"); s != "" {
		q.Set("q", s)
	}
	if s := c.FormValue("code"); s != "" {
		q.Set("code", s)
	}
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/checkin?%s", lang(c), w.ID, q.Encode()), fiber.StatusSeeOther)
}

type attendanceSheet struct {
	workshopCard
	W         *workshops.Workshop
	DayLabels []string
	Rows      []attendanceLine
	PerDay    []int
	Staff     bool
	// NotOver, before the workshop's last session has ended, says from when its attendance
	// certificates can be issued (the button waits, disabled); empty after.
	NotOver string
}

type attendanceLine struct {
	R     *workshops.Registration
	Days  []bool
	Rate  int
	Meets bool
}

func (h *handler) showAttendance(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w, err := h.loadForAttendance(c)
	if err != nil {
		return err
	}
	l := lang(c)
	regs, err := h.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if err != nil {
		return err
	}
	days := w.Days()
	d := attendanceSheet{workshopCard: h.workshopCardOf(ctx, w, l), W: w, PerDay: make([]int, len(days)), Staff: user(c).IsStaff()}
	for _, day := range days {
		d.DayLabels = append(d.DayLabels, workshops.FormatDay(l, day))
	}
	for _, r := range regs {
		row := attendanceLine{R: r}
		for i, day := range days {
			on := r.AttendedOn(day)
			row.Days = append(row.Days, on)
			if on {
				d.PerDay[i]++
			}
		}
		rate := r.Rate(w)
		row.Rate = int(rate*100 + 0.5)
		row.Meets = w.MeetsThreshold(rate)
		d.Rows = append(d.Rows, row)
	}
	if over := w.CertificatesFrom(); time.Now().Before(over) {
		d.NotOver = h.cat.T(l, "cert.error.workshop_not_over", "when", dateTimeIn(l, over))
	}
	v := h.view(c, "")
	v.Title = h.cat.T(l, "workshops.attendance.title") + " · " + d.Title
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_workshop_attendance", v)
}
