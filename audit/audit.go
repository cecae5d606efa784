// Package audit records what staff and admins do to other people's data — who, when, what,
// from which value to which — and lists it for admins.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// Actor is who did something; a zero ID means the system itself.
type Actor struct {
	ID    int64
	Email string
}

// Entry is one recorded action.
type Entry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Field   string    `json:"field"`
	From    string    `json:"from"`
	To      string    `json:"to"`
}

// Record writes one entry inside the caller's transaction, so that the change and its record
// commit or fail together.
func Record(ctx context.Context, q store.Queryer, a Actor, action, subject, field, from, to string) error {
	var actor any
	if a.ID != 0 {
		actor = a.ID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log(at, actor_id, actor_email, action, subject, field, from_value, to_value)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?)`,
		store.Now(), actor, a.Email, action, subject, field, from, to)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

// Filter narrows the list of entries.
type Filter struct {
	Action  string
	Subject string
	Limit   int
	Offset  int
}

// List returns entries, newest first, and the total matching the filter.
func List(ctx context.Context, db *store.DB, f Filter) ([]Entry, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where := "WHERE (? = '' OR action = ?) AND (? = '' OR subject = ?)"
	args := []any{f.Action, f.Action, f.Subject, f.Subject}
	var total int
	if err := db.R.QueryRowContext(ctx, "SELECT count(*) FROM audit_log "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id, at, coalesce(actor_id, 0), actor_email, action, subject, field, from_value, to_value
		FROM audit_log `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Entry, error) {
		var e Entry
		var at string
		err := row.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Subject, &e.Field, &e.From, &e.To)
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		return e, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	return out, total, nil
}
