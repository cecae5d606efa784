package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
)

// OIDCProvider is one OpenID Connect provider that officials may sign in with
// (MASAR_OIDC_PROVIDERS), typically a ministry's or the commission's own directory.
type OIDCProvider struct {
	// ID names the provider in URLs (/{lang}/login/oidc/ID, /login/oidc/ID/callback) and in
	// the audit log: lower-case letters, digits and hyphens.
	ID string `json:"id"`
	// Issuer is the provider's issuer URL, where /.well-known/openid-configuration is read.
	Issuer       string `json:"issuer"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	// ClientSecretEnv names an environment variable holding the client secret, so that the
	// secret need not be written in the JSON.
	ClientSecretEnv string `json:"client_secret_env,omitempty"`
	// Names is the provider's name on the login page, by language (ar, en, fr).
	Names map[string]string `json:"names"`
	// NameAlias is "name", the spelling DESIGN.md first gave to "names"; either is read.
	NameAlias map[string]string `json:"name,omitempty"`
	// Roles are the roles an account signing in through the provider may hold: a sign-in
	// to an account of another role is refused, and an account is created on first sign-in
	// only when "official" is among them.
	Roles []string `json:"roles"`
	// EmailClaim, NameArClaim and NameLatinClaim name the ID token's claims that hold the
	// e-mail address and the names in Arabic and Latin script ("email", "", "name" unless
	// set; an empty claim name reads nothing).
	EmailClaim     string `json:"email_claim,omitempty"`
	NameArClaim    string `json:"name_ar_claim,omitempty"`
	NameLatinClaim string `json:"name_latin_claim,omitempty"`
	// TrustEmail makes an address without an email_verified claim count as verified, for a
	// directory that issues its addresses itself and does not send the claim. An address
	// the provider marks email_verified: false is never trusted.
	TrustEmail bool `json:"trust_email,omitempty"`
	// MandatoryFor lists roles whose accounts may not sign in with a password: they sign
	// in through this provider (which must allow the role).
	MandatoryFor []string `json:"mandatory_for,omitempty"`
	// SecondFactor is "provider" when a sign-in through the provider counts as strong
	// authentication, or "platform" (the default) when the platform's own second factor
	// still applies.
	SecondFactor string `json:"second_factor,omitempty"`
	// Scopes are requested besides "openid", "email" and "profile".
	Scopes []string `json:"scopes,omitempty"`
}

// Name is the provider's name in a language.
func (p OIDCProvider) Name(lang string) string {
	if n := p.Names[lang]; n != "" {
		return n
	}
	return p.Names["ar"]
}

// Allows reports whether an account of role may sign in through the provider.
func (p OIDCProvider) Allows(role string) bool { return slices.Contains(p.Roles, role) }

// Secret is the client secret, from ClientSecret or the variable ClientSecretEnv names.
func (p OIDCProvider) Secret() string {
	if p.ClientSecretEnv != "" {
		return os.Getenv(p.ClientSecretEnv)
	}
	return p.ClientSecret
}

// The second-factor settings of a provider.
const (
	SecondFactorPlatform = "platform"
	SecondFactorProvider = "provider"
)

var (
	providerIDRe = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$`)
	// roleNames are the account roles (the officials package owns them; config may not
	// import it, and a test keeps the two lists equal).
	roleNames = []string{"official", "focal_point", "trainer", "staff", "admin"}
)

// ParseOIDCProviders reads MASAR_OIDC_PROVIDERS: a JSON list of providers, or the name of a
// file holding one. Every problem is reported, naming the provider and the field.
func ParseOIDCProviders(raw string) ([]OIDCProvider, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	src := "MASAR_OIDC_PROVIDERS"
	data := []byte(raw)
	if !strings.HasPrefix(raw, "[") {
		b, err := os.ReadFile(raw)
		if err != nil {
			return nil, fmt.Errorf("config: MASAR_OIDC_PROVIDERS is neither a JSON list nor a readable file: %w", err)
		}
		src, data = "MASAR_OIDC_PROVIDERS ("+raw+")", b
	}
	var ps []OIDCProvider
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("config: %s is not a JSON list of providers: %v", src, err)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range ps {
		p := &ps[i]
		where := fmt.Sprintf("config: %s: provider %d", src, i+1)
		if p.ID != "" {
			where += fmt.Sprintf(" (%q)", p.ID)
		}
		bad := func(field, format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s %s", where, field, fmt.Sprintf(format, args...)))
		}
		switch {
		case p.ID == "":
			bad("id", "is missing")
		case !providerIDRe.MatchString(p.ID):
			bad("id", "%q must be 1 to 32 lower-case letters, digits and hyphens", p.ID)
		case seen[p.ID]:
			bad("id", "%q names two providers", p.ID)
		}
		seen[p.ID] = true
		p.Issuer = strings.TrimRight(strings.TrimSpace(p.Issuer), "/")
		if msg := issuerProblem(p.Issuer); msg != "" {
			bad("issuer", "%s", msg)
		}
		if strings.TrimSpace(p.ClientID) == "" {
			bad("client_id", "is missing")
		}
		switch {
		case p.ClientSecret != "" && p.ClientSecretEnv != "":
			bad("client_secret", "and client_secret_env are both set; give one")
		case p.ClientSecretEnv != "" && os.Getenv(p.ClientSecretEnv) == "":
			bad("client_secret_env", "names %s, which is not set", p.ClientSecretEnv)
		case p.ClientSecret == "" && p.ClientSecretEnv == "":
			bad("client_secret", "is missing (or give client_secret_env)")
		}
		if p.Names == nil {
			p.Names, p.NameAlias = p.NameAlias, nil
		}
		for _, l := range []string{"ar", "en", "fr"} {
			if strings.TrimSpace(p.Names[l]) == "" {
				bad("names."+l, "is missing (the provider's name on the %s login page)", l)
			}
		}
		for k := range p.Names {
			if k != "ar" && k != "en" && k != "fr" {
				bad("names", "has %q; the languages are ar, en and fr", k)
			}
		}
		if len(p.Roles) == 0 {
			bad("roles", "is missing (the roles an account signing in through it may hold, e.g. [\"official\"])")
		}
		for _, r := range p.Roles {
			if !slices.Contains(roleNames, r) {
				bad("roles", "has %q; roles are %s", r, strings.Join(roleNames, ", "))
			}
		}
		for _, r := range p.MandatoryFor {
			switch {
			case !slices.Contains(roleNames, r):
				bad("mandatory_for", "has %q; roles are %s", r, strings.Join(roleNames, ", "))
			case !slices.Contains(p.Roles, r):
				bad("mandatory_for", "has %q, which roles does not allow: those accounts could not sign in at all", r)
			}
		}
		if p.EmailClaim == "" {
			p.EmailClaim = "email"
		}
		if p.NameLatinClaim == "" {
			p.NameLatinClaim = "name"
		}
		switch p.SecondFactor {
		case "":
			p.SecondFactor = SecondFactorPlatform
		case SecondFactorPlatform, SecondFactorProvider:
		default:
			bad("second_factor", "is %q; write \"provider\" or \"platform\"", p.SecondFactor)
		}
		for _, s := range p.Scopes {
			if s == "" || strings.ContainsAny(s, " \t\"") {
				bad("scopes", "has %q, which is not a scope", s)
			}
		}
	}
	// A role may be made to sign in through one provider only.
	mandatory := map[string]string{}
	for _, p := range ps {
		for _, r := range p.MandatoryFor {
			if other, ok := mandatory[r]; ok && other != p.ID {
				errs = append(errs, fmt.Errorf("config: %s: mandatory_for: %q is mandatory for both %q and %q", src, r, other, p.ID))
			}
			mandatory[r] = p.ID
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ps, nil
}

// issuerProblem says what is wrong with an issuer URL: it must be https, or http on the
// machine itself (a provider in a test or a development setup).
func issuerProblem(issuer string) string {
	if issuer == "" {
		return "is missing"
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("%q is not a URL", issuer)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q must not have a query or a fragment", issuer)
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return ""
		}
		return fmt.Sprintf("%q must be https (http only on localhost)", issuer)
	}
	return fmt.Sprintf("%q must be an https URL", issuer)
}

// MandatoryProvider is the provider that accounts of role must sign in with (ok false: they
// may use their password).
func (c Config) MandatoryProvider(role string) (OIDCProvider, bool) {
	for _, p := range c.OIDCProviders {
		if slices.Contains(p.MandatoryFor, role) {
			return p, true
		}
	}
	return OIDCProvider{}, false
}
