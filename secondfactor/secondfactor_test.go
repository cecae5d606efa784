package secondfactor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/secondfactor"
	"github.com/masar-platform/masar/store/storetest"
)

func setup(t *testing.T) (*secondfactor.Service, *officials.Official, *time.Time) {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	o, err := officials.New(db, 4, nil).Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: "reem@escwa.example",
		Password: "correct horse battery", NameAr: "ريم", NameLatin: "Reem", JobTitle: "Officer", Organisation: "ESCWA",
		Sector: "international", Gender: "female", Language: "ar"}, officials.RoleStaff)
	if err != nil {
		t.Fatal(err)
	}
	s, err := secondfactor.New(db, []byte("0123456789abcdef0123456789abcdef"), "Masar")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 10, 0, 10, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	return s, o, &now
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTOTPStepsAndReplay: a code is taken one step early or late, not two; once a code is
// taken, it and every earlier one are refused.
func TestTOTPStepsAndReplay(t *testing.T) {
	s, o, now := setup(t)
	ctx := context.Background()
	e, err := s.NewEnrolment(o.ID, o.Email)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.URL, "otpauth://totp/Masar:reem@escwa.example?") || !strings.Contains(e.URL, "secret="+e.Secret) {
		t.Fatalf("otpauth URL: %s", e.URL)
	}
	if _, err := s.ConfirmTOTP(ctx, audit.Actor{ID: o.ID}, o.ID, e.Sealed, code(t, e.Secret, now.Add(-90*time.Second)), nil); !errors.Is(err, secondfactor.ErrCodeWrong) {
		t.Fatalf("a code three steps old at enrolment: %v", err)
	}
	codes, err := s.ConfirmTOTP(ctx, audit.Actor{ID: o.ID}, o.ID, e.Sealed, code(t, e.Secret, *now), nil)
	if err != nil || len(codes) != secondfactor.RecoveryCodes {
		t.Fatalf("enrol: %v, %d codes", err, len(codes))
	}
	if _, err := s.ConfirmTOTP(ctx, audit.Actor{ID: o.ID}, o.ID, e.Sealed, code(t, e.Secret, *now), nil); !errors.Is(err, secondfactor.ErrAlreadyEnrolled) {
		t.Fatalf("a second enrolment: %v", err)
	}
	check := func(what string, at time.Time, want bool) {
		t.Helper()
		ok, err := s.VerifyTOTP(ctx, o.ID, code(t, e.Secret, at))
		if err != nil || ok != want {
			t.Fatalf("%s: %v %v, want %v", what, ok, err, want)
		}
	}
	check("the enrolment's own code", *now, false)
	*now = now.Add(5 * time.Minute)
	check("a code two steps late", now.Add(-60*time.Second), false)
	check("a code two steps early", now.Add(60*time.Second), false)
	check("a code one step late", now.Add(-30*time.Second), true)
	check("the same code again", now.Add(-30*time.Second), false)
	check("a code one step early", now.Add(30*time.Second), true)
	check("the current code, earlier than the last taken", *now, false)
	*now = now.Add(time.Minute)
	check("the code of a later step", *now, true)
	// Sealed: a key sealed for one account does not open for another.
	if _, err := s.Reopen(o.ID+1, o.Email, e.Sealed); !errors.Is(err, secondfactor.ErrEnrolmentExpired) {
		t.Fatalf("another account's sealed key: %v", err)
	}
	*now = now.Add(secondfactor.EnrolmentTTL)
	if _, err := s.Reopen(o.ID, o.Email, e.Sealed); !errors.Is(err, secondfactor.ErrEnrolmentExpired) {
		t.Fatalf("an expired enrolment: %v", err)
	}
}

// TestRecoveryCodesAndChallenges: recovery codes work once each, in any case and with or
// without dashes, and a regeneration cancels the old ones; a challenge gives up after
// MaxAttempts wrong codes and ends once.
func TestRecoveryCodesAndChallenges(t *testing.T) {
	s, o, now := setup(t)
	ctx := context.Background()
	e, _ := s.NewEnrolment(o.ID, o.Email)
	codes, err := s.ConfirmTOTP(ctx, audit.Actor{ID: o.ID}, o.ID, e.Sealed, code(t, e.Secret, *now), nil)
	if err != nil {
		t.Fatal(err)
	}
	use := func(c string, want bool) {
		t.Helper()
		ok, err := s.UseRecoveryCode(ctx, o.ID, c)
		if err != nil || ok != want {
			t.Fatalf("recovery code %q: %v %v, want %v", c, ok, err, want)
		}
	}
	use(strings.ToUpper(strings.ReplaceAll(codes[0], "-", " ")), true)
	use(codes[0], false)
	st, err := s.Status(ctx, o.ID)
	if err != nil || !st.TOTP || st.RecoveryLeft != 9 {
		t.Fatalf("status: %+v %v", st, err)
	}
	fresh, err := s.RegenerateRecoveryCodes(ctx, o.ID)
	if err != nil || len(fresh) != 10 {
		t.Fatal(err)
	}
	use(codes[1], false)
	use(fresh[1], true)

	tok, err := s.NewChallenge(ctx, o.ID, secondfactor.PurposeVerify, "/ar/me", secondfactor.FirstPassword)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.Challenge(ctx, tok)
	if err != nil || ch.OfficialID != o.ID || ch.Next != "/ar/me" || ch.Passed {
		t.Fatalf("challenge: %+v %v", ch, err)
	}
	for i := 1; i <= secondfactor.MaxAttempts; i++ {
		left, err := s.ChallengeFailed(ctx, tok)
		if err != nil || left != secondfactor.MaxAttempts-i {
			t.Fatalf("wrong code %d: %d left, %v", i, left, err)
		}
	}
	if _, err := s.Challenge(ctx, tok); !errors.Is(err, secondfactor.ErrNoChallenge) {
		t.Fatalf("a used-up challenge: %v", err)
	}
	tok, _ = s.NewChallenge(ctx, o.ID, secondfactor.PurposeVerify, "", secondfactor.FirstPassword)
	*now = now.Add(secondfactor.ChallengeTTL + time.Second)
	if _, err := s.Challenge(ctx, tok); !errors.Is(err, secondfactor.ErrNoChallenge) {
		t.Fatalf("an expired challenge: %v", err)
	}
	tok, _ = s.NewChallenge(ctx, o.ID, secondfactor.PurposeVerify, "", secondfactor.FirstPassword)
	if ended, err := s.EndChallenge(ctx, tok); !ended || err != nil {
		t.Fatalf("end: %v %v", ended, err)
	}
	if ended, _ := s.EndChallenge(ctx, tok); ended {
		t.Fatal("a challenge ended twice")
	}
	if err := s.Reset(ctx, audit.Actor{Email: "admin"}, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Status(ctx, o.ID); st.TOTP || st.RecoveryLeft != 0 {
		t.Fatalf("after a reset: %+v", st)
	}
}
