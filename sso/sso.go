// Package sso signs officials in through their institution's OpenID Connect provider
// (MASAR_OIDC_PROVIDERS): the authorization code flow with PKCE, a state and a nonce, the
// ID token verified with go-oidc, and the link from a provider's user to an account.
//
// The state, the nonce and the PKCE verifier of a sign-in in progress are kept in the
// database (oidc_states), the state only as its hash, for ten minutes and for one use; the
// row also holds the hash of a random value set in a cookie of the browser that started the
// sign-in, so that a callback brought to another browser (someone's code and state planted
// in a link: login cross-site request forgery) is refused. Server-side rows rather than a
// sealed cookie: a used state stays known as used (a replay is told apart from a forgery in
// the audit log), and every instance on a shared database can finish a sign-in another one
// started.
package sso

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// StateTTL is how long a sign-in started may take to come back from the provider.
const StateTTL = 10 * time.Minute

// The audit actions of sign-ins through a provider.
const (
	ActionLogin  = "auth.oidc.login"
	ActionLink   = "auth.oidc.link"
	ActionFailed = "auth.oidc.failed"
)

// ErrUnknownProvider is returned for a provider id that is not configured.
var ErrUnknownProvider = errors.New("sso: no such provider")

// Reasons a sign-in fails, as written to the audit log and the server's log.
const (
	ReasonProviderUnavailable = "provider_unavailable" // discovery failed: the provider is down or misconfigured
	ReasonProviderError       = "provider_error"       // the provider answered with an error (the user cancelled, access denied)
	ReasonStateUnknown        = "state_unknown"        // no sign-in was started with this state (or for this provider)
	ReasonStateReplayed       = "state_replayed"       // the state was used already
	ReasonStateExpired        = "state_expired"        // the sign-in took longer than StateTTL
	ReasonStateBrowser        = "state_browser"        // the callback came to another browser than the one that started
	ReasonTokenExchange       = "token_exchange"       // the code could not be exchanged for tokens
	ReasonTokenAudience       = "token_audience"       // the ID token was issued to another client
	ReasonTokenExpired        = "token_expired"        // the ID token has expired
	ReasonTokenSignature      = "token_signature"      // the ID token's signature does not verify with the provider's keys
	ReasonTokenIssuer         = "token_issuer"         // the ID token was issued by another provider
	ReasonTokenInvalid        = "token_invalid"        // any other fault of the ID token
	ReasonNonce               = "nonce_mismatch"       // the ID token does not carry this sign-in's nonce
	ReasonEmailMissing        = "email_missing"        // a first sign-in without an e-mail address
	ReasonEmailNotVerified    = "email_not_verified"   // a first sign-in whose address the provider has not verified
	ReasonRoleNotAllowed      = "role_not_allowed"     // the account's role may not sign in through this provider
	ReasonNoAccount           = "no_account"           // no account has the address, and the provider may not create one
	ReasonAccountClosed       = "account_closed"       // the account was deleted or waits to be erased
	ReasonIdentityConflict    = "identity_conflict"    // the account is linked to another user of the same provider
)

// Failure is a sign-in that did not succeed: Reason says why (one of the Reason…
// constants), Lang and Next are the started sign-in's when its state was found.
type Failure struct {
	Provider string
	Reason   string
	Lang     string
	Next     string
	Official int64 // the account concerned, when one was found
	Err      error // the cause, for the server's log only
}

func (f *Failure) Error() string {
	if f.Err != nil {
		return fmt.Sprintf("sso: sign-in through %s failed: %s: %v", f.Provider, f.Reason, f.Err)
	}
	return fmt.Sprintf("sso: sign-in through %s failed: %s", f.Provider, f.Reason)
}

// Unwrap is the cause.
func (f *Failure) Unwrap() error { return f.Err }

// Service runs the sign-ins through the configured providers.
type Service struct {
	db        *store.DB
	accounts  *officials.Service
	baseURL   string
	providers []*provider
	byID      map[string]*provider
	client    *http.Client
	log       *slog.Logger
}

type provider struct {
	cfg config.OIDCProvider
	mu  sync.Mutex
	op  *oidc.Provider // nil until discovered
}

// New returns the service for cfg.OIDCProviders (none: a service without providers).
func New(db *store.DB, accounts *officials.Service, cfg config.Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{db: db, accounts: accounts, baseURL: strings.TrimRight(cfg.BaseURL, "/"), byID: map[string]*provider{},
		client: &http.Client{Timeout: 15 * time.Second}, log: log}
	for _, pc := range cfg.OIDCProviders {
		p := &provider{cfg: pc}
		s.providers = append(s.providers, p)
		s.byID[pc.ID] = p
	}
	return s
}

// Providers lists the configured providers in their order.
func (s *Service) Providers() []config.OIDCProvider {
	out := make([]config.OIDCProvider, len(s.providers))
	for i, p := range s.providers {
		out[i] = p.cfg
	}
	return out
}

// Provider returns the provider with id.
func (s *Service) Provider(id string) (config.OIDCProvider, bool) {
	p, ok := s.byID[id]
	if !ok {
		return config.OIDCProvider{}, false
	}
	return p.cfg, true
}

// RedirectURL is where the provider sends the browser back: one URL per provider, whatever
// the page's language (the state keeps it), to register with the provider.
func (s *Service) RedirectURL(id string) string { return s.baseURL + "/login/oidc/" + id + "/callback" }

// discover reads the provider's metadata and keys' address once; a failure is tried again
// at the next sign-in. The provider's keys are fetched, and fetched again on an unknown key
// id, by go-oidc with the service's client, outside any one request's deadline.
func (s *Service) discover(p *provider) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.op != nil {
		return p.op, nil
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(context.Background(), s.client), 15*time.Second)
	defer cancel()
	op, err := oidc.NewProvider(ctx, p.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	p.op = op
	return op, nil
}

func (s *Service) oauth(p *provider, op *oidc.Provider) *oauth2.Config {
	scopes := append([]string{oidc.ScopeOpenID, "email", "profile"}, p.cfg.Scopes...)
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.Secret(), Endpoint: op.Endpoint(),
		RedirectURL: s.RedirectURL(p.cfg.ID), Scopes: scopes}
}

// hash is how states and browser values are kept.
func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Begin starts a sign-in through provider id for the browser holding the binding value
// browser (a random secret the caller keeps in a cookie), on a page in lang, to go to next
// afterwards. It returns the provider's authorization URL to send the browser to.
func (s *Service) Begin(ctx context.Context, id, lang, next, browser string) (string, error) {
	p, ok := s.byID[id]
	if !ok {
		return "", ErrUnknownProvider
	}
	op, err := s.discover(p)
	if err != nil {
		f := &Failure{Provider: id, Reason: ReasonProviderUnavailable, Lang: lang, Next: next, Err: err}
		s.recordFailure(ctx, f)
		return "", f
	}
	state, nonce, verifier := officials.NewToken(), officials.NewToken(), oauth2.GenerateVerifier()
	now := time.Now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// States expired a day ago are no longer needed to tell a replay.
		if _, err := tx.ExecContext(ctx, "DELETE FROM oidc_states WHERE expires_at < ?", store.FormatTime(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_states(state_hash, provider, browser_hash, nonce, verifier, lang, next, created_at, expires_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`, hash(state), id, hash(browser), nonce, verifier, lang, next,
			store.FormatTime(now), store.FormatTime(now.Add(StateTTL)))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("sso: begin a sign-in through %s: %w", id, err)
	}
	return s.oauth(p, op).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Callback is what the provider sent the browser back with.
type Callback struct {
	State            string
	Code             string
	Error            string
	ErrorDescription string
}

// Result is a sign-in that succeeded: the account, the provider, whether the account was
// created or linked by it, and the started sign-in's language and destination.
type Result struct {
	Official *officials.Official
	Provider config.OIDCProvider
	Created  bool
	Linked   bool
	Lang     string
	Next     string
}

// started is a row of oidc_states.
type started struct {
	provider, browserHash, nonce, verifier, lang, next string
	expires                                            time.Time
}

// Finish ends a sign-in through provider id from the provider's callback, for the browser
// holding the binding value browser. It returns the account to sign in, or a *Failure
// (logged and written to the audit log as auth.oidc.failed), ErrUnknownProvider, or a
// database error.
func (s *Service) Finish(ctx context.Context, id string, cb Callback, browser string) (*Result, error) {
	res, err := s.finish(ctx, id, cb, browser)
	var f *Failure
	if errors.As(err, &f) {
		s.recordFailure(ctx, f)
	}
	return res, err
}

func (s *Service) finish(ctx context.Context, id string, cb Callback, browser string) (*Result, error) {
	p, ok := s.byID[id]
	if !ok {
		return nil, ErrUnknownProvider
	}
	st, reason, err := s.takeState(ctx, id, cb.State, browser)
	if err != nil {
		return nil, err
	}
	fail := func(reason string, cause error) *Failure {
		return &Failure{Provider: id, Reason: reason, Lang: st.lang, Next: st.next, Err: cause}
	}
	if reason != "" {
		return nil, fail(reason, nil)
	}
	if cb.Error != "" {
		return nil, fail(ReasonProviderError, fmt.Errorf("%.100s: %.300s", cb.Error, cb.ErrorDescription))
	}
	if cb.Code == "" {
		return nil, fail(ReasonProviderError, errors.New("no code"))
	}
	op, err := s.discover(p)
	if err != nil {
		return nil, fail(ReasonProviderUnavailable, err)
	}
	hctx := context.WithValue(ctx, oauth2.HTTPClient, s.client)
	tok, err := s.oauth(p, op).Exchange(hctx, cb.Code, oauth2.VerifierOption(st.verifier))
	if err != nil {
		return nil, fail(ReasonTokenExchange, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fail(ReasonTokenExchange, errors.New("the token response has no id_token"))
	}
	// The verifier checks the signature with the provider's keys (kept, and fetched again
	// for a key id it does not know), the issuer, the audience and the expiry.
	idt, err := op.Verifier(&oidc.Config{ClientID: p.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return nil, fail(tokenReason(err), err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.nonce)) != 1 {
		return nil, fail(ReasonNonce, nil)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fail(ReasonTokenInvalid, err)
	}
	if idt.Subject == "" || utf8.RuneCountInString(idt.Subject) > 255 {
		return nil, fail(ReasonTokenInvalid, errors.New("the ID token's subject is empty or too long"))
	}
	who := identity{subject: idt.Subject, email: claimString(claims, p.cfg.EmailClaim),
		nameAr: claimString(claims, p.cfg.NameArClaim), nameLatin: claimString(claims, p.cfg.NameLatinClaim)}
	switch v := claims["email_verified"].(type) {
	case bool:
		who.verified = v
	case string:
		who.verified = v == "true"
	case nil:
		who.verified = p.cfg.TrustEmail
	}
	res, err := s.account(ctx, p.cfg, who, st.lang)
	if err != nil {
		var f *Failure
		if errors.As(err, &f) {
			f.Lang, f.Next = st.lang, st.next
		}
		return nil, err
	}
	res.Lang, res.Next = st.lang, st.next
	return res, nil
}

// takeState marks the started sign-in of state used and returns it. A reason is given for
// a state that is not to be honoured (with the row when there is one, for its language).
func (s *Service) takeState(ctx context.Context, id, state, browser string) (started, string, error) {
	var st started
	if state == "" || len(state) > 200 {
		return st, ReasonStateUnknown, nil
	}
	var expires string
	var used sql.NullString
	key := hash(state)
	// The row is marked used before anything else is looked at, in one statement: of two
	// callbacks with the same state, one only finds it unused.
	err := s.db.W.QueryRowContext(ctx, `UPDATE oidc_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL
		RETURNING provider, browser_hash, nonce, verifier, lang, next, expires_at`, store.Now(), key).
		Scan(&st.provider, &st.browserHash, &st.nonce, &st.verifier, &st.lang, &st.next, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		// Unknown, or used already: tell them apart for the log.
		err = s.db.R.QueryRowContext(ctx, "SELECT provider, lang, next, used_at FROM oidc_states WHERE state_hash = ?", key).
			Scan(&st.provider, &st.lang, &st.next, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return started{}, ReasonStateUnknown, nil
		case err != nil:
			return st, "", fmt.Errorf("sso: read a state: %w", err)
		case st.provider != id:
			return started{}, ReasonStateUnknown, nil
		}
		return st, ReasonStateReplayed, nil
	}
	if err != nil {
		return st, "", fmt.Errorf("sso: take a state: %w", err)
	}
	st.expires, _ = time.Parse(time.RFC3339Nano, expires)
	switch {
	case st.provider != id:
		return started{}, ReasonStateUnknown, nil
	case !time.Now().Before(st.expires):
		return st, ReasonStateExpired, nil
	case subtle.ConstantTimeCompare([]byte(st.browserHash), []byte(hash(browser))) != 1 || browser == "":
		return st, ReasonStateBrowser, nil
	}
	return st, "", nil
}

// tokenReason names what is wrong with an ID token go-oidc refused. go-oidc types only the
// expiry; the others are told by its messages, and fall back to token_invalid should those
// change (the user sees the same page whatever the reason).
func tokenReason(err error) string {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return ReasonTokenExpired
	case strings.Contains(msg, "expected audience"):
		return ReasonTokenAudience
	case strings.Contains(msg, "signature"):
		return ReasonTokenSignature
	case strings.Contains(msg, "different provider"):
		return ReasonTokenIssuer
	}
	return ReasonTokenInvalid
}

func claimString(claims map[string]any, name string) string {
	if name == "" {
		return ""
	}
	v, _ := claims[name].(string)
	if utf8.RuneCountInString(v) > 254 {
		return ""
	}
	return strings.TrimSpace(v)
}

// identity is what the ID token said about its user.
type identity struct {
	subject, email, nameAr, nameLatin string
	verified                          bool
}

// account finds, links or creates the account of who, in one transaction with its audit
// entries.
func (s *Service) account(ctx context.Context, p config.OIDCProvider, who identity, lang string) (*Result, error) {
	res := &Result{Provider: p}
	var officialID int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT official_id FROM oidc_identities WHERE provider = ? AND subject = ?", p.ID, who.subject).Scan(&officialID)
		switch {
		case err == nil:
			// A returning user: the subject says who, whatever address the token carries now.
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sso: read an identity: %w", err)
		case who.email == "":
			return &Failure{Provider: p.ID, Reason: ReasonEmailMissing}
		case !who.verified:
			// An address the provider has not verified could be anyone's: it neither links
			// to the account that has it nor makes one.
			return &Failure{Provider: p.ID, Reason: ReasonEmailNotVerified}
		default:
			o, err := s.accounts.GetByEmailTx(ctx, tx, who.email)
			switch {
			case errors.Is(err, store.ErrNotFound):
				if !p.Allows(officials.RoleOfficial) {
					return &Failure{Provider: p.ID, Reason: ReasonNoAccount}
				}
				officialID, err = s.accounts.CreateVouchedTx(ctx, tx, audit.Actor{Email: who.email}, officials.Input{Email: who.email,
					NameAr: who.nameAr, NameLatin: who.nameLatin, Language: lang}, officials.RoleOfficial)
				if err != nil {
					return &Failure{Provider: p.ID, Reason: ReasonNoAccount, Err: err}
				}
				res.Created = true
			case err != nil:
				return err
			default:
				officialID = o.ID
			}
			var other int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM oidc_identities WHERE provider = ? AND official_id = ?", p.ID, officialID).Scan(&other); err != nil {
				return fmt.Errorf("sso: count identities: %w", err)
			}
			if other > 0 {
				return &Failure{Provider: p.ID, Reason: ReasonIdentityConflict, Official: officialID}
			}
			t := store.Now()
			if _, err := tx.ExecContext(ctx, "INSERT INTO oidc_identities(provider, subject, official_id, created_at, last_login_at) VALUES(?, ?, ?, ?, ?)",
				p.ID, who.subject, officialID, t, t); err != nil {
				return fmt.Errorf("sso: link an identity: %w", err)
			}
			res.Linked = true
		}
		o, err := s.accounts.GetTx(ctx, tx, officialID)
		if err != nil {
			return err
		}
		if o.DeletedAt != nil {
			return &Failure{Provider: p.ID, Reason: ReasonAccountClosed, Official: o.ID}
		}
		if !p.Allows(o.Role) {
			return &Failure{Provider: p.ID, Reason: ReasonRoleNotAllowed, Official: o.ID}
		}
		if _, scheduled, err := s.accounts.ErasureDue(ctx, o.ID); err != nil {
			return err
		} else if scheduled {
			return &Failure{Provider: p.ID, Reason: ReasonAccountClosed, Official: o.ID}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE oidc_identities SET last_login_at = ? WHERE provider = ? AND subject = ?", store.Now(), p.ID, who.subject); err != nil {
			return fmt.Errorf("sso: note a sign-in: %w", err)
		}
		me := audit.Actor{ID: o.ID, Email: o.Email}
		subject := fmt.Sprintf("official:%d", o.ID)
		if res.Linked {
			if err := audit.Record(ctx, tx, me, ActionLink, subject, "provider", "", p.ID); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, me, ActionLogin, subject, "provider", "", p.ID); err != nil {
			return err
		}
		res.Official = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// recordFailure logs a failed sign-in and writes it to the audit log.
func (s *Service) recordFailure(ctx context.Context, f *Failure) {
	s.log.Warn("sign-in through an OpenID Connect provider failed", "provider", f.Provider, "reason", f.Reason, "official", f.Official, "err", f.Err)
	subject := "oidc:" + f.Provider
	if f.Official != 0 {
		subject = fmt.Sprintf("official:%d", f.Official)
	}
	// Written even when the request's context has ended: a failure is worth its record.
	if err := audit.Record(context.WithoutCancel(ctx), s.db.W, audit.Actor{}, ActionFailed, subject, "reason", "", f.Reason); err != nil {
		s.log.Error("audit of a failed sign-in", "err", err)
	}
}

// Forget deletes the identities linked to an account, inside tx (an erasure).
func Forget(ctx context.Context, tx *sql.Tx, officialID int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM oidc_identities WHERE official_id = ?", officialID); err != nil {
		return fmt.Errorf("sso: forget the identities of %d: %w", officialID, err)
	}
	return nil
}
