package workshops_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
	"github.com/masar-platform/masar/workshops"
)

// env is a real database with the services a workshop needs, and a clock the test moves.
type env struct {
	t     testing.TB
	db    *store.DB
	offs  *officials.Service
	mail  *mail.Mailer
	ws    *workshops.Service
	staff *officials.Official
	mu    sync.Mutex
	now   time.Time
	n     int
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOn(t, storetest.Open(t))
}

// newEnvOn is newEnv on a database the test opened itself.
func newEnvOn(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, offs: officials.New(db, 4, nil), now: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)}
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test", Now: e.clock}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.mail = m
	e.ws, err = workshops.New(db, e.offs, m, workshops.Options{BaseURL: "https://masar.test", Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.staff = e.person("staff@masar.test", officials.RoleStaff, "")
	return e
}

// instance is another Masar's workshops service on db, a second handle on the same database
// as e's: its own pools, caches and mailer, and e's clock.
func (e *env) instance(db *store.DB) *workshops.Service {
	e.t.Helper()
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test", Now: e.clock}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	ws, err := workshops.New(db, officials.New(db, 4, nil), m, workshops.Options{BaseURL: "https://masar.test", Clock: e.clock})
	if err != nil {
		e.t.Fatal(err)
	}
	return ws
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// person creates an account.
func (e *env) person(email, role, country string) *officials.Official {
	e.t.Helper()
	in := officials.Input{Email: email, NameAr: "سارة خالد", NameLatin: "Sara Khaled", JobTitle: "Analyst",
		Organisation: "Ministry of Planning", Country: country, Sector: "central_government", Gender: "female", Language: "en"}
	o, err := e.offs.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return o
}

// official creates a fresh official of country.
func (e *env) official(country string) *officials.Official {
	e.mu.Lock()
	e.n++
	n := e.n
	e.mu.Unlock()
	return e.person(fmt.Sprintf("official%d@gov.test", n), officials.RoleOfficial, country)
}

func (e *env) actor() audit.Actor { return audit.Actor{ID: e.staff.ID, Email: e.staff.Email} }

// input is a regional workshop in Amman in March 2026, registration open from the start.
func input(capacity, quota int) workshops.Input {
	return workshops.Input{
		Title:       map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop", "fr": "Atelier données ouvertes"},
		Description: map[string]string{"en": "Publishing open government data."},
		Kind:        workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "Amman", Venue: "Le Royal",
		StartDate: "2026-03-10", EndDate: "2026-03-12", Languages: []string{"ar", "en"}, Capacity: capacity, CountryQuota: quota,
		Hours: 18,
	}
}

// published schedules and publishes a workshop.
func (e *env) published(in workshops.Input) *workshops.Workshop {
	e.t.Helper()
	ctx := context.Background()
	w, err := e.ws.Create(ctx, e.actor(), in)
	if err != nil {
		e.t.Fatalf("create workshop: %v", err)
	}
	if w, err = e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusPublished); err != nil {
		e.t.Fatalf("publish: %v", err)
	}
	return w
}

// apply registers an official and returns the registration.
func (e *env) apply(o *officials.Official, w *workshops.Workshop) *workshops.Registration {
	e.t.Helper()
	r, err := e.ws.Apply(context.Background(), o, w.ID, "I lead our open data portal.")
	if err != nil {
		e.t.Fatalf("apply %s: %v", o.Email, err)
	}
	return r
}

func (e *env) do(r *workshops.Registration, who *officials.Official, action string) (*workshops.Registration, error) {
	return e.ws.Transition(context.Background(), who, r.ID, action)
}

func (e *env) must(r *workshops.Registration, who *officials.Official, action string) *workshops.Registration {
	e.t.Helper()
	out, err := e.do(r, who, action)
	if err != nil {
		e.t.Fatalf("%s registration %d: %v", action, r.ID, err)
	}
	return out
}

func (e *env) status(id int64) string {
	e.t.Helper()
	r, err := e.ws.Registration(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.Status
}

// outbox lists the templates of the messages sent to an address, oldest first.
func (e *env) outbox(to string) []string {
	e.t.Helper()
	rows, err := e.db.R.Query("SELECT template FROM outbox WHERE to_email = ? ORDER BY id", to)
	out, err := store.Collect(rows, err, store.Column[string])
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}
