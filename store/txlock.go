package store

import (
	"context"
	"database/sql"
	"strconv"
)

// LockTx serialises the transactions that change one thing (a workshop's seats, a request's
// steps): on PostgreSQL, where writers run side by side, it takes a transaction-scoped
// advisory lock on space and id, released at commit or rollback; on SQLite, whose single
// writer connection already runs one transaction at a time, it does nothing.
func (db *DB) LockTx(ctx context.Context, tx *sql.Tx, space string, id int64) error {
	if db.Dialect() != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, space+":"+strconv.FormatInt(id, 10))
	return err
}

// LockTxShared takes the lock of LockTx on space and id shared: transactions holding it shared
// run side by side, and wait for (and hold off) one that takes it with LockTx. On SQLite it
// does nothing, as LockTx.
func (db *DB) LockTxShared(ctx context.Context, tx *sql.Tx, space string, id int64) error {
	if db.Dialect() != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))`, space+":"+strconv.FormatInt(id, 10))
	return err
}
