package pgmigrate

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/masar-platform/masar/store"
)

// gooseTable is where goose records the migrations applied to a database. It is not
// copied: the target's own migrations fill it.
const gooseTable = "goose_db_version"

// checkEmpty refuses a PostgreSQL database that holds anything of its own: tables that are
// not Masar's, Masar's schema at another version than this program's, or Masar's tables
// with rows. A database with no tables, or one that this program migrated and nobody used
// (a migration that failed half-way and was rolled back), is accepted.
func checkEmpty(ctx context.Context, rawURL string) error {
	name := store.Redact(rawURL)
	db, err := sql.Open(store.PgxDriverName, rawURL)
	if err != nil {
		return fmt.Errorf("pgmigrate: open %s: %w", name, err)
	}
	defer func() { _ = db.Close() }()
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("pgmigrate: connect to %s: %w", name, err)
	}
	tables, err := baseTables(ctx, db)
	if err != nil {
		return err
	}
	if len(tables) == 0 {
		return nil
	}
	if !contains(tables, gooseTable) {
		return fmt.Errorf("pgmigrate: %w: %s holds tables that are not Masar's (%s); give an empty database",
			ErrTargetNotEmpty, name, listSome(tables))
	}
	var version sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(version_id) FROM "+gooseTable+" WHERE is_applied").Scan(&version); err != nil {
		return fmt.Errorf("pgmigrate: schema version of %s: %w", name, err)
	}
	if latest := store.LatestSchemaVersion(); version.Int64 != latest {
		return fmt.Errorf("pgmigrate: %w: %s already has Masar's schema at version %d, and this program's is %d; give an empty database",
			ErrTargetNotEmpty, name, version.Int64, latest)
	}
	full, err := tablesWithRows(ctx, db, tables)
	if err != nil {
		return err
	}
	if len(full) > 0 {
		return fmt.Errorf("pgmigrate: %w: %s already holds data, in %s; give an empty database",
			ErrTargetNotEmpty, name, listSome(full))
	}
	return nil
}

// checkRowsEmpty refuses the migrated target if any of its tables has rows.
func checkRowsEmpty(ctx context.Context, db *store.DB) error {
	tables, err := baseTables(ctx, db.R)
	if err != nil {
		return err
	}
	full, err := tablesWithRows(ctx, db.R, tables)
	if err != nil {
		return err
	}
	if len(full) > 0 {
		return fmt.Errorf("pgmigrate: %w: %s holds data, in %s; give an empty database",
			ErrTargetNotEmpty, db.Path(), listSome(full))
	}
	return nil
}

// baseTables is the tables (not views) of the connection's current schema.
func baseTables(ctx context.Context, q store.Queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	names, err := store.Collect(rows, err, store.Column[string])
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: list the tables of the PostgreSQL database: %w", err)
	}
	return names, nil
}

// tablesWithRows is those of tables, goose's left out, that have at least one row.
func tablesWithRows(ctx context.Context, q store.Queryer, tables []string) ([]string, error) {
	var full []string
	for _, t := range tables {
		if t == gooseTable {
			continue
		}
		var any bool
		// A table name cannot be a parameter; it comes from the catalogue and is quoted.
		if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+quote(t)+")").Scan(&any); err != nil {
			return nil, fmt.Errorf("pgmigrate: look into %s: %w", t, err)
		}
		if any {
			full = append(full, t)
		}
	}
	return full, nil
}

// quote is name as a quoted SQL identifier, the same on both backends.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// listSome names the first few of names, and how many more there are.
func listSome(names []string) string {
	const most = 6
	if len(names) <= most {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:most], ", "), len(names)-most)
}
