package secondfactor

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Purposes of a passkey ceremony.
const (
	CeremonyRegister = "register"
	CeremonyLogin    = "login"
)

// CeremonyTTL is how long the browser has to answer a ceremony's options (the person finds
// the security key, or unlocks the phone).
const CeremonyTTL = 5 * time.Minute

// MaxPasskeys is how many passkeys one account may keep.
const MaxPasskeys = 10

// MaxPasskeyName is the longest name of a passkey, in characters.
const MaxPasskeyName = 60

// maxAnswer is the largest answer of a browser to a ceremony that is read, in bytes; real
// answers are a few kilobytes.
const maxAnswer = 64 << 10

// Refusals of a passkey ceremony, each shown next to the form's field.
var (
	// ErrPasskeyFailed: the browser's answer does not prove the passkey (forged, for another
	// site, a passkey of another account, one removed, or a copied one).
	ErrPasskeyFailed = problem.Fields{"passkey": "second_factor.error.passkey_failed"}.Err()
	// ErrCeremonyExpired: the options were given too long ago, or were used already.
	ErrCeremonyExpired = problem.Fields{"passkey": "second_factor.error.passkey_expired"}.Err()
	// ErrPasskeyMissing: the form came without the browser's answer (no JavaScript, or the
	// person cancelled).
	ErrPasskeyMissing = problem.Fields{"passkey": "second_factor.error.passkey_missing"}.Err()
	// ErrPasskeyKnown: this authenticator holds a passkey of this account already.
	ErrPasskeyKnown = problem.Fields{"passkey": "second_factor.error.passkey_known"}.Err()
	// ErrTooManyPasskeys: the account has MaxPasskeys already.
	ErrTooManyPasskeys = problem.Fields{"passkey": "second_factor.error.passkey_too_many"}.Err()
	// ErrPasskeyNameRequired, ErrPasskeyNameLong: the name field.
	ErrPasskeyNameRequired = problem.Fields{"passkey_name": "second_factor.field.passkey_name.required"}.Err()
	ErrPasskeyNameLong     = problem.Fields{"passkey_name": "second_factor.field.passkey_name.long"}.Err()
)

// ErrPasskeysOff is returned when the platform's address cannot carry passkeys (a bare IP
// address: browsers accept passkeys only for a domain name).
var ErrPasskeysOff = errors.New("secondfactor: passkeys need a base URL with a domain name")

// UsePasskeys lets accounts use passkeys on the site at baseURL (the platform's public URL:
// its host is the relying party's id, its origin the only one accepted). A base URL whose
// host is an IP address leaves passkeys off (ErrPasskeysOff): browsers refuse them there.
func (s *Service) UsePasskeys(baseURL, siteName string) error {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("secondfactor: base URL %q: %v", baseURL, err)
	}
	if net.ParseIP(u.Hostname()) != nil {
		return ErrPasskeysOff
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: siteName,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		// Platform authenticators (Windows Hello, Touch ID, Android) and security keys
		// alike; a PIN or a fingerprint is asked when the authenticator can, not demanded:
		// the password was the first factor.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationPreferred,
		},
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL, TimeoutUVD: CeremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL, TimeoutUVD: CeremonyTTL},
		},
	})
	if err != nil {
		return fmt.Errorf("secondfactor: passkeys: %w", err)
	}
	s.wa = wa
	return nil
}

// PasskeysOn reports whether accounts can use passkeys on this site.
func (s *Service) PasskeysOn() bool { return s.wa != nil }

// Passkey is one passkey of an account, as its holder sees it.
type Passkey struct {
	ID       int64
	Name     string
	Created  time.Time
	LastUsed *time.Time
	Synced   bool // the passkey is backed up by its provider (it lives on several devices)
}

// account is an account as go-webauthn sees it: a user handle that names no one (an HMAC
// of the account's id), its e-mail and its passkeys.
type account struct {
	handle      []byte
	name, label string
	creds       []webauthn.Credential
}

func (a *account) WebAuthnID() []byte                         { return a.handle }
func (a *account) WebAuthnName() string                       { return a.name }
func (a *account) WebAuthnDisplayName() string                { return a.label }
func (a *account) WebAuthnCredentials() []webauthn.Credential { return a.creds }

// userHandle is account id's WebAuthn user handle: stable, and meaningless without the
// server secret, so that an authenticator's list of accounts does not give our ids away.
func (s *Service) userHandle(id int64) []byte {
	m := hmac.New(sha256.New, s.handleKey)
	m.Write([]byte(strconv.FormatInt(id, 10)))
	return m.Sum(nil)
}

// storedPasskey is a passkeys row with its credential decoded.
type storedPasskey struct {
	Passkey
	cred webauthn.Credential
}

// passkeys returns account id's passkeys, oldest first.
func (s *Service) passkeys(ctx context.Context, q store.Queryer, id int64) ([]storedPasskey, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, data, created_at, last_used_at FROM passkeys
		WHERE official_id = ? ORDER BY id`, id)
	out, err := store.Collect(rows, err, func(r store.Scanner) (storedPasskey, error) {
		var p storedPasskey
		var data, created string
		var used sql.NullString
		if err := r.Scan(&p.ID, &p.Name, &data, &created, &used); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(data), &p.cred); err != nil {
			return p, fmt.Errorf("passkey %d: %w", p.ID, err)
		}
		p.Created, _ = time.Parse(store.TimeLayout, created)
		if used.Valid {
			t, _ := time.Parse(store.TimeLayout, used.String)
			p.LastUsed = &t
		}
		p.Synced = p.cred.Flags.BackupState
		return p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("secondfactor: passkeys of %d: %w", id, err)
	}
	return out, nil
}

// Passkeys returns account id's passkeys, oldest first.
func (s *Service) Passkeys(ctx context.Context, id int64) ([]Passkey, error) {
	stored, err := s.passkeys(ctx, s.db.R, id)
	if err != nil {
		return nil, err
	}
	out := make([]Passkey, len(stored))
	for i, p := range stored {
		out[i] = p.Passkey
	}
	return out, nil
}

func (s *Service) account(ctx context.Context, q store.Queryer, id int64, email string) (*account, error) {
	stored, err := s.passkeys(ctx, q, id)
	if err != nil {
		return nil, err
	}
	a := &account{handle: s.userHandle(id), name: email, label: email}
	for _, p := range stored {
		a.creds = append(a.creds, p.cred)
	}
	return a, nil
}

// Ceremony is what a page gives the browser to start a passkey ceremony: the options for
// navigator.credentials (JSON) and the token the form sends back with the answer.
type Ceremony struct {
	Token   string
	Options string
}

// saveCeremony stores session for account id and returns its token.
func (s *Service) saveCeremony(ctx context.Context, id int64, purpose string, session *webauthn.SessionData, options any) (Ceremony, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	sess, err := json.Marshal(session)
	if err != nil {
		return Ceremony{}, err
	}
	opts, err := json.Marshal(options)
	if err != nil {
		return Ceremony{}, err
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// An account's older ceremonies of the same purpose end (one page open at a time
		// is enough), and so do every account's expired ones.
		if _, err := tx.ExecContext(ctx, "DELETE FROM passkey_ceremonies WHERE (official_id = ? AND purpose = ?) OR expires_at < ?",
			id, purpose, store.FormatTime(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO passkey_ceremonies(token_hash, official_id, purpose, session, expires_at)
			VALUES(?, ?, ?, ?, ?)`, hashToken(tok), id, purpose, string(sess), store.FormatTime(now.Add(CeremonyTTL)))
		return err
	})
	if err != nil {
		return Ceremony{}, fmt.Errorf("secondfactor: new ceremony for %d: %w", id, err)
	}
	return Ceremony{Token: tok, Options: string(opts)}, nil
}

// takeCeremony removes and returns the ceremony of token if it belongs to account id, has
// purpose and is live: a ceremony is answered once, and is spent (committed) before its
// answer is checked, so that a refused answer cannot be tried again with it.
func (s *Service) takeCeremony(ctx context.Context, token string, id int64, purpose string) (*webauthn.SessionData, error) {
	if token == "" {
		return nil, ErrCeremonyExpired
	}
	var sd *webauthn.SessionData
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		sd, err = takeCeremonyTx(ctx, tx, token, id, purpose, store.FormatTime(s.now()))
		return err
	})
	return sd, err
}

func takeCeremonyTx(ctx context.Context, tx *sql.Tx, token string, id int64, purpose, now string) (*webauthn.SessionData, error) {
	var sess, expires string
	err := tx.QueryRowContext(ctx, `SELECT session, expires_at FROM passkey_ceremonies WHERE token_hash = ? AND official_id = ? AND purpose = ?`,
		hashToken(token), id, purpose).Scan(&sess, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrCeremonyExpired
	}
	if err != nil {
		return nil, fmt.Errorf("secondfactor: ceremony: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM passkey_ceremonies WHERE token_hash = ?", hashToken(token)); err != nil {
		return nil, fmt.Errorf("secondfactor: ceremony: %w", err)
	}
	if expires <= now {
		return nil, ErrCeremonyExpired
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal([]byte(sess), &sd); err != nil {
		return nil, fmt.Errorf("secondfactor: ceremony: %w", err)
	}
	return &sd, nil
}

// BeginRegistration starts adding a passkey to account id (e-mail email): the options list
// the account's passkeys, so that an authenticator holding one already says so.
func (s *Service) BeginRegistration(ctx context.Context, id int64, email string) (Ceremony, error) {
	if s.wa == nil {
		return Ceremony{}, ErrPasskeysOff
	}
	a, err := s.account(ctx, s.db.R, id, email)
	if err != nil {
		return Ceremony{}, err
	}
	creation, session, err := s.wa.BeginRegistration(a, webauthn.WithExclusions(webauthn.Credentials(a.creds).CredentialDescriptors()))
	if err != nil {
		return Ceremony{}, fmt.Errorf("secondfactor: begin registration: %w", err)
	}
	return s.saveCeremony(ctx, id, CeremonyRegister, session, creation)
}

// CheckPasskeyName returns the name of a new passkey trimmed, or the field's refusal.
func CheckPasskeyName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		return "", ErrPasskeyNameRequired
	case utf8.RuneCountInString(name) > MaxPasskeyName || !utf8.ValidString(name):
		return "", ErrPasskeyNameLong
	}
	return name, nil
}

// FinishRegistration checks the browser's answer to the registration ceremony of token and
// keeps the new passkey under name. When it is the account's first second factor, the
// account is given recovery codes, returned to be shown once (nil otherwise). also runs in
// the same transaction (a sign-in's challenge marked passed).
func (s *Service) FinishRegistration(ctx context.Context, actor audit.Actor, id int64, email, token, name, answer string, also func(*sql.Tx) error) ([]string, error) {
	if s.wa == nil {
		return nil, ErrPasskeysOff
	}
	name, err := CheckPasskeyName(name)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(answer) == "" {
		return nil, ErrPasskeyMissing
	}
	if len(answer) > maxAnswer {
		return nil, ErrPasskeyFailed
	}
	session, err := s.takeCeremony(ctx, token, id, CeremonyRegister)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes([]byte(answer))
	if err != nil {
		return nil, ErrPasskeyFailed
	}
	var codes []string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.account(ctx, tx, id, email)
		if err != nil {
			return err
		}
		if len(a.creds) >= MaxPasskeys {
			return ErrTooManyPasskeys
		}
		cred, err := s.wa.CreateCredential(a, *session, parsed)
		if err != nil {
			return ErrPasskeyFailed
		}
		credID := base64.RawURLEncoding.EncodeToString(cred.ID)
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM passkeys WHERE credential_id = ?", credID).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return ErrPasskeyKnown
		}
		had, err := hasFactor(ctx, tx, id)
		if err != nil {
			return err
		}
		data, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO passkeys(official_id, credential_id, name, data, created_at) VALUES(?, ?, ?, ?, ?)`,
			id, credID, name, string(data), store.FormatTime(s.now())); err != nil {
			return err
		}
		codes, err = s.enrolled(ctx, tx, actor, id, "passkey", !had, also)
		return err
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// BeginLogin starts the passkey step of account id's sign-in; ok is false when the account
// has no passkey (or passkeys are off).
func (s *Service) BeginLogin(ctx context.Context, id int64, email string) (c Ceremony, ok bool, err error) {
	if s.wa == nil {
		return Ceremony{}, false, nil
	}
	a, err := s.account(ctx, s.db.R, id, email)
	if err != nil || len(a.creds) == 0 {
		return Ceremony{}, false, err
	}
	assertion, session, err := s.wa.BeginLogin(a)
	if err != nil {
		return Ceremony{}, false, fmt.Errorf("secondfactor: begin login: %w", err)
	}
	c, err = s.saveCeremony(ctx, id, CeremonyLogin, session, assertion)
	return c, err == nil, err
}

// FinishLogin checks the browser's answer to the login ceremony of token for account id. A
// proof that does not hold is ErrPasskeyFailed (ErrCeremonyExpired for a ceremony used or
// too old); the passkey's counter and last use are written on success. A passkey whose
// counter went backwards (a copy of the authenticator) is refused.
func (s *Service) FinishLogin(ctx context.Context, id int64, email, token, answer string) error {
	if s.wa == nil {
		return ErrPasskeysOff
	}
	if strings.TrimSpace(answer) == "" {
		return ErrPasskeyMissing
	}
	if len(answer) > maxAnswer {
		return ErrPasskeyFailed
	}
	session, err := s.takeCeremony(ctx, token, id, CeremonyLogin)
	if err != nil {
		return err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(answer))
	if err != nil {
		return ErrPasskeyFailed
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.account(ctx, tx, id, email)
		if err != nil {
			return err
		}
		cred, err := s.wa.ValidateLogin(a, *session, parsed)
		if err != nil || cred.Authenticator.CloneWarning {
			return ErrPasskeyFailed
		}
		var known bool
		for _, c := range a.creds {
			known = known || bytes.Equal(c.ID, cred.ID)
		}
		if !known {
			return ErrPasskeyFailed
		}
		data, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE passkeys SET data = ?, last_used_at = ? WHERE official_id = ? AND credential_id = ?",
			string(data), store.FormatTime(s.now()), id, base64.RawURLEncoding.EncodeToString(cred.ID))
		return err
	})
}

// RemovePasskey deletes passkey pk of account id at its holder's request (the caller checked
// the password); it reports false when there is no such passkey. When it was the account's
// last second factor, its recovery codes go too.
func (s *Service) RemovePasskey(ctx context.Context, actor audit.Actor, id, pk int64) (bool, error) {
	var removed bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM passkeys WHERE id = ? AND official_id = ?", pk, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if removed = n == 1; !removed {
			return nil
		}
		if err := s.dropCodesIfLast(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, ActionRemove, subject(id), "method", "passkey", "")
	})
	if err != nil {
		return false, fmt.Errorf("secondfactor: remove passkey %d of %d: %w", pk, id, err)
	}
	return removed, nil
}
