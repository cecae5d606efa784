package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIssuerAndContact: MASAR_ISSUER_NAME is one name or names by language (a language left
// out takes another's), MASAR_CONTACT_EMAIL a bare address, MASAR_ISSUER_LOGO an SVG or PNG
// file that exists, MASAR_ISSUER_URL an http(s) URL; each bad value is refused by name.
func TestIssuerAndContact(t *testing.T) {
	logo := filepath.Join(t.TempDir(), "logo.svg")
	if err := os.WriteFile(logo, []byte("<svg/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env   map[string]string
		names map[string]string
		err   string
	}{
		{env: map[string]string{}},
		{env: map[string]string{"MASAR_ISSUER_NAME": " Ministry of Planning ", "MASAR_CONTACT_EMAIL": "ogp@example.org", "MASAR_ISSUER_LOGO": logo, "MASAR_ISSUER_URL": "https://example.org"},
			names: map[string]string{"ar": "Ministry of Planning", "en": "Ministry of Planning", "fr": "Ministry of Planning"}},
		{env: map[string]string{"MASAR_ISSUER_NAME": `{"ar":"وزارة التخطيط","fr":"Ministère du Plan"}`},
			names: map[string]string{"ar": "وزارة التخطيط", "en": "وزارة التخطيط", "fr": "Ministère du Plan"}},
		{env: map[string]string{"MASAR_ISSUER_NAME": `{"en":"Ministry"}`}, names: map[string]string{"ar": "Ministry", "en": "Ministry", "fr": "Ministry"}},
		{env: map[string]string{"MASAR_ISSUER_NAME": `{"ar": "x"`}, err: "MASAR_ISSUER_NAME"},
		{env: map[string]string{"MASAR_ISSUER_NAME": `{"de":"Ministerium"}`}, err: "MASAR_ISSUER_NAME names nobody"},
		{env: map[string]string{"MASAR_CONTACT_EMAIL": "Team <ogp@example.org>"}, err: "MASAR_CONTACT_EMAIL"},
		{env: map[string]string{"MASAR_CONTACT_EMAIL": "not an address"}, err: "MASAR_CONTACT_EMAIL"},
		{env: map[string]string{"MASAR_ISSUER_LOGO": filepath.Join(t.TempDir(), "missing.svg")}, err: "MASAR_ISSUER_LOGO"},
		{env: map[string]string{"MASAR_ISSUER_LOGO": strings.TrimSuffix(logo, ".svg") + ".gif"}, err: "must be an .svg or .png file"},
		{env: map[string]string{"MASAR_ISSUER_URL": "ministry.example.org"}, err: "MASAR_ISSUER_URL"},
	} {
		c := Default()
		c.FromEnv(func(k string) string { return tc.env[k] })
		err := c.Validate()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want one with %q", tc.env, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		names, _ := c.IssuerNames()
		for l, want := range tc.names {
			if names[l] != want {
				t.Errorf("%v: issuer in %s %q, want %q", tc.env, l, names[l], want)
			}
		}
		if tc.names == nil && names != nil {
			t.Errorf("%v: issuer names %v, want none (the catalogue's default)", tc.env, names)
		}
	}
}
