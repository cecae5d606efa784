package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestTxLocksSharedAndWhole, on PostgreSQL: two transactions hold one lock shared at once; a
// third that takes it whole waits until both commit; several locks taken in one statement
// hold each of them.
func TestTxLocksSharedAndWhole(t *testing.T) {
	db := storetest.OpenPostgres(t)
	ctx := context.Background()
	begin := func() *sql.Tx {
		t.Helper()
		tx, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tx.Rollback() })
		return tx
	}
	a, b := begin(), begin()
	if err := db.LockTxAll(ctx, a, store.TxLock{Space: "workshop", ID: 7, Shared: true}); err != nil {
		t.Fatal(err)
	}
	// The second shared holder does not wait for the first (a wait would end in this deadline).
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := db.LockTxAll(short, b, store.TxLock{Space: "workshop", ID: 7, Shared: true}, store.TxLock{Space: "registrant:7", ID: 1}); err != nil {
		t.Fatalf("a second shared holder waited: %v", err)
	}
	took := make(chan time.Time, 1)
	go func() {
		c, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			took <- time.Time{}
			return
		}
		defer func() { _ = c.Rollback() }()
		if err := db.LockTx(ctx, c, "workshop", 7); err != nil {
			took <- time.Time{}
			return
		}
		took <- time.Now()
	}()
	time.Sleep(300 * time.Millisecond)
	select {
	case <-took:
		t.Fatal("the whole lock was taken while two transactions held it shared")
	default:
	}
	// The registrant lock taken with the shared one in one statement is held: another
	// transaction cannot take it without waiting.
	d := begin()
	probe, cancelProbe := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelProbe()
	if err := db.LockTx(probe, d, "registrant:7", 1); err == nil {
		t.Error("the registrant lock taken beside the shared one is not held")
	}
	released := time.Now()
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if at := <-took; at.IsZero() || at.Before(released) {
		t.Errorf("the whole lock: taken at %v, the shared holders let go at %v", at, released)
	}
}
