package surveys_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// env is a real database (SQLite, or PostgreSQL with MASAR_TEST_DATABASE=postgres) with the
// services a workshop's surveys need and a clock the test moves.
type env struct {
	t     *testing.T
	db    *store.DB
	offs  *officials.Service
	ws    *workshops.Service
	sv    *surveys.Service
	staff *officials.Official
	mu    sync.Mutex
	now   time.Time
	n     int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, offs: officials.New(db, 4, nil), now: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)}
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test", Now: e.clock}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.ws, err = workshops.New(db, e.offs, m, workshops.Options{BaseURL: "https://masar.test", Clock: e.clock}); err != nil {
		t.Fatal(err)
	}
	e.sv = surveys.New(db, e.ws, m, surveys.Options{BaseURL: "https://masar.test", Secret: []byte("a test secret of the server")})
	e.sv.SetClock(e.clock)
	e.staff = e.person("staff@masar.test", officials.RoleStaff, "en")
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) at(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

func (e *env) person(email, role, lang string) *officials.Official {
	e.t.Helper()
	country := ""
	if role == officials.RoleOfficial {
		country = "JO"
	}
	in := officials.Input{Email: email, NameAr: "سارة خالد", NameLatin: "Sara Khaled", JobTitle: "Analyst",
		Organisation: "Ministry of Planning", Country: country, Sector: "central_government", Gender: "female", Language: lang}
	o, err := e.offs.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return o
}

func (e *env) actor() audit.Actor { return audit.Actor{ID: e.staff.ID, Email: e.staff.Email} }

// participant registers a new official to w with a confirmed seat.
func (e *env) participant(w *workshops.Workshop, lang string) *officials.Official {
	e.t.Helper()
	e.n++
	o := e.person(fmt.Sprintf("p%d@gov.test", e.n), officials.RoleOfficial, lang)
	r, err := e.ws.Apply(context.Background(), o, w.ID, "I lead our open data portal.")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.ws.Transition(context.Background(), e.staff, r.ID, workshops.ActApprove); err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fieldsOf is the field errors of a validation problem.
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Code != "validation" {
		t.Fatalf("want a validation problem, got %v", err)
	}
	return p.Fields
}

var (
	testInput = surveys.Input{Kind: surveys.TemplateTest, Title: map[string]string{"ar": "اختبار البيانات المفتوحة", "en": "Open data test"},
		Questions: []surveys.Question{
			{Kind: surveys.QSingle, Text: map[string]string{"ar": "ما البيانات المفتوحة؟", "en": "What is open data?"}, Options: []surveys.Option{
				{Text: map[string]string{"ar": "بيانات متاحة للجميع بترخيص مفتوح", "en": "Data anyone may use under an open licence"}, Correct: true},
				{Text: map[string]string{"ar": "بيانات سرية", "en": "Secret data"}}}},
			{Kind: surveys.QMultiple, Text: map[string]string{"ar": "أيّها صيغ مقروءة آليًا؟", "en": "Which are machine-readable?"}, Options: []surveys.Option{
				{Text: map[string]string{"ar": "CSV"}, Correct: true}, {Text: map[string]string{"ar": "JSON"}, Correct: true}, {Text: map[string]string{"ar": "صورة ممسوحة"}}}},
		}}
	satisfactionInput = surveys.Input{Kind: surveys.TemplateSatisfaction, Title: map[string]string{"ar": "تقييم الورشة"},
		Questions: []surveys.Question{
			{Kind: surveys.QRating, Text: map[string]string{"ar": "ما تقييمك العام للورشة؟"}},
			{Kind: surveys.QText, Text: map[string]string{"ar": "ما الذي نحسّنه؟"}},
		}}
)

func TestTemplatesNameTheFieldAtFault(t *testing.T) {
	cases := []struct {
		name  string
		in    surveys.Input
		field string
	}{
		{"no Arabic title", surveys.Input{Kind: surveys.TemplateSatisfaction, Title: map[string]string{"en": "Evaluation"}}, "title_ar"},
		{"unknown kind", surveys.Input{Kind: "poll", Title: map[string]string{"ar": "استطلاع"}}, "kind"},
		{"question without Arabic", surveys.Input{Kind: surveys.TemplateSatisfaction, Title: map[string]string{"ar": "تقييم"},
			Questions: []surveys.Question{{Kind: surveys.QRating, Text: map[string]string{"ar": "سؤال"}}, {Kind: surveys.QText, Text: map[string]string{"en": "What?"}}}}, "q2_text_ar"},
		{"test without a right answer", surveys.Input{Kind: surveys.TemplateTest, Title: map[string]string{"ar": "اختبار"},
			Questions: []surveys.Question{{Kind: surveys.QSingle, Text: map[string]string{"ar": "سؤال"},
				Options: []surveys.Option{{Text: map[string]string{"ar": "أ"}}, {Text: map[string]string{"ar": "ب"}}}}}}, "q1_correct"},
		{"single with two right answers", surveys.Input{Kind: surveys.TemplateTest, Title: map[string]string{"ar": "اختبار"},
			Questions: []surveys.Question{{Kind: surveys.QSingle, Text: map[string]string{"ar": "سؤال"},
				Options: []surveys.Option{{Text: map[string]string{"ar": "أ"}, Correct: true}, {Text: map[string]string{"ar": "ب"}, Correct: true}}}}}, "q1_correct"},
		{"a rating in a test", surveys.Input{Kind: surveys.TemplateTest, Title: map[string]string{"ar": "اختبار"},
			Questions: []surveys.Question{{Kind: surveys.QRating, Text: map[string]string{"ar": "سؤال"}}}}, "q1_kind"},
		{"one option", surveys.Input{Kind: surveys.TemplateSatisfaction, Title: map[string]string{"ar": "تقييم"},
			Questions: []surveys.Question{{Kind: surveys.QSingle, Text: map[string]string{"ar": "سؤال"}, Options: []surveys.Option{{Text: map[string]string{"ar": "أ"}}}}}}, "q1_options_ar"},
		{"option without Arabic", surveys.Input{Kind: surveys.TemplateSatisfaction, Title: map[string]string{"ar": "تقييم"},
			Questions: []surveys.Question{{Kind: surveys.QSingle, Text: map[string]string{"ar": "سؤال"},
				Options: []surveys.Option{{Text: map[string]string{"ar": "أ"}}, {Text: map[string]string{"en": "B"}}}}}}, "q1_options_ar"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := surveys.CheckInput(c.in)
			if f := fieldsOf(t, err); f[c.field] == "" {
				t.Errorf("fields %v, want one on %s", f, c.field)
			}
		})
	}
	in, err := surveys.CheckInput(testInput)
	if err != nil {
		t.Fatal(err)
	}
	if in.Questions[1].ID != "q2" || in.Questions[1].Options[2].ID != "o3" || !in.Questions[1].Options[1].Correct {
		t.Errorf("numbered questions: %+v", in.Questions[1])
	}
}

// TestWorkshopEvaluation runs a workshop's evaluation from attaching the surveys to the
// programme's report: the pre-test mailed a week before and closed after the first day, the
// satisfaction survey and post-test mailed when the workshop is over with one reminder,
// anonymous answers stored without the person, the paired learning gain and the certificate
// gate.
func TestWorkshopEvaluation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := workshops.Input{Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, Kind: workshops.KindRegional,
		Phases: []int{1, 2}, HostCountry: "JO", City: "Amman", Venue: "Le Royal", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar"}, Capacity: 30, Hours: 12}
	w, err := e.ws.Create(ctx, e.actor(), in)
	if err != nil {
		t.Fatal(err)
	}
	if w, err = e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	p1, p2, p3 := e.participant(w, "ar"), e.participant(w, "en"), e.participant(w, "fr")
	outsider := e.person("outsider@gov.test", officials.RoleOfficial, "en")

	test, err := e.sv.CreateTemplate(ctx, e.actor(), testInput)
	if err != nil {
		t.Fatal(err)
	}
	sat, err := e.sv.CreateTemplate(ctx, e.actor(), satisfactionInput)
	if err != nil {
		t.Fatal(err)
	}
	// A satisfaction survey is not made of a test, nor is the gate set on a test.
	_, err = e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindSatisfaction, TemplateID: test.ID})
	if f := fieldsOf(t, err); f["template_id"] != "surveys.error.template_kind_satisfaction" {
		t.Errorf("satisfaction from a test: %v", f)
	}
	_, err = e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindPreTest, TemplateID: test.ID, CertificateGate: true})
	if f := fieldsOf(t, err); f["certificate_gate"] == "" {
		t.Errorf("gate on a test: %v", f)
	}
	pre, err := e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindPreTest, TemplateID: test.ID, Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindPreTest, TemplateID: test.ID}); !errors.Is(err, surveys.ErrKindTaken) {
		t.Errorf("a second pre-test: %v", err)
	}
	post, err := e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindPostTest, TemplateID: test.ID, Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	satis, err := e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindSatisfaction, TemplateID: sat.ID, CertificateGate: true})
	if err != nil {
		t.Fatal(err)
	}
	// Editing the template later leaves the attached copy as it was.
	changed := satisfactionInput
	changed.Questions = changed.Questions[:1]
	if _, err := e.sv.UpdateTemplate(ctx, sat.ID, changed); err != nil {
		t.Fatal(err)
	}
	if s, _ := e.sv.Survey(ctx, satis.ID); len(s.Questions) != 2 {
		t.Errorf("the attached survey changed with its template: %d questions", len(s.Questions))
	}
	// A draft takes no answers and mails nobody.
	if _, err := e.sv.Respond(ctx, pre.ID, p1.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o1"}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("answering a draft: %v", err)
	}
	if _, err := e.sv.Publish(ctx, e.actor(), pre.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Publish(ctx, e.actor(), pre.ID); !errors.Is(err, surveys.ErrNotDraft) {
		t.Errorf("publishing twice: %v", err)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'survey.publish' AND subject = ? AND field = 'pre_test' AND actor_id = ?`,
		fmt.Sprintf("workshop:%d", w.ID), e.staff.ID); n != 1 {
		t.Errorf("audit entries of the publishing: %d", n)
	}

	// A month before: no mail. Six days before: the pre-test to the three participants, once.
	if n, err := e.sv.SendDue(ctx); err != nil || n != 0 {
		t.Fatalf("a month before: %d mails, %v", n, err)
	}
	e.at(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC))
	if n, err := e.sv.SendDue(ctx); err != nil || n != 3 {
		t.Fatalf("six days before: %d mails, %v", n, err)
	}
	if n, _ := e.sv.SendDue(ctx); n != 0 {
		t.Errorf("the invitations went out again: %d", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE template = 'survey_invitation' AND to_email = ? AND lang = 'ar' AND text_body LIKE ?`,
		p1.Email, fmt.Sprintf("%%/ar/surveys/%d%%", pre.ID)); n != 1 {
		t.Errorf("the Arabic speaker's invitation with the Arabic link: %d", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE template = 'survey_invitation' AND to_email = ? AND lang = 'fr'`, p3.Email); n != 1 {
		t.Errorf("the French speaker's invitation in French: %d", n)
	}

	// The answers: checked, once per person, participants only; anonymous rows name nobody.
	_, err = e.sv.Respond(ctx, pre.ID, p1.ID, surveys.Answers{"q1": {"o1", "o2"}, "q2": {"o9"}})
	if f := fieldsOf(t, err); f["q1"] != "surveys.error.one_option" || f["q2"] != "surveys.error.option_unknown" {
		t.Errorf("bad answers: %v", f)
	}
	if _, err := e.sv.Respond(ctx, pre.ID, outsider.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o1"}}); !errors.Is(err, surveys.ErrNotParticipant) {
		t.Errorf("an outsider answering: %v", err)
	}
	score, err := e.sv.Respond(ctx, pre.ID, p1.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o1", "o3"}})
	if err != nil || score == nil || *score != 50 {
		t.Fatalf("p1's pre-test: %v, %v", score, err)
	}
	if _, err := e.sv.Respond(ctx, pre.ID, p1.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o1", "o2"}}); !errors.Is(err, surveys.ErrAlreadyAnswered) {
		t.Errorf("answering twice: %v", err)
	}
	if _, err := e.sv.Respond(ctx, pre.ID, p2.ID, surveys.Answers{"q1": {"o2"}, "q2": {"o3"}}); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND official_id IS NULL AND pair_key <> ''`, pre.ID); n != 2 {
		t.Errorf("anonymous responses without the person: %d of 2", n)
	}
	// The pre-test closes when the first day ends (no agenda): p3 is too late.
	e.at(time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC))
	if _, err := e.sv.Respond(ctx, pre.ID, p3.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o1", "o2"}}); !errors.Is(err, surveys.ErrClosed) {
		t.Errorf("the pre-test after the first day: %v", err)
	}

	// The post-test and the satisfaction survey go out once the workshop is over.
	for _, s := range []*surveys.Survey{post, satis} {
		if _, err := e.sv.Publish(ctx, e.actor(), s.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := e.sv.SendDue(ctx); n != 0 {
		t.Errorf("mails before the end: %d", n)
	}
	// The post-test opens with the last day (no agenda: its midnight in Amman).
	sp, _ := e.sv.Survey(ctx, post.ID)
	wk, _ := e.ws.Get(ctx, w.ID)
	if surveys.OpenAt(sp, wk, time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)) || !surveys.OpenAt(sp, wk, time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("the post-test is open on the first day, or closed on the last")
	}
	e.at(time.Date(2026, 3, 12, 7, 0, 0, 0, time.UTC))
	if n, err := e.sv.SendDue(ctx); err != nil || n != 6 {
		t.Fatalf("at the end: %d mails, %v", n, err)
	}
	if _, err := e.sv.Respond(ctx, post.ID, p1.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o2", "o1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Respond(ctx, post.ID, p3.ID, surveys.Answers{"q1": {"o1"}, "q2": {"o1", "o2"}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.sv.Respond(ctx, satis.ID, p1.ID, surveys.Answers{"q1": {"9"}})
	if f := fieldsOf(t, err); f["q1"] != "surveys.error.rating" {
		t.Errorf("a rating of 9: %v", f)
	}
	if _, err := e.sv.Respond(ctx, satis.ID, p1.ID, surveys.Answers{"q1": {"4"}, "q2": {"  More exercises, please.  "}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Respond(ctx, satis.ID, p2.ID, surveys.Answers{"q1": {"5"}}); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND official_id IN (?, ?)`, satis.ID, p1.ID, p2.ID); n != 2 {
		t.Errorf("a named survey's responses name their people: %d of 2", n)
	}

	// p1's own record: the named survey's answers, the anonymous tests only as answered.
	mine, err := e.sv.AnswersBy(ctx, p1.ID)
	if err != nil || len(mine) != 3 {
		t.Fatalf("p1's answers: %+v, %v", mine, err)
	}
	for _, a := range mine {
		switch {
		case a.Anonymous && (a.Answers != nil || a.Score != nil):
			t.Errorf("an anonymous answer tied to p1: %+v", a)
		case !a.Anonymous && a.Answers["q2"][0] != "More exercises, please.":
			t.Errorf("p1's named answers: %+v", a)
		}
	}

	// Results: only p1 took both tests (p3 had no pre-test).
	res, err := e.sv.Results(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := res.Gain
	if g == nil || g.Pairs != 1 || *g.MeanPre != 50 || *g.MeanPost != 100 || *g.MeanGain != 50 || g.PreN != 2 || g.PostN != 2 {
		t.Fatalf("gain: %+v", g)
	}
	var satRes *surveys.SurveyResult
	for _, s := range res.Surveys {
		if s.Survey.Kind == surveys.KindSatisfaction {
			satRes = s
		}
	}
	q1, q2 := satRes.Questions[0], satRes.Questions[1]
	if satRes.Responses != 2 || !slices.Equal(q1.Counts, []int{0, 0, 0, 1, 1}) || *q1.Mean != 4.5 || !slices.Equal(q2.Texts, []string{"More exercises, please."}) {
		t.Errorf("satisfaction results: %d responses, %v mean %v, texts %q", satRes.Responses, q1.Counts, q1.Mean, q2.Texts)
	}

	// The certificate gate lets through those who answered the satisfaction survey.
	got, err := e.sv.Gate(ctx, w.ID, []int64{p1.ID, p2.ID, p3.ID})
	if err != nil || !slices.Equal(got, []int64{p1.ID, p2.ID}) {
		t.Errorf("gate: %v, %v", got, err)
	}

	// Three days on, one reminder to whoever has not answered: p2 (post-test), p3 (satisfaction).
	e.at(time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC))
	if n, err := e.sv.SendDue(ctx); err != nil || n != 2 {
		t.Fatalf("reminders: %d, %v", n, err)
	}
	if n, _ := e.sv.SendDue(ctx); n != 0 {
		t.Errorf("a second reminder: %d", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE template = 'survey_reminder' AND to_email IN (?, ?)`, p2.Email, p3.Email); n != 2 {
		t.Errorf("reminders to p2 and p3: %d", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE template = 'survey_reminder' AND to_email = ?`, p1.Email); n != 0 {
		t.Errorf("a reminder to p1, who answered everything: %d", n)
	}

	// Erasing p1's account unlinks their named answers; the figures stay.
	err = e.db.Tx(ctx, func(tx *sql.Tx) error { return e.sv.EraseTx(ctx, tx, officials.Erased{ID: p1.ID}) })
	if err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT COUNT(*) FROM survey_responses WHERE official_id = ?`, p1.ID); n != 0 {
		t.Errorf("%d responses still name the erased person", n)
	}
	if mine, _ := e.sv.AnswersBy(ctx, p1.ID); len(mine) != 0 {
		t.Errorf("the erased person still has answers: %+v", mine)
	}

	// The programme's report counts the workshop under its host country and both its phases.
	rep, err := e.sv.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Workshops) != 1 || rep.Countries["JO"] == nil || rep.Phases[1] == nil || rep.Phases[2] == nil || rep.Phases[3] != nil {
		t.Fatalf("report: %+v", rep)
	}
	if s := rep.Total.Satisfaction(); s == nil || *s != 4.5 || rep.Total.Pairs != 1 || *rep.Total.MeanGain() != 50 || rep.Countries["JO"].Responses != 2 {
		t.Errorf("report totals: %+v", rep.Total)
	}
}

// TestPendingAndAttendance: a participant sees the surveys open to them, and when attendance
// was taken the satisfaction survey goes only to those who came.
func TestPendingAndAttendance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := workshops.Input{Title: map[string]string{"ar": "ورشة المشاركة", "en": "Participation workshop"}, Kind: workshops.KindNational, Phases: []int{2}, HostCountry: "JO",
		City: "Irbid", StartDate: "2026-03-10", EndDate: "2026-03-10", Languages: []string{"ar"}, Capacity: 10}
	w, err := e.ws.Create(ctx, e.actor(), in)
	if err != nil {
		t.Fatal(err)
	}
	if w, err = e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	came, absent := e.participant(w, "ar"), e.participant(w, "ar")
	regs, err := e.ws.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if err != nil {
		t.Fatal(err)
	}
	var cameReg int64
	for _, r := range regs {
		if r.OfficialID == came.ID {
			cameReg = r.ID
		}
	}
	e.at(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
	if err := e.ws.RecordAttendance(ctx, e.staff, w.ID, "2026-03-10", []int64{cameReg}, true); err != nil {
		t.Fatal(err)
	}
	sat, err := e.sv.CreateTemplate(ctx, e.actor(), satisfactionInput)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.sv.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindSatisfaction, TemplateID: sat.ID, Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Publish(ctx, e.actor(), s.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := e.sv.Pending(ctx, absent.ID); err != nil || len(list) != 1 || list[0].ID != s.ID {
		t.Errorf("pending for a participant: %v, %v", list, err)
	}
	e.at(time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC))
	if n, err := e.sv.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("invitations: %d, %v", n, err)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox WHERE template = 'survey_invitation' AND to_email = ?`, absent.Email); n != 0 {
		t.Errorf("the absent participant was invited")
	}
	if _, err := e.sv.Respond(ctx, s.ID, came.ID, surveys.Answers{"q1": {"3"}}); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.sv.Pending(ctx, came.ID); len(list) != 0 {
		t.Errorf("still pending after answering: %v", list)
	}
	// An anonymous survey's gate does not need the answer's row: it reads who answered.
	if got, _ := e.sv.Gate(ctx, w.ID, []int64{came.ID, absent.ID}); len(got) != 2 {
		t.Errorf("no gate set, yet %v", got)
	}
}
