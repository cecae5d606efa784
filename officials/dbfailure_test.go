package officials

import (
	"context"
	"errors"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// isOurs reports whether err is one web answers with 500 and a request id: not a problem
// (4xx, "your mistake") and not "not found".
func isOurs(err error) bool {
	_, isProblem := problem.As(err)
	return err != nil && !isProblem && !errors.Is(err, store.ErrNotFound)
}

// A database that fails is ours to report, never the user's mistake. With the countries
// table gone, an account in a real member state must not be refused as "not a member
// state" (422): the failure comes back as an internal error. A code that is truly unknown
// still is the user's mistake.
func TestCountryLookupFailureIsNotTheUsersMistake(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, err := s.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	unknown := valid()
	unknown.Email, unknown.Country = "x@example.org", "ZZ"
	if _, err := s.Register(ctx, unknown, nil); err == nil || isOurs(err) {
		t.Fatalf("unknown country before the failure: %v, want a validation problem", err)
	}

	if _, err := s.db.W.ExecContext(ctx, "ALTER TABLE countries RENAME TO countries_away"); err != nil {
		t.Fatal(err)
	}
	other := valid()
	other.Email = "other@moi.gov.bh"
	staff := audit.Actor{ID: 1, Email: "staff@example.org"}
	for name, call := range map[string]func() error{
		"register": func() error { _, err := s.Register(ctx, other, nil); return err },
		"create":   func() error { _, err := s.Create(ctx, staff, other, RoleOfficial); return err },
		"update":   func() error { _, err := s.UpdateProfile(ctx, staff, o.ID, valid()); return err },
		"exists":   func() error { _, err := s.CountryExists(ctx, "BH"); return err },
	} {
		if err := call(); !isOurs(err) {
			var fields map[string]string
			if p, ok := problem.As(err); ok {
				fields = p.Fields
			}
			t.Errorf("%s with the countries table gone: %v %v, want an internal error", name, err, fields)
		}
	}
}

// A login whose account lookup fails (here: the request's context has ended) is not a
// wrong password.
func TestAuthenticateFailureIsNotBadCredentials(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	in := valid()
	if _, err := s.Register(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Authenticate(ended, in.Email, in.Password)
	if !isOurs(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Authenticate with a failed lookup = %v, want the lookup's error, not %v", err, ErrBadCredentials)
	}
	if _, err := s.Authenticate(ctx, "nobody@example.org", in.Password); err != ErrBadCredentials {
		t.Fatalf("unknown account = %v, want %v", err, ErrBadCredentials)
	}
}
