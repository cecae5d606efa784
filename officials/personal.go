package officials

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// SessionInfo is a login session as its owner may see it: when it began and when it ends.
// Its secret is never shown (only a hash of it is kept). The platform does not record the
// device or address of a session.
type SessionInfo struct {
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Current   bool      `json:"current"` // the session the export was asked from
}

// TokenInfo is an API token as its owner may see it: its name and dates, never its secret.
type TokenInfo struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func parseNullStamp(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseStamp(s.String)
	return &t
}

// Sessions lists account id's login sessions not yet expired, newest first; current is the
// secret of the session asking (it is marked), or "".
func (s *Service) Sessions(ctx context.Context, id int64, current string) ([]SessionInfo, error) {
	cur := ""
	if current != "" {
		cur = hashToken(current)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT token_hash, created_at, expires_at FROM sessions
		WHERE official_id = ? AND expires_at > ? ORDER BY created_at DESC`, id, store.Now())
	out, err := store.Collect(rows, err, func(row store.Scanner) (SessionInfo, error) {
		var hash, created, expires string
		if err := row.Scan(&hash, &created, &expires); err != nil {
			return SessionInfo{}, err
		}
		return SessionInfo{CreatedAt: parseStamp(created), ExpiresAt: parseStamp(expires), Current: hash == cur}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("officials: sessions of %d: %w", id, err)
	}
	return out, nil
}

// APITokens lists account id's API tokens, revoked ones included, newest first.
func (s *Service) APITokens(ctx context.Context, id int64) ([]TokenInfo, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens
		WHERE official_id = ? ORDER BY id DESC`, id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (TokenInfo, error) {
		var t TokenInfo
		var created string
		var used, revoked sql.NullString
		if err := row.Scan(&t.ID, &t.Name, &created, &used, &revoked); err != nil {
			return t, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = parseStamp(created), parseNullStamp(used), parseNullStamp(revoked)
		return t, nil
	})
	if err != nil {
		return nil, fmt.Errorf("officials: API tokens of %d: %w", id, err)
	}
	return out, nil
}
