package officials

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"
)

// Audit actions of signing in and out, and of a person managing their own sessions and
// tokens. Sign-ins by other means (a second factor, an identity provider) record their own
// auth.* actions.
const (
	ActionLogin        = "auth.login"
	ActionLoginFailed  = "auth.login_failed"
	ActionLogout       = "auth.logout"
	ActionSessionEnded = "auth.session.ended"
	ActionTokenRevoked = "auth.token.revoked"
)

// MethodPassword is the sign-in method of a session opened with an e-mail and a password.
const MethodPassword = "password"

// What the audit entries of this file record.
const (
	unknownAccount     = "unknown_account" // the subject of a failed sign-in with an address without an account
	endedOtherSessions = "others"          // the value of "sessions" when every other session was ended
	maxMethodLen       = 40
	publicIDBytes      = 10
	maxRecordedDomain  = 100
)

// LastSeenEvery is how often, at most, a session's (or an API token's) last use is written:
// a page view reads the session, and only the first view after this interval writes.
const LastSeenEvery = 5 * time.Minute

// SessionMeta is where and how a person signed in, kept with their session to show them.
type SessionMeta struct {
	UserAgent string // the User-Agent header (cut to 512 bytes)
	IP        string // the client's address, as the platform determined it; only its network is kept
	Method    string // how they signed in: MethodPassword ("" means it), or another sign-in's name
}

func (m SessionMeta) method() string {
	x := strings.TrimSpace(m.Method)
	if x == "" {
		return MethodPassword
	}
	if len(x) > maxMethodLen {
		x = x[:maxMethodLen]
	}
	return x
}

// newPublicID is the random id that names a session in URLs; unrelated to its secret.
func newPublicID() string {
	b := make([]byte, publicIDBytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// noteSeen records now as the last use of the row of table (sessions or api_tokens) with
// that token hash when the recorded one (last, "" for never) is older than LastSeenEvery,
// and returns the last use as now recorded. The time is written with the others waiting,
// in one transaction, by the next FlushSeen (every second, by the platform): a burst of
// first calls from many accounts is one commit, not one each. A failed write is not the
// visitor's concern: the page is served, and the time is written on a later view.
func (s *Service) noteSeen(table, hash, last string) time.Time {
	t := s.Now()
	if l, err := time.Parse(time.RFC3339Nano, last); err == nil && t.Sub(l) < LastSeenEvery {
		return l
	}
	s.seenMu.Lock()
	if s.seen == nil {
		s.seen = map[seenKey]time.Time{}
	}
	s.seen[seenKey{table, hash}] = t
	s.seenMu.Unlock()
	return t
}

// keptLogin is a session's or a bearer token's account as the sessions' cache keeps it, with
// when its last use was written, so that a login served from the cache is noted too (at
// most once every LastSeenEvery).
type keptLogin struct {
	o    *Official
	seen atomic.Int64 // unix nanoseconds of the last use written
}

func newKeptLogin(o *Official, seen time.Time) *keptLogin {
	cp := *o
	k := &keptLogin{o: &cp}
	k.seen.Store(seen.UnixNano())
	return k
}

// noteSeen writes the last use of the kept login when the one written is older than
// LastSeenEvery; of the requests that see it old at once, one writes.
func (k *keptLogin) noteSeen(s *Service, table, hash string) {
	old := k.seen.Load()
	t := s.Now()
	if t.Sub(time.Unix(0, old)) < LastSeenEvery || !k.seen.CompareAndSwap(old, t.UnixNano()) {
		return
	}
	s.noteSeen(table, hash, time.Unix(0, old).UTC().Format(time.RFC3339Nano))
}

// Logout ends the session with that secret and writes auth.logout; a session already gone
// is no error.
func (s *Service) Logout(ctx context.Context, token string) error {
	defer s.changed()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "DELETE FROM sessions WHERE token_hash = ? RETURNING official_id", hashToken(token)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("officials: log out: %w", err)
		}
		a, err := actorOf(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, ActionLogout, subjectOf(id), "", "", "")
	})
}

// actorOf is account id as the actor of an audit entry.
func actorOf(ctx context.Context, q store.Queryer, id int64) (audit.Actor, error) {
	var email string
	if err := q.QueryRowContext(ctx, "SELECT email FROM officials WHERE id = ?", id).Scan(&email); err != nil {
		return audit.Actor{}, fmt.Errorf("officials: account %d: %w", id, err)
	}
	return audit.Actor{ID: id, Email: email}, nil
}

// EndOwnSession ends the session named publicID of owner (who asks for it) and writes
// auth.session.ended with the device and network it was on. A session of someone else, or
// one already gone, is store.ErrNotFound. Every instance forgets it at once (the sessions'
// cache is emptied here and, through the bus, on the others).
func (s *Service) EndOwnSession(ctx context.Context, owner audit.Actor, publicID string) error {
	defer s.changed()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var ua, ip string
		err := tx.QueryRowContext(ctx, "DELETE FROM sessions WHERE public_id = ? AND official_id = ? RETURNING user_agent, ip",
			publicID, owner.ID).Scan(&ua, &ip)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("officials: end session: %w", store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("officials: end session: %w", err)
		}
		return audit.Record(ctx, tx, owner, ActionSessionEnded, subjectOf(owner.ID), "session", "", describeSession(ua, ip))
	})
}

// describeSession is how the audit log names an ended session: "Firefox, Windows,
// 203.0.113.x" (the parts known; a local network has no address to show). Proper names
// and an address only: the entry reads the same in every language.
func describeSession(ua, ip string) string {
	d, p := ParseDevice(ua), PlaceOf(ip)
	var parts []string
	for _, x := range []string{d.Browser, d.OS, p.Network} {
		if x != "" {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, ", ")
}

// EndOwnOtherSessions ends every session of owner but the one with secret keep, writes
// auth.session.ended ("others") when there were any, and returns how many ended.
func (s *Service) EndOwnOtherSessions(ctx context.Context, owner audit.Actor, keep string) (int, error) {
	n := 0
	defer s.changed()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = endSessions(ctx, tx, owner.ID, keep); err != nil || n == 0 {
			return err
		}
		return audit.Record(ctx, tx, owner, ActionSessionEnded, subjectOf(owner.ID), "sessions", "", endedOtherSessions)
	})
	return n, err
}

// EndOtherSessions ends every session of account id but the one with secret keep, on every
// instance at once. It writes nothing to the audit log: the caller records why (a second
// factor reset, say).
func (s *Service) EndOtherSessions(ctx context.Context, id int64, keep string) error {
	defer s.changed()
	_, err := endSessions(ctx, s.db.W, id, keep)
	return err
}

// EndAllSessions ends every session of account id, on every instance at once; like
// EndOtherSessions, the caller records why.
func (s *Service) EndAllSessions(ctx context.Context, id int64) error {
	return s.EndOtherSessions(ctx, id, "")
}

// endSessions deletes the sessions of account id but the one with secret keep ("" keeps
// none) and returns how many went.
func endSessions(ctx context.Context, q store.Queryer, id int64, keep string) (int, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM sessions WHERE official_id = ? AND token_hash <> ?", id, keepHash(keep))
	if err != nil {
		return 0, fmt.Errorf("officials: end sessions of %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// keepHash is the hash of the session to keep; "" for none (no hash is empty).
func keepHash(keep string) string {
	if keep == "" {
		return ""
	}
	return hashToken(keep)
}

// RevokeOwnAPIToken revokes owner's API token id and writes auth.token.revoked with its
// name. A token of someone else, or none, is store.ErrNotFound; one already revoked stays
// as it was.
func (s *Service) RevokeOwnAPIToken(ctx context.Context, owner audit.Actor, id int64) error {
	defer s.changed()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND official_id = ? AND revoked_at IS NULL RETURNING name",
			now(), id, owner.ID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM api_tokens WHERE id = ? AND official_id = ?", id, owner.ID).Scan(&n); err != nil {
				return fmt.Errorf("officials: revoke token %d: %w", id, err)
			}
			if n == 0 {
				return fmt.Errorf("officials: revoke token %d: %w", id, store.ErrNotFound)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("officials: revoke token %d: %w", id, err)
		}
		return audit.Record(ctx, tx, owner, ActionTokenRevoked, subjectOf(owner.ID), "token", "", name)
	})
}

// RecordLoginFailure writes auth.login_failed for a refused password sign-in with the
// typed address email. For a live account it names the account and its address (both go
// with the account when it is erased). For an address without an account it keeps no
// personal data: only the address's domain, which says which organisation was tried (and
// shows a run of guesses against one ministry), when it reads as a domain.
func (s *Service) RecordLoginFailure(ctx context.Context, email string) error {
	norm := NormaliseEmail(email)
	var id int64
	err := s.db.R.QueryRowContext(ctx, "SELECT id FROM officials WHERE email_norm = ? AND deleted_at IS NULL", norm).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return audit.Record(ctx, s.db.W, audit.Actor{}, ActionLoginFailed, unknownAccount, "domain", "", domainOf(norm))
	case err != nil:
		return fmt.Errorf("officials: record login failure: %w", err)
	}
	return audit.Record(ctx, s.db.W, audit.Actor{}, ActionLoginFailed, subjectOf(id), "email", "", norm)
}

// domainOf is the domain of a normalised address when it reads as one (letters, digits,
// dots and hyphens, with a dot); "" otherwise, so that nothing typed by mistake into the
// address field (a password, a name) is recorded.
func domainOf(norm string) string {
	at := strings.LastIndexByte(norm, '@')
	if at < 0 {
		return ""
	}
	d := norm[at+1:]
	if d == "" || len(d) > maxRecordedDomain || !strings.Contains(d, ".") {
		return ""
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return ""
		}
	}
	return d
}
