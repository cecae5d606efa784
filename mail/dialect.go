package mail

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// The one place where the mailer's work differs between SQLite and PostgreSQL.

// deliveryLock names the advisory lock that delivery rounds take on PostgreSQL.
const deliveryLock = "masar:mail.delivery"

// lockDelivery lets one delivery round run at a time across every process on the database,
// so that no message is sent twice: each round reads the due messages, sends them and only
// then records them sent. It reports whether the round may go ahead, and returns what ends
// its turn.
//
// SQLite: one server runs on a data directory (it holds the directory's lock) and its
// rounds take turns on m.deliver; there is nothing more to do.
//
// PostgreSQL: several instances share the outbox. A round holds a session advisory lock,
// on a connection of its own, for its whole length: the SMTP conversation included, which
// no transaction should stay open across. pg_try_advisory_lock does not wait: an instance
// that finds the lock taken skips its round, as the holder is delivering the same messages
// (one it enqueued meanwhile goes with the holder's next batch, or at the next poll, within
// PollInterval). A holder that dies loses its session, and the lock with it.
func (m *Mailer) lockDelivery(ctx context.Context) (release func(), ours bool, err error) {
	if m.db.Dialect() != store.Postgres {
		return func() {}, true, nil
	}
	conn, err := m.db.W.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("mail: delivery lock: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(hashtextextended(?, 0))", deliveryLock).Scan(&ours); err != nil || !ours {
		_ = conn.Close()
		if err != nil {
			return nil, false, fmt.Errorf("mail: delivery lock: %w", err)
		}
		return nil, false, nil
	}
	return func() {
		// The round's context may have ended (the platform stopping): the unlock has its own.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		var unlocked bool
		if err := conn.QueryRowContext(uctx, "SELECT pg_advisory_unlock(hashtextextended(?, 0))", deliveryLock).Scan(&unlocked); err != nil || !unlocked {
			// A connection still holding the lock must not go back to the pool, where it
			// would keep every other instance from delivering: it is closed instead, which
			// ends its session and the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, true, nil
}
