package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// counting yields the numbers 1..n, one a row.
const counting = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c`

// noOpenRows fails the test when a helper left rows (and so a reader connection) open.
func noOpenRows(t *testing.T, db *store.DB) {
	t.Helper()
	if n := db.R.Stats().InUse; n != 0 {
		t.Fatalf("%d reader connections still in use: rows left open", n)
	}
}

func TestCollect(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()

	rows, err := db.R.QueryContext(ctx, counting, 5)
	got, err := store.Collect(rows, err, store.Column[int64])
	if err != nil || !slices.Equal(got, []int64{1, 2, 3, 4, 5}) {
		t.Fatalf("Collect = %v, %v; want 1..5", got, err)
	}
	noOpenRows(t, db)

	rows, err = db.R.QueryContext(ctx, "SELECT 'x' WHERE 1 = 0")
	empty, err := store.Collect(rows, err, store.Column[string])
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("Collect of no rows = %#v, %v; want an empty, non-nil slice", empty, err)
	}
	noOpenRows(t, db)

	rows, err = db.R.QueryContext(ctx, "SELECT nothing FROM nowhere")
	if _, cerr := store.Collect(rows, err, store.Column[string]); cerr == nil || cerr != err {
		t.Fatalf("Collect after a failed query = %v, want the query's error %v", cerr, err)
	}

	// A scan error after some rows: no partial list.
	rows, err = db.R.QueryContext(ctx, "SELECT 1 UNION ALL SELECT 'not a number'")
	part, err := store.Collect(rows, err, store.Column[int64])
	if err == nil || part != nil {
		t.Fatalf("Collect with a bad row = %v, %v; want nil and the scan error", part, err)
	}
	noOpenRows(t, db)
}

// A read cut short (here by a cancelled context, as a request that ends) must come back as
// an error, not as a shorter list that looks complete.
func TestCollectReportsCutShortReads(t *testing.T) {
	db := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	seen := 0
	rows, err := db.R.QueryContext(ctx, counting, 10_000_000)
	got, err := store.Collect(rows, err, func(r store.Scanner) (int64, error) {
		x, err := store.Column[int64](r)
		if seen++; seen == 3 {
			cancel()
		}
		return x, err
	})
	if !errors.Is(err, context.Canceled) || got != nil {
		t.Fatalf("Collect cut short after %d rows = %d rows, %v; want nil, context.Canceled", seen, len(got), err)

	}
	noOpenRows(t, db)

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	seen = 0
	rows, err = db.R.QueryContext(ctx, counting, 10_000_000)
	err = store.Each(rows, err, func(store.Scanner) error {
		if seen++; seen == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Each cut short after %d rows = %v, want context.Canceled", seen, err)
	}
	noOpenRows(t, db)
}

func TestEach(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()

	sum := int64(0)
	rows, err := db.R.QueryContext(ctx, counting, 10)
	err = store.Each(rows, err, func(r store.Scanner) error {
		var x int64
		if err := r.Scan(&x); err != nil {
			return err
		}
		sum += x
		return nil
	})
	if err != nil || sum != 55 {
		t.Fatalf("Each summed %d, %v; want 55", sum, err)
	}
	noOpenRows(t, db)

	// ErrStop ends the reading early without an error, and closes the rows.
	n := 0
	rows, err = db.R.QueryContext(ctx, counting, 1000)
	err = store.Each(rows, err, func(store.Scanner) error {
		if n++; n == 3 {
			return store.ErrStop
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("Each with ErrStop read %d rows, %v; want 3, nil", n, err)
	}
	noOpenRows(t, db)

	// fn's own error is returned as it is.
	refused := errors.New("refused")
	rows, err = db.R.QueryContext(ctx, counting, 10)
	if err := store.Each(rows, err, func(store.Scanner) error { return refused }); err != refused {
		t.Fatalf("Each = %v, want fn's error", err)
	}
	noOpenRows(t, db)

	rows, err = db.R.QueryContext(ctx, "SELECT nothing FROM nowhere")
	if eerr := store.Each(rows, err, func(store.Scanner) error { return nil }); eerr == nil || eerr != err {
		t.Fatalf("Each after a failed query = %v, want the query's error %v", eerr, err)
	}
}
