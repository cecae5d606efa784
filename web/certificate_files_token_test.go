package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

// TestCertificateFilesTakeTheAPIToken: an API client follows pdf_url and credential_url
// with the bearer token it called the API with, and gets the files — the holder's own and,
// for staff and admins, anyone's; another official's token meets the 404 their session
// meets; without a token the browser is still sent to log in; the public files stay public.
func TestCertificateFilesTakeTheAPIToken(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	holderBrowser, holder := account(t, p, "token-holder@example.org", officials.RoleOfficial, "JO")
	_, other := account(t, p, "token-other@example.org", officials.RoleOfficial, "JO")
	_, staff := account(t, p, "token-staff@example.org", officials.RoleStaff, "")
	_, admin := account(t, p, "token-admin@example.org", officials.RoleAdmin, "")
	cert, _, err := p.Certificates.IssueCourse(ctx, audit.Actor{}, holder.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for name, o := range map[string]*officials.Official{"holder": holder, "other": other, "staff": staff, "admin": admin} {
		tok, err := p.Officials.CreateAPIToken(ctx, o.ID, "files")
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok
	}
	c := newClient(t, p)
	// The addresses as the API gives them.
	r := c.api("GET", "/api/v1/certificates/"+cert.Display(), tokens["holder"], "")
	var got struct {
		Data struct {
			PDF        string `json:"pdf_url"`
			Credential string `json:"credential_url"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || got.Data.PDF == "" || got.Data.Credential == "" {
		t.Fatalf("the API's certificate: %d %s", r.Status, excerpt(r.Body))
	}
	path := func(link string) string {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	pdf, cred := path(got.Data.PDF), path(got.Data.Credential)
	base := strings.TrimSuffix(pdf, ".pdf")
	files := map[string]string{pdf: "application/pdf", cred: "application/json", base + ".jwt": "application/vc+jwt", base + ".png": "image/png"}
	for _, who := range []string{"holder", "staff", "admin"} {
		for file, ctype := range files {
			r := c.api("GET", file, tokens[who], "")
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), ctype) || r.Body == "" {
				t.Errorf("%s's token, %s: %d %q, want 200 %s", who, file, r.Status, r.Header.Get("Content-Type"), ctype)
			}
		}
	}
	if r := c.api("GET", pdf, tokens["holder"], ""); !strings.HasPrefix(r.Body, "%PDF-") {
		t.Error("the holder's token did not get the PDF itself")
	}
	for file := range files {
		if r := c.api("GET", file, tokens["other"], ""); r.Status != http.StatusNotFound {
			t.Errorf("another official's token, %s: %d, want 404", file, r.Status)
		}
		if r := c.api("GET", file, "msr_forged", ""); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `"unauthorized"`) ||
			!strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("a forged token, %s: %d %s, want 401 in JSON with WWW-Authenticate", file, r.Status, excerpt(r.Body))
		}
		if r := c.api("GET", file, "", ""); r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/login?next=") {
			t.Errorf("no token, %s: %d %s, want 303 to the login page", file, r.Status, r.Location)
		}
	}
	// A browser behind a proxy that asks for Basic credentials sends them everywhere: that
	// is no token, and the session decides as before.
	for file := range files {
		req := httptest.NewRequest(http.MethodGet, file, nil)
		req.Header.Set("Authorization", "Basic cHJveHk6cHJveHk=")
		if r := c.do(req); r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/login?next=") {
			t.Errorf("Basic credentials without a session, %s: %d %s, want 303 to the login page", file, r.Status, r.Location)
		}
		req = httptest.NewRequest(http.MethodGet, file, nil)
		req.Header.Set("Authorization", "Basic cHJveHk6cHJveHk=")
		if r := holderBrowser.do(req); r.Status != http.StatusOK {
			t.Errorf("Basic credentials with the holder's session, %s: %d, want 200", file, r.Status)
		}
	}
	// The scheme's name is case-insensitive.
	req := httptest.NewRequest(http.MethodGet, pdf, nil)
	req.Header.Set("Authorization", "bearer "+tokens["holder"])
	if r := c.do(req); r.Status != http.StatusOK {
		t.Errorf("a token sent as \"bearer …\": %d", r.Status)
	}
	// A revoked token stops opening them.
	if err := p.Officials.RevokeAPIToken(ctx, tokens["holder"]); err != nil {
		t.Fatal(err)
	}
	if r := c.api("GET", pdf, tokens["holder"], ""); r.Status != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d, want 401", r.Status)
	}
	// The public files stay public, token or not.
	for _, public := range []string{"/.well-known/jwks.json", "/issuer"} {
		if r := c.api("GET", public, "", ""); r.Status != http.StatusOK {
			t.Errorf("%s: %d", public, r.Status)
		}
	}
}
