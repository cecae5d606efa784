package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/masar-platform/masar/store/storetest"
)

// A panic inside Tx must not leave the single writer connection inside the transaction:
// the panic reaches the caller, what the transaction wrote is gone, and the next write goes
// through at once instead of waiting forever for the connection.
func TestTxRollsBackOnPanic(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if _, err := db.W.ExecContext(ctx, "CREATE TABLE scratch(v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}

	got := func() (v any) {
		defer func() { v = recover() }()
		_ = db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO scratch(v) VALUES('half-saved')"); err != nil {
				t.Error(err)
			}
			panic("boom")
		})
		return nil
	}()
	if got != "boom" {
		t.Fatalf("recovered %v, want the panic value %q passed on by Tx", got, "boom")
	}

	// A wedged writer would block BeginTx until this deadline: fail, do not hang.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := db.Tx(wctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(wctx, "INSERT INTO scratch(v) VALUES('later')")
		return err
	})
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("write after a panic in Tx: %v (the writer is still inside the panicked transaction)", err)
	}
	if err != nil {
		t.Fatalf("write after a panic in Tx: %v", err)
	}

	var vs string
	var n int
	if err := db.R.QueryRowContext(ctx, "SELECT min(v), count(*) FROM scratch").Scan(&vs, &n); err != nil {
		t.Fatal(err)
	}
	if vs != "later" || n != 1 {
		t.Fatalf("rows after the panic: %d, the first %q; want only the later write (the panicked one rolled back)", n, vs)
	}
}

// An error from fn rolls back and is returned as it is.
func TestTxRollsBackOnError(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if _, err := db.W.ExecContext(ctx, "CREATE TABLE scratch(v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO scratch(v) VALUES('x')"); err != nil {
			return err
		}
		return refused
	})
	if err != refused {
		t.Fatalf("Tx = %v, want fn's error unchanged", err)
	}
	var n int
	if err := db.R.QueryRowContext(ctx, "SELECT count(*) FROM scratch").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d rows kept after fn failed, want 0", n)
	}
}
