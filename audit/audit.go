// Package audit records what staff and admins do to other people's data — who, when, what,
// from which value to which — and lists it for admins.
package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
	// Prefix keeps the actions that begin with it ("auth." for the security log).
	Prefix string
	// Person keeps the entries by account Person or about it (0: anyone's).
	Person int64
	// From and Until keep the entries recorded at or after From and before Until (zero: no
	// bound).
	From, Until time.Time
	Limit       int
	Offset      int
}

// where is the filter's condition and its arguments.
func (f Filter) where() (string, []any) {
	conds := []string{"(? = '' OR action = ?)", "(? = '' OR subject = ?)"}
	args := []any{f.Action, f.Action, f.Subject, f.Subject}
	if f.Prefix != "" {
		conds = append(conds, `action LIKE ? ESCAPE '\'`)
		args = append(args, strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Prefix)+"%")
	}
	if f.Person != 0 {
		conds = append(conds, "(actor_id = ? OR subject = ?)")
		args = append(args, f.Person, "official:"+strconv.FormatInt(f.Person, 10))
	}
	if !f.From.IsZero() {
		conds = append(conds, "at >= ?")
		args = append(args, store.FormatTime(f.From))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "at < ?")
		args = append(args, store.FormatTime(f.Until))
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

const entryCols = "id, at, coalesce(actor_id, 0), actor_email, action, subject, field, from_value, to_value"

func scanEntry(row store.Scanner) (Entry, error) {
	var e Entry
	var at string
	err := row.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Subject, &e.Field, &e.From, &e.To)
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	return e, err
}

// List returns entries, newest first, and the total matching the filter.
func List(ctx context.Context, db *store.DB, f Filter) ([]Entry, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where, args := f.where()
	var total int
	if err := db.R.QueryRowContext(ctx, "SELECT count(*) FROM audit_log "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	rows, err := db.R.QueryContext(ctx, "SELECT "+entryCols+" FROM audit_log "+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, f.Offset)...)
	out, err := store.Collect(rows, err, scanEntry)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	return out, total, nil
}

// Each calls fn for every entry matching the filter (its Limit and Offset ignored), newest
// first, at most max of them (an export's bound), without holding them all in memory. It
// returns how many it passed to fn.
func Each(ctx context.Context, db *store.DB, f Filter, max int, fn func(Entry) error) (int, error) {
	where, args := f.where()
	rows, err := db.R.QueryContext(ctx, "SELECT "+entryCols+" FROM audit_log "+where+" ORDER BY id DESC LIMIT ?", append(args, max)...)
	n := 0
	err = store.Each(rows, err, func(row store.Scanner) error {
		e, err := scanEntry(row)
		if err != nil {
			return err
		}
		n++
		return fn(e)
	})
	if err != nil {
		return n, fmt.Errorf("audit: read: %w", err)
	}
	return n, nil
}
