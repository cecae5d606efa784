package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestLockDirRefusesASecondHolder: a second lock on one data directory fails and names the
// holder's process id; once released, the directory can be taken again.
func TestLockDirRefusesASecondHolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LockDir(dir, "masar serve --addr :8080")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockDir(dir, "masar serve")
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want a LockedError", err)
	}
	if locked.PID != os.Getpid() || locked.By != "masar serve --addr :8080" {
		t.Errorf("holder %d %q, want %d %q", locked.PID, locked.By, os.Getpid(), "masar serve --addr :8080")
	}
	want := fmt.Sprintf("store: the data directory %s is in use by process %d (masar serve --addr :8080); stop it first", dir, os.Getpid())
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q\nwant it to begin %q", err, want)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := LockDir(dir, "masar admin create")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	defer again.Release()
	b, _ := os.ReadFile(filepath.Join(dir, LockFile))
	if want := strconv.Itoa(os.Getpid()) + " masar admin create\n"; string(b) != want {
		t.Errorf("lock file says %q, want %q", b, want)
	}
}

// TestOpenRefusesAnEmptyFile: a 0-byte masar.db is refused and left as it was, never
// initialised into a new platform.
func TestOpenRefusesAnEmptyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "masar.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(context.Context, string) (*DB, error){"Open": Open, "OpenShared": OpenShared} {
		db, err := open(context.Background(), path)
		if err == nil {
			db.Close()
			t.Fatalf("%s accepted an empty database file", name)
		}
		if !errors.Is(err, ErrEmptyDatabase) || !strings.Contains(err.Error(), path+" is empty (0 bytes)") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := BackupFile(context.Background(), path, filepath.Join(dir, "copy.db")); !errors.Is(err, ErrEmptyDatabase) {
		t.Errorf("backup of an empty file: %v", err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() != 0 {
		t.Errorf("the empty file was changed: %v %v", st, err)
	}
	assertNoSiblings(t, dir, "masar.db")
}

// TestOpenRefusesAForeignFile: a file that is not SQLite, or a SQLite database of another
// program, is refused and left byte for byte as it was.
func TestOpenRefusesAForeignFile(t *testing.T) {
	cases := map[string]func(t *testing.T, path string){
		"text": func(t *testing.T, path string) {
			os.WriteFile(path, []byte("name,email\nMona,mona@example.org\n"), 0o600)
		},
		"short": func(t *testing.T, path string) { os.WriteFile(path, []byte("SQLite"), 0o600) },
		"other program's SQLite": func(t *testing.T, path string) {
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users(email) VALUES('a@example.org')"); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, make := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "masar.db")
			make(t, path)
			before, _ := os.ReadFile(path)
			for oname, open := range map[string]func(context.Context, string) (*DB, error){"Open": Open, "OpenShared": OpenShared} {
				db, err := open(context.Background(), path)
				if err == nil {
					db.Close()
					t.Fatalf("%s accepted it", oname)
				}
				if !errors.Is(err, ErrForeignDatabase) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "refusing") {
					t.Errorf("%s: %v", oname, err)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
			assertNoSiblings(t, dir, "masar.db")
		})
	}
}

// assertNoSiblings fails if dir holds anything besides the named files (a -wal or -shm
// file would mean SQLite started writing).
func assertNoSiblings(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		found := false
		for _, n := range names {
			found = found || e.Name() == n
		}
		if !found {
			t.Errorf("%s appeared in the data directory", e.Name())
		}
	}
}

// TestOpenCreatesAndReopens: a new directory is created and migrated as before, and so is a
// SQLite file without any table (a first start stopped before its migrations); both reopen.
func TestOpenCreatesAndReopens(t *testing.T) {
	ctx := context.Background()
	fresh := filepath.Join(t.TempDir(), "new", "data", "masar.db")
	bare := filepath.Join(t.TempDir(), "masar.db")
	c, _ := sql.Open("sqlite", "file:"+bare)
	if _, err := c.Exec("PRAGMA user_version = 0; VACUUM"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, path := range []string{fresh, bare} {
		for i := 0; i < 2; i++ {
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("open %s (%d): %v", path, i, err)
			}
			var n int
			if err := db.R.QueryRow("SELECT count(*) FROM " + migrationTable).Scan(&n); err != nil || n < 2 {
				t.Errorf("%s not migrated: %d %v", path, n, err)
			}
			db.Close()
		}
	}
	shared, err := OpenShared(ctx, fresh)
	if err != nil {
		t.Fatalf("shared open of a migrated database: %v", err)
	}
	shared.Close()
}

// TestOpenSharedRefusesAnOlderSchemaAndCreatesNothing: beside a server, a program whose
// migrations the database lacks is refused, and no database is created where there is none.
func TestOpenSharedRefusesAnOlderSchemaAndCreatesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := OpenShared(ctx, filepath.Join(dir, "masar.db")); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("shared open of nothing: %v", err)
	}
	assertNoSiblings(t, dir)
	path := filepath.Join(dir, "masar.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("DELETE FROM " + migrationTable + " WHERE version_id = (SELECT max(version_id) FROM " + migrationTable + ")"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err := OpenShared(ctx, path); !errors.Is(err, ErrSchemaBehind) {
		if err == nil {
			db.Close()
		}
		t.Errorf("shared open of an older schema: %v", err)
	}
}

// TestBackupFile copies a database that another connection keeps open, with its last
// commit.
func TestBackupFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "masar.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.W.Exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('kept')"); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if _, err := BackupFile(ctx, path, dest); err != nil {
		t.Fatal(err)
	}
	cp, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var body string
	if err := cp.R.QueryRow("SELECT body FROM notes").Scan(&body); err != nil || body != "kept" {
		t.Errorf("copy: %q %v", body, err)
	}
}

// sqliteErr stands for the driver's error: a message and a (possibly extended) code.
type sqliteErr struct {
	msg  string
	code int
}

func (e sqliteErr) Error() string { return e.msg }
func (e sqliteErr) Code() int     { return e.code }

// TestExplainNamesTheCause: the errors of a full disk, a read-only file system and a
// refused permission become messages that say so, with the directory; the system's error
// stays wrapped.
func TestExplainNamesTheCause(t *testing.T) {
	dir := "/srv/masar"
	pathErr := func(errno syscall.Errno) error {
		return &fs.PathError{Op: "open", Path: dir + "/masar.db", Err: errno}
	}
	cases := []struct {
		err  error
		want string
	}{
		{pathErr(syscall.ENOSPC), "store: cannot write the database in /srv/masar: the disk is full (open /srv/masar/masar.db: no space left on device)"},
		{pathErr(syscall.EDQUOT), "store: cannot write the database in /srv/masar: the disk is full ("},
		{pathErr(syscall.EROFS), "store: cannot write the database in /srv/masar: the file system is read-only ("},
		{pathErr(syscall.EACCES), "store: cannot write the database in /srv/masar: permission denied (Masar runs as user "},
		{pathErr(syscall.EPERM), "store: cannot write the database in /srv/masar: permission denied ("},
		{fmt.Errorf("store: migrate: %w", sqliteErr{"database or disk is full (13)", 13}), "store: cannot write the database in /srv/masar: the disk is full (store: migrate: database or disk is full (13))"},
		{sqliteErr{"attempt to write a readonly database (8)", 8}, "store: cannot write the database in /srv/masar: the database is read-only"},
		{sqliteErr{"attempt to write a readonly database (1032)", 1032}, "store: cannot write the database in /srv/masar: the database is read-only"},
		{sqliteErr{"unable to open database file (14)", 14}, "store: cannot write the database in /srv/masar: the database file cannot be opened"},
		{sqliteErr{"disk I/O error (778)", 778}, "store: cannot write the database in /srv/masar: the disk reported an I/O error"},
		{sqliteErr{"database disk image is malformed (11)", 11}, "store: cannot write the database in /srv/masar: the database file is damaged"},
		{errors.New("something else"), "store: open the database in /srv/masar: something else"},
	}
	for _, c := range cases {
		got := explain(dir, c.err)
		if !strings.HasPrefix(got.Error(), c.want) {
			t.Errorf("%v:\n got %q\nwant %q…", c.err, got, c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%v is not wrapped", c.err)
		}
	}
}

// TestOpenInAReadOnlyDirectory: a directory Masar may not write to is named as such at
// start-up. Root writes anywhere, so this runs as another user only.
func TestOpenInAReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, whom directory permissions do not stop; TestExplainNamesTheCause covers the message")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	_, err := Open(context.Background(), filepath.Join(dir, "masar.db"))
	if err == nil || !strings.Contains(err.Error(), "cannot write the database in "+dir+": permission denied") {
		t.Errorf("open in a read-only directory: %v", err)
	}
	_, err = LockDir(filepath.Join(dir, "data"), "masar serve")
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("lock in a read-only directory: %v", err)
	}
	// A database file Masar may read but not write stops the start-up too, rather than the
	// first visitor's request.
	path := filepath.Join(t.TempDir(), "masar.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chmod(path, 0o400)
	db, err = Open(context.Background(), path)
	if err == nil {
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "the database is read-only") {
		t.Errorf("open of a read-only file: %v", err)
	}
}
