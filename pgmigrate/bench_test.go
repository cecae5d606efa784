package pgmigrate_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/masar-platform/masar/pgmigrate"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// BenchmarkMigrate copies an installation of 20,000 accounts, 20,000 sessions and 100,000
// audit entries (written straight into the tables, for speed) and reports rows per second,
// verification included.
func BenchmarkMigrate(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "masar.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	const people, entries = 20000, 100000
	now := store.Now()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO countries (iso2, name_ar, name_en, name_fr, timezone) VALUES ('JO', 'الأردن', 'Jordan', 'Jordanie', 'Asia/Amman')`); err != nil {
			return err
		}
		for i := 1; i <= people; i++ {
			email := fmt.Sprintf("person%d@jo.masar.test", i)
			if _, err := tx.ExecContext(ctx, `INSERT INTO officials (email, email_norm, name_ar, name_latin, organisation, country, created_at, updated_at)
				VALUES (?, ?, 'ليلى حسن', 'Layla Hassan', 'Ministry of Planning', 'JO', ?, ?)`, email, email, now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, official_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
				fmt.Sprintf("%064d", i), i, now, now); err != nil {
				return err
			}
		}
		for i := 1; i <= entries; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_email, action, subject, field, from_value, to_value)
				VALUES (?, 1, 'staff@masar.test', 'official.update', ?, 'job_title', 'Analyst', 'Senior analyst')`, now, fmt.Sprintf("official:%d", i%people+1)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	rows := float64(1 + 2*people + entries)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		target := storetest.NewPostgresDatabase(b)
		b.StartTimer()
		if _, err := pgmigrate.Run(ctx, pgmigrate.Options{From: path, To: target}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
