package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
)

// Errors for a database file that Open refuses rather than initialise over it.
var (
	// ErrEmptyDatabase: the file exists and holds nothing (0 bytes). A fresh platform
	// would silently replace whatever it was, admin accounts included.
	ErrEmptyDatabase = errors.New("the database file is empty")
	// ErrForeignDatabase: the file is not a SQLite database, or a SQLite database with
	// tables but without Masar's migration record.
	ErrForeignDatabase = errors.New("the file is not Masar's database")
)

// refusal is an error that names the file and what is wrong with it, and matches one of
// the errors above with errors.Is.
type refusal struct {
	msg  string
	kind error
}

func (e *refusal) Error() string { return e.msg }
func (e *refusal) Unwrap() error { return e.kind }

// sqliteHeader is how every SQLite database file begins.
var sqliteHeader = []byte("SQLite format 3\x00")

// migrationTable is where goose records the applied migrations.
const migrationTable = "goose_db_version"

// checkFile looks at an existing database file before anything is written to it, and
// refuses an empty or foreign one. It reports whether the file exists.
func checkFile(ctx context.Context, path string) (exists bool, err error) {
	if exists, err = checkHeader(path); !exists || err != nil {
		return exists, err
	}
	// A SQLite file with tables of its own and no migration record belongs to something
	// else. It is read through a plain connection that changes nothing (the writer's
	// pragmas would switch it to WAL) and never creates the file (mode=rw).
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return true, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer func() { _ = c.Close() }()
	return true, checkOwn(ctx, c, path)
}

// checkHeader refuses an existing file that is empty or does not begin as a SQLite
// database, reading only its first bytes. It reports whether the file exists.
func checkHeader(path string) (exists bool, err error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, explain(filepath.Dir(path), err)
	}
	if st.IsDir() {
		return true, &refusal{fmt.Sprintf("store: %s is a directory, not a database file", path), ErrForeignDatabase}
	}
	if st.Size() == 0 {
		return true, &refusal{fmt.Sprintf("store: %s is empty (0 bytes); refusing to start a new platform over it: "+
			"restore it from a backup, or delete it if this is a new installation", path), ErrEmptyDatabase}
	}
	f, err := os.Open(path)
	if err != nil {
		return true, explain(filepath.Dir(path), err)
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	_ = f.Close()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return true, explain(filepath.Dir(path), err)
	}
	if !bytes.Equal(head, sqliteHeader) {
		return true, &refusal{fmt.Sprintf("store: %s is not a SQLite database; refusing to open it: "+
			"restore Masar's database from a backup, or move this file away", path), ErrForeignDatabase}
	}
	return true, nil
}

// checkOwn refuses a SQLite database, open as c, that has tables of its own and no record
// of Masar's migrations.
func checkOwn(ctx context.Context, c *sql.DB, path string) error {
	var tables, migrations int
	var first sql.NullString
	err := c.QueryRowContext(ctx, `SELECT count(*), min(name), count(*) FILTER (WHERE name = ?) FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`, migrationTable).Scan(&tables, &first, &migrations)
	if err != nil {
		return explain(filepath.Dir(path), err)
	}
	if tables > 0 && migrations == 0 {
		return &refusal{fmt.Sprintf("store: %s is a SQLite database but not Masar's (it has %d table(s), e.g. %q, and no record of "+
			"Masar's migrations); refusing to change it", path, tables, first.String), ErrForeignDatabase}
	}
	return nil
}

// SQLite's primary result codes that explain names (https://sqlite.org/rescode.html).
const (
	sqliteBusy     = 5
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// sqliteCode is the primary result code of a SQLite error, or 0.
func sqliteCode(err error) int {
	var c interface{ Code() int }
	if errors.As(err, &c) {
		return c.Code() & 0xff
	}
	return 0
}

// cause says in words why the database in dir could not be opened or written, when err
// tells: the disk is full, the file system read-only, permission denied. It returns "" for
// an error it cannot name, and opaque is true when SQLite's code hides the system's reason
// (an I/O error, a file it cannot open), which probing the directory may then reveal.
func cause(err error) (what string, opaque bool) {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "the disk is full", false
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only", false
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return fmt.Sprintf("permission denied (Masar runs as user %d)", os.Getuid()), false
	}
	switch sqliteCode(err) {
	case sqliteFull:
		return "the disk is full", false
	case sqliteReadOnly:
		return "the database is read-only (check the permissions of the directory and its files, and that the file system is writable)", true
	case sqliteCantOpen:
		return "the database file cannot be opened (check that the directory exists and is writable)", true
	case sqliteIOErr:
		return "the disk reported an I/O error (check the disk and the system log)", true
	case sqliteCorrupt, sqliteNotADB:
		return "the database file is damaged; restore it from a backup", false
	case sqliteBusy:
		return "the database is locked by another program", false
	}
	return "", false
}

// explain turns an error met while opening the database in dir into one that names the
// cause, e.g. "store: cannot write the database in /srv/masar: the disk is full"; the
// original error stays wrapped. When SQLite's error hides the system's reason, a small file
// written to dir finds it (ENOSPC, EROFS, EACCES). An error it cannot name is wrapped as is.
func explain(dir string, err error) error {
	if err == nil {
		return nil
	}
	what, opaque := cause(err)
	if opaque {
		if perr := probe(dir); perr != nil {
			if w, _ := cause(perr); w != "" {
				what = w
			}
		}
	}
	if what == "" {
		return fmt.Errorf("store: open the database in %s: %w", dir, err)
	}
	return &openError{dir: dir, what: what, err: err}
}

// openError is a start-up failure with its cause in words.
type openError struct {
	dir, what string
	err       error
}

func (e *openError) Error() string {
	return fmt.Sprintf("store: cannot write the database in %s: %s (%v)", e.dir, e.what, e.err)
}
func (e *openError) Unwrap() error { return e.err }

// probe writes and removes a small file in dir, returning the system's error if it fails.
func probe(dir string) error {
	f, err := os.CreateTemp(dir, ".masar-probe-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	_, werr := f.Write(make([]byte, 64<<10))
	if werr == nil {
		werr = f.Sync()
	}
	return errors.Join(werr, f.Close())
}
