package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
)

// fillLetter fills the new-request form's official letter and attaches file as the letter.
func fillLetter(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	do(t, ctx, "fill the official letter",
		typeInto("#f-letter_reference", "و ت ر/2026/118"),
		chromedp.SetValue(chromedp.CSS("#f-letter_date"), time.Now().UTC().AddDate(0, 0, -7).Format("2006-01-02")),
		typeInto("#f-letter_signatory_name", "د. سامي حداد"),
		typeInto("#f-letter_signatory_title", "الأمين العام"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-letter_file"), []string{file}),
	)
}

// lifecycleFixture makes a request of Jordan further on in its lifecycle, through the service:
// in progress, with a mission, a deliverable delivered and a second version of the terms of
// reference waiting for the country; or, with completed, done, tagged, with its closing
// report and its follow-up survey sent. It returns the request's id.
func lifecycleFixture(t *testing.T, s *site, fp, staff *officials.Official, completed bool) string {
	t.Helper()
	bg := context.Background()
	pdf := func(name string) *advisory.File { return &advisory.File{Name: name, Data: []byte("%PDF-1.4\n%%EOF\n")} }
	day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }
	r, err := s.p.Advisory.Create(bg, fp, advisory.Input{RequestingBody: "هيئة تنظيم قطاع الاتصالات", Phases: []int{1, 3},
		Topics: []string{"open_data_policy"}, Needs: "نحتاج إلى مراجعة سياسة البيانات المفتوحة وتدريب فرق النشر.",
		SupportKinds: []string{"advisory_mission"}, Language: "ar", Letter: advisory.LetterInput{Reference: "TRC/2026/4", Date: day(-20),
			SignatoryName: "م. ليلى حسن", SignatoryTitle: "الرئيسة التنفيذية", File: pdf("letter.pdf")}}, nil)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(err)
	move := func(to string) {
		t.Helper()
		_, err := s.p.Advisory.Transition(bg, staff, r.ID, to, "")
		must(err)
	}
	move(advisory.StatusUnderReview)
	move(advisory.StatusAccepted)
	_, err = s.p.Advisory.Assign(bg, staff, r.ID, advisory.Assignment{LeadExpert: "د. أمل ناصر"})
	must(err)
	_, err = s.p.Advisory.SetTags(bg, staff, r.ID, advisory.Tags{SDGTargets: []string{"16.6", "16.10"}, Objectives: []string{"policy_strategy"}})
	must(err)
	v, err := s.p.Advisory.ProposeTor(bg, staff, r.ID, "النطاق والجدول.", pdf("tor-1.pdf"))
	must(err)
	_, err = s.p.Advisory.DecideTor(bg, fp, r.ID, v.ID, true, "")
	must(err)
	move(advisory.StatusPlanned)
	_, err = s.p.Advisory.AddMission(bg, staff, r.ID, advisory.MissionInput{StartDate: day(10), EndDate: day(12), City: "إربد",
		Team: "د. أمل ناصر\nكريم صالح", Agenda: "اليوم الأول: حصر البيانات."})
	must(err)
	move(advisory.StatusInProgress)
	d, err := s.p.Advisory.AddDeliverable(bg, staff, r.ID, advisory.DeliverableInput{Title: "مسودة السياسة", DueDate: day(30)})
	must(err)
	_, err = s.p.Advisory.SetDeliverableStatus(bg, staff, r.ID, d.ID, advisory.DeliverableDelivered, pdf("policy.pdf"))
	must(err)
	if !completed {
		_, err = s.p.Advisory.ProposeTor(bg, staff, r.ID, "تعديل: إضافة دائرة الإحصاءات.", pdf("tor-2.pdf"))
		must(err)
		return fmt.Sprint(r.ID)
	}
	_, err = s.p.Advisory.SetDeliverableStatus(bg, fp, r.ID, d.ID, advisory.DeliverableAccepted, nil)
	must(err)
	move(advisory.StatusCompleted)
	_, err = s.p.Advisory.FileClosingReport(bg, staff, r.ID, "اعتُمدت السياسة.", pdf("closing.pdf"))
	must(err)
	_, err = s.p.Advisory.Rate(bg, fp, r.ID, 5, "")
	must(err)
	_, err = s.p.DB.W.ExecContext(bg, "UPDATE advisory_followups SET due_on = ? WHERE request_id = ?", day(0), r.ID)
	must(err)
	_, err = s.p.Advisory.SendDueFollowUps(bg)
	must(err)
	return fmt.Sprint(r.ID)
}

// lifecycleStep is one step of the walk through an advisory request: who takes it (the
// focal point or staff) and what they do in the browser.
type lifecycleStep struct {
	name string
	by   string // "focal" or "staff"
	do   func(t *testing.T, ctx context.Context)
}

// TestBrowserAdvisoryLetterToFollowUp walks one request in Arabic from the ministry's letter
// to the follow-up survey, each side logging in for its steps: the focal point submits with
// the letter; staff assess and accept it and propose terms of reference; the focal point
// agrees; staff plan it, schedule a mission, start, add a deliverable and deliver it; the
// focal point accepts it; staff complete the request and file the closing report; months
// later the survey goes out and the focal point answers it. The steps are a list, so that
// another (assigning an owner) can be put in between.
func TestBrowserAdvisoryLetterToFollowUp(t *testing.T) {
	s := startSite(t)
	ctx := newBrowserFor(t, 4*time.Minute) // ten steps, two accounts
	msg := i18n.MustLoad()
	bg := context.Background()
	fp := s.advPerson(t, "huda@mode.gov.jo", officials.RoleFocalPoint, "JO", "ar")
	staff := s.advPerson(t, "staff@masar.example.org", officials.RoleStaff, "", "ar")
	dir := t.TempDir()
	file := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }
	var id int64
	page := func() string { return fmt.Sprintf("/ar/advisory/%d", id) }
	state := func(t *testing.T, want string) {
		t.Helper()
		if got := text(t, ctx, ".request-state .status"); got != msg.T("ar", "advisory.status."+want) {
			t.Fatalf("the request is %q, want %s (%s)", got, want, text(t, ctx, "main"))
		}
	}
	move := func(t *testing.T, to string) {
		t.Helper()
		clickAndLoad(t, ctx, "#actions form.move-"+to+" button")
		state(t, to)
	}
	const note = "ميزانية البعثة الثانية بانتظار تأكيد المانح."
	steps := []lifecycleStep{
		{"submit with the ministry's letter", "focal", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, "/ar/advisory/new")
			do(t, ctx, "fill the request",
				typeInto("#f-requesting_body", "وزارة الاقتصاد الرقمي والريادة"),
				clickInput("phases", "1"),
				clickInput("topics", "open_data_portal"),
				typeInto("#f-needs", "نحتاج إلى دعم في إطلاق بوابة وطنية للبيانات المفتوحة، وتدريب فرق الوزارات على نشر البيانات."),
				clickInput("support_kinds", "advisory_mission"),
			)
			fillLetter(t, ctx, file("كتاب الوزارة.pdf"))
			clickAndLoad(t, ctx, ".advisory-form button[type=submit]")
			if _, err := fmt.Sscanf(location(t, ctx), "/ar/advisory/%d", &id); err != nil {
				t.Fatalf("after submitting the browser is on %s (%q)", location(t, ctx), text(t, ctx, "main"))
			}
			if got := text(t, ctx, "#letter"); !strings.Contains(got, "و ت ر/2026/118") || !strings.Contains(got, "كتاب الوزارة.pdf") {
				t.Errorf("the letter shows as %q", got)
			}
		}},
		{"take the request as its owner", "staff", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			do(t, ctx, "make oneself the owner", chromedp.SetValue(chromedp.CSS("#f-owner_id"), fmt.Sprint(staff.ID)))
			clickAndLoad(t, ctx, "#staffing button[type=submit]")
			if got := text(t, ctx, "#staffing select option:checked"); !strings.Contains(got, staff.NameAr) {
				t.Fatalf("the owner chosen is %q", got)
			}
		}},
		{"assess and accept", "staff", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			move(t, "under_review")
			do(t, ctx, "write an internal note", typeInto("#f-note", note))
			clickAndLoad(t, ctx, "#notes form button[type=submit]")
			move(t, "accepted")
		}},
		{"propose the terms of reference", "staff", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			do(t, ctx, "attach the terms of reference",
				chromedp.SetUploadFiles(chromedp.CSS("#f-tor_file"), []string{file("الشروط المرجعية.pdf")}),
				typeInto("#f-tor_summary", "النطاق والفريق والجدول الزمني للبعثة."))
			clickAndLoad(t, ctx, "form.tor-new button[type=submit]")
			if got := text(t, ctx, ".tor-versions .tor-status"); got != msg.T("ar", "advisory.tor.status.proposed") {
				t.Fatalf("terms of reference %q", got)
			}
		}},
		{"agree to the terms of reference", "focal", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			clickAndLoad(t, ctx, "form.tor-decision button.tor-agree")
			if got := text(t, ctx, ".tor-versions .tor-status"); got != msg.T("ar", "advisory.tor.status.agreed") {
				t.Fatalf("after agreeing the terms of reference are %q", got)
			}
		}},
		{"plan, schedule the mission and start", "staff", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			move(t, "planned") // the owner answers for it: no lead expert needed
			do(t, ctx, "fill the mission",
				chromedp.SetValue(chromedp.CSS("#f-mission_start"), day(20)),
				chromedp.SetValue(chromedp.CSS("#f-mission_end"), day(22)),
				typeInto("#f-mission_city", "عمّان"),
				typeInto("#f-mission_team", "د. أمل ناصر، رئيسة الفريق"),
				typeInto("#f-mission_agenda", "اليوم الأول: حصر البيانات."))
			clickAndLoad(t, ctx, "form.mission-new button[type=submit]")
			if got := text(t, ctx, "#missions .mission strong"); got != "عمّان" {
				t.Fatalf("mission listed as %q (%s)", got, text(t, ctx, "main"))
			}
			move(t, "in_progress")
		}},
		{"add and deliver a deliverable", "staff", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			do(t, ctx, "fill the deliverable",
				typeInto("#f-deliverable_title", "خريطة طريق البيانات المفتوحة"),
				chromedp.SetValue(chromedp.CSS("#f-deliverable_due"), day(40)))
			clickAndLoad(t, ctx, "form.deliverable-new button[type=submit]")
			do(t, ctx, "attach the deliverable",
				chromedp.SetUploadFiles(chromedp.CSS("form.deliverable-move.move-delivered input[type=file]"), []string{file("خريطة الطريق.pdf")}))
			clickAndLoad(t, ctx, "form.deliverable-move.move-delivered button")
			if got := text(t, ctx, ".deliverable .deliverable-status"); got != msg.T("ar", "advisory.deliverable.status.delivered") {
				t.Fatalf("deliverable %q", got)
			}
		}},
		{"accept the deliverable", "focal", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			clickAndLoad(t, ctx, "form.deliverable-move.move-accepted button")
			if got := text(t, ctx, ".deliverable .deliverable-status"); got != msg.T("ar", "advisory.deliverable.status.accepted") {
				t.Fatalf("deliverable %q", got)
			}
			if got := text(t, ctx, ".deliverable .ontime"); got != msg.T("ar", "advisory.deliverable.on_time") {
				t.Errorf("on-time mark %q", got)
			}
		}},
		{"complete with the closing report", "staff", func(t *testing.T, ctx context.Context) {
			s.open(t, ctx, page())
			move(t, "completed")
			do(t, ctx, "fill the closing report",
				typeInto("#f-closing_summary", "أُطلقت البوابة واعتمدت الوزارة خريطة الطريق."),
				chromedp.SetUploadFiles(chromedp.CSS("#f-closing_file"), []string{file("التقرير الختامي.pdf")}))
			clickAndLoad(t, ctx, "form.closing-new button[type=submit]")
			if got := text(t, ctx, "#closing a"); got != "التقرير الختامي.pdf" {
				t.Fatalf("closing report %q (%s)", got, text(t, ctx, "main"))
			}
			// Months later the platform mails the survey (the scheduler's work, done here at once).
			if _, err := s.p.DB.W.ExecContext(bg, "UPDATE advisory_followups SET due_on = ? WHERE request_id = ?", day(0), id); err != nil {
				t.Fatal(err)
			}
			if n, err := s.p.Advisory.SendDueFollowUps(bg); err != nil || n != 1 {
				t.Fatalf("follow-ups sent: %d %v", n, err)
			}
		}},
		{"answer the follow-up survey", "focal", func(t *testing.T, ctx context.Context) {
			items, _, err := s.p.Mailer.List(bg, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			link := ""
			for _, m := range items {
				if m.To == fp.Email && m.Template == "advisory_followup" {
					link = fmt.Sprintf("/ar/advisory/%d/follow-up", id)
				}
			}
			if link == "" {
				t.Fatal("the focal point was not sent the follow-up survey")
			}
			s.open(t, ctx, link)
			do(t, ctx, "answer the survey",
				clickInput("rating", "4"),
				clickInput("used", "partly"),
				typeInto("#f-changes", "البوابة تعمل وفيها 120 مجموعة بيانات."))
			clickAndLoad(t, ctx, "form.followup-form button[type=submit]")
			if got, want := text(t, ctx, ".flash"), msg.T("ar", "flash.advisory.followup"); got != want {
				t.Errorf("flash %q, want %q", got, want)
			}
			if got := text(t, ctx, "#followup"); !strings.Contains(got, "120 مجموعة بيانات") {
				t.Errorf("follow-up answers shown as %q", got)
			}
			// The country's timeline: every step, no internal note.
			tl := text(t, ctx, "#timeline")
			for _, want := range []string{msg.T("ar", "advisory.step.tor_agreed", "version", "1"), msg.T("ar", "advisory.step.mission"),
				msg.T("ar", "advisory.step.closing_report"), msg.T("ar", "advisory.step.followup_sent")} {
				if !strings.Contains(tl, want) {
					t.Errorf("the country's timeline lacks %q", want)
				}
			}
			if strings.Contains(tl, note) {
				t.Error("the country's timeline shows the internal note")
			}
		}},
	}
	who := ""
	for _, st := range steps {
		if st.by != who {
			if who != "" {
				logout(t, ctx, "ar")
			}
			email := fp.Email
			if st.by == "staff" {
				email = staff.Email
			}
			s.login(t, ctx, "ar", email)
			who = st.by
		}
		t.Run(st.name, func(t *testing.T) { st.do(t, ctx) })
		if t.Failed() {
			t.FailNow()
		}
	}
	// Staff's timeline, in Arabic, for people to look at.
	logout(t, ctx, "ar")
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, page())
	if tl := text(t, ctx, "#timeline"); !strings.Contains(tl, note) || !strings.Contains(tl, msg.T("ar", "advisory.step.followup_answered", "rating", msg.T("ar", "advisory.rating.4"))) {
		t.Errorf("staff's timeline %q", tl)
	}
	if dir := os.Getenv("MASAR_SCREENSHOTS"); dir != "" {
		do(t, ctx, "scroll to the timeline", chromedp.ScrollIntoView(chromedp.CSS("#timeline")))
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#timeline")))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "timeline-ar.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
