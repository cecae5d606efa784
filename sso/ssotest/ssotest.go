// Package ssotest is an OpenID Connect provider for tests: discovery, keys, an
// authorization endpoint with a login page a browser submits, and a token endpoint that
// checks the client's secret, the redirect URI and the PKCE verifier, then signs an ID token
// with go-jose. Switches make it misbehave the ways a test needs: another audience, an
// expired token, a signature by a key it does not publish, another nonce or issuer, an
// error instead of a code.
package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// User is someone the provider knows, by login name.
type User struct {
	Subject       string
	Email         string
	EmailVerified *bool // nil: the claim is not sent
	Name          string
	NameAr        string
}

// Verified is a pointer to v, for User.EmailVerified.
func Verified(v bool) *bool { return &v }

// Provider is a running test provider. Change its switches between sign-ins, not during one.
type Provider struct {
	URL          string // the issuer
	ClientID     string
	ClientSecret string

	// Switches.
	Audience   string        // the ID token's aud ("": ClientID)
	Issuer     string        // the ID token's iss ("": URL)
	Lifetime   time.Duration // exp after now (0: an hour; negative: expired already)
	ForeignKey bool          // sign with a key that the JWKS does not publish
	Nonce      string        // the ID token's nonce ("": the one the client sent)
	Deny       string        // answer the login with this error (e.g. "access_denied") instead of a code

	srv     *httptest.Server
	key     *rsa.PrivateKey
	foreign *rsa.PrivateKey
	mu      sync.Mutex
	users   map[string]User
	codes   map[string]grant
}

type grant struct {
	user                     User
	clientID, redirect       string
	challenge, nonce, method string
}

// Start runs a provider for client id and secret until the test ends.
func Start(t testing.TB, clientID, secret string) *Provider {
	t.Helper()
	key, foreign, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: clientID, ClientSecret: secret, key: key, foreign: foreign, users: map[string]User{}, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.loginPage)
	mux.HandleFunc("POST /authorize", p.login)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

var (
	keysOnce         sync.Once
	keyPair, foreign *rsa.PrivateKey
	keysErr          error
)

// keys are the provider's signing key and the one it does not publish, made once per test
// binary (an RSA key takes a while).
func keys() (*rsa.PrivateKey, *rsa.PrivateKey, error) {
	keysOnce.Do(func() {
		if keyPair, keysErr = rsa.GenerateKey(rand.Reader, 2048); keysErr == nil {
			foreign, keysErr = rsa.GenerateKey(rand.Reader, 2048)
		}
	})
	return keyPair, foreign, keysErr
}

// AddUser makes u known under login.
func (p *Provider) AddUser(login string, u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[login] = u
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
		"jwks_uri": p.URL + "/keys", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *Provider) keys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "test-key", Algorithm: "RS256", Use: "sig"}}})
}

var page = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ministry sign-in</title></head>
<body><main><h1>Ministry sign-in</h1>
<form method="post" action="/authorize">
{{range $k, $v := .}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<label for="login">User name</label> <input id="login" name="login" autocomplete="username">
<button type="submit" id="sign-in">Sign in</button>
</form></main></body></html>`))

// loginPage checks the authorization request and shows the login form, which carries the
// request's parameters along.
func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if msg := p.checkRequest(q); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	keep := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method"} {
		keep[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, keep)
}

func (p *Provider) checkRequest(q url.Values) string {
	switch {
	case q.Get("client_id") != p.ClientID:
		return "unknown client_id"
	case q.Get("response_type") != "" && q.Get("response_type") != "code":
		return "response_type must be code"
	case q.Get("redirect_uri") == "":
		return "no redirect_uri"
	case q.Get("state") == "", q.Get("nonce") == "":
		return "state and nonce are required"
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		return "PKCE with S256 is required"
	}
	return ""
}

// login signs the named user in and sends the browser back with a code (or Deny's error).
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f := r.PostForm
	if msg := p.checkRequest(f); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	back, err := url.Parse(f.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	q := back.Query()
	q.Set("state", f.Get("state"))
	p.mu.Lock()
	u, ok := p.users[f.Get("login")]
	deny := p.Deny
	if !ok {
		p.mu.Unlock()
		http.Error(w, "no such user", http.StatusUnauthorized)
		return
	}
	if deny != "" {
		p.mu.Unlock()
		q.Set("error", deny)
		q.Set("error_description", "The user refused.")
	} else {
		code := token()
		p.codes[code] = grant{user: u, clientID: f.Get("client_id"), redirect: f.Get("redirect_uri"),
			challenge: f.Get("code_challenge"), method: f.Get("code_challenge_method"), nonce: f.Get("nonce")}
		p.mu.Unlock()
		q.Set("code", code)
	}
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code for an ID token, once.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code", !found:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case g.clientID != id || g.redirect != r.PostForm.Get("redirect_uri"):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "redirect_uri differs"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verifier does not match"})
		return
	}
	raw, err := p.idToken(g)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": token(), "token_type": "Bearer", "expires_in": 3600, "id_token": raw})
}

func (p *Provider) idToken(g grant) (string, error) {
	key, aud, iss, nonce, life := p.key, p.ClientID, p.URL, g.nonce, time.Hour
	if p.ForeignKey {
		key = p.foreign
	}
	if p.Audience != "" {
		aud = p.Audience
	}
	if p.Issuer != "" {
		iss = p.Issuer
	}
	if p.Nonce != "" {
		nonce = p.Nonce
	}
	if p.Lifetime != 0 {
		life = p.Lifetime
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "test-key"))
	if err != nil {
		return "", err
	}
	now := time.Now()
	claims := map[string]any{"iss": iss, "sub": g.user.Subject, "aud": aud, "nonce": nonce,
		"iat": jwt.NewNumericDate(now.Add(-time.Minute)), "exp": jwt.NewNumericDate(now.Add(life))}
	if life < 0 {
		claims["iat"] = jwt.NewNumericDate(now.Add(life - time.Hour))
	}
	if g.user.Email != "" {
		claims["email"] = g.user.Email
	}
	if g.user.EmailVerified != nil {
		claims["email_verified"] = *g.user.EmailVerified
	}
	if g.user.Name != "" {
		claims["name"] = g.user.Name
	}
	if g.user.NameAr != "" {
		claims["name_ar"] = g.user.NameAr
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

// Config is the provider's entry for MASAR_OIDC_PROVIDERS, with the given id and roles.
func (p *Provider) Config(id string, roles ...string) map[string]any {
	return map[string]any{"id": id, "issuer": p.URL, "client_id": p.ClientID, "client_secret": p.ClientSecret,
		"names": map[string]string{"ar": "وزارة التخطيط", "en": "Ministry of Planning", "fr": "Ministère du Plan"},
		"roles": roles, "name_ar_claim": "name_ar"}
}

// JSON is MASAR_OIDC_PROVIDERS for the entries given.
func JSON(entries ...map[string]any) string {
	b, err := json.Marshal(entries)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// SignIn plays a browser on the provider's side: it opens authURL (where the platform sent
// the browser), submits the login form as login, and returns where the provider sends the
// browser back (the platform's callback with a code and the state).
func (p *Provider) SignIn(authURL, login string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(authURL, p.URL+"/authorize") {
		return "", fmt.Errorf("ssotest: %s is not this provider's authorization URL", authURL)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("ssotest: the login page answered %s", res.Status)
	}
	form := u.Query()
	form.Set("login", login)
	res, err = c.PostForm(p.URL+"/authorize", form)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("ssotest: the login answered %s", res.Status)
	}
	return res.Header.Get("Location"), nil
}

func token() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
