package officials

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/masar-platform/masar/audit"
)

// TestAuthenticateFailsAlike: every way of failing a login answers ErrBadCredentials, with
// a comparison against a hash of the configured cost.
func TestAuthenticateFailsAlike(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	if c, err := bcrypt.Cost(s.dummyHash()); err != nil || c != s.cost {
		t.Errorf("the stand-in hash has cost %d (%v), real ones %d", c, err, s.cost)
	}
	known, _ := s.Create(ctx, audit.Actor{Email: "t"}, valid(), RoleOfficial)
	unclaimed := valid()
	unclaimed.Email, unclaimed.Password = "unclaimed@example.org", ""
	if _, err := s.Create(ctx, audit.Actor{Email: "staff", ID: 1}, unclaimed, RoleOfficial); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", known.Email, "not the password at all"},
		{"unknown address", "nobody@example.org", "long enough pass"},
		{"account not claimed yet", "unclaimed@example.org", ""},
		{"account not claimed yet, a guess", "unclaimed@example.org", "long enough pass"},
		{"over 72 bytes", known.Email, strings.Repeat("ب", 40)},
		{"the password and more past bcrypt's 72 bytes", known.Email, "long enough pass" + strings.Repeat("x", 60)},
	} {
		if _, err := s.Authenticate(ctx, tc.email, tc.password); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: %v, want ErrBadCredentials", tc.name, err)
		}
	}
	if _, err := s.Authenticate(ctx, "HUDA@moi.gov.bh", "long enough pass"); err != nil {
		t.Errorf("right password: %v", err)
	}
}

// TestRegisteredAccountOpensOnceConfirmed: a self-registered account's password opens it
// only after the confirmation link was used (or a reset, whose link reached the address).
func TestRegisteredAccountOpensOnceConfirmed(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	var link string
	o, err := s.Register(ctx, valid(), func(tx *sql.Tx, r Registration) error {
		if r.Taken {
			t.Error("a new address reported as taken")
		}
		link = r.Link
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, o.Email, "long enough pass"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unconfirmed account opened: %v", err)
	}
	if _, err := s.ConfirmEmail(ctx, link); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, o.Email, "long enough pass"); err != nil {
		t.Errorf("confirmed account does not open: %v", err)
	}
}

// TestRegisterTakenAddressCreatesNothing: registering an address that has an account creates
// nothing, hands the existing account and a reset link to notify, and says ErrEmailTaken.
func TestRegisterTakenAddressCreatesNothing(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	first, err := s.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	in := valid()
	in.Email, in.NameLatin, in.Password = "Huda@MOI.gov.bh", "Someone Else", "another long passphrase"
	var got Registration
	_, err = s.Register(ctx, in, func(tx *sql.Tx, r Registration) error { got = r; return nil })
	if !errors.Is(err, ErrEmailTaken) {
		t.Fatalf("taken address: %v", err)
	}
	if !got.Taken || got.Official == nil || got.Official.ID != first.ID || got.Link == "" {
		t.Fatalf("notify got %+v", got)
	}
	if err := s.CheckEmailToken(ctx, got.Link, PurposeReset); err != nil {
		t.Errorf("the link for the holder is not a reset link: %v", err)
	}
	if _, n, _ := s.List(ctx, Filter{}); n != 1 {
		t.Errorf("%d accounts", n)
	}
	if o, _ := s.Get(ctx, first.ID); o.NameLatin != "Huda Abdulla" {
		t.Errorf("the holder's account changed: %q", o.NameLatin)
	}
	// A failing notify saves nothing, new account or not.
	boom := errors.New("mail refused")
	in.Email = "new@example.org"
	if _, err := s.Register(ctx, in, func(*sql.Tx, Registration) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("notify's error: %v", err)
	}
	if _, err := s.GetByEmail(ctx, "new@example.org"); err == nil {
		t.Error("account kept although its mail could not be queued")
	}
}

// TestRequestResetForUnknownAddressLeavesNothing: the stand-in work for an address without an
// account runs send like for a real one, and leaves no link behind.
func TestRequestResetForUnknownAddressLeavesNothing(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, _ := s.Create(ctx, audit.Actor{Email: "t"}, valid(), RoleOfficial)
	var sent []string
	send := func(tx *sql.Tx, to *Official, tok string) error {
		sent = append(sent, to.Email+" "+to.Language)
		return nil
	}
	if err := s.RequestReset(ctx, "nobody@example.org", "fr", send); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestReset(ctx, "HUDA@moi.gov.bh", "fr", send); err != nil {
		t.Fatal(err)
	}
	if want := []string{"nobody@example.org fr", o.Email + " ar"}; !reflect.DeepEqual(sent, want) {
		t.Errorf("send got %v, want %v", sent, want)
	}
	var links, strays int
	s.db.R.QueryRow("SELECT count(*) FROM email_tokens WHERE official_id = ?", o.ID).Scan(&links)
	s.db.R.QueryRow("SELECT count(*) FROM email_tokens WHERE official_id <> ?", o.ID).Scan(&strays)
	if links != 1 || strays != 0 {
		t.Errorf("%d links for the account, %d for nobody; want 1 and 0", links, strays)
	}
}
