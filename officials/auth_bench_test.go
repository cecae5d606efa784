package officials

import (
	"context"
	"database/sql"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/store/storetest"
)

// benchAccounts is a service at the production bcrypt cost (11) with one account of each
// kind a login or a reset can meet.
func benchAccounts(b testing.TB) (*Service, *mail.Mailer) {
	ctx := context.Background()
	db := storetest.Open(b)
	if err := SeedCountries(ctx, db); err != nil {
		b.Fatal(err)
	}
	s := New(db, 0, nil)
	in := valid()
	if _, err := s.Create(ctx, audit.Actor{Email: "bench"}, in, RoleOfficial); err != nil {
		b.Fatal(err)
	}
	in.Email, in.Password = "unclaimed@moi.gov.bh", ""
	if _, err := s.Create(ctx, audit.Actor{Email: "bench", ID: 1}, in, RoleOfficial); err != nil {
		b.Fatal(err)
	}
	in.Email, in.Password = "unconfirmed@moi.gov.bh", "long enough pass"
	if _, err := s.Register(ctx, in, nil); err != nil {
		b.Fatal(err)
	}
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return s, m
}

// BenchmarkAuthenticate: a failed login costs the same whatever the address is — an account
// with a wrong password, no account, an account still to be claimed, an account whose
// address is not confirmed yet. Compare the ns/op of the sub-benchmarks:
//
//	go test -run '^$' -bench 'Authenticate|RequestReset' -benchtime 20x ./officials
func BenchmarkAuthenticate(b *testing.B) {
	s, _ := benchAccounts(b)
	ctx := context.Background()
	s.dummyHash() // made once, at the first failed login; not part of what is measured
	for _, tc := range []struct{ name, email, password string }{
		{"known-right", "huda@moi.gov.bh", "long enough pass"},
		{"known-wrong", "huda@moi.gov.bh", "not the password"},
		{"unknown", "nobody@moi.gov.bh", "not the password"},
		{"unclaimed", "unclaimed@moi.gov.bh", "not the password"},
		{"unconfirmed-right", "unconfirmed@moi.gov.bh", "long enough pass"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = s.Authenticate(ctx, tc.email, tc.password)
			}
		})
	}
}

// BenchmarkRequestReset: asking for a reset link costs the same for a registered address
// and an unknown one (a link and its mail are stored, then rolled back).
func BenchmarkRequestReset(b *testing.B) {
	s, m := benchAccounts(b)
	ctx := context.Background()
	send := func(tx *sql.Tx, o *Official, tok string) error {
		_, err := m.Enqueue(ctx, tx, mail.Message{To: o.Email, Name: o.DisplayName(o.Language), Lang: o.Language, Template: "reset",
			Data: map[string]any{"Name": o.DisplayName(o.Language), "Link": mail.SecretLink("https://masar.test/"+o.Language+"/reset/", tok)}})
		return err
	}
	for _, tc := range []struct{ name, email string }{
		{"known", "huda@moi.gov.bh"},
		{"unknown", "nobody@moi.gov.bh"},
		{"unclaimed", "unclaimed@moi.gov.bh"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := s.RequestReset(ctx, tc.email, "ar", send); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
