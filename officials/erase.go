package officials

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// DefaultErasureGrace is how long an account whose holder asked for its deletion waits
// before it is erased, unless the configuration says otherwise (MASAR_ERASURE_GRACE).
const DefaultErasureGrace = 14 * 24 * time.Hour

// ReasonOwnRequest is the reason recorded when the holder's own request comes due.
const ReasonOwnRequest = "own_request"

// MaxReasonRunes bounds the reason staff give for an erasure.
const MaxReasonRunes = 1000

// Erased is a person being erased, handed to the features' erase hooks inside the erasure's
// transaction: what they need to find the person's data (the values are the last ones the
// account held).
type Erased struct {
	ID        int64
	Email     string
	NameAr    string
	NameLatin string
	// Pseudonym is the stable opaque name that stands for the person from now on.
	Pseudonym string
}

// EraseHook removes or redacts a feature's data about a person, inside tx. A hook that fails
// makes the whole erasure fail: nothing is half-erased.
type EraseHook func(ctx context.Context, tx *sql.Tx, p Erased) error

// OnErase registers a hook that runs inside every erasure's transaction.
func (s *Service) OnErase(f EraseHook) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.eraseHooks = append(s.eraseHooks, f)
}

// SetClock replaces the time source of the erasure schedule (tests move it forward).
func (s *Service) SetClock(f func() time.Time) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.clock = f
}

// Now is the service's current time, in UTC.
func (s *Service) Now() time.Time {
	s.hookMu.RLock()
	f := s.clock
	s.hookMu.RUnlock()
	if f == nil {
		return time.Now().UTC()
	}
	return f().UTC()
}

// ErasureScheduledError is what Authenticate returns, once the password is right, for an
// account waiting to be erased: it cannot be used until the holder undoes the request with
// the link they were mailed.
type ErasureScheduledError struct{ Due time.Time }

func (e *ErasureScheduledError) Error() string {
	return "officials: the account is scheduled for erasure on " + e.Due.Format(time.RFC3339)
}

// ScheduleErasure records the holder's request to delete account id: it is erased once grace
// has passed (EraseDue), and until then it cannot be used — every session ends now, and its
// API tokens stop working until the request is undone. notify (inside the transaction, so
// that the request and its mail are saved together) is handed the secret of the one-time
// undo link and the date of the erasure. It returns that date.
func (s *Service) ScheduleErasure(ctx context.Context, id int64, grace time.Duration,
	notify func(tx *sql.Tx, o *Official, token string, due time.Time) error) (time.Time, error) {
	if grace < 0 {
		grace = 0
	}
	now := s.Now()
	due := now.Add(grace)
	tok := NewToken()
	defer s.changed()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAccount(ctx, tx, id); err != nil {
			return fmt.Errorf("officials: schedule erasure of %d: %w", id, err)
		}
		o, err := scan(tx.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ? AND deleted_at IS NULL", id))
		if err != nil {
			return fmt.Errorf("officials: schedule erasure of %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO erasure_requests(official_id, requested_at, due_at, undo_hash) VALUES(?, ?, ?, ?)",
			id, store.FormatTime(now), store.FormatTime(due), hashToken(tok)); err != nil {
			return fmt.Errorf("officials: schedule erasure of %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE official_id = ?", id); err != nil {
			return fmt.Errorf("officials: schedule erasure of %d: %w", id, err)
		}
		if err := audit.Record(ctx, tx, audit.Actor{ID: o.ID, Email: o.Email}, "official.erasure_scheduled", subjectOf(id),
			"due_at", "", store.FormatTime(due)); err != nil {
			return err
		}
		if notify == nil {
			return nil
		}
		return notify(tx, o, tok, due)
	})
	if err != nil {
		return time.Time{}, err
	}
	return due, nil
}

// ErasureDue returns when account id is to be erased; ok is false when no erasure waits.
func (s *Service) ErasureDue(ctx context.Context, id int64) (due time.Time, ok bool, err error) {
	var at string
	err = s.db.R.QueryRowContext(ctx, "SELECT due_at FROM erasure_requests WHERE official_id = ?", id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("officials: erasure of %d: %w", id, err)
	}
	due, err = time.Parse(time.RFC3339Nano, at)
	return due, err == nil, err
}

// CheckUndoErasure returns the date of the erasure that the undo link token would cancel,
// without spending it; ErrLinkInvalid for an unknown or spent link, or one whose erasure is
// done.
func (s *Service) CheckUndoErasure(ctx context.Context, token string) (time.Time, error) {
	var at string
	err := s.db.R.QueryRowContext(ctx, "SELECT due_at FROM erasure_requests WHERE undo_hash = ? AND due_at > ?",
		hashToken(token), store.FormatTime(s.Now())).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrLinkInvalid
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("officials: undo link: %w", err)
	}
	return time.Parse(time.RFC3339Nano, at)
}

// UndoErasure spends the undo link token: the erasure is cancelled and the account is as it
// was (its API tokens work again; its holder logs in anew). It returns the account.
func (s *Service) UndoErasure(ctx context.Context, token string) (*Official, error) {
	var o *Official
	defer s.changed()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "DELETE FROM erasure_requests WHERE undo_hash = ? AND due_at > ? RETURNING official_id",
			hashToken(token), store.FormatTime(s.Now())).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkInvalid
		}
		if err != nil {
			return fmt.Errorf("officials: undo erasure: %w", err)
		}
		if o, err = scan(tx.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ?", id)); err != nil {
			return fmt.Errorf("officials: undo erasure of %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: o.ID, Email: o.Email}, "official.erasure_cancelled", subjectOf(id), "", "", "")
	})
	return o, err
}

// ErrEraseSelf is an erasure on request of one's own account: staff erase their own account
// from their own page, like everybody.
var ErrEraseSelf = problem.New(http.StatusConflict, "erase_self", "erasure.error.self")

// EraseOnRequest erases account id at once, for a person who asked the programme by other
// means (a letter, an e-mail to the programme): staff may erase officials, focal points and
// trainers; only an admin may erase staff or admin accounts; nobody erases their own account
// this way (so an admin erasing another admin leaves at least one). reason is required and
// kept in the audit log.
func (s *Service) EraseOnRequest(ctx context.Context, by *Official, id int64, reason string) error {
	if !by.IsStaff() {
		return problem.Forbidden
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return problem.Fields{"reason": "erasure.field.reason.required"}.Err()
	case utf8.RuneCountInString(reason) > MaxReasonRunes:
		return problem.Fields{"reason": "erasure.field.reason.too_long"}.Err()
	}
	if by.ID == id {
		return ErrEraseSelf
	}
	o, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if o.DeletedAt != nil {
		return fmt.Errorf("officials: erase %d: %w", id, store.ErrNotFound)
	}
	if (o.Role == RoleStaff || o.Role == RoleAdmin) && !by.IsAdmin() {
		return problem.Forbidden
	}
	return s.Erase(ctx, audit.Actor{ID: by.ID, Email: by.Email}, id, reason)
}

// EraseDue erases the accounts whose grace period is over and returns how many.
func (s *Service) EraseDue(ctx context.Context) (int, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT official_id FROM erasure_requests WHERE due_at <= ? ORDER BY due_at",
		store.FormatTime(s.Now()))
	ids, err := store.Collect(rows, err, store.Column[int64])
	if err != nil {
		return 0, fmt.Errorf("officials: erasures due: %w", err)
	}
	n := 0
	for _, id := range ids {
		if err := s.Erase(ctx, audit.Actor{Email: "system"}, id, ReasonOwnRequest); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// Delete erases account id at once (see Erase), with no reason recorded.
func (s *Service) Delete(ctx context.Context, actor audit.Actor, id int64) error {
	return s.Erase(ctx, actor, id, "")
}

// Erase erases account id's personal data, in one transaction: the features' hooks remove or
// redact what they hold (mail, registrations, free texts…); the audit log names the person
// by a pseudonym from then on (the record of this erasure too); the profile is emptied; the
// sessions, API tokens, e-mailed links and any pending erasure request go. The row stays,
// emptied, so that records that point to it still hold (a certificate keeps the name printed
// on it). Then the write-ahead log is checkpointed, so that the erased values are left in
// neither the database file (secure_delete) nor the log.
func (s *Service) Erase(ctx context.Context, actor audit.Actor, id int64, reason string) error {
	s.hookMu.RLock()
	hooks := append([]EraseHook(nil), s.eraseHooks...)
	s.hookMu.RUnlock()
	defer s.changed()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Taken before the account is read: a second erasure of it waits for this one and
		// then finds it erased, rather than erasing it again under another pseudonym.
		if err := s.lockAccount(ctx, tx, id); err != nil {
			return fmt.Errorf("officials: erase %d: %w", id, err)
		}
		o, err := scan(tx.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ? AND deleted_at IS NULL", id))
		if err != nil {
			return fmt.Errorf("officials: erase %d: %w", id, err)
		}
		p := Erased{ID: id, Email: o.Email, NameAr: o.NameAr, NameLatin: o.NameLatin, Pseudonym: newPseudonym()}
		for _, h := range hooks {
			if err := h(ctx, tx, p); err != nil {
				return fmt.Errorf("officials: erase %d: %w", id, err)
			}
		}
		if err := audit.Pseudonymise(ctx, tx, audit.Person{ID: id, Emails: []string{o.Email, NormaliseEmail(o.Email)},
			Names: []string{o.NameAr, o.NameLatin}, Pseudonym: p.Pseudonym}); err != nil {
			return err
		}
		t := store.FormatTime(s.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE officials SET email = '', email_norm = 'deleted:' || id, password_hash = '',
			name_ar = '', name_latin = '', job_title = '', organisation = '', sector = '', gender = '',
			role = CASE WHEN role = 'focal_point' THEN 'official' ELSE role END, pseudonym = ?,
			email_confirmed_at = NULL, deleted_at = ?, updated_at = ? WHERE id = ?`, p.Pseudonym, t, t, id); err != nil {
			return fmt.Errorf("officials: erase %d: %w", id, err)
		}
		for _, q := range []string{"DELETE FROM sessions WHERE official_id = ?", "DELETE FROM api_tokens WHERE official_id = ?",
			"DELETE FROM email_tokens WHERE official_id = ?", "DELETE FROM erasure_requests WHERE official_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("officials: erase %d: %w", id, err)
			}
		}
		if actor.ID == id {
			actor.Email = p.Pseudonym
		}
		return audit.Record(ctx, tx, actor, "official.delete", subjectOf(id), "reason", "", reason)
	})
	if err != nil {
		return err
	}
	// Best effort: a reader in a long query may hold the checkpoint back; the periodic
	// upkeep checkpoints again.
	_, _ = s.db.Checkpoint(ctx)
	return nil
}

func subjectOf(id int64) string { return fmt.Sprintf("official:%d", id) }

// newPseudonym is "person-" and 96 random bits in hex: it says nothing about the person.
func newPseudonym() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "person-" + hex.EncodeToString(b)
}
