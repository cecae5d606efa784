package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ReadOnly says how OpenReadOnly found the data directory.
type ReadOnly struct {
	// Beside is the running server found holding the directory, or nil when there was
	// none and the reader holds the directory's lock (shared) until Close.
	Beside *LockedError
}

// OpenReadOnly opens the existing database at path for a command that only reads (a
// backup, an export). It never writes the database and creates nothing beside it: no
// migration, no WAL switch, no journal; a write through it fails. Beside a running server
// it reads the server's WAL like any reader; with none, it holds the directory's lock in
// shared mode (a server starting meanwhile is refused; other readers are not) and, when
// the last server left no WAL behind, opens the file as immutable, so that SQLite does
// not create its WAL and shared-memory files either.
//
// The database must be Masar's; unless anySchema, its migrations must be this program's
// (ErrSchemaBehind otherwise, since the code reading it would not fit).
func OpenReadOnly(ctx context.Context, path string, anySchema bool) (*DB, ReadOnly, error) {
	var how ReadOnly
	exists, err := checkHeader(path)
	if err != nil {
		return nil, how, err
	}
	if !exists {
		return nil, how, fmt.Errorf("store: no database at %s", path)
	}
	dir := filepath.Dir(path)
	lock, err := lockShared(dir)
	if errors.As(err, &how.Beside) {
		err = nil
	}
	if err != nil {
		return nil, how, err
	}
	fail := func(err error) (*DB, ReadOnly, error) {
		_ = lock.Release()
		return nil, how, err
	}
	q, from, tmp := "?mode=ro&_pragma=busy_timeout(10000)", path, ""
	switch {
	case lock == nil:
		// Beside the server: its WAL and shared memory exist; read as any reader does.
	case !hasWAL(path):
		// Nobody writes while the lock is held and no WAL holds commits: the file alone is
		// the database, and immutable makes SQLite read it without its WAL machinery.
		q += "&immutable=1"
	default:
		// A server stopped without checkpointing (killed, crashed): its commits are in the
		// WAL, whose index SQLite would rebuild in the shared-memory file, and a writable
		// opening would checkpoint them into the database. Both files are copied aside and
		// read there, so that the next server alone recovers the directory.
		if tmp, err = copyAside(path); err != nil {
			return fail(err)
		}
		from = filepath.Join(tmp, filepath.Base(path))
	}
	fail = func(err error) (*DB, ReadOnly, error) {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
		_ = lock.Release()
		return nil, how, err
	}
	dsn := "file:" + (&url.URL{Path: from}).EscapedPath() + q
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fail(fmt.Errorf("store: open %s read-only: %w", path, err))
	}
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return fail(explain(dir, err))
	}
	err = checkOwn(ctx, w, path)
	if err == nil && !anySchema {
		err = checkMigrated(ctx, w, path)
	}
	if err != nil {
		_ = w.Close()
		return fail(err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return fail(fmt.Errorf("store: open %s read-only: %w", path, err))
	}
	return &DB{W: w, R: r, path: path, lock: lock, aside: tmp}, how, nil
}

// copyAside copies the database at path and its WAL into a new private directory, which
// it returns.
func copyAside(path string) (string, error) {
	tmp, err := os.MkdirTemp("", "masar-read-*") // 0700
	if err != nil {
		return "", fmt.Errorf("store: copy the database aside to read it: %w", err)
	}
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(path+suffix, filepath.Join(tmp, filepath.Base(path)+suffix)); err != nil {
			_ = os.RemoveAll(tmp)
			return "", fmt.Errorf("store: copy the database aside to read it: %w", err)
		}
	}
	return tmp, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// hasWAL reports whether the database at path has a WAL file with something in it.
func hasWAL(path string) bool {
	st, err := os.Stat(path + "-wal")
	return err == nil && st.Size() > 0
}

// SchemaVersion is the highest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := db.R.QueryRowContext(ctx, "SELECT max(version_id) FROM "+migrationTable+" WHERE is_applied").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v.Int64, nil
}

// LatestSchemaVersion is the highest migration this program has: the version Open brings
// a database to.
func LatestSchemaVersion() int64 {
	var latest int64
	ents, _ := fs.ReadDir(migrations, "migrations/sqlite")
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		if n, err := strconv.ParseInt(num, 10, 64); ok && err == nil && n > latest {
			latest = n
		}
	}
	return latest
}

// Check runs SQLite's integrity check (quick_check) on the database: nil when it is sound.
//
// On PostgreSQL, whose pages the server checks itself, it checks that the database answers.
func (db *DB) Check(ctx context.Context) error {
	if db.dialect == Postgres {
		return db.Ping(ctx)
	}
	var res string
	if err := db.R.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&res); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check of %s: %s", db.path, res)
	}
	return nil
}

// CreateAtVersion creates a new database at path migrated only up to version, as an older
// Masar would have left it: for tests of what meets an older database (a restore of an old
// backup, an upgrade). It refuses a path that exists.
func CreateAtVersion(ctx context.Context, path string, version int64) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("store: %s exists", path)
	}
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	if err := c.PingContext(ctx); err != nil {
		return err
	}
	if err := private(path); err != nil {
		return err
	}
	p, err := provider(c)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	return nil
}
