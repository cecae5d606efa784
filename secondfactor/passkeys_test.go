package secondfactor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/secondfactor"
)

// TestPasskeyCeremoniesRefuseWhatIsNotAProof: passkeys need a domain name; a ceremony's
// token is used once, belongs to one account and one purpose; an answer that is not a
// browser's proof is refused with a field message and saves nothing; a name is required.
func TestPasskeyCeremoniesRefuseWhatIsNotAProof(t *testing.T) {
	s, o, _ := setup(t)
	ctx := context.Background()
	if err := s.UsePasskeys("http://127.0.0.1:8080", "Masar"); !errors.Is(err, secondfactor.ErrPasskeysOff) || s.PasskeysOn() {
		t.Fatalf("passkeys on an IP address: %v, on=%v", err, s.PasskeysOn())
	}
	if err := s.UsePasskeys("https://masar.example.org", "Masar"); err != nil || !s.PasskeysOn() {
		t.Fatalf("passkeys on a domain: %v", err)
	}
	if _, ok, err := s.BeginLogin(ctx, o.ID, o.Email); err != nil || ok {
		t.Fatalf("a passkey sign-in for an account with none: ok=%v, %v", ok, err)
	}
	cer, err := s.BeginRegistration(ctx, o.ID, o.Email)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cer.Options, `"rp":{"name":"Masar","id":"masar.example.org"}`) || !strings.Contains(cer.Options, `"reem@`) {
		t.Fatalf("registration options: %s", cer.Options)
	}
	who := audit.Actor{ID: o.ID, Email: o.Email}
	if _, err := s.FinishRegistration(ctx, who, o.ID, o.Email, cer.Token, "  ", `{}`, nil); !errors.Is(err, secondfactor.ErrPasskeyNameRequired) {
		t.Fatalf("no name: %v", err)
	}
	if _, err := s.FinishRegistration(ctx, who, o.ID, o.Email, cer.Token, strings.Repeat("م", 61), `{}`, nil); !errors.Is(err, secondfactor.ErrPasskeyNameLong) {
		t.Fatalf("a long name: %v", err)
	}
	if _, err := s.FinishRegistration(ctx, who, o.ID, o.Email, cer.Token, "Laptop", "", nil); !errors.Is(err, secondfactor.ErrPasskeyMissing) {
		t.Fatalf("no answer: %v", err)
	}
	// The refusals above spent nothing; a forged answer spends the ceremony.
	if _, err := s.FinishRegistration(ctx, who, o.ID, o.Email, cer.Token, "Laptop", `{"id":"x","type":"public-key"}`, nil); !errors.Is(err, secondfactor.ErrPasskeyFailed) {
		t.Fatalf("a forged answer: %v", err)
	}
	if _, err := s.FinishRegistration(ctx, who, o.ID, o.Email, cer.Token, "Laptop", `{"id":"x","type":"public-key"}`, nil); !errors.Is(err, secondfactor.ErrCeremonyExpired) {
		t.Fatalf("the same ceremony again: %v", err)
	}
	// Another account's token, or a registration's token for a sign-in, is not this one's.
	cer, err = s.BeginRegistration(ctx, o.ID, o.Email)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLogin(ctx, o.ID, o.Email, cer.Token, `{"id":"x"}`); !errors.Is(err, secondfactor.ErrCeremonyExpired) {
		t.Fatalf("a registration's token in a sign-in: %v", err)
	}
	if _, err := s.FinishRegistration(ctx, who, o.ID+1, "other@example.org", cer.Token, "Laptop", `{"id":"x"}`, nil); !errors.Is(err, secondfactor.ErrCeremonyExpired) {
		t.Fatalf("another account's token: %v", err)
	}
	st, err := s.Status(ctx, o.ID)
	if err != nil || st.Has() || st.Passkeys != 0 || st.RecoveryLeft != 0 {
		t.Fatalf("after refused answers: %+v, %v", st, err)
	}
	if removed, err := s.RemovePasskey(ctx, who, o.ID, 1); err != nil || removed {
		t.Fatalf("removing a passkey that is not there: %v, %v", removed, err)
	}
}
