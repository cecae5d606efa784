package web_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/masar-platform/masar/workshops"
)

// TestEveryMemberStateZoneHasANameInEachLanguage: the zone of every state of the list is
// named in Arabic in Arabic letters, and in English and French by a place, never by its
// IANA id; the member-states page shows the names.
func TestEveryMemberStateZoneHasANameInEachLanguage(t *testing.T) {
	p := newPlatform(t)
	cs, err := p.Officials.Countries(context.Background(), false)
	if err != nil || len(cs) < 20 {
		t.Fatalf("countries: %v (%d)", err, len(cs))
	}
	for _, c := range cs {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			t.Errorf("%s: zone %q: %v", c.ISO, c.Timezone, err)
		}
		for _, l := range []string{"ar", "en", "fr"} {
			n := workshops.ZoneName(l, c.Timezone)
			if n == "" || strings.Contains(n, "/") || strings.Contains(n, "_") {
				t.Errorf("%s %s: zone %s is named %q", c.ISO, l, c.Timezone, n)
			}
			if l == "ar" && strings.IndexFunc(n, func(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
				t.Errorf("%s: the Arabic name of zone %s has Latin letters: %q", c.ISO, c.Timezone, n)
			}
		}
	}
	admin, _ := account(t, p, "admin@masar.test", "admin", "")
	for _, l := range []string{"ar", "en", "fr"} {
		r := admin.get("/" + l + "/admin/countries")
		text := plainText(r.Body)
		if r.Status != 200 || zoneID.MatchString(text) {
			t.Errorf("%s member states: %d, a zone id on the page", l, r.Status)
		}
		want := map[string]string{"ar": "توقيت عمّان", "en": "Amman time", "fr": "heure d’Amman"}[l]
		if !strings.Contains(text, want) {
			t.Errorf("%s member states: Jordan's zone is not named %q", l, want)
		}
	}
}
