package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestPostgresTakesFeatureSQL: on PostgreSQL the features' SQL runs as written, with ?
// placeholders (bare and numbered) beside question marks that are text; RETURNING gives the
// new row's id; a duplicate is a unique violation; the reader pool refuses writes, as
// SQLite's readers do; a transaction that fails leaves nothing.
func TestPostgresTakesFeatureSQL(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenPostgres(t)
	if db.Dialect() != store.Postgres {
		t.Fatalf("dialect %v, want postgres", db.Dialect())
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO countries(iso2, name_ar, name_en, name_fr, timezone)
		VALUES (?, ?, 'Jordan? -- not a comment', ?, ?)`, "JO", "الأردن", "Jordanie", "Asia/Amman"); err != nil {
		t.Fatal(err)
	}
	var id int64
	err := db.W.QueryRowContext(ctx, `INSERT INTO officials(email, email_norm, name_ar, country, created_at, updated_at)
		VALUES (?1, lower(?1), ?2, ?3, ?4, ?4) RETURNING id`, "Nour@Example.org", "نور", "JO", store.Now()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var email, nameEn string
	if err := db.R.QueryRowContext(ctx, `SELECT o.email_norm, c.name_en FROM officials o JOIN countries c ON c.iso2 = o.country
		WHERE o.id = ? /* the id? */`, id).Scan(&email, &nameEn); err != nil {
		t.Fatal(err)
	}
	if email != "nour@example.org" || nameEn != "Jordan? -- not a comment" {
		t.Errorf("read back %q, %q", email, nameEn)
	}

	_, err = db.W.ExecContext(ctx, `INSERT INTO officials(email, email_norm, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		"x", "nour@example.org", store.Now(), store.Now())
	if !store.IsUniqueViolation(err) {
		t.Errorf("second account with the same address: %v, want a unique violation", err)
	}
	if _, err := db.R.ExecContext(ctx, `DELETE FROM officials`); err == nil {
		t.Error("the reader pool deleted; it must refuse writes")
	}

	boom := errors.New("boom")
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE officials SET name_ar = ? WHERE id = ?`, "تغيير", id); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx: %v", err)
	}
	var name string
	if err := db.R.QueryRowContext(ctx, `SELECT name_ar FROM officials WHERE id = ?`, id).Scan(&name); err != nil || name != "نور" {
		t.Errorf("after a failed transaction the name is %q (%v), want نور", name, err)
	}

	// The staff list's trigram index follows the accounts through the triggers.
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM officials_fts WHERE rowid = ? AND body ILIKE ?`, id, "%NOUR@%").Scan(&n); err != nil || n != 1 {
		t.Errorf("officials_fts has %d rows for the new account (%v), want 1", n, err)
	}
	if _, err := db.W.ExecContext(ctx, `UPDATE officials SET deleted_at = ? WHERE id = ?`, store.Now(), id); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM officials_fts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("officials_fts keeps %d rows after the account's erasure (%v), want 0", n, err)
	}
}

// TestOpenSharedRefusesAnUnmigratedPostgres: beside a running server, a PostgreSQL
// database whose migrations are behind is refused, and Open brings it up to date.
func TestOpenSharedRefusesAnUnmigratedPostgres(t *testing.T) {
	ctx := context.Background()
	u := storetest.NewPostgresDatabase(t)
	if db, err := store.OpenShared(ctx, u); err == nil {
		_ = db.Close()
		t.Fatal("OpenShared accepted an empty database")
	}
	db, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SchemaVersion(ctx)
	_ = db.Close()
	if err != nil || v != store.LatestSchemaVersion() {
		t.Fatalf("schema version %d (%v), want %d", v, err, store.LatestSchemaVersion())
	}
	db, err = store.OpenShared(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
}

// TestInstancesStartingTogetherMigrateOnce: several servers opening one new PostgreSQL
// database at the same moment all start, on a schema migrated once.
func TestInstancesStartingTogetherMigrateOnce(t *testing.T) {
	ctx := context.Background()
	u := storetest.NewPostgresDatabase(t)
	const instances = 3
	errs := make(chan error, instances)
	dbs := make(chan *store.DB, instances)
	for range instances {
		go func() {
			db, err := store.Open(ctx, u)
			errs <- err
			dbs <- db
		}()
	}
	for range instances {
		if err := <-errs; err != nil {
			t.Errorf("an instance failed to start: %v", err)
		}
		if db := <-dbs; db != nil {
			t.Cleanup(func() { _ = db.Close() })
		}
	}
	if t.Failed() {
		return
	}
	raw, err := sql.Open(store.PgxDriverName, u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var applied, distinct int
	if err := raw.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != 23 || distinct != 23 {
		t.Errorf("goose recorded %d migrations (%d distinct), want each of the 23 once", applied, distinct)
	}
}
