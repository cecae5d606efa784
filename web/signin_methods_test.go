package web

import (
	"testing"

	"github.com/masar-platform/masar/i18n"
)

// Every sign-in method a session can record is named on the sessions page in each language
// (a passkey's sign-in showed as "password+passkey").
func TestEverySignInMethodIsNamed(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range signInMethods() {
		for _, l := range []string{"ar", "en", "fr"} {
			if !cat.Has(l, "sessions.method."+m) {
				t.Errorf("%s: no name for the sign-in method %q", l, m)
			}
		}
	}
}
