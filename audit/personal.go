package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/store"
)

// ActedBy lists the entries where account id acted, newest first (at most limit; 1000 when
// not positive). Where the record is another person's account, the values changed are left
// out: they are that person's data, not the actor's.
func ActedBy(ctx context.Context, db *store.DB, id int64, limit int) ([]Entry, error) {
	if limit <= 0 {
		limit = 1000
	}
	self := "official:" + strconv.FormatInt(id, 10)
	rows, err := db.R.QueryContext(ctx, `SELECT id, at, coalesce(actor_id, 0), actor_email, action, subject, field, from_value, to_value
		FROM audit_log WHERE actor_id = ? ORDER BY id DESC LIMIT ?`, id, limit)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Entry, error) {
		var e Entry
		var at string
		err := row.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Subject, &e.Field, &e.From, &e.To)
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		if strings.HasPrefix(e.Subject, "official:") && e.Subject != self {
			e.From, e.To = "", ""
		}
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: acted by %d: %w", id, err)
	}
	return out, nil
}
