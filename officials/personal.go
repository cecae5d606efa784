package officials

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/masar-platform/masar/store"
)

// SessionInfo is a login session as its owner may see it: when it began, was last used and
// ends, the browser and network it came from, and how its holder signed in. Its secret is
// never shown (only a hash of it is kept); ID is a random name of its own, for the page's
// forms. The address is kept with its last part masked (MaskAddress).
type SessionInfo struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	Network    string    `json:"network"` // the masked address, "" when none was recorded
	Method     string    `json:"method"`
	Current    bool      `json:"current"` // the session the export was asked from
}

// Device names the session's browser and system.
func (i SessionInfo) Device() Device { return ParseDevice(i.UserAgent) }

// Place says where the session came from, as far as its masked address tells.
func (i SessionInfo) Place() Place { return PlaceOf(i.Network) }

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

// Sessions lists account id's login sessions not yet expired, the latest used first; current is the
// secret of the session asking (it is marked), or "".
func (s *Service) Sessions(ctx context.Context, id int64, current string) ([]SessionInfo, error) {
	cur := ""
	if current != "" {
		cur = hashToken(current)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT token_hash, public_id, created_at, coalesce(last_seen_at, created_at), expires_at,
		user_agent, ip, method FROM sessions WHERE official_id = ? AND expires_at > ? ORDER BY coalesce(last_seen_at, created_at) DESC, created_at DESC`,
		id, store.Now())
	out, err := store.Collect(rows, err, func(row store.Scanner) (SessionInfo, error) {
		var i SessionInfo
		var hash, created, seen, expires string
		if err := row.Scan(&hash, &i.ID, &created, &seen, &expires, &i.UserAgent, &i.Network, &i.Method); err != nil {
			return SessionInfo{}, err
		}
		i.CreatedAt, i.LastSeenAt, i.ExpiresAt, i.Current = parseStamp(created), parseStamp(seen), parseStamp(expires), hash == cur
		if t, ok := s.pendingSeen("sessions", hash); ok && t.After(i.LastSeenAt) {
			i.LastSeenAt = t
		}
		return i, nil
	})
	if err != nil {
		return nil, fmt.Errorf("officials: sessions of %d: %w", id, err)
	}
	// (A use noted here and not yet written may move a session up.)
	slices.SortStableFunc(out, func(a, b SessionInfo) int { return b.LastSeenAt.Compare(a.LastSeenAt) })
	return out, nil
}

// APITokens lists account id's API tokens, revoked ones included, newest first.
func (s *Service) APITokens(ctx context.Context, id int64) ([]TokenInfo, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, token_hash, name, created_at, last_used_at, revoked_at FROM api_tokens
		WHERE official_id = ? ORDER BY id DESC`, id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (TokenInfo, error) {
		var t TokenInfo
		var hash, created string
		var used, revoked sql.NullString
		if err := row.Scan(&t.ID, &hash, &t.Name, &created, &used, &revoked); err != nil {
			return t, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = parseStamp(created), parseNullStamp(used), parseNullStamp(revoked)
		if p, ok := s.pendingSeen("api_tokens", hash); ok && (t.LastUsedAt == nil || p.After(*t.LastUsedAt)) {
			t.LastUsedAt = &p
		}
		return t, nil
	})
	if err != nil {
		return nil, fmt.Errorf("officials: API tokens of %d: %w", id, err)
	}
	return out, nil
}
