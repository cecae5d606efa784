package certificates

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
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
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	offs := officials.New(db, 4)
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
