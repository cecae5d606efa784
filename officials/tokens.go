package officials

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// SessionTTL is how long a login lasts without use.
const SessionTTL = 14 * 24 * time.Hour

// NewToken returns a random, URL-safe secret of 256 bits.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how secrets are kept: only their SHA-256 is stored, so that a copy of the
// database does not hand out working sessions, tokens or links.
func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// NewSession starts a login session for account id and returns its secret. m says from
// where and how the person signed in (their sessions page shows it); the sign-in is written
// to the audit log (auth.login, with the method) in the same transaction.
func (s *Service) NewSession(ctx context.Context, id int64, m SessionMeta) (string, error) {
	tok := NewToken()
	t := time.Now().UTC()
	method := m.method()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRowContext(ctx, "SELECT email FROM officials WHERE id = ?", id).Scan(&email); err != nil {
			return fmt.Errorf("officials: new session for %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions(token_hash, official_id, created_at, expires_at, public_id, user_agent, ip, method)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?)`, hashToken(tok), id, store.FormatTime(t), store.FormatTime(t.Add(SessionTTL)),
			newPublicID(), cutUserAgent(m.UserAgent), MaskAddress(m.IP), method); err != nil {
			return fmt.Errorf("officials: new session: %w", err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: id, Email: email}, ActionLogin, subjectOf(id), "method", "", method)
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

// SessionOfficial returns the account logged in with the session secret. It notes when the
// session was last used, at most once every LastSeenEvery: a page view reads, and only the
// first one after that interval writes.
func (s *Service) SessionOfficial(ctx context.Context, token string) (*Official, error) {
	if token == "" {
		return nil, store.ErrNotFound
	}
	key := hashToken(token)
	kept, ok, snap := s.sessions.Get(key)
	if ok && s.keepTokens {
		kept.noteSeen(s, "sessions", key)
		o := *kept.o
		return &o, nil
	}
	var expires, seen string
	o, err := scanWith(s.db.R.QueryRowContext(ctx, "SELECT "+prefixed("o")+`, s.expires_at, coalesce(s.last_seen_at, s.created_at)
		FROM sessions s JOIN officials o ON o.id = s.official_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND o.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM erasure_requests e WHERE e.official_id = o.id)`, key, now()), &expires, &seen)
	if err != nil {
		return nil, err
	}
	written := s.noteSeen("sessions", key, seen)
	var until time.Time
	if t, err := time.Parse(time.RFC3339Nano, expires); err == nil {
		until = t
	}
	s.sessions.PutUntil(key, newKeptLogin(o, written), snap, until)
	return o, nil
}

// EndSession logs a session out (a new login in the same browser replaces its old one).
func (s *Service) EndSession(ctx context.Context, token string) error {
	defer s.changed()
	_, err := s.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	return err
}

// CreateAPIToken issues a bearer token for account id and returns its secret, shown once.
func (s *Service) CreateAPIToken(ctx context.Context, id int64, name string) (string, error) {
	tok := "msr_" + NewToken()
	_, err := s.db.W.ExecContext(ctx, "INSERT INTO api_tokens(official_id, name, token_hash, created_at) VALUES(?, ?, ?, ?)",
		id, name, hashToken(tok), now())
	if err != nil {
		return "", fmt.Errorf("officials: create token: %w", err)
	}
	return tok, nil
}

// CreateAPITokenFor is CreateAPIToken on someone's behalf (the command line's `masar token
// create`): a token acts as the account, so its making is written to the audit log, in the
// same transaction, with the token's name and never its secret.
func (s *Service) CreateAPITokenFor(ctx context.Context, actor audit.Actor, id int64, name string) (string, error) {
	tok := "msr_" + NewToken()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO api_tokens(official_id, name, token_hash, created_at) VALUES(?, ?, ?, ?)",
			id, name, hashToken(tok), now()); err != nil {
			return fmt.Errorf("officials: create token: %w", err)
		}
		return audit.Record(ctx, tx, actor, "official.token_create", fmt.Sprintf("official:%d", id), "name", "", name)
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

// TokenOfficial returns the account a live bearer token belongs to. Where the bus hears
// other processes (PostgreSQL), it is kept in memory for a few seconds (sessionCacheTTL)
// under its hash, in the sessions' cache, and forgotten with them at any change to
// accounts, sessions or tokens, here, on another instance or from a command: a client that
// calls the API in a loop costs one lookup, not one a call. On SQLite a command revokes a
// token without a bus, so every call asks the database.
func (s *Service) TokenOfficial(ctx context.Context, token string) (*Official, error) {
	key := apiTokenKey + hashToken(token)
	kept, ok, snap := s.sessions.Get(key)
	if ok && s.keepTokens {
		kept.noteSeen(s, "api_tokens", hashToken(token))
		o := *kept.o
		return &o, nil
	}
	var used string
	o, err := scanWith(s.db.R.QueryRowContext(ctx, "SELECT "+prefixed("o")+`, coalesce(t.last_used_at, '') FROM api_tokens t JOIN officials o ON o.id = t.official_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND o.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM erasure_requests e WHERE e.official_id = o.id)`, hashToken(token)), &used)
	if err != nil {
		return nil, err
	}
	written := s.noteSeen("api_tokens", hashToken(token), used)
	if s.keepTokens {
		s.sessions.Put(key, newKeptLogin(o, written), snap)
	}
	return o, nil
}

// apiTokenKey prefixes the hash of a bearer token among the kept sessions.
const apiTokenKey = "api:"

// RevokeAPIToken stops a bearer token from working.
func (s *Service) RevokeAPIToken(ctx context.Context, token string) error {
	defer s.changed()
	res, err := s.db.W.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL", now(), hashToken(token))
	if err != nil {
		return fmt.Errorf("officials: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// Purposes of e-mailed links.
const (
	PurposeConfirm = "confirm"
	PurposeReset   = "reset"
)

// Lifetimes of e-mailed links.
const (
	ConfirmTTL = 7 * 24 * time.Hour
	ResetTTL   = time.Hour
)

// NewEmailToken makes a single-use link secret for account id.
func (s *Service) NewEmailToken(ctx context.Context, id int64, purpose string) (string, error) {
	return newEmailToken(ctx, s.db.W, id, purpose)
}

// NewEmailTokenTx is NewEmailToken inside the caller's transaction (or through q), so that
// the link and the mail that carries it are saved with what they are for.
func (s *Service) NewEmailTokenTx(ctx context.Context, q store.Queryer, id int64, purpose string) (string, error) {
	return newEmailToken(ctx, q, id, purpose)
}

// insertLink stores an e-mailed link's hash: token_hash, official_id, purpose, created_at
// and expires_at, in that order.
const insertLink = "INSERT INTO email_tokens(token_hash, official_id, purpose, created_at, expires_at) VALUES(?, ?, ?, ?, ?)"

// newEmailToken stores a link secret through q (the writer or a transaction).
func newEmailToken(ctx context.Context, q store.Queryer, id int64, purpose string) (string, error) {
	return storeLink(ctx, q, insertLink, id, purpose)
}

// storeLink makes a link secret for account id and stores it with query, which takes the
// arguments of insertLink.
func storeLink(ctx context.Context, q store.Queryer, query string, id int64, purpose string) (string, error) {
	ttl := ConfirmTTL
	if purpose == PurposeReset {
		ttl = ResetTTL
	}
	tok := NewToken()
	t := time.Now().UTC()
	_, err := q.ExecContext(ctx, query, hashToken(tok), id, purpose, store.FormatTime(t), store.FormatTime(t.Add(ttl)))
	if err != nil {
		return "", fmt.Errorf("officials: new %s token: %w", purpose, err)
	}
	return tok, nil
}

// RequestReset makes a password-reset link for the live account with that e-mail and hands
// it to send inside the transaction that stores it (send queues the mail), so that the link
// and its mail are saved together.
//
// For an address without an account it does the same work — a link stored for a stand-in
// account with the typed address and the page's language, handed to send — inside a
// savepoint that it then rolls back, and commits the (now empty) transaction: the pages it
// touched are written and synced like a real request's, so that neither the answer nor the
// time it takes tells whether the address has an account (measured by BenchmarkRequestReset).
func (s *Service) RequestReset(ctx context.Context, email, lang string, send func(tx *sql.Tx, o *Official, token string) error) error {
	o, err := s.GetByEmail(ctx, email)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !known {
		o = &Official{Email: strings.TrimSpace(email), Language: lang}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var tok string
		var err error
		if known {
			tok, err = newEmailToken(ctx, tx, o.ID, PurposeReset)
		} else {
			// The stand-in's link points at no account (see standInLink); the savepoint takes
			// back what it wrote.
			tok, err = s.standInLink(ctx, tx)
		}
		if err != nil {
			return err
		}
		if err := send(tx, o, tok); err != nil && known {
			return err
		}
		if !known {
			for _, q := range []string{"ROLLBACK TO standin", "RELEASE standin"} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("officials: request reset: %w", err)
				}
			}
		}
		return nil
	})
	return err
}

// ErrLinkInvalid is returned for an unknown, used or expired e-mailed link.
var ErrLinkInvalid = problem.New(http.StatusGone, "link_invalid", "error.link_invalid")

// useEmailToken spends a link inside tx and returns the account it was for.
func useEmailToken(ctx context.Context, tx *sql.Tx, token, purpose string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ?
		AND used_at IS NULL AND expires_at > ? RETURNING official_id`, now(), hashToken(token), purpose, now()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrLinkInvalid
	}
	return id, err
}

// CheckEmailToken reports whether a link is still usable, without spending it.
func (s *Service) CheckEmailToken(ctx context.Context, token, purpose string) error {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM email_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
		hashToken(token), purpose, now()).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrLinkInvalid
	}
	return nil
}

// ConfirmEmail spends a confirmation link and marks the address confirmed.
func (s *Service) ConfirmEmail(ctx context.Context, token string) (int64, error) {
	var id int64
	defer s.changed()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = useEmailToken(ctx, tx, token, PurposeConfirm); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE officials SET email_confirmed_at = coalesce(email_confirmed_at, ?) WHERE id = ?", now(), id)
		return err
	})
	return id, err
}

// ResetPassword spends a reset link and sets a new password; every session of the account
// ends, its API tokens are revoked and the address counts as confirmed (the link reached
// it). It returns the account's id and how many tokens were revoked.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (int64, int, error) {
	if k := passwordProblem(password, ""); k != "" {
		return 0, 0, problem.Fields{"password": k}.Err()
	}
	h, err := s.hash(password)
	if err != nil {
		return 0, 0, err
	}
	var id int64
	revoked := 0
	defer s.changed()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = useEmailToken(ctx, tx, token, PurposeReset); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRowContext(ctx, "SELECT email FROM officials WHERE id = ?", id).Scan(&email); err != nil {
			return fmt.Errorf("officials: reset password %d: %w", id, err)
		}
		// Refused, the link stays unspent: the transaction rolls back.
		if k := passwordProblem(password, email); k != "" {
			return problem.Fields{"password": k}.Err()
		}
		if _, err = tx.ExecContext(ctx, `UPDATE officials SET password_hash = ?, must_change_password = 0,
			email_confirmed_at = coalesce(email_confirmed_at, ?), updated_at = ? WHERE id = ?`, h, now(), now(), id); err != nil {
			return fmt.Errorf("officials: reset password %d: %w", id, err)
		}
		// Whoever held the link acted as the account: recorded, so that a takeover shows.
		if err := audit.Record(ctx, tx, audit.Actor{ID: id, Email: email}, "official.password_reset", fmt.Sprintf("official:%d", id), "", "", ""); err != nil {
			return err
		}
		revoked, err = endSessionsAndTokens(ctx, tx, id, "")
		return err
	})
	return id, revoked, err
}

func prefixed(alias string) string {
	return alias + `.id, ` + alias + `.email, ` + alias + `.password_hash, ` + alias + `.name_ar, ` + alias + `.name_latin, ` +
		alias + `.job_title, ` + alias + `.organisation, coalesce(` + alias + `.country, ''), ` + alias + `.sector, ` +
		alias + `.gender, ` + alias + `.language, ` + alias + `.role, ` + alias + `.email_confirmed_at IS NOT NULL, ` +
		alias + `.must_change_password, ` + alias + `.created_at, ` + alias + `.deleted_at`
}
