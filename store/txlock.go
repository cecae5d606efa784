package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// TxLock names one lock of LockTx: a space (what kind of thing) and an id. Shared locks are
// held side by side; one not shared waits for, and holds off, every other holder.
type TxLock struct {
	Space  string
	ID     int64
	Shared bool
}

// LockTx serialises the transactions that change one thing (a workshop's seats, a request's
// steps): on PostgreSQL, where writers run side by side, it takes a transaction-scoped
// advisory lock on space and id, released at commit or rollback; on SQLite, whose single
// writer connection already runs one transaction at a time, it does nothing.
func (db *DB) LockTx(ctx context.Context, tx *sql.Tx, space string, id int64) error {
	return db.LockTxAll(ctx, tx, TxLock{Space: space, ID: id})
}

// LockTxAll takes locks, in their order, in one statement (one round trip to the server).
// Callers that take several keep one order everywhere, so that no two wait for each other.
func (db *DB) LockTxAll(ctx context.Context, tx *sql.Tx, locks ...TxLock) error {
	if db.Dialect() != Postgres || len(locks) == 0 {
		return nil
	}
	args := make([]any, len(locks))
	fns := make([]string, len(locks))
	for i, l := range locks {
		fns[i] = advisoryWhole
		if l.Shared {
			fns[i] = advisoryShared
		}
		args[i] = l.Space + ":" + strconv.FormatInt(l.ID, 10)
	}
	_, err := tx.ExecContext(ctx, "SELECT "+strings.Join(fns, ", "), args...)
	return err
}

// The advisory lock functions, on a key hashed from space:id.
const (
	advisoryWhole  = "pg_advisory_xact_lock(hashtextextended(?, 0))"
	advisoryShared = "pg_advisory_xact_lock_shared(hashtextextended(?, 0))"
)
