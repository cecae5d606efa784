package secondfactor

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// Purposes of a login challenge.
const (
	// PurposeVerify: the account has a second factor; the sign-in waits for it.
	PurposeVerify = "verify"
	// PurposeEnrol: the account's role requires a second factor and it has none; the
	// sign-in waits for one to be set up.
	PurposeEnrol = "enrol"
)

// ChallengeTTL is how long a sign-in may wait between its password step and its second step.
const ChallengeTTL = 10 * time.Minute

// EnrolChallengeTTL is the same for a sign-in that must first set up an app: long enough to
// install one.
const EnrolChallengeTTL = 30 * time.Minute

// MaxAttempts is how many wrong codes one challenge takes; then the sign-in starts again at
// the password.
const MaxAttempts = 5

// Challenge is a sign-in waiting for its second step.
type Challenge struct {
	OfficialID int64
	Purpose    string
	Next       string // where to go once signed in
	Attempts   int
	Passed     bool // an enrolment made in this sign-in was confirmed
	// First is the sign-in's first step: FirstPassword or FirstOIDC.
	First string
}

// The first steps of a sign-in that a second step may follow.
const (
	FirstPassword = "password"
	FirstOIDC     = "oidc"
)

// ErrNoChallenge is a challenge token that is unknown, expired or used up.
var ErrNoChallenge = errors.New("secondfactor: no such sign-in waiting")

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// NewChallenge starts the second step of a sign-in of account id and returns its secret, for
// the browser's cookie (only its hash is stored); first is how the sign-in began
// (FirstPassword or FirstOIDC). The account's older challenges end, and so do every
// account's expired ones.
func (s *Service) NewChallenge(ctx context.Context, id int64, purpose, next, first string) (string, error) {
	if first != FirstPassword && first != FirstOIDC {
		return "", fmt.Errorf("secondfactor: new challenge for %d: unknown first step %q", id, first)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	ttl := ChallengeTTL
	if purpose == PurposeEnrol {
		ttl = EnrolChallengeTTL
	}
	t := s.now().UTC()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_challenges WHERE official_id = ? OR expires_at < ?", id, store.FormatTime(t)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_challenges(token_hash, official_id, purpose, next, first_step, created_at, expires_at)
			VALUES(?, ?, ?, ?, ?, ?, ?)`, hashToken(tok), id, purpose, next, first, store.FormatTime(t), store.FormatTime(t.Add(ttl)))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("secondfactor: new challenge for %d: %w", id, err)
	}
	return tok, nil
}

// Challenge returns the live challenge of token, or ErrNoChallenge.
func (s *Service) Challenge(ctx context.Context, token string) (*Challenge, error) {
	if token == "" {
		return nil, ErrNoChallenge
	}
	var ch Challenge
	var passed sql.NullString
	err := s.db.R.QueryRowContext(ctx, `SELECT official_id, purpose, next, first_step, attempts, passed_at FROM login_challenges
		WHERE token_hash = ? AND expires_at > ? AND attempts < ?`, hashToken(token), store.FormatTime(s.now()), MaxAttempts).
		Scan(&ch.OfficialID, &ch.Purpose, &ch.Next, &ch.First, &ch.Attempts, &passed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoChallenge
	}
	if err != nil {
		return nil, fmt.Errorf("secondfactor: challenge: %w", err)
	}
	ch.Passed = passed.Valid
	return &ch, nil
}

// ChallengeFailed counts a wrong code against the challenge of token and reports how many
// tries it has left (zero: it is used up).
func (s *Service) ChallengeFailed(ctx context.Context, token string) (int, error) {
	var n int
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = ?", hashToken(token)); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, "SELECT attempts FROM login_challenges WHERE token_hash = ?", hashToken(token)).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			n = MaxAttempts
			return nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("secondfactor: challenge failed: %w", err)
	}
	return max(0, MaxAttempts-n), nil
}

// PassChallengeTx marks the challenge of token passed, inside the enrolment's transaction.
func (s *Service) PassChallengeTx(ctx context.Context, tx *sql.Tx, token string) error {
	if _, err := tx.ExecContext(ctx, "UPDATE login_challenges SET passed_at = ? WHERE token_hash = ?", store.FormatTime(s.now()), hashToken(token)); err != nil {
		return fmt.Errorf("secondfactor: pass challenge: %w", err)
	}
	return nil
}

// EndChallenge deletes the challenge of token (the sign-in is complete or abandoned); it
// reports whether it was there, so that two requests cannot both complete one sign-in.
func (s *Service) EndChallenge(ctx context.Context, token string) (bool, error) {
	res, err := s.db.W.ExecContext(ctx, "DELETE FROM login_challenges WHERE token_hash = ?", hashToken(token))
	if err != nil {
		return false, fmt.Errorf("secondfactor: end challenge: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
