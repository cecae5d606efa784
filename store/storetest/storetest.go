// Package storetest opens real, throw-away databases for tests.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/masar-platform/masar/store"
)

// Open opens a new database file, migrated, in the test's temporary directory, and closes
// it when the test ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
