package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// During a rolling upgrade the new program migrates the database while instances of the old
// one still run and restart: the old program must open a database whose schema is ahead of
// it (one that knows migrations it does not), as the owner and beside a server, on both
// backends, and keep reading and writing its own tables. (That the migrations of a release
// only add is the release rule in deploy/README.md.)
func TestOldProgramOpensANewerSchema(t *testing.T) {
	for _, c := range []struct {
		name   string
		source func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "masar.db") }},
		{"postgres", func(t *testing.T) string { return storetest.NewPostgresDatabase(t) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			src := c.source(t)
			db, err := store.Open(ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			// What a later release's migration leaves: a version this program does not
			// have, and a column it does not know.
			next := store.LatestSchemaVersion() + 1
			if _, err := db.W.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES (?, ?, '2027-01-01 00:00:00')`, next, true); err != nil {
				t.Fatal(err)
			}
			if _, err := db.W.ExecContext(ctx, `ALTER TABLE countries ADD COLUMN region TEXT NOT NULL DEFAULT ''`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			for _, open := range []func(context.Context, string) (*store.DB, error){store.Open, store.OpenShared} {
				db, err := open(ctx, src)
				if err != nil {
					t.Fatalf("the old program refuses the newer schema: %v", err)
				}
				if _, err := db.W.ExecContext(ctx, `INSERT INTO countries (iso2, name_ar, name_en, name_fr, timezone) VALUES ('ZZ', 'ز', 'Z', 'Z', 'UTC') ON CONFLICT (iso2) DO NOTHING`); err != nil {
					t.Errorf("the old program cannot write its tables: %v", err)
				}
				var n int
				if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM countries WHERE iso2 = 'ZZ'`).Scan(&n); err != nil || n != 1 {
					t.Errorf("the old program reads %d rows (%v)", n, err)
				}
				db.Close()
			}
		})
	}
}
