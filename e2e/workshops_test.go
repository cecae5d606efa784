package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// wsPerson creates an account with a role who can log in.
func (s *site) wsPerson(t *testing.T, email, role, country, nameAr, nameLatin string) *officials.Official {
	t.Helper()
	in := officials.Input{Email: email, Password: password, NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Director",
		Organisation: "Ministry of Planning", Country: country, Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, in, role)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	s.confirm(t, o.ID)
	return o
}

// wsAt sets the workshops' clock.
func (s *site) wsAt(t time.Time) { s.p.Workshops.SetClock(func() time.Time { return t }) }

// TestBrowserWorkshopScheduleApplyApproveCheckIn: staff schedule a workshop with its agenda
// and publish it; an official finds it in the Arabic calendar and applies; staff approve;
// on the day, staff check the official in from a phone-sized screen; the attendance shows.
func TestBrowserWorkshopScheduleApplyApproveCheckIn(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	msg := i18n.MustLoad()
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	s.wsPerson(t, "staff@masar.test", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	official := s.wsPerson(t, "huda@gov.bh", officials.RoleOfficial, "BH", "هدى عبد الله", "Huda Abdullah")

	// Staff schedule the workshop.
	s.login(t, ctx, "en", "staff@masar.test")
	s.open(t, ctx, "/en/admin/workshops/new")
	do(t, ctx, "fill the scheduling form",
		typeInto("#f-title_ar", "ورشة البيانات الحكومية المفتوحة"),
		typeInto("#f-title_en", "Open government data workshop"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "regional"),
		clickInput("phases", "1"),
		chromedp.SetValue(chromedp.CSS("#f-host_country"), "JO"),
		typeInto("#f-city", "Amman"),
		typeInto("#f-venue", "Le Royal"),
		chromedp.SetValue(chromedp.CSS("#f-start_date"), "2026-03-10"),
		chromedp.SetValue(chromedp.CSS("#f-end_date"), "2026-03-11"),
		chromedp.SetValue(chromedp.CSS("#s0-start"), "2026-03-10T09:00"),
		chromedp.SetValue(chromedp.CSS("#s0-end"), "2026-03-10T10:30"),
		typeInto("#s0-tar", "الافتتاح"),
		typeInto("#s0-ten", "Opening"),
	)
	clickAndLoad(t, ctx, "form.workshop-form button[type=submit]")
	if got := text(t, ctx, ".flash"); got != msg.T("en", "workshops.flash.created") {
		t.Fatalf("after scheduling: %q on %s", got, location(t, ctx))
	}
	path := location(t, ctx)
	var id int64
	if _, err := fmt.Sscanf(path, "/en/admin/workshops/%d", &id); err != nil {
		t.Fatalf("after scheduling the browser is on %s", path)
	}
	clickAndLoad(t, ctx, `form:has(input[name=status][value=published]) button`)
	logout(t, ctx, "en")

	// The official finds it in the Arabic calendar and applies.
	s.login(t, ctx, "ar", official.Email)
	s.open(t, ctx, "/ar/workshops")
	screenshot(t, ctx, "workshops-calendar-ar")
	clickAndLoad(t, ctx, fmt.Sprintf(`.workshop-card a[href="/ar/workshops/%d"]`, id))
	if got := text(t, ctx, "h1"); got != "ورشة البيانات الحكومية المفتوحة" {
		t.Errorf("workshop page title %q", got)
	}
	if !strings.Contains(text(t, ctx, ".agenda-table"), "الافتتاح") {
		t.Error("the agenda does not show the opening")
	}
	do(t, ctx, "write a motivation", typeInto("#f-motivation", "أدير بوابة البيانات المفتوحة في وزارة التخطيط."))
	clickAndLoad(t, ctx, ".apply-form button[type=submit]")
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "workshops.flash.applied") {
		t.Errorf("after applying: %q", got)
	}
	if got := text(t, ctx, ".my-status strong"); got != msg.T("ar", "workshops.status.pending") {
		t.Errorf("status after applying: %q", got)
	}
	screenshot(t, ctx, "workshop-page-ar")
	logout(t, ctx, "ar")

	// Staff approve it from the registrations list.
	s.login(t, ctx, "ar", "staff@masar.test")
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/registrations", id))
	if !strings.Contains(text(t, ctx, "table.registrations"), "هدى عبد الله") {
		t.Fatal("the registration is not listed")
	}
	screenshot(t, ctx, "workshop-registrations-ar")
	clickAndLoad(t, ctx, `table.registrations button[data-action=approve]`)
	if got := text(t, ctx, "table.registrations .reg-status"); got != msg.T("ar", "workshops.status.confirmed") {
		t.Errorf("status after approval: %q", got)
	}

	// On the first day, check-in on a phone: search by name, one tap.
	s.wsAt(time.Date(2026, 3, 10, 6, 30, 0, 0, time.UTC))
	do(t, ctx, "phone-sized screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/checkin", id))
	do(t, ctx, "search by name", typeInto("#c-q", "هدى"))
	clickAndLoad(t, ctx, ".checkin-search button[type=submit]")
	if got := value(t, ctx, "#c-day"); got != "2026-03-10" {
		t.Errorf("check-in day %q, want today at the host", got)
	}
	// The button is big enough to tap.
	if h := eval[float64](t, ctx, `document.querySelector('.checkin-button').getBoundingClientRect().height`); h < 44 {
		t.Errorf("check-in button is %.0f px high", h)
	}
	clickAndLoad(t, ctx, ".checkin-button")
	if got := text(t, ctx, ".checkin-card.present .present-mark"); !strings.Contains(got, msg.T("ar", "workshops.checkin.present")) {
		t.Errorf("after check-in: %q", got)
	}
	if got := text(t, ctx, ".checkin-count"); got != msg.T("ar", "workshops.checkin.count", "present", "1", "confirmed", "1") {
		t.Errorf("count after check-in: %q", got)
	}
	screenshot(t, ctx, "workshop-checkin-ar-phone")

	// The attendance page shows the day and the rate: one day of two.
	do(t, ctx, "desktop screen", chromedp.EmulateViewport(1280, 900))
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/attendance", id))
	row := text(t, ctx, "table.attendance tbody tr")
	if !strings.Contains(row, "هدى عبد الله") || !strings.Contains(row, "✓") || !strings.Contains(row, "50%") {
		t.Errorf("attendance row: %q", row)
	}
	screenshot(t, ctx, "workshop-attendance-ar")
	rates, err := s.p.Workshops.AttendanceRates(context.Background(), id)
	if err != nil || rates[official.ID] != 0.5 {
		t.Errorf("attendance rates %v %v", rates, err)
	}
	logout(t, ctx, "ar")

	// The official's ticket carries the QR code.
	s.login(t, ctx, "ar", official.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/workshops/%d/ticket", id))
	if n := eval[int](t, ctx, `document.querySelectorAll('figure.ticket-qr svg.qr path').length`); n != 1 {
		t.Errorf("ticket has %d QR paths", n)
	}
	r, _ := s.p.Workshops.RegistrationFor(context.Background(), id, official.ID)
	if got := text(t, ctx, ".ticket-code"); got != workshops.FormatTicket(r.Ticket) {
		t.Errorf("ticket code %q", got)
	}
	screenshot(t, ctx, "workshop-ticket-ar")
}

// TestBrowserWorkshopAccessibility runs axe-core over the workshop pages in Arabic.
func TestBrowserWorkshopAccessibility(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	ctx := newBrowser(t)
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	staff := s.wsPerson(t, "staff@masar.test", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	w, err := s.p.Workshops.Create(context.Background(), audit.Actor{ID: staff.ID, Email: staff.Email}, workshops.Input{
		Title: map[string]string{"ar": "ورشة المشاركة العامة", "en": "Public participation workshop"}, Kind: workshops.KindRegional,
		Phases: []int{2}, HostCountry: "TN", City: "Tunis", StartDate: "2026-03-10", EndDate: "2026-03-11", Languages: []string{"ar", "fr"},
		Capacity: 20, Sessions: []workshops.SessionInput{{StartsAt: "2026-03-10T09:00", EndsAt: "2026-03-10T10:00", Title: map[string]string{"ar": "الافتتاح"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.SetStatus(context.Background(), audit.Actor{ID: staff.ID}, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/ar/workshops", fmt.Sprintf("/ar/workshops/%d?zone=AE", w.ID)} {
		s.open(t, ctx, path)
		checkAxe(t, ctx, src, path)
	}
	s.login(t, ctx, "ar", staff.Email)
	for _, path := range []string{"/ar/admin/workshops", "/ar/admin/workshops/new", fmt.Sprintf("/ar/admin/workshops/%d", w.ID),
		fmt.Sprintf("/ar/admin/workshops/%d/registrations", w.ID), fmt.Sprintf("/ar/admin/workshops/%d/checkin", w.ID),
		fmt.Sprintf("/ar/admin/workshops/%d/attendance", w.ID), fmt.Sprintf("/ar/workshops/%d/nominate", w.ID)} {
		s.open(t, ctx, path)
		checkAxe(t, ctx, src, path)
		screenshot(t, ctx, "a11y"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path))
	}
}

// TestBrowserCalendarAfterOnlineWorkshopCancelled: staff publish an online session (it has
// no host country) and then cancel it; each time the Arabic calendar loads, lists it, and,
// once cancelled, marks it so. Its meeting link appears nowhere on the public calendar.
func TestBrowserCalendarAfterOnlineWorkshopCancelled(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	msg := i18n.MustLoad()
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	staff := s.wsPerson(t, "staff@masar.test", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	const title = "جلسة عن بعد للإشراف الناجز"
	w, err := s.p.Workshops.Create(context.Background(), audit.Actor{ID: staff.ID, Email: staff.Email}, workshops.Input{
		Title: map[string]string{"ar": title, "en": "Online engagement session"}, Kind: workshops.KindOnline, Phases: []int{4},
		OnlineURL: "https://meet.example.org/masar?pwd=s3cretPass", Timezone: "Asia/Beirut",
		StartDate: "2026-03-20", EndDate: "2026-03-20", Languages: []string{"ar"}, Capacity: 50})
	if err != nil {
		t.Fatal(err)
	}
	card := fmt.Sprintf(`.workshop-card:has(a[href="/ar/workshops/%d"])`, w.ID)
	s.login(t, ctx, "ar", staff.Email)
	for _, step := range []struct{ status, shot string }{{"published", "workshops-calendar-online-ar"}, {"cancelled", "workshops-calendar-online-cancelled-ar"}} {
		s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d", w.ID))
		eval[bool](t, ctx, `(window.confirm = () => true, true)`) // say yes to "cancel this workshop?"
		clickAndLoad(t, ctx, fmt.Sprintf(`form:has(input[name=status][value=%s]) button`, step.status))
		s.open(t, ctx, "/ar/workshops")
		if got := text(t, ctx, "h1"); got != msg.T("ar", "workshops.title") {
			t.Fatalf("%s: the calendar's heading is %q", step.status, got)
		}
		if got := eval[string](t, ctx, `document.documentElement.lang + " " + document.documentElement.dir`); got != "ar rtl" {
			t.Errorf("%s: calendar in %q", step.status, got)
		}
		got := text(t, ctx, card)
		if !strings.Contains(got, title) || !strings.Contains(got, msg.T("ar", "workshops.online")) {
			t.Errorf("%s: the card reads %q", step.status, got)
		}
		cancelled := msg.T("ar", "workshops.state.cancelled")
		if (step.status == "cancelled") != strings.Contains(got, cancelled) {
			t.Errorf("%s: the card reads %q", step.status, got)
		}
		if strings.Contains(eval[string](t, ctx, `document.documentElement.outerHTML`), "s3cretPass") {
			t.Errorf("%s: the calendar shows the meeting link", step.status)
		}
		screenshot(t, ctx, step.shot)
	}
}
