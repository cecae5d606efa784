// Package secondfactor holds the second step of signing in: an authenticator app's time-based
// codes (TOTP, RFC 6238), single-use recovery codes, and the sign-ins waiting between their
// password step and their second step (login challenges). It keeps its own tables; the
// accounts themselves belong to the officials package.
package secondfactor

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Audit actions written by this package (auth.second_factor.failed is written by the caller
// of RecordFailure, which knows the method).
const (
	ActionEnrol        = "auth.second_factor.enrol"
	ActionRemove       = "auth.second_factor.remove"
	ActionReset        = "auth.second_factor.reset"
	ActionFailed       = "auth.second_factor.failed"
	ActionRecoveryUsed = "auth.recovery_code.used"
)

// RecoveryCodes is how many recovery codes an account is given at a time.
const RecoveryCodes = 10

// Period, Digits and Skew are the TOTP parameters every authenticator app takes by default:
// a 6-digit code every 30 seconds (HMAC-SHA1); a code is accepted one step early or late.
const (
	Period = 30
	Digits = 6
	Skew   = 1
)

// EnrolmentTTL is how long the secret shown on an enrolment page may be confirmed.
const EnrolmentTTL = 30 * time.Minute

// ErrCodeWrong is a code that does not match, or that was already used.
var ErrCodeWrong = problem.Fields{"code": "second_factor.error.code_wrong"}.Err()

// ErrAlreadyEnrolled refuses a second authenticator app: remove the first one before.
var ErrAlreadyEnrolled = problem.New(409, "already_enrolled", "second_factor.error.already_enrolled")

// ErrEnrolmentExpired refuses a confirmation of a secret shown too long ago (or forged).
var ErrEnrolmentExpired = problem.New(422, "enrolment_expired", "second_factor.error.enrolment_expired")

// Service keeps the accounts' second factors.
type Service struct {
	db        *store.DB
	aead      cipher.AEAD
	issuer    string
	now       func() time.Time
	wa        *webauthn.WebAuthn // nil: passkeys are off (UsePasskeys)
	handleKey []byte             // keys the WebAuthn user handles
}

// New returns the service. serverSecret (the cluster's server secret) keys the sealing of
// the TOTP secrets: the database holds them sealed with AES-256-GCM, never in clear. issuer
// is the name authenticator apps show beside the account.
func New(db *store.DB, serverSecret []byte, issuer string) (*Service, error) {
	if len(serverSecret) < 16 {
		return nil, errors.New("secondfactor: the server secret is too short")
	}
	m := hmac.New(sha256.New, serverSecret)
	m.Write([]byte("masar second factor sealing key v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("secondfactor: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secondfactor: %w", err)
	}
	h := hmac.New(sha256.New, serverSecret)
	h.Write([]byte("masar webauthn user handle v1"))
	return &Service{db: db, aead: aead, issuer: issuer, now: time.Now, handleKey: h.Sum(nil)}, nil
}

// SetClock makes the service read the time from now (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// seal encrypts plain bound to context (the account and purpose): "v1." then base64url of
// the nonce and the ciphertext.
func (s *Service) seal(plain []byte, context string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return "v1." + base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(context)))
}

func (s *Service) open(sealed, context string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, "v1."))
	if err != nil || !strings.HasPrefix(sealed, "v1.") || len(b) < s.aead.NonceSize() {
		return nil, errors.New("secondfactor: not a sealed value")
	}
	n := s.aead.NonceSize()
	return s.aead.Open(nil, b[:n], b[n:], []byte(context))
}

func totpContext(id int64) string    { return "totp:" + strconv.FormatInt(id, 10) }
func pendingContext(id int64) string { return "pending-totp:" + strconv.FormatInt(id, 10) }

// Status is what an account has set up.
type Status struct {
	TOTP         bool
	Since        time.Time // when the authenticator app was set up
	Passkeys     int       // how many passkeys
	RecoveryLeft int       // recovery codes not used yet
}

// Has reports whether the account has a second factor.
func (st Status) Has() bool { return st.TOTP || st.Passkeys > 0 }

// Status returns what account id has set up.
func (s *Service) Status(ctx context.Context, id int64) (Status, error) {
	var st Status
	var created string
	err := s.db.R.QueryRowContext(ctx, "SELECT created_at FROM totp_factors WHERE official_id = ?", id).Scan(&created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return st, fmt.Errorf("secondfactor: status of %d: %w", id, err)
	default:
		st.TOTP = true
		st.Since, _ = time.Parse(time.RFC3339Nano, created)
	}
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM recovery_codes WHERE official_id = ? AND used_at IS NULL", id).Scan(&st.RecoveryLeft); err != nil {
		return st, fmt.Errorf("secondfactor: status of %d: %w", id, err)
	}
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM passkeys WHERE official_id = ?", id).Scan(&st.Passkeys); err != nil {
		return st, fmt.Errorf("secondfactor: status of %d: %w", id, err)
	}
	return st, nil
}

// Has reports whether account id has a second factor: one query, for the check made on every
// request of an account that must have one.
func (s *Service) Has(ctx context.Context, id int64) (bool, error) {
	has, err := hasFactor(ctx, s.db.R, id)
	if err != nil {
		return false, fmt.Errorf("secondfactor: has %d: %w", id, err)
	}
	return has, nil
}

// hasFactor reports whether account id has an authenticator app or a passkey.
func hasFactor(ctx context.Context, q store.Queryer, id int64) (bool, error) {
	var has bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM totp_factors WHERE official_id = ?)
		OR EXISTS (SELECT 1 FROM passkeys WHERE official_id = ?)`, id, id).Scan(&has)
	return has, err
}

// dropCodesIfLast deletes account id's recovery codes when it has no second factor left:
// they stand in for a factor, not for the password.
func (s *Service) dropCodesIfLast(ctx context.Context, tx *sql.Tx, id int64) error {
	has, err := hasFactor(ctx, tx, id)
	if err != nil || has {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE official_id = ?", id)
	return err
}

// Enrolment is a new TOTP secret offered to an account: shown as a QR code of URL and as
// Secret for typing in, and carried by the form as Sealed until a code confirms it.
type Enrolment struct {
	Secret string // base32, for typing into the app
	URL    string // otpauth://totp/…
	Sealed string // the secret sealed for this account, with its expiry
}

// NewEnrolment makes a new secret for account id, whose app shows it as account (its e-mail).
func (s *Service) NewEnrolment(id int64, account string) (Enrolment, error) {
	key, err := s.key(account, nil)
	if err != nil {
		return Enrolment{}, err
	}
	until := strconv.FormatInt(s.now().Add(EnrolmentTTL).Unix(), 10)
	return Enrolment{Secret: key.Secret(), URL: key.URL(), Sealed: s.seal([]byte(until+"|"+key.Secret()), pendingContext(id))}, nil
}

// key makes the app's key for account with secret (nil: a new random one of 160 bits).
func (s *Service) key(account string, secret []byte) (*otp.Key, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.issuer, AccountName: account, Period: Period, Digits: otp.DigitsSix,
		Algorithm: otp.AlgorithmSHA1, Secret: secret})
	if err != nil {
		return nil, fmt.Errorf("secondfactor: TOTP key: %w", err)
	}
	return key, nil
}

// Reopen returns the enrolment of a sealed secret again (the same QR code, for a page shown
// again after a wrong code), or ErrEnrolmentExpired.
func (s *Service) Reopen(id int64, account, sealed string) (Enrolment, error) {
	secret, err := s.pending(id, sealed)
	if err != nil {
		return Enrolment{}, err
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return Enrolment{}, ErrEnrolmentExpired
	}
	key, err := s.key(account, raw)
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URL: key.URL(), Sealed: sealed}, nil
}

// pending opens a sealed enrolment secret of account id that has not expired.
func (s *Service) pending(id int64, sealed string) (string, error) {
	b, err := s.open(sealed, pendingContext(id))
	if err != nil {
		return "", ErrEnrolmentExpired
	}
	until, secret, ok := strings.Cut(string(b), "|")
	n, err := strconv.ParseInt(until, 10, 64)
	if !ok || err != nil || s.now().Unix() > n {
		return "", ErrEnrolmentExpired
	}
	return secret, nil
}

// matchStep returns the time step within Skew of now whose code is code, or false.
func (s *Service) matchStep(secret, code string) (int64, bool) {
	code = normaliseDigits(code)
	if len(code) != Digits {
		return 0, false
	}
	now := s.now().Unix() / Period
	step, ok := int64(0), false
	for d := int64(-Skew); d <= Skew; d++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((now+d)*Period, 0), totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		// Every step is compared, matched or not, so that the time taken says nothing.
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			step, ok = now+d, true
		}
	}
	return step, ok
}

// normaliseDigits keeps the digits of a typed code (spaces and dashes dropped), reading
// Arabic-Indic and Eastern Arabic-Indic digits as ASCII ones: a phone with an Arabic keyboard
// types ١٢٣٤٥٦.
func normaliseDigits(code string) string {
	var b strings.Builder
	for _, r := range code {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '\u0660' && r <= '\u0669':
			b.WriteRune('0' + r - '\u0660')
		case r >= '\u06F0' && r <= '\u06F9':
			b.WriteRune('0' + r - '\u06F0')
		case r == ' ' || r == '-' || r == '\u00a0':
		default:
			return ""
		}
	}
	return b.String()
}

// ConfirmTOTP saves the secret of a sealed enrolment for account id once code, from the app,
// matches it, and gives the account RecoveryCodes new recovery codes, returned in clear this
// once. also runs inside the same transaction (nil: nothing). It refuses a second app
// (ErrAlreadyEnrolled), an expired enrolment and a wrong code (ErrCodeWrong).
func (s *Service) ConfirmTOTP(ctx context.Context, actor audit.Actor, id int64, sealed, code string, also func(*sql.Tx) error) ([]string, error) {
	secret, err := s.pending(id, sealed)
	if err != nil {
		return nil, err
	}
	step, ok := s.matchStep(secret, code)
	if !ok {
		return nil, ErrCodeWrong
	}
	var codes []string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM totp_factors WHERE official_id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("secondfactor: enrol %d: %w", id, err)
		}
		if n > 0 {
			return ErrAlreadyEnrolled
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO totp_factors(official_id, secret_sealed, last_step, created_at) VALUES(?, ?, ?, ?)",
			id, s.seal([]byte(secret), totpContext(id)), step, store.FormatTime(s.now())); err != nil {
			return fmt.Errorf("secondfactor: enrol %d: %w", id, err)
		}
		codes, err = s.enrolled(ctx, tx, actor, id, "totp", true, also)
		return err
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// enrolled finishes the setting up of a second factor (method) of account id inside its
// transaction: new recovery codes when withCodes (returned, to be shown once), the audit
// entry, then also.
func (s *Service) enrolled(ctx context.Context, tx *sql.Tx, actor audit.Actor, id int64, method string, withCodes bool, also func(*sql.Tx) error) ([]string, error) {
	var codes []string
	if withCodes {
		var err error
		if codes, err = s.replaceCodes(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	if err := audit.Record(ctx, tx, actor, ActionEnrol, subject(id), "method", "", method); err != nil {
		return nil, err
	}
	if also != nil {
		if err := also(tx); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// VerifyTOTP reports whether code is the current code (±Skew steps) of account id's app and
// was not accepted before: a code, once accepted, is refused with every code of its step and
// earlier ones.
func (s *Service) VerifyTOTP(ctx context.Context, id int64, code string) (bool, error) {
	var sealed string
	var last int64
	err := s.db.R.QueryRowContext(ctx, "SELECT secret_sealed, last_step FROM totp_factors WHERE official_id = ?", id).Scan(&sealed, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("secondfactor: verify %d: %w", id, err)
	}
	secret, err := s.open(sealed, totpContext(id))
	if err != nil {
		return false, fmt.Errorf("secondfactor: verify %d: the stored secret does not open (was the server secret changed?): %w", id, err)
	}
	step, ok := s.matchStep(string(secret), code)
	if !ok || step <= last {
		return false, nil
	}
	// The step is taken in the database, so that two requests with the same code (here or
	// on another instance) cannot both pass.
	res, err := s.db.W.ExecContext(ctx, "UPDATE totp_factors SET last_step = ? WHERE official_id = ? AND last_step < ?", step, id, step)
	if err != nil {
		return false, fmt.Errorf("secondfactor: verify %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// newRecoveryCode is 60 random bits written as three groups of four base32 letters and
// digits ("k7qm-2vxa-p4nt"), easy to copy by hand.
func newRecoveryCode() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789" // no l, o, 0, 1
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 14)
	for i, c := range b {
		if i == 4 || i == 8 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

// hashCode is how a recovery code is kept: the SHA-256 of its letters, lower-case, without
// separators.
func hashCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	h := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(h[:])
}

// replaceCodes deletes account id's recovery codes and stores new ones, returned in clear.
func (s *Service) replaceCodes(ctx context.Context, tx *sql.Tx, id int64) ([]string, error) {
	if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE official_id = ?", id); err != nil {
		return nil, fmt.Errorf("secondfactor: recovery codes of %d: %w", id, err)
	}
	codes := make([]string, 0, RecoveryCodes)
	seen := map[string]bool{}
	t := store.FormatTime(s.now())
	for len(codes) < RecoveryCodes {
		c := newRecoveryCode()
		if seen[hashCode(c)] {
			continue
		}
		seen[hashCode(c)] = true
		if _, err := tx.ExecContext(ctx, "INSERT INTO recovery_codes(official_id, code_hash, created_at) VALUES(?, ?, ?)", id, hashCode(c), t); err != nil {
			return nil, fmt.Errorf("secondfactor: recovery codes of %d: %w", id, err)
		}
		codes = append(codes, c)
	}
	return codes, nil
}

// RegenerateRecoveryCodes replaces account id's recovery codes with new ones, returned in
// clear this once; the old ones stop working. An account without a second factor has none.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, id int64) ([]string, error) {
	var codes []string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		has, err := hasFactor(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("secondfactor: recovery codes of %d: %w", id, err)
		}
		if !has {
			return problem.New(409, "no_second_factor", "second_factor.error.none")
		}
		codes, err = s.replaceCodes(ctx, tx, id)
		return err
	})
	return codes, err
}

// UseRecoveryCode spends one of account id's unused recovery codes, recording it in the audit
// log; it reports false for a code that is not one, or was used.
func (s *Service) UseRecoveryCode(ctx context.Context, id int64, code string) (bool, error) {
	used := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE recovery_codes SET used_at = ? WHERE official_id = ? AND code_hash = ? AND used_at IS NULL",
			store.FormatTime(s.now()), id, hashCode(code))
		if err != nil {
			return fmt.Errorf("secondfactor: recovery code of %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		used = true
		var left int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM recovery_codes WHERE official_id = ? AND used_at IS NULL", id).Scan(&left); err != nil {
			return fmt.Errorf("secondfactor: recovery code of %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: id}, ActionRecoveryUsed, subject(id), "left", "", strconv.Itoa(left))
	})
	return used, err
}

// RecordFailure writes a wrong second step of account id (method: totp or recovery) to the
// audit log.
func (s *Service) RecordFailure(ctx context.Context, id int64, method string) error {
	return audit.Record(ctx, s.db.W, audit.Actor{}, ActionFailed, subject(id), "method", "", method)
}

// Remove deletes account id's authenticator app at its holder's request (the caller checked
// the password), and its recovery codes when no passkey is left.
func (s *Service) Remove(ctx context.Context, actor audit.Actor, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM totp_factors WHERE official_id = ?", id)
		if err != nil {
			return fmt.Errorf("secondfactor: remove %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := s.dropCodesIfLast(ctx, tx, id); err != nil {
			return fmt.Errorf("secondfactor: remove %d: %w", id, err)
		}
		return audit.Record(ctx, tx, actor, ActionRemove, subject(id), "method", "totp", "")
	})
}

// Reset deletes account id's second factors by an admin's decision (its holder lost them),
// recording it with the admin as the actor; also (the end of the account's sessions) runs in
// the same transaction.
func (s *Service) Reset(ctx context.Context, actor audit.Actor, id int64, also func(*sql.Tx) error) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		from, err := s.removeAll(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor, ActionReset, subject(id), "method", from, ""); err != nil {
			return err
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
}

// removeAll deletes account id's factors, codes, pending sign-ins and passkey ceremonies;
// it returns the methods that went ("totp", "passkey" or "totp,passkey"; "" for none).
func (s *Service) removeAll(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var went []string
	for _, f := range []struct{ table, method string }{{"totp_factors", "totp"}, {"passkeys", "passkey"}} {
		res, err := tx.ExecContext(ctx, "DELETE FROM "+f.table+" WHERE official_id = ?", id)
		if err != nil {
			return "", fmt.Errorf("secondfactor: remove %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			went = append(went, f.method)
		}
	}
	if err := EraseTx(ctx, tx, id); err != nil {
		return "", err
	}
	return strings.Join(went, ","), nil
}

// personalTables are the tables that hold something of one account, by official_id.
var personalTables = []string{"totp_factors", "passkeys", "recovery_codes", "login_challenges", "passkey_ceremonies"}

// EraseTx deletes everything kept about account id, inside its erasure.
func EraseTx(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, t := range personalTables {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE official_id = ?", id); err != nil {
			return fmt.Errorf("secondfactor: erase %d: %w", id, err)
		}
	}
	return nil
}

func subject(id int64) string { return "official:" + strconv.FormatInt(id, 10) }
