// Package pgmigrate moves a Masar installation from its SQLite file to an empty PostgreSQL
// database (masar migrate-to-postgres): it reads a consistent snapshot of the file, even
// while a server is writing to it, copies every table into the PostgreSQL database in
// foreign-key order with its ids, sets the id sequences past the copied rows, and then
// checks each table's row count and checksum on both sides.
//
// It works from the two schemas as the migrations left them rather than from a list of
// Masar's tables, so that a table added by a later migration is copied without a change
// here; TestSchemaParity keeps the two dialects' tables and columns alike.
package pgmigrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/masar-platform/masar/store"
)

// ErrTargetNotEmpty: the PostgreSQL database already holds data or another schema.
var ErrTargetNotEmpty = errors.New("the PostgreSQL database is not empty")

// ErrMismatch: a table's rows on PostgreSQL differ from the SQLite snapshot's.
var ErrMismatch = errors.New("the copy differs from the SQLite database")

// Options say what to migrate where.
type Options struct {
	// From is the SQLite database file of the installation; it is only read.
	From string
	// To is the PostgreSQL database's URL (postgres://…).
	To string
	// TempDir receives the snapshot of From while the migration runs (as large as the
	// file; readable by its owner alone; removed at the end). Empty: the system's.
	TempDir string
	// Progress, when set, is told each table as it has been copied.
	Progress func(table string, rows int64)
}

// Report is what a migration did and found.
type Report struct {
	// SchemaVersion is the schema version of both databases after the migration.
	SchemaVersion int64
	// SourceVersion is the schema version the SQLite file was at (its snapshot is brought
	// to SchemaVersion before the copy; the file itself is left as it is).
	SourceVersion int64
	// Tables are the copied tables, in the order they were copied (parents first).
	Tables []TableCheck
	// Rebuilt are the tables that are not copied, because they are derived from the copied
	// data and exist in a different form on each backend, with how they are rebuilt.
	Rebuilt []Rebuilt
}

// TableCheck is one copied table: its rows and checksums on each side.
type TableCheck struct {
	Name                   string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
}

// OK reports whether the table came across whole.
func (c TableCheck) OK() bool {
	return c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum
}

// Rebuilt is a derived table left out of the copy.
type Rebuilt struct {
	Name string
	How  string
	Rows int64 // rows on PostgreSQL after the migration; -1 when rebuilt later, at start-up
}

// Mismatched are the tables whose copy differs.
func (r Report) Mismatched() []string {
	var bad []string
	for _, t := range r.Tables {
		if !t.OK() {
			bad = append(bad, t.Name)
		}
	}
	return bad
}

// Run migrates the SQLite installation at opt.From into the empty PostgreSQL database at
// opt.To and verifies the copy. The returned error wraps ErrTargetNotEmpty when the target
// was refused (nothing was written to it), and ErrMismatch when the verification found a
// table that differs (the report then says which).
//
// Everything is copied in one transaction: a failure half-way leaves the target migrated
// but empty, and the command can simply be run again.
func Run(ctx context.Context, opt Options) (rep Report, err error) {
	if !store.IsPostgresURL(opt.To) {
		return rep, fmt.Errorf("pgmigrate: the target must be a PostgreSQL URL (postgres://…), not %q", store.Redact(opt.To))
	}
	if store.IsPostgresURL(opt.From) {
		return rep, fmt.Errorf("pgmigrate: the source must be an SQLite file, not a PostgreSQL URL")
	}
	// Refuse a target that holds something before touching it (store.Open would migrate an
	// older schema), and before the snapshot, which may take a while on a large file.
	if err := checkEmpty(ctx, opt.To); err != nil {
		return rep, err
	}
	src, srcVersion, cleanup, err := snapshot(ctx, opt.From, opt.TempDir)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, cleanup()) }()
	rep.SourceVersion = srcVersion

	dst, err := store.Open(ctx, opt.To)
	if err != nil {
		return rep, fmt.Errorf("pgmigrate: open %s: %w", store.Redact(opt.To), err)
	}
	defer func() { err = errors.Join(err, dst.Close()) }()
	if rep.SchemaVersion, err = dst.SchemaVersion(ctx); err != nil {
		return rep, err
	}
	// Checked again on the migrated database: a server started on the target meanwhile
	// could have written to it.
	if err := checkRowsEmpty(ctx, dst); err != nil {
		return rep, err
	}

	p, err := makePlan(ctx, src, dst)
	if err != nil {
		return rep, err
	}
	if err := copyAll(ctx, src, dst, p, opt.Progress); err != nil {
		return rep, err
	}
	if rep.Tables, err = verify(ctx, src, dst, p); err != nil {
		return rep, err
	}
	if rep.Rebuilt, err = rebuiltTables(ctx, dst); err != nil {
		return rep, err
	}
	if bad := rep.Mismatched(); len(bad) > 0 {
		return rep, fmt.Errorf("pgmigrate: %w: %s", ErrMismatch, strings.Join(bad, ", "))
	}
	return rep, nil
}

// snapshot copies the SQLite database at path into a private temporary directory and
// opens the copy, migrated to this program's schema. The copy is taken as `masar backup`
// takes it (store.BackupFile: VACUUM INTO through a read-only opening, beside a running
// server if there is one), so that the live file is never written, and every table is read
// from the same moment: a server that keeps writing while the tables are copied changes
// nothing of what is copied.
func snapshot(ctx context.Context, path, tempDir string) (*store.DB, int64, func() error, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, 0, nil, fmt.Errorf("pgmigrate: the SQLite database: %w", err)
	}
	dir, err := os.MkdirTemp(tempDir, "masar-migrate-*") // 0700
	if err != nil {
		return nil, 0, nil, fmt.Errorf("pgmigrate: a directory for the snapshot: %w", err)
	}
	remove := func() error { return os.RemoveAll(dir) }
	copyPath := filepath.Join(dir, "masar.db")
	version, err := store.BackupFile(ctx, path, copyPath)
	if err != nil {
		return nil, 0, nil, errors.Join(fmt.Errorf("pgmigrate: snapshot of %s: %w", path, err), remove())
	}
	if latest := store.LatestSchemaVersion(); version > latest {
		return nil, 0, nil, errors.Join(fmt.Errorf("pgmigrate: %s is at schema version %d, newer than this program's %d: migrate it with the Masar that wrote it", path, version, latest), remove())
	}
	// Opening the copy as the owner brings an older schema up to this program's, as the
	// next server start would have done; the original file stays as it was.
	db, err := store.Open(ctx, copyPath)
	if err != nil {
		return nil, 0, nil, errors.Join(fmt.Errorf("pgmigrate: open the snapshot of %s: %w", path, err), remove())
	}
	return db, version, func() error { return errors.Join(db.Close(), remove()) }, nil
}

// plan is what to copy: the tables in foreign-key order, each with its columns and the
// columns of its primary key.
type plan struct {
	tables []table
}

// table is one table to copy.
type table struct {
	name string
	cols []column // in the target's order, generated columns left out
	pk   []string // primary-key columns, in key order
	// identity is the column whose sequence gives new ids ("" when the table has none).
	identity string
}

// column is a column and the kind of value it holds on PostgreSQL.
type column struct {
	name string
	kind kind
}

// sortedKeys is the keys of m in order, for messages that do not change from run to run.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Print writes the report as a table: each copied table with its rows on both sides and
// whether its checksum matched, then the tables rebuilt rather than copied.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\trows SQLite\trows PostgreSQL\tchecksum\t")
	for _, t := range r.Tables {
		state := "ok"
		if !t.OK() {
			state = "MISMATCH"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s %s\t\n", t.Name, t.SourceRows, t.TargetRows, state, short(t.TargetSum))
	}
	_ = tw.Flush()
	if len(r.Rebuilt) > 0 {
		fmt.Fprintln(w, "not copied, derived from the data above:")
		for _, b := range r.Rebuilt {
			rows := ""
			if b.Rows >= 0 {
				rows = fmt.Sprintf(" (%d rows)", b.Rows)
			}
			fmt.Fprintf(w, "  %s%s: %s\n", b.Name, rows, b.How)
		}
	}
}

func short(sum string) string {
	if len(sum) > 16 {
		return sum[:16]
	}
	return sum
}
