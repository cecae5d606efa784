package advisory

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

type fixture struct {
	db    *store.DB
	offs  *officials.Service
	mail  *mail.Mailer
	s     *Service
	staff *officials.Official
	fp    *officials.Official
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	if err := officials.SeedCountries(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	f := serviceOn(t, db)
	f.staff = f.person(t, "staff@example.org", officials.RoleStaff, "", "en")
	f.fp = f.person(t, "fp@example.org", officials.RoleFocalPoint, "JO", "ar")
	return f
}

// serviceOn is the advisory service (with its officials and mailer) on db, an already
// seeded database, without people.
func serviceOn(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	offs := officials.New(db, 4, nil)
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(db, offs, m, "https://masar.test")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, offs: offs, mail: m, s: s}
}

func (f *fixture) person(t *testing.T, email, role, country, lang string) *officials.Official {
	t.Helper()
	o, err := f.offs.Create(context.Background(), audit.Actor{Email: "test"}, officials.Input{Email: email, NameAr: "سارة خالد",
		NameLatin: "Sara Khaled", JobTitle: "Analyst", Organisation: "Ministry", Country: country, Sector: "central_government",
		Gender: "female", Language: lang}, role)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func validInput() Input {
	return Input{RequestingBody: "Ministry of Planning", Phases: []int{2}, Topics: []string{"e_participation"},
		Needs: "An e-participation platform for the national budget.", SupportKinds: []string{"advisory_mission"}, Language: "ar",
		Letter: LetterInput{Reference: "MoP/2026/7", Date: "2026-01-10", SignatoryName: "Dr Sami Haddad", SignatoryTitle: "Minister",
			File: &File{Name: "letter.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}}
}

func TestInputValidation(t *testing.T) {
	today := "2026-03-01"
	for _, tc := range []struct {
		what  string
		edit  func(*Input)
		field string
		key   string
	}{
		{"no requesting body", func(in *Input) { in.RequestingBody = "  " }, "requesting_body", "field.required"},
		{"no phase", func(in *Input) { in.Phases = nil }, "phases", "advisory.field.phases.required"},
		{"phase 5", func(in *Input) { in.Phases = []int{5} }, "phases", "field.choose"},
		{"unknown topic", func(in *Input) { in.Topics = []string{"blockchain"} }, "topics", "field.choose"},
		{"other topic unnamed", func(in *Input) { in.Topics = []string{TopicOther} }, "topics_other", "advisory.field.topics_other.required"},
		{"needs too short", func(in *Input) { in.Needs = "Help." }, "needs", "advisory.field.needs.short"},
		{"needs with a control character", func(in *Input) { in.Needs = "Twenty characters and\x00 more" }, "needs", "field.control"},
		{"no kind of support", func(in *Input) { in.SupportKinds = nil }, "support_kinds", "advisory.field.support_kinds.required"},
		{"start in the past", func(in *Input) { in.PreferredStart = "2026-02-28" }, "preferred_start", "advisory.field.date.past"},
		{"impossible date", func(in *Input) { in.PreferredStart = "2026-02-30" }, "preferred_start", "advisory.field.date.invalid"},
		{"end before start", func(in *Input) { in.PreferredStart, in.PreferredEnd = "2026-05-01", "2026-04-01" }, "preferred_end", "advisory.field.date.before_start"},
		{"language de", func(in *Input) { in.Language = "de" }, "language", "field.choose"},
		{"body too long", func(in *Input) { in.RequestingBody = string(make([]rune, MaxBody+1)) }, "requesting_body", "field.too_long"},
	} {
		in := validInput()
		in.Country = "JO"
		tc.edit(&in)
		in.Clean()
		f := in.Validate(today)
		if f[tc.field] != tc.key {
			t.Errorf("%s: %v, want %s=%s", tc.what, f, tc.field, tc.key)
		}
	}
	in := validInput()
	in.Country = "JO"
	in.Phases = []int{3, 1, 3}
	in.Topics = []string{"action_plan", "action_plan", " "}
	in.Clean()
	if f := in.Validate(today); len(f) != 0 || len(in.Phases) != 2 || len(in.Topics) != 1 {
		t.Errorf("valid input: %v %+v", f, in)
	}
}

// TestConcurrentTransitions: ten members of staff click "start the review" at once; the
// request moves once, is recorded once and the country is told once.
func TestConcurrentTransitions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflicts := 0, 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.Transition(ctx, f.staff, r.ID, StatusUnderReview, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrTransitionForbidden):
				conflicts++
			default:
				t.Errorf("transition: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || conflicts != 9 {
		t.Errorf("%d moves, %d conflicts", ok, conflicts)
	}
	h, err := f.s.History(ctx, f.staff, r.ID)
	if err != nil || len(h) != 2 {
		t.Errorf("history: %v %d entries", err, len(h))
	}
	// The submission's receipt, then one message for the move (staff's own mail, of the new
	// request, aside).
	all, _, _ := f.mail.List(ctx, 100, 0)
	var items []mail.Item
	for _, m := range all {
		if m.To != f.staff.Email {
			items = append(items, m)
		}
	}
	if len(items) != 2 || items[0].To != f.fp.Email || items[0].Lang != "ar" || items[0].Template != "advisory_status" {
		t.Errorf("outbox: %+v", items)
	}
}

// TestCreateAllOrNothing: a bad file leaves no request behind, and no e-mail.
func TestCreateAllOrNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.person(t, "fp2@example.org", officials.RoleFocalPoint, "JO", "fr")
	_, err := f.s.Create(ctx, f.fp, validInput(), []File{{Name: "a.pdf", Data: []byte("%PDF-1.4")}, {Name: "b.pdf", Data: []byte("MZ\x90\x00")}})
	if p, ok := problem.As(err); !ok || p.Fields["attachments"] != fileType {
		t.Fatalf("create with a bad file: %v", err)
	}
	var n int
	f.db.R.QueryRow("SELECT (SELECT count(*) FROM advisory_requests) + (SELECT count(*) FROM advisory_attachments) + (SELECT count(*) FROM outbox)").Scan(&n)
	if n != 0 {
		t.Errorf("%d rows left behind", n)
	}
	// Officials and trainers may not request; a focal point's country is their own.
	trainer := f.person(t, "trainer@example.org", officials.RoleTrainer, "JO", "en")
	if _, err := f.s.Create(ctx, trainer, validInput(), nil); !errors.Is(err, problem.Forbidden) {
		t.Errorf("trainer creates: %v", err)
	}
	in := validInput()
	in.Country = "TN"
	r, err := f.s.Create(ctx, f.fp, in, nil)
	if err != nil || r.Country != "JO" || r.ResponseDue == "" {
		t.Errorf("focal point's request: %v %+v", err, r)
	}
	// Staff must name a member state.
	if _, err := f.s.Create(ctx, f.staff, validInput(), nil); err == nil {
		t.Error("staff created a request without a country")
	}
}

// A failing country lookup is ours (500), not "your country is not a member state" (422).
func TestCreateCountryLookupFailureIsNotTheUsersMistake(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.W.ExecContext(ctx, "ALTER TABLE countries RENAME TO countries_away"); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if p, ok := problem.As(err); ok || err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("create with the countries table gone: %v (problem: %v), want an internal error", err, p)
	}
}
