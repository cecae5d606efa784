package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// gooseTable is where goose records the migrations applied; its columns are goose's
// business and differ between the dialects.
const gooseTable = "goose_db_version"

// column is what the schema tests compare of a column: its name, the kind of its type and
// whether it refuses NULL.
type column struct {
	Name    string
	Type    string
	NotNull bool
}

func (c column) String() string {
	n := ""
	if c.NotNull {
		n = " NOT NULL"
	}
	return c.Name + " " + c.Type + n
}

// schema is a database's tables (and views) with their columns in order, and, for the
// down test, the other objects (indexes, triggers, functions, constraints) by name. The
// functions of an extension (pg_trgm's) are not Masar's and are left out: a down migration
// leaves the extension installed, for it may have been before.
type schema struct {
	Tables  map[string][]column
	Objects []string
}

// sqliteTypes and postgresTypes map the declared types of each dialect to one kind, so
// that a migration pair that drifts (a TEXT here, an INTEGER there) fails the parity test.
var (
	sqliteTypes   = map[string]string{"INTEGER": "integer", "TEXT": "text", "REAL": "real", "BLOB": "blob", "": ""}
	postgresTypes = map[string]string{"bigint": "integer", "integer": "integer", "text": "text",
		"double precision": "real", "bytea": "blob", "tsvector": "tsvector"}
)

func sqliteSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	ctx := context.Background()
	s := schema{Tables: map[string][]column{}}
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY type, name`)
	err = store.Each(rows, err, func(r store.Scanner) error {
		var typ, name string
		if err := r.Scan(&typ, &name); err != nil {
			return err
		}
		if typ == "table" || typ == "view" {
			tables = append(tables, name)
		} else {
			s.Objects = append(s.Objects, typ+" "+name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, table)
		cols, err := store.Collect(rows, err, func(r store.Scanner) (column, error) {
			var c column
			var declared string
			var pk int
			if err := r.Scan(&c.Name, &declared, &c.NotNull, &pk); err != nil {
				return c, err
			}
			kind, ok := sqliteTypes[strings.ToUpper(declared)]
			if table == gooseTable {
				kind, ok = declared, true
			}
			if !ok {
				return c, fmt.Errorf("%s.%s: SQLite type %q has no kind in the test", table, c.Name, declared)
			}
			c.Type = kind
			// A primary key refuses NULL on PostgreSQL; SQLite's pragma reports its
			// INTEGER PRIMARY KEY (the rowid) as nullable, though it never holds one.
			c.NotNull = c.NotNull || pk > 0
			return c, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.Tables[table] = cols
	}
	return s
}

func postgresSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	ctx := context.Background()
	s := schema{Tables: map[string][]column{}}
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'NO'
		FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	err = store.Each(rows, err, func(r store.Scanner) error {
		var table, declared string
		var c column
		if err := r.Scan(&table, &c.Name, &declared, &c.NotNull); err != nil {
			return err
		}
		kind, ok := postgresTypes[declared]
		if table == gooseTable {
			kind, ok = declared, true
		}
		if !ok {
			return fmt.Errorf("%s.%s: PostgreSQL type %q has no kind in the test", table, c.Name, declared)
		}
		c.Type = kind
		s.Tables[table] = append(s.Tables[table], c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err = db.QueryContext(ctx, `
		SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema()
		UNION ALL SELECT DISTINCT 'trigger ' || trigger_name || ' on ' || event_object_table || coalesce(' when ' || action_condition, '') FROM information_schema.triggers WHERE trigger_schema = current_schema()
		UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
		UNION ALL SELECT 'constraint ' || conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()
		ORDER BY 1`)
	if s.Objects, err = store.Collect(rows, err, store.Column[string]); err != nil {
		t.Fatal(err)
	}
	return s
}

// The only differences the two dialects' schemas may have: FTS5's virtual tables and their
// shadow tables on SQLite; on PostgreSQL, the same tables as plain ones with tsvector (or
// trigram-indexed text) columns, a rowid column where FTS5 has its implicit one, and the
// generated column that joins a search document's parts.
var (
	// sqliteOnly are FTS5's shadow tables, which PostgreSQL does not need.
	sqliteOnly = []string{
		"officials_fts_config", "officials_fts_content", "officials_fts_data", "officials_fts_docsize", "officials_fts_idx",
		"search_fts_config", "search_fts_data", "search_fts_docsize", "search_fts_idx",
		"search_titles_config", "search_titles_data", "search_titles_docsize", "search_titles_idx",
		"search_headings_config", "search_headings_data", "search_headings_docsize", "search_headings_idx",
	}
	// postgresOnly are the tables PostgreSQL's search needs besides the full-text ones: the
	// per-document term counts from which it computes FTS5's BM25 (search/pg.go).
	postgresOnly = []string{"search_terms"}
	// fullText are the virtual tables of SQLite whose PostgreSQL counterparts keep the name
	// and the columns, with these columns more and column types of their own.
	fullText = map[string][]string{
		"search_fts":      {"rowid", "doc"},
		"search_titles":   {"rowid"},
		"search_headings": {"rowid"},
		"officials_fts":   {"rowid"},
		"search_vocab":    nil,
	}
)

func names(cols []column) []string {
	var n []string
	for _, c := range cols {
		n = append(n, c.Name)
	}
	return n
}

// TestSchemaParity: the SQLite and the PostgreSQL migrations give the same tables with the
// same columns, in the same order, of the same kinds and nullability; the full-text tables
// differ only as listed above.
func TestSchemaParity(t *testing.T) {
	pg := storetest.OpenPostgres(t)
	lite := storetest.OpenSQLite(t)
	ls, ps := sqliteSchema(t, lite.R), postgresSchema(t, pg.R)

	for _, name := range sqliteOnly {
		if _, ok := ls.Tables[name]; !ok {
			t.Errorf("SQLite has no %s, listed as one of FTS5's shadow tables: update the list", name)
		}
		delete(ls.Tables, name)
	}
	for _, name := range postgresOnly {
		if _, ok := ps.Tables[name]; !ok {
			t.Errorf("PostgreSQL has no %s, listed as a table of its own: update the list", name)
		}
		delete(ps.Tables, name)
	}
	for name, extra := range fullText {
		l, okL := ls.Tables[name]
		p, okP := ps.Tables[name]
		if !okL || !okP {
			t.Errorf("full-text table %s: on SQLite %v, on PostgreSQL %v; want both", name, okL, okP)
			continue
		}
		want := names(l)
		got := slices.DeleteFunc(names(p), func(n string) bool { return slices.Contains(extra, n) })
		if !slices.Equal(got, want) {
			t.Errorf("full-text table %s: PostgreSQL columns %v (besides %v), SQLite %v", name, got, extra, want)
		}
		delete(ls.Tables, name)
		delete(ps.Tables, name)
	}
	delete(ls.Tables, gooseTable)
	delete(ps.Tables, gooseTable)
	for name, l := range ls.Tables {
		p, ok := ps.Tables[name]
		if !ok {
			t.Errorf("table %s is on SQLite only", name)
			continue
		}
		if !slices.Equal(l, p) {
			t.Errorf("table %s differs:\n SQLite     %v\n PostgreSQL %v", name, l, p)
		}
	}
	for name := range ps.Tables {
		if _, ok := ls.Tables[name]; !ok {
			t.Errorf("table %s is on PostgreSQL only", name)
		}
	}
	if len(ls.Tables) < 40 {
		t.Errorf("only %d plain tables compared; the migrations made fewer tables than Masar has", len(ls.Tables))
	}
}

// TestDownUndoesEachMigration: for each dialect, migrating up to each version and then down
// one step gives back the schema of the version before (tables, columns, indexes, triggers
// and, on PostgreSQL, functions and constraints), and going all the way down leaves only
// goose's own table.
func TestDownUndoesEachMigration(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "down.db")+"?_pragma=foreign_keys(1)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		checkDowns(t, db, store.SQLite, sqliteSchema)
	})
	t.Run("postgres", func(t *testing.T) {
		u := storetest.NewPostgresDatabase(t)
		db, err := sql.Open(store.PgxDriverName, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		checkDowns(t, db, store.Postgres, postgresSchema)
	})
}

func checkDowns(t *testing.T, db *sql.DB, d store.Dialect, read func(*testing.T, *sql.DB) schema) {
	ctx := context.Background()
	p, err := store.ProviderFor(db, d)
	if err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for _, s := range p.ListSources() {
		versions = append(versions, s.Version)
	}
	if n := migrationCount(t); len(versions) != n || versions[0] != 1 || versions[len(versions)-1] != store.LatestSchemaVersion() {
		t.Fatalf("%s migrations: versions %v, want %d from 1 to %d", d, versions, migrationCount(t), store.LatestSchemaVersion())
	}
	// The schema before the first migration has no goose table yet: version 1 is checked by
	// the way all the way down below instead.
	before := read(t, db)
	for _, v := range versions {
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatalf("%s: up to %d: %v", d, v, err)
		}
		after := read(t, db)
		if _, err := p.Down(ctx); err != nil {
			t.Fatalf("%s: down from %d: %v", d, v, err)
		}
		undone := read(t, db)
		if diff := schemaDiff(before, undone); diff != "" && v > 1 {
			t.Errorf("%s: down from %d does not give back the schema before it:\n%s", d, v, diff)
		}
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatalf("%s: up to %d again: %v", d, v, err)
		}
		before = after
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("%s: down to 0: %v", d, err)
	}
	left := read(t, db)
	var tables []string
	for name := range left.Tables {
		tables = append(tables, name)
	}
	if !slices.Equal(tables, []string{gooseTable}) {
		t.Errorf("%s: all the way down leaves tables %v, want only goose_db_version", d, tables)
	}
	for _, o := range left.Objects {
		if !strings.Contains(o, gooseTable) {
			t.Errorf("%s: all the way down leaves %s", d, o)
		}
	}
}

// schemaDiff describes how b differs from a, or is "".
func schemaDiff(a, b schema) string {
	var out []string
	for name, cols := range a.Tables {
		if other, ok := b.Tables[name]; !ok {
			out = append(out, "  missing table "+name)
		} else if !slices.Equal(cols, other) {
			out = append(out, fmt.Sprintf("  table %s: %v, was %v", name, other, cols))
		}
	}
	for name := range b.Tables {
		if _, ok := a.Tables[name]; !ok {
			out = append(out, "  table left behind: "+name)
		}
	}
	for _, o := range a.Objects {
		if !slices.Contains(b.Objects, o) {
			out = append(out, "  missing "+o)
		}
	}
	for _, o := range b.Objects {
		if !slices.Contains(a.Objects, o) {
			out = append(out, "  left behind: "+o)
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// migrationCount is the number of migrations, from the SQLite files (the PostgreSQL ones
// have the same numbers, which TestSchemaParity's callers check).
func migrationCount(t testing.TB) int {
	t.Helper()
	files, err := os.ReadDir("migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".sql") {
			n++
		}
	}
	return n
}
