package advisory

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

var samplePDF = []byte("%PDF-1.4\n%%EOF\n")

func pdf(name string) *File { return &File{Name: name, Data: samplePDF} }

// day is a date some days from the service's today.
func (f *fixture) day(days int) string {
	t, _ := time.Parse(DateLayout, f.s.Today())
	return t.AddDate(0, 0, days).Format(DateLayout)
}

func fieldOf(err error, field string) string {
	if p, ok := problem.As(err); ok {
		return p.Fields[field]
	}
	return ""
}

// walk moves request id through the given states as staff, failing the test on a refusal.
func (f *fixture) walk(t *testing.T, id int64, states ...string) {
	t.Helper()
	for _, st := range states {
		if _, err := f.s.Transition(context.Background(), f.staff, id, st, "Reason given."); err != nil {
			t.Fatalf("move %d to %s: %v", id, st, err)
		}
	}
}

// TestLetterRequired: a request is submitted with the ministry's letter — reference, date,
// signatory and the file — or not at all; the letter is read back as it was given.
func TestLetterRequired(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		what, field, key string
		edit             func(*LetterInput)
	}{
		{"no reference", "letter_reference", "field.required", func(l *LetterInput) { l.Reference = " " }},
		{"no date", "letter_date", "field.required", func(l *LetterInput) { l.Date = "" }},
		{"a date in the future", "letter_date", "advisory.field.letter_date.future", func(l *LetterInput) { l.Date = f.day(3) }},
		{"an impossible date", "letter_date", "advisory.field.date.invalid", func(l *LetterInput) { l.Date = "2026-02-30" }},
		{"no signatory", "letter_signatory_name", "field.required", func(l *LetterInput) { l.SignatoryName = "" }},
		{"no signatory's title", "letter_signatory_title", "field.required", func(l *LetterInput) { l.SignatoryTitle = "" }},
		{"no file", "letter_file", "advisory.field.letter_file.required", func(l *LetterInput) { l.File = nil }},
		{"a program for a letter", "letter_file", "advisory.file.type", func(l *LetterInput) { l.File = &File{Name: "letter.pdf", Data: []byte("MZ\x90\x00")} }},
	} {
		in := validInput()
		tc.edit(&in.Letter)
		_, err := f.s.Create(ctx, f.fp, in, nil)
		if got := fieldOf(err, tc.field); got != tc.key {
			t.Errorf("%s: %v (%s=%q), want %s", tc.what, err, tc.field, got, tc.key)
		}
	}
	var n int
	if err := f.db.R.QueryRow("SELECT (SELECT count(*) FROM advisory_requests) + (SELECT count(*) FROM advisory_files)").Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused requests left %d rows (%v)", n, err)
	}
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.s.LetterOf(ctx, f.fp, r.ID)
	if err != nil || l == nil || l.Reference != "MoP/2026/7" || l.Date != "2026-01-10" || l.SignatoryTitle != "Minister" || l.File.Kind != "pdf" {
		t.Fatalf("letter: %+v %v", l, err)
	}
	a, data, err := f.s.OpenFile(ctx, f.fp, r.ID, l.File.ID)
	if err != nil || a.Filename != "letter.pdf" || string(data) != string(samplePDF) {
		t.Errorf("letter file: %+v %v", a, err)
	}
	other := f.person(t, "fp.tn@example.org", officials.RoleFocalPoint, "TN", "fr")
	if _, _, err := f.s.OpenFile(ctx, other, r.ID, l.File.ID); !errors.Is(err, problem.NotFound) {
		t.Errorf("another country's focal point opens the letter: %v", err)
	}
}

// TestLifecycleOrder walks a request from its letter to the follow-up: every step refused
// out of order with its own 409, then taken in order; completion schedules the survey
// (months configurable), reopening cancels it, the survey goes out when due, the country
// answers once.
func TestLifecycleOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.s.SetFollowUpMonths(3)
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := r.ID
	// Nothing of the work before the request is accepted.
	if _, err := f.s.ProposeTor(ctx, f.staff, id, "", pdf("tor.pdf")); !errors.Is(err, ErrStepNotNow) {
		t.Errorf("terms of reference of a submitted request: %v", err)
	}
	if _, err := f.s.AddMission(ctx, f.staff, id, MissionInput{StartDate: f.day(10), EndDate: f.day(12), City: "Amman"}); !errors.Is(err, ErrStepNotNow) {
		t.Errorf("mission of a submitted request: %v", err)
	}
	f.walk(t, id, StatusUnderReview, StatusAccepted)
	if _, err := f.s.Assign(ctx, f.staff, id, Assignment{LeadExpert: "Dr Amal Nasser"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Transition(ctx, f.staff, id, StatusPlanned, ""); !errors.Is(err, ErrTorNotAgreed) {
		t.Fatalf("planned without agreed terms of reference: %v", err)
	}
	// Terms of reference: only staff propose, only the country answers, changes need a comment.
	if _, err := f.s.ProposeTor(ctx, f.fp, id, "", pdf("tor.pdf")); !errors.Is(err, problem.Forbidden) {
		t.Errorf("focal point proposes terms of reference: %v", err)
	}
	v1, err := f.s.ProposeTor(ctx, f.staff, id, "First draft.", pdf("tor-v1.pdf"))
	if err != nil || v1.Version != 1 || v1.Status != TorProposed {
		t.Fatalf("version 1: %+v %v", v1, err)
	}
	if _, err := f.s.DecideTor(ctx, f.staff, id, v1.ID, true, ""); !errors.Is(err, problem.Forbidden) {
		t.Errorf("staff agree on the country's behalf: %v", err)
	}
	if _, err := f.s.DecideTor(ctx, f.fp, id, v1.ID, false, " "); fieldOf(err, "tor_comment") != "field.required" {
		t.Errorf("changes without a comment: %v", err)
	}
	if v, err := f.s.DecideTor(ctx, f.fp, id, v1.ID, false, "Add the statistics office to the team."); err != nil || v.Status != TorChangesRequested {
		t.Fatalf("ask for changes: %+v %v", v, err)
	}
	if _, err := f.s.DecideTor(ctx, f.fp, id, v1.ID, true, ""); !errors.Is(err, ErrTorNotPending) {
		t.Errorf("agree to a version already answered: %v", err)
	}
	v2, err := f.s.ProposeTor(ctx, f.staff, id, "With the statistics office.", pdf("tor-v2.pdf"))
	if err != nil || v2.Version != 2 {
		t.Fatalf("version 2: %+v %v", v2, err)
	}
	if v, err := f.s.DecideTor(ctx, f.fp, id, v2.ID, true, ""); err != nil || v.Status != TorAgreed || v.DecidedBy == nil || v.DecidedBy.ID != f.fp.ID {
		t.Fatalf("agree: %+v %v", v, err)
	}
	f.walk(t, id, StatusPlanned)
	if _, err := f.s.Transition(ctx, f.staff, id, StatusInProgress, ""); !errors.Is(err, ErrMissionRequired) {
		t.Fatalf("in progress without a mission: %v", err)
	}
	// Missions: dates not in the past, in order, not years ahead.
	for _, tc := range []struct {
		in         MissionInput
		field, key string
	}{
		{MissionInput{StartDate: f.day(-1), EndDate: f.day(2), City: "Amman"}, "start_date", "advisory.field.date.past"},
		{MissionInput{StartDate: f.day(5), EndDate: f.day(4), City: "Amman"}, "end_date", "advisory.field.date.before_start"},
		{MissionInput{StartDate: f.day(5), EndDate: f.day(5 + 365*4), City: "Amman"}, "end_date", "advisory.field.date.too_far"},
		{MissionInput{StartDate: f.day(5), EndDate: f.day(6)}, "city", "field.required"},
	} {
		if _, err := f.s.AddMission(ctx, f.staff, id, tc.in); fieldOf(err, tc.field) != tc.key {
			t.Errorf("mission %+v: %v, want %s=%s", tc.in, err, tc.field, tc.key)
		}
	}
	m, err := f.s.AddMission(ctx, f.staff, id, MissionInput{StartDate: f.day(5), EndDate: f.day(7), City: "Amman",
		Team: "Dr Amal Nasser, lead\nKarim Saleh, open data", Agenda: "Day 1: portal review."})
	if err != nil || m.City != "Amman" {
		t.Fatalf("mission: %+v %v", m, err)
	}
	f.walk(t, id, StatusInProgress)
	// Deliverables: due not in the past; delivered with a file; accepted by the country.
	if _, err := f.s.AddDeliverable(ctx, f.staff, id, DeliverableInput{Title: "Portal roadmap", DueDate: f.day(-2)}); fieldOf(err, "due_date") != "advisory.field.date.past" {
		t.Errorf("deliverable due in the past: %v", err)
	}
	d, err := f.s.AddDeliverable(ctx, f.staff, id, DeliverableInput{Title: "Portal roadmap", DueDate: f.day(20)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Transition(ctx, f.staff, id, StatusCompleted, ""); !errors.Is(err, ErrDeliverablesOpen) {
		t.Fatalf("completed with a deliverable open: %v", err)
	}
	if _, err := f.s.SetDeliverableStatus(ctx, f.staff, id, d.ID, DeliverableAccepted, nil); !errors.Is(err, ErrDeliverableMove) {
		t.Errorf("planned → accepted: %v", err)
	}
	if _, err := f.s.SetDeliverableStatus(ctx, f.staff, id, d.ID, DeliverableDelivered, nil); fieldOf(err, "deliverable_file") == "" {
		t.Errorf("delivered without a file: %v", err)
	}
	if _, err := f.s.SetDeliverableStatus(ctx, f.fp, id, d.ID, DeliverableDelivered, nil); !errors.Is(err, problem.Forbidden) {
		t.Errorf("the country delivers: %v", err)
	}
	d, err = f.s.SetDeliverableStatus(ctx, f.staff, id, d.ID, DeliverableDelivered, pdf("roadmap.pdf"))
	if err != nil || d.DeliveredOn != f.s.Today() || d.OnTime == nil || !*d.OnTime || d.File == nil {
		t.Fatalf("delivered: %+v %v", d, err)
	}
	if d, err = f.s.SetDeliverableStatus(ctx, f.fp, id, d.ID, DeliverableAccepted, nil); err != nil || d.Status != DeliverableAccepted || d.DeliveredOn == "" {
		t.Fatalf("accepted: %+v %v", d, err)
	}
	// The closing report is refused before the work started, taken now and after completion.
	f.walk(t, id, StatusCompleted)
	fu, err := f.s.FollowUpOf(ctx, f.fp, id)
	if err != nil || fu == nil || fu.SentAt != nil {
		t.Fatalf("follow-up after completion: %+v %v", fu, err)
	}
	today, _ := time.Parse(DateLayout, f.s.Today())
	if want := today.AddDate(0, 3, 0).Format(DateLayout); fu.DueOn != want {
		t.Errorf("follow-up due %s, want three months on, %s", fu.DueOn, want)
	}
	cr, err := f.s.FileClosingReport(ctx, f.staff, id, "Roadmap delivered; portal launched.", pdf("closing.pdf"))
	if err != nil || cr.File.Filename != "closing.pdf" {
		t.Fatalf("closing report after completion: %+v %v", cr, err)
	}
	// Reopening needs a reason and cancels the survey; completing again schedules it again.
	if _, err := f.s.Transition(ctx, f.staff, id, StatusInProgress, ""); fieldOf(err, "reason") == "" {
		t.Errorf("reopen without a reason: %v", err)
	}
	f.walk(t, id, StatusInProgress)
	if fu, _ := f.s.FollowUpOf(ctx, f.fp, id); fu != nil {
		t.Errorf("reopened request keeps its follow-up: %+v", fu)
	}
	f.walk(t, id, StatusCompleted)
	// Not due yet: nothing goes out; three months on, the survey is mailed once.
	if n, err := f.s.SendDueFollowUps(ctx); err != nil || n != 0 {
		t.Fatalf("follow-ups sent before due: %d %v", n, err)
	}
	if _, err := f.s.AnswerFollowUp(ctx, f.fp, id, FollowUpAnswer{Rating: 4, Used: "partly", Changes: "The portal is live."}); !errors.Is(err, ErrFollowUpNotDue) {
		t.Errorf("answer before the survey was sent: %v", err)
	}
	later := today.AddDate(0, 3, 1).Format(DateLayout)
	f.s.SetToday(func() string { return later })
	before := f.outbox(t)
	if n, err := f.s.SendDueFollowUps(ctx); err != nil || n != 1 {
		t.Fatalf("follow-ups sent when due: %d %v", n, err)
	}
	if n, _ := f.s.SendDueFollowUps(ctx); n != 0 {
		t.Errorf("a survey sent twice")
	}
	sent := f.outbox(t)[len(before):]
	if len(sent) != 1 || sent[0].To != f.fp.Email || sent[0].Lang != "ar" || !strings.Contains(sent[0].Subject, "ما أثر الدعم") {
		t.Fatalf("follow-up mails: %+v", sent)
	}
	if _, err := f.s.AnswerFollowUp(ctx, f.staff, id, FollowUpAnswer{Rating: 4, Used: "partly", Changes: "x"}); !errors.Is(err, problem.Forbidden) {
		t.Errorf("staff answer the country's survey: %v", err)
	}
	if _, err := f.s.AnswerFollowUp(ctx, f.fp, id, FollowUpAnswer{Rating: 7, Used: "sometimes"}); fieldOf(err, "rating") == "" || fieldOf(err, "used") == "" || fieldOf(err, "changes") == "" {
		t.Errorf("bad answers: %v", err)
	}
	fu, err = f.s.AnswerFollowUp(ctx, f.fp, id, FollowUpAnswer{Rating: 4, Used: "partly", Changes: "The portal is live with 120 datasets."})
	if err != nil || fu.RatingValue() != 4 || fu.AnsweredAt == nil {
		t.Fatalf("answer: %+v %v", fu, err)
	}
	if _, err := f.s.AnswerFollowUp(ctx, f.fp, id, FollowUpAnswer{Rating: 5, Used: "fully", Changes: "Again."}); !errors.Is(err, ErrFollowUpNotDue) {
		t.Errorf("second answer: %v", err)
	}
	// The timeline has every step, in order.
	steps, err := f.s.Timeline(ctx, f.fp, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, s := range steps {
		k := s.Kind
		if k == "status" {
			k = s.To
		}
		kinds = append(kinds, k)
	}
	// Each step is in the audit log, by whom; the country was told of the proposals in its language.
	entries, _, err := audit.List(ctx, f.db, audit.Filter{Subject: subjectOf(id), Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	byAction := map[string]int64{} // the latest of each action (entries come newest first)
	for i := len(entries) - 1; i >= 0; i-- {
		byAction[entries[i].Action] = entries[i].ActorID
	}
	for action, by := range map[string]int64{"advisory.tor_proposed": f.staff.ID, "advisory.tor_agreed": f.fp.ID, "advisory.tor_changes_requested": f.fp.ID,
		"advisory.mission": f.staff.ID, "advisory.deliverable_status": f.fp.ID, "advisory.closing_report": f.staff.ID,
		"advisory.followup_sent": 0, "advisory.followup_answered": f.fp.ID} {
		if got, ok := byAction[action]; !ok || got != by {
			t.Errorf("audit %s: by %d (recorded %v), want %d", action, got, ok, by)
		}
	}
	proposals := 0
	for _, m := range f.outbox(t) {
		if m.To == f.fp.Email && strings.Contains(m.Subject, "شروط مرجعية بانتظار موافقتكم") {
			proposals++
		}
	}
	if proposals != 2 {
		t.Errorf("the focal point was told of %d proposals of terms of reference, want 2", proposals)
	}
	want := "submitted letter under_review accepted tor_proposed tor_changes_requested tor_proposed tor_agreed planned mission in_progress deliverable " +
		"deliverable_status deliverable_status completed closing_report in_progress completed followup_sent followup_answered"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("timeline\n got %s\nwant %s", got, want)
	}
}

// outbox lists every message so far, oldest first.
func (f *fixture) outbox(t *testing.T) []struct{ To, Lang, Subject string } {
	t.Helper()
	items, _, err := f.mail.List(context.Background(), 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]struct{ To, Lang, Subject string }, len(items))
	for i, m := range items {
		out[len(items)-1-i] = struct{ To, Lang, Subject string }{m.To, m.Lang, m.Subject}
	}
	return out
}

// TestTimelineKeepsInternalNotesFromTheCountry: staff see their internal notes among the
// steps; the country's timeline has every other step and none of them.
func TestTimelineKeepsInternalNotesFromTheCountry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Budget line not confirmed by the donor yet."
	if _, err := f.s.AddComment(ctx, f.staff, r.ID, secret, true); err != nil {
		t.Fatal(err)
	}
	f.walk(t, r.ID, StatusUnderReview, StatusAccepted)
	if _, err := f.s.ProposeTor(ctx, f.staff, r.ID, "Draft.", pdf("tor.pdf")); err != nil {
		t.Fatal(err)
	}
	staffSteps, err := f.s.Timeline(ctx, f.staff, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	countrySteps, err := f.s.Timeline(ctx, f.fp, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, s := range staffSteps {
		seen = seen || (s.Kind == "note" && s.Detail == secret && s.StaffOnly)
	}
	if !seen {
		t.Errorf("staff timeline lacks the internal note: %+v", staffSteps)
	}
	if len(countrySteps) != len(staffSteps)-1 {
		t.Errorf("country sees %d steps, staff %d", len(countrySteps), len(staffSteps))
	}
	for _, s := range countrySteps {
		if s.StaffOnly || s.Kind == "note" || strings.Contains(s.Detail+s.Reason, secret) {
			t.Errorf("the country's timeline shows %+v", s)
		}
	}
	other := f.person(t, "fp.tn@example.org", officials.RoleFocalPoint, "TN", "fr")
	if _, err := f.s.Timeline(ctx, other, r.ID); !errors.Is(err, problem.NotFound) {
		t.Errorf("another country's focal point reads the timeline: %v", err)
	}
}

// TestOutcomes counts requests by SDG target, objective and phase, with the completion
// ratings and the deliverables delivered by their due date, for all or one country.
func TestOutcomes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mk := func(by *officials.Official, country string, phases []int, tags Tags) *Request {
		in := validInput()
		in.Country, in.Phases = country, phases
		r, err := f.s.Create(ctx, by, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SetTags(ctx, f.staff, r.ID, tags); err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := mk(f.fp, "JO", []int{1, 2}, Tags{SDGTargets: []string{"16.6", "16.10"}, Objectives: []string{"policy_strategy"}})
	b := mk(f.staff, "TN", []int{2}, Tags{SDGTargets: []string{"16.7"}, Objectives: []string{"policy_strategy", "public_capacity"}})
	if _, err := f.s.SetTags(ctx, f.fp, a.ID, Tags{}); !errors.Is(err, problem.Forbidden) {
		t.Errorf("a focal point tags: %v", err)
	}
	if _, err := f.s.SetTags(ctx, f.staff, a.ID, Tags{SDGTargets: []string{"1.1"}}); fieldOf(err, "sdg_targets") != "field.choose" {
		t.Errorf("unknown SDG target: %v", err)
	}
	// a is completed with one deliverable on time and rated 4; b has one deliverable late.
	f.walk(t, a.ID, StatusUnderReview, StatusAccepted)
	da, _ := f.s.AddDeliverable(ctx, f.staff, a.ID, DeliverableInput{Title: "Policy draft", DueDate: f.day(5)})
	if _, err := f.s.SetDeliverableStatus(ctx, f.staff, a.ID, da.ID, DeliverableDelivered, pdf("draft.pdf")); err != nil {
		t.Fatal(err)
	}
	f.walk(t, b.ID, StatusUnderReview, StatusAccepted)
	if _, err := f.s.AddDeliverable(ctx, f.staff, b.ID, DeliverableInput{Title: "Training plan", DueDate: f.day(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.W.Exec("UPDATE advisory_requests SET status = 'completed', rating = 4 WHERE id = ?", a.ID); err != nil {
		t.Fatal(err)
	}
	today, _ := time.Parse(DateLayout, f.s.Today())
	f.s.SetToday(func() string { return today.AddDate(0, 0, 3).Format(DateLayout) }) // b's deliverable is now overdue
	out, err := f.s.Outcomes(ctx, f.staff, "")
	if err != nil {
		t.Fatal(err)
	}
	row := func(list []Outcome, code string) Outcome {
		for _, o := range list {
			if o.Code == code {
				return o
			}
		}
		t.Fatalf("no row %s", code)
		return Outcome{}
	}
	if o := row(out.BySDG, "16.6"); o.Requests != 1 || o.Completed != 1 || o.RatingAverage == nil || *o.RatingAverage != 4 || o.DeliverablesOnTime != 1 || *o.OnTimeRate != 1 {
		t.Errorf("16.6: %+v", o)
	}
	if o := row(out.BySDG, "16.7"); o.Requests != 1 || o.RatingAverage != nil || o.DeliverablesLate != 1 || *o.OnTimeRate != 0 {
		t.Errorf("16.7: %+v", o)
	}
	if o := row(out.ByObjective, "policy_strategy"); o.Requests != 2 || o.DeliverablesDue != 2 || *o.OnTimeRate != 0.5 {
		t.Errorf("policy_strategy: %+v", o)
	}
	if out.Total.Requests != 2 || out.Grid[1][0] != 2 || out.Grid[0][0] != 1 || out.Grid[1][5] != 1 || out.Grid[0][5] != 0 {
		t.Errorf("total %+v, grid %v", out.Total, out.Grid)
	}
	// A focal point sees their own country's figures only.
	mine, err := f.s.Outcomes(ctx, f.fp, "")
	if err != nil || mine.Country != "JO" || mine.Total.Requests != 1 {
		t.Errorf("focal point's outcomes: %+v %v", mine, err)
	}
	if _, err := f.s.Outcomes(ctx, f.fp, "TN"); !errors.Is(err, problem.NotFound) {
		t.Errorf("focal point reads another country's outcomes: %v", err)
	}
}

// TestStepNoticesFollowAdvisoryPreference: the notices of the lifecycle's steps are advisory
// notifications: a focal point who turned those off gets none, another still does.
func TestStepNoticesFollowAdvisoryPreference(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	quiet := f.person(t, "quiet.fp@example.org", officials.RoleFocalPoint, "JO", "en")
	if err := f.mail.SetPreference(ctx, f.db.W, quiet.Email, mail.CategoryAdvisory, false); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.walk(t, r.ID, StatusUnderReview, StatusAccepted)
	before := len(f.outbox(t))
	if _, err := f.s.ProposeTor(ctx, f.staff, r.ID, "", pdf("tor.pdf")); err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range f.outbox(t)[before:] {
		to = append(to, m.To)
	}
	if len(to) != 1 || to[0] != f.fp.Email {
		t.Errorf("terms of reference notices went to %v, want only %s", to, f.fp.Email)
	}
}
