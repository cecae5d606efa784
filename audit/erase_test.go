package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

func TestPseudonymise(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	staff := audit.Actor{ID: 1, Email: "staff@example.org"}
	person := audit.Actor{ID: 7, Email: "Amina.Haddad@Example.org"}
	rec := func(a audit.Actor, action, subject, field, from, to string) {
		t.Helper()
		if err := audit.Record(ctx, db.W, a, action, subject, field, from, to); err != nil {
			t.Fatal(err)
		}
	}
	rec(person, "registration.apply", "registration:3", "status", "", "pending")               // by the person
	rec(staff, "official.edit", "official:7", "job_title", "Analyst", "Head of data")          // their profile
	rec(staff, "official.edit", "official:7", "name_latin", "Amina Hadad", "Amina Haddad")     // their names
	rec(staff, "certificate.supersede", "certificate:X", "name", "أمينة حداد", "Amina Haddad") // a long name elsewhere
	rec(staff, "note", "workshop:2", "speaker", "", "Ali")                                     // a short name elsewhere: not theirs to take
	rec(staff, "invite", "workshop:2", "to", "", "amina.haddad@example.org")                   // their address elsewhere
	rec(staff, "official.edit", "official:8", "job_title", "Analyst", "Head of data")          // someone else's profile
	p := audit.Person{ID: 7, Emails: []string{person.Email, "amina.haddad@example.org"}, Names: []string{"أمينة حداد", "Amina Haddad", "Ali"},
		Pseudonym: "person-abc"}
	rec(person, "official.edit", "official:7", "gender", "", "Ali") // a short name in an entry about them
	if err := audit.Pseudonymise(ctx, db.W, p); err != nil {
		t.Fatal(err)
	}
	got, _, err := audit.List(ctx, db, audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{ // action/subject/field → actor, from, to
		"registration.apply registration:3 status": {"person-abc", "", "pending"},
		"official.edit official:7 job_title":       {"staff@example.org", "person-abc", "person-abc"},
		"official.edit official:7 name_latin":      {"staff@example.org", "person-abc", "person-abc"},
		"certificate.supersede certificate:X name": {"staff@example.org", "person-abc", "person-abc"},
		"note workshop:2 speaker":                  {"staff@example.org", "", "Ali"},
		"invite workshop:2 to":                     {"staff@example.org", "", "person-abc"},
		"official.edit official:8 job_title":       {"staff@example.org", "Analyst", "Head of data"},
		"official.edit official:7 gender":          {"person-abc", "", "person-abc"},
	}
	for _, e := range got {
		key := e.Action + " " + e.Subject + " " + e.Field
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected entry %s", key)
			continue
		}
		if e.Actor != w[0] || e.From != w[1] || e.To != w[2] {
			t.Errorf("%s: actor %q, %q → %q; want %q, %q → %q", key, e.Actor, e.From, e.To, w[0], w[1], w[2])
		}
	}
}

func TestPurge(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	for _, daysAgo := range []int{800, 731, 10} {
		at := store.FormatTime(time.Now().AddDate(0, 0, -daysAgo))
		if _, err := db.W.Exec("INSERT INTO audit_log(at, action) VALUES(?, 'test')", at); err != nil {
			t.Fatal(err)
		}
	}
	n, err := audit.Purge(ctx, db.W, time.Now().AddDate(0, 0, -730))
	if err != nil || n != 2 {
		t.Fatalf("purged %d (%v), want the 2 entries older than 730 days", n, err)
	}
	if _, total, _ := audit.List(ctx, db, audit.Filter{}); total != 1 {
		t.Errorf("%d entries left, want 1", total)
	}
}
