package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masar-platform/masar/store/storetest/dirstate"
)

// TestOpenMakesTheDatabasePrivate: the database and its WAL files are readable by Masar's
// user alone, a new data directory too, and an older installation's 0644 file is tightened.
func TestOpenMakesTheDatabasePrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "masar.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('x')"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want -rw-------", filepath.Base(p), st.Mode(), err)
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("data directory: %v, want drwx------", st.Mode())
	}
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("an existing 0644 database stays %v", st.Mode())
	}
}

// TestOpenReadOnlyChangesNothing: with no server, a read-only opening reads the database,
// refuses writes, copies it (0600) and leaves the data directory byte for byte, time for
// time as it was, without even SQLite's WAL files; meanwhile a server cannot take the
// directory.
func TestOpenReadOnlyChangesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "masar.db")
	lock, err := LockDir(dir, "masar serve")
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('kept')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	lock.Release()
	before := dirstate.Of(t, dir)

	ro, how, err := OpenReadOnly(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if how.Beside != nil {
		t.Errorf("no server runs, yet beside %v", how.Beside)
	}
	var body string
	if err := ro.R.QueryRow("SELECT body FROM notes").Scan(&body); err != nil || body != "kept" {
		t.Errorf("read: %q %v", body, err)
	}
	if _, err := ro.W.Exec("INSERT INTO notes VALUES ('written')"); err == nil {
		t.Error("a write through a read-only opening succeeded")
	}
	if _, err := ro.W.Exec("UPDATE notes SET body = 'changed'"); err == nil {
		t.Error("an update through a read-only opening succeeded")
	}
	var locked *LockedError
	if _, err := LockDir(dir, "masar serve"); !errors.As(err, &locked) || !strings.Contains(err.Error(), "being read by a command") {
		t.Errorf("a server took the directory from a reader, or named the wrong holder: %v", err)
	}
	// Readers do not refuse each other.
	ro2, how2, err := OpenReadOnly(ctx, path, false)
	if err != nil || how2.Beside != nil {
		t.Fatalf("a second reader: %v %+v", err, how2.Beside)
	}
	ro2.Close()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := ro.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(copyPath); st.Mode().Perm() != 0o600 {
		t.Errorf("copy: %v, want -rw-------", st.Mode())
	}
	if got := dirstate.Of(t, dir); got != before {
		t.Errorf("the data directory changed while open read-only:\nbefore\n%s\nafter\n%s", before, got)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if got := dirstate.Of(t, dir); got != before {
		t.Errorf("the data directory changed:\nbefore\n%s\nafter\n%s", before, got)
	}
	if v, err := func() (int64, error) {
		cp, _, err := OpenReadOnly(ctx, copyPath, false)
		if err != nil {
			return 0, err
		}
		defer cp.Close()
		return cp.SchemaVersion(ctx)
	}(); err != nil || v != LatestSchemaVersion() || v < 11 {
		t.Errorf("copy's schema version %d %v, want %d", v, err, LatestSchemaVersion())
	}
}

// TestOpenReadOnlyBesideAServer: beside a server (the directory locked, the database being
// written), a read-only opening sees the last commit and says whose directory it is.
func TestOpenReadOnlyBesideAServer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "masar.db")
	lock, err := LockDir(dir, "masar serve --addr :1")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.W.Exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('last')"); err != nil {
		t.Fatal(err)
	}
	ro, how, err := OpenReadOnly(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if how.Beside == nil || how.Beside.PID != os.Getpid() {
		t.Errorf("beside: %+v", how.Beside)
	}
	var body string
	if err := ro.R.QueryRow("SELECT body FROM notes").Scan(&body); err != nil || body != "last" {
		t.Errorf("read beside the server: %q %v", body, err)
	}
	if _, err := db.W.Exec("INSERT INTO notes VALUES ('more')"); err != nil {
		t.Errorf("the server cannot write beside a reader: %v", err)
	}
}

// TestOpenReadOnlyRefuses: no database, a foreign one, or an older schema (unless any
// schema is accepted) are refused, and nothing is created.
func TestOpenReadOnlyRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, _, err := OpenReadOnly(ctx, filepath.Join(dir, "masar.db"), true); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("nothing: %v", err)
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
	// The version before the latest (numbers may skip one that a parallel branch holds).
	var prev int64
	if err := db.W.QueryRow("SELECT max(version_id) FROM " + migrationTable).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, _, err := OpenReadOnly(ctx, path, false); !errors.Is(err, ErrSchemaBehind) {
		t.Errorf("older schema: %v", err)
	}
	ro, _, err := OpenReadOnly(ctx, path, true)
	if err != nil {
		t.Fatalf("older schema, any accepted: %v", err)
	}
	if v, _ := ro.SchemaVersion(ctx); v != prev {
		t.Errorf("schema version %d, want %d", v, prev)
	}
	ro.Close()
	foreign := filepath.Join(t.TempDir(), "masar.db")
	os.WriteFile(foreign, []byte("name,email\n"), 0o600)
	if _, _, err := OpenReadOnly(ctx, foreign, true); !errors.Is(err, ErrForeignDatabase) {
		t.Errorf("foreign file: %v", err)
	}
}
