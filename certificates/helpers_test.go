package certificates

import (
	"context"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

type testEnv struct {
	svc  *Service
	offs *officials.Service
	db   *store.DB
	mail *mail.Mailer
}

// newTestService opens the service on a fresh database with the embedded courses; mailer
// may be nil.
func newTestService(t testing.TB, configure func(*Options)) *Service {
	return newEnv(t, configure).svc
}

func newEnv(t testing.TB, configure func(*Options)) *testEnv {
	t.Helper()
	db := storetest.Open(t)
	if err := officials.SeedCountries(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return envOn(t, db, t.TempDir(), configure)
}

// envOn is the service on db, an already seeded database, with its files in dir.
func envOn(t testing.TB, db *store.DB, dir string, configure func(*Options)) *testEnv {
	t.Helper()
	ctx := context.Background()
	offs := officials.New(db, 4, nil)
	cat, problems := courses.Load(content.FS)
	if cat == nil || cat.Len() == 0 {
		t.Fatalf("no courses: %v", problems)
	}
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.example.org"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{BaseURL: "https://masar.example.org", DataDir: dir, Catalogue: func() *courses.Catalogue { return cat },
		Officials: offs, Mailer: m}
	if configure != nil {
		configure(&o)
	}
	svc, err := New(ctx, db, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Wait)
	return &testEnv{svc: svc, offs: offs, db: db, mail: m}
}

// official creates an account with the given names.
func (e *testEnv) official(t testing.TB, email, nameAr, nameLatin string) *officials.Official {
	t.Helper()
	o, err := e.offs.Create(context.Background(), audit.Actor{Email: "test"}, officials.Input{Email: email, Password: "correct horse battery",
		NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Analyst", Organisation: "Ministry", Country: "JO",
		Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleOfficial)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return o
}

// everyKind is one certificate of each kind the platform issues: a course and a workshop
// for an Arabic-and-English holder and for an Arabic-and-French one, and a revoked course.
type everyKind struct {
	courseEn, courseFr, workshopEn, workshopFr, revoked *Certificate
}

// issueEveryKind issues everyKind through the service, as staff would.
func issueEveryKind(t *testing.T, e *testEnv) everyKind {
	t.Helper()
	ctx := context.Background()
	en := e.officialIn(t, "huda@gov.example", "ar")
	fr := e.officialIn(t, "salma@gov.example", "fr")
	when := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	var k everyKind
	var err error
	if k.courseEn, _, err = e.svc.IssueCourse(ctx, staff, en.ID, "open-government-framework", when); err != nil {
		t.Fatal(err)
	}
	if k.courseFr, _, err = e.svc.IssueCourse(ctx, staff, fr.ID, "citizen-participation", when); err != nil {
		t.Fatal(err)
	}
	award := WorkshopAward{WorkshopID: 7, Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop", "fr": "Atelier sur les données ouvertes"},
		HostCountry: "ma", City: "Rabat", Start: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Hours: 15}
	ws, failed, err := e.svc.IssueWorkshop(ctx, staff, award, []int64{en.ID, fr.ID})
	if err != nil || len(failed) != 0 || len(ws) != 2 {
		t.Fatalf("issued %d: %v %v", len(ws), failed, err)
	}
	k.workshopEn, k.workshopFr = ws[0], ws[1]
	revoked, _, err := e.svc.IssueCourse(ctx, staff, en.ID, "collaboration-co-creation", when)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Revoke(ctx, staff, revoked.Code, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	if k.revoked, err = e.svc.Get(ctx, revoked.Code); err != nil {
		t.Fatal(err)
	}
	return k
}
