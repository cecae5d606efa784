package officials

import (
	"context"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
)

// TestPasswordRules: the passwords refused wherever one is set, with the key of the message
// shown next to the field. Written from what people type, before looking at the list.
func TestPasswordRules(t *testing.T) {
	const email = "huda.abdulla@moi.gov.bh"
	for _, tc := range []struct {
		name, password, want string
	}{
		{"a passphrase", "correct horse battery", ""},
		{"36 Arabic letters: 72 bytes, bcrypt's limit", strings.Repeat("ب", 36), ""},
		{"72 Latin letters", strings.Repeat("q", 71) + "z", ""},
		{"37 Arabic letters: 74 bytes", strings.Repeat("ب", 37), "field.password.long"},
		{"73 Latin letters", strings.Repeat("Mz", 36) + "x", "field.password.long"},
		{"a long Arabic sentence", "هذه كلمة مرور طويلة جدا لأنني أحب العبارات الطويلة في الحسابات", "field.password.long"},
		{"nine letters", "sunflower", "field.password.short"},
		{"digits in a row", "1234567890", "field.password.common"},
		{"password and two digits", "password12", "field.password.common"},
		{"capitalised, with spaces around", "  Password12 ", "field.password.common"},
		{"Arabic-Indic digits count as digits", "١٢٣٤٥٦٧٨٩٠", "field.password.common"},
		{"a keyboard walk", "1qaz2wsx3edc", "field.password.common"},
		{"AZERTY walk", "azertyuiop", "field.password.common"},
		{"a season and a year", "Summer2025!", "field.password.common"},
		{"Latin password typed on the Arabic layout", "حشسسصخقي123", "field.password.common"},
		{"Arabic password typed on the Latin layout", ";glm hglv,v", "field.password.common"},
		{"a phrase in Arabic", "بسم الله الرحمن الرحيم", "field.password.common"},
		{"the e-mail address", "Huda.Abdulla@MOI.gov.bh", "field.password.email"},
		{"the part before the @", "huda.abdulla", "field.password.email"},
		{"the e-mail with more is fine", "huda.abdulla is here", ""},
		{"a control character", "correct horse\x00battery", "field.control"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := passwordProblem(tc.password, email); got != tc.want {
				t.Errorf("passwordProblem(%q) = %q, want %q", tc.password, got, tc.want)
			}
		})
	}
}

// TestCommonPasswordListIsWithinTheRules: every entry could be typed (so that the list holds
// nothing the length rules refuse already), and the list stays a few thousand entries.
func TestCommonPasswordListIsWithinTheRules(t *testing.T) {
	n := 0
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		if k := passwordProblem(line, ""); k != "field.password.common" {
			t.Errorf("%q: %q, want it refused as common", line, k)
		}
	}
	if n < 2000 || n > 6000 {
		t.Errorf("%d entries; the size is argued for in commonpasswords.go", n)
	}
}

// TestEveryWayOfSettingAPasswordRefusesBadOnes: registration, creation (web form, API,
// command line, import), change, reset and the first admin answer a field error — never an
// internal error — and save nothing.
func TestEveryWayOfSettingAPasswordRefusesBadOnes(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []struct{ password, key string }{
		{strings.Repeat("كلمة", 10), "field.password.long"}, // 40 Arabic letters, 80 bytes
		{"1234567890", "field.password.common"},
		{"password12", "field.password.common"},
	} {
		t.Run(bad.key+" "+bad.password[:4], func(t *testing.T) {
			s, _ := newService(t)
			check := func(how string, err error) {
				t.Helper()
				p, ok := problem.As(err)
				if !ok || p.Status != 422 || p.Fields["password"] != bad.key {
					t.Errorf("%s: %v, want a 422 with password: %s", how, err, bad.key)
				}
			}
			in := valid()
			in.Password = bad.password
			_, err := s.Register(ctx, in, nil)
			check("register", err)
			_, err = s.Create(ctx, audit.Actor{Email: "staff@example.org", ID: 1}, in, RoleOfficial)
			check("create", err)
			_, err = s.EnsureAdmin(ctx, "admin@example.org", bad.password, false)
			check("first admin", err)
			if _, n, _ := s.List(ctx, Filter{}); n != 0 {
				t.Fatalf("%d accounts saved", n)
			}

			in.Password = "a good long passphrase"
			o, err := s.Create(ctx, audit.Actor{Email: "t"}, in, RoleOfficial)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.ChangePassword(ctx, o.ID, "a good long passphrase", bad.password, "")
			check("change", err)
			tok, _ := s.NewEmailToken(ctx, o.ID, PurposeReset)
			_, _, err = s.ResetPassword(ctx, tok, bad.password)
			check("reset", err)
			if _, err := s.Authenticate(ctx, in.Email, "a good long passphrase"); err != nil {
				t.Errorf("the old password no longer works: %v", err)
			}
			if err := s.CheckEmailToken(ctx, tok, PurposeReset); err != nil {
				t.Errorf("a refused reset spent the link: %v", err)
			}
		})
	}
}

// TestResetRefusesTheEmailAsPassword: the reset form knows the account only through the
// link, and still refuses its address as a password, leaving the link usable.
func TestResetRefusesTheEmailAsPassword(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, err := s.Create(ctx, audit.Actor{Email: "t"}, valid(), RoleOfficial)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.NewEmailToken(ctx, o.ID, PurposeReset)
	_, _, err = s.ResetPassword(ctx, tok, "HUDA@moi.gov.bh")
	if p, ok := problem.As(err); !ok || p.Fields["password"] != "field.password.email" {
		t.Fatalf("reset to the address: %v", err)
	}
	if _, _, err := s.ResetPassword(ctx, tok, "a fresh long passphrase"); err != nil {
		t.Errorf("the link was spent by the refused attempt: %v", err)
	}
}

// TestPasswordChangeRevokesAPITokens: a new password, by change or by reset, ends the
// account's other sessions and its API tokens, and says how many tokens went.
func TestPasswordChangeRevokesAPITokens(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, _ := s.Create(ctx, audit.Actor{Email: "t"}, valid(), RoleOfficial)
	keep, _ := s.NewSession(ctx, o.ID, SessionMeta{})
	other, _ := s.NewSession(ctx, o.ID, SessionMeta{})
	t1, _ := s.CreateAPIToken(ctx, o.ID, "laptop")
	t2, _ := s.CreateAPIToken(ctx, o.ID, "script")
	n, err := s.ChangePassword(ctx, o.ID, "long enough pass", "a new long passphrase", keep)
	if err != nil || n != 2 {
		t.Fatalf("change: %d revoked, %v", n, err)
	}
	for _, tok := range []string{t1, t2} {
		if _, err := s.TokenOfficial(ctx, tok); err == nil {
			t.Error("API token survives a password change")
		}
	}
	if _, err := s.SessionOfficial(ctx, other); err == nil {
		t.Error("other session survives a password change")
	}
	if _, err := s.SessionOfficial(ctx, keep); err != nil {
		t.Error("the session that changed the password ended")
	}
	t3, _ := s.CreateAPIToken(ctx, o.ID, "after")
	link, _ := s.NewEmailToken(ctx, o.ID, PurposeReset)
	if _, n, err := s.ResetPassword(ctx, link, "yet another passphrase"); err != nil || n != 1 {
		t.Fatalf("reset: %d revoked, %v", n, err)
	}
	if _, err := s.TokenOfficial(ctx, t3); err == nil {
		t.Error("API token survives a reset")
	}
}
