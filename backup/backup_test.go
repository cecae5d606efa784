package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/backup"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

var ctx = context.Background()

// The tests of this file run on SQLite whatever MASAR_TEST_DATABASE says: a Masar backup is
// a copy of a data directory's SQLite file and keys, and a restore writes one back. On a
// PostgreSQL installation both are refused (TestPostgresInstallationIsRefused).

// dataDir makes a data directory as a server leaves it: a database with one account, the
// server key and an issuer key (unless noIssuer).
func dataDir(t *testing.T, noIssuer bool) string {
	t.Helper()
	db := storetest.OpenSQLite(t)
	dir := filepath.Dir(db.Path())
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	addAccount(t, db, "mona@example.org")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	if err := os.WriteFile(filepath.Join(dir, "secret.key"), secret, 0o600); err != nil {
		t.Fatal(err)
	}
	if !noIssuer {
		writeKey(t, filepath.Join(dir, "issuer-key.pem"))
	}
	return dir
}

func addAccount(t *testing.T, db *store.DB, email string) {
	t.Helper()
	_, err := officials.New(db, 4, nil).Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: email, Password: "a long enough password",
		NameAr: "منى الحسن", NameLatin: "Mona Al-Hassan", JobTitle: "Analyst", Organisation: "Ministry", Country: "OM",
		Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleOfficial)
	if err != nil {
		t.Fatal(err)
	}
}

func writeKey(t *testing.T, path string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// members lists an archive's members and their contents, in order.
func members(t *testing.T, path string) ([]string, map[string][]byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	body := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		names = append(names, h.Name)
		body[h.Name] = b
	}
	return names, body
}

// TestCreateWritesOnePrivateFileWithEverything: the backup is one file, 0600 whatever the
// umask, holding the manifest first, then the database, the server key and the issuer key,
// each matching the manifest's checksum; an existing file is not replaced without force.
func TestCreateWritesOnePrivateFileWithEverything(t *testing.T) {
	dir := dataDir(t, false)
	dest := filepath.Join(t.TempDir(), "masar-backup.tar.gz")
	m, err := backup.Create(ctx, dir, dest, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want -rw-------", st.Mode())
	}
	names, body := members(t, dest)
	if want := []string{"manifest.json", "masar.db", "secret.key", "issuer-key.pem"}; !slices.Equal(names, want) {
		t.Errorf("members %v, want %v", names, want)
	}
	for _, f := range m.Files {
		h := sha256.Sum256(body[f.Name])
		if hex.EncodeToString(h[:]) != f.SHA256 || int64(len(body[f.Name])) != f.Size {
			t.Errorf("%s does not match its manifest entry", f.Name)
		}
	}
	key, _ := os.ReadFile(filepath.Join(dir, "issuer-key.pem"))
	if !bytes.Equal(body["issuer-key.pem"], key) {
		t.Error("the issuer key in the backup is not the data directory's")
	}
	if !strings.Contains(string(body["manifest.json"]), `"schema_version": `) || m.SchemaVersion != store.LatestSchemaVersion() || len(m.Missing) != 0 {
		t.Errorf("manifest: %s", body["manifest.json"])
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".masar-backup-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// An existing file is kept unless --force.
	os.WriteFile(dest, []byte("precious"), 0o600)
	if _, err := backup.Create(ctx, dir, dest, false); !errors.Is(err, backup.ErrExists) {
		t.Errorf("existing destination: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "precious" {
		t.Error("an existing file was overwritten without --force")
	}
	if _, err := backup.Create(ctx, dir, dest, true); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if names, _ := members(t, dest); len(names) != 4 {
		t.Errorf("--force did not replace the file: %v", names)
	}
}

// TestCreateSaysWhatIsMissing: with no issuer key yet the backup is made and says so;
// without a database there is no backup.
func TestCreateSaysWhatIsMissing(t *testing.T) {
	dir := dataDir(t, true)
	dest := filepath.Join(t.TempDir(), "b.tar.gz")
	m, err := backup.Create(ctx, dir, dest, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Missing) != 1 || m.Missing[0].Name != "issuer-key.pem" || !strings.Contains(m.Missing[0].Note, "no issuer key") {
		t.Errorf("missing: %+v", m.Missing)
	}
	if names, _ := members(t, dest); slices.Contains(names, "issuer-key.pem") {
		t.Errorf("members: %v", names)
	}
	if _, err := backup.Create(ctx, t.TempDir(), filepath.Join(t.TempDir(), "x.tar.gz"), false); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("backup of an empty directory: %v", err)
	}
}

// TestRestoreBringsBackEverything: a restore into a fresh directory gives the account, the
// same server key and issuer key (same key id), all 0600; the directory is then refused as
// not empty, and with force replaced, old WAL and extra keys removed.
func TestRestoreBringsBackEverything(t *testing.T) {
	dir := dataDir(t, false)
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Create(ctx, dir, file, false); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "restored")
	res, err := backup.Restore(ctx, file, fresh, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"masar.db", "secret.key", "issuer-key.pem"} {
		st, err := os.Stat(filepath.Join(fresh, name))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", name, st, err)
		}
	}
	for _, name := range []string{"secret.key", "issuer-key.pem"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(fresh, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the original", name)
		}
	}
	kid, _ := certificates.IssuerKeyID(filepath.Join(dir, "issuer-key.pem"))
	if res.IssuerKeys["issuer-key.pem"] != kid || kid == "" {
		t.Errorf("key id %q, want %q", res.IssuerKeys["issuer-key.pem"], kid)
	}
	db, err := store.Open(ctx, filepath.Join(fresh, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := officials.New(db, 4, nil).GetByEmail(ctx, "mona@example.org"); err != nil {
		t.Errorf("restored database lacks the account: %v", err)
	}
	addAccount(t, db, "after@example.org")
	db.Close()
	if leftovers, _ := filepath.Glob(filepath.Join(fresh, ".restore-*")); len(leftovers) > 0 {
		t.Errorf("staging left: %v", leftovers)
	}

	if _, err := backup.Restore(ctx, file, fresh, false); !errors.Is(err, backup.ErrNotEmpty) {
		t.Errorf("restore over a used directory: %v", err)
	}
	// With force: a stale WAL and a key the backup does not have are removed.
	os.WriteFile(filepath.Join(fresh, "masar.db-wal"), []byte("stale"), 0o600)
	writeKey(t, filepath.Join(fresh, "issuer-key-old.pem"))
	if _, err := backup.Restore(ctx, file, fresh, true); err != nil {
		t.Fatalf("--force: %v", err)
	}
	for _, gone := range []string{"masar.db-wal", "issuer-key-old.pem"} {
		if _, err := os.Stat(filepath.Join(fresh, gone)); err == nil {
			t.Errorf("%s survived a forced restore", gone)
		}
	}
	db, err = store.Open(ctx, filepath.Join(fresh, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := officials.New(db, 4, nil).GetByEmail(ctx, "after@example.org"); err == nil {
		t.Error("a forced restore kept an account made after the backup")
	}
}

// TestRestoreRefusesATamperedBackup: a file changed inside the backup (its manifest left
// as it was), a file added, or a file that is not a backup are refused, and nothing is
// restored.
func TestRestoreRefusesATamperedBackup(t *testing.T) {
	dir := dataDir(t, false)
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Create(ctx, dir, file, false); err != nil {
		t.Fatal(err)
	}
	names, body := members(t, file)
	rewrite := func(change func(name string, b []byte) []byte, extra ...string) string {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		for _, n := range append(names, extra...) {
			b := change(n, slices.Clone(body[n]))
			tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600, Size: int64(len(b)), Typeflag: tar.TypeReg})
			tw.Write(b)
		}
		tw.Close()
		zw.Close()
		p := filepath.Join(t.TempDir(), "tampered.tar.gz")
		os.WriteFile(p, buf.Bytes(), 0o600)
		return p
	}
	cases := map[string]string{
		// One byte of the server key changed: same size, another checksum.
		"changed key": rewrite(func(n string, b []byte) []byte {
			if n == "secret.key" {
				b[0] ^= 0xff
			}
			return b
		}),
		// A byte of the database's last page.
		"changed database": rewrite(func(n string, b []byte) []byte {
			if n == "masar.db" {
				b[len(b)-100] ^= 0x01
			}
			return b
		}),
		"added file": rewrite(func(n string, b []byte) []byte { return b }, "masar.db-wal"),
	}
	notBackup := filepath.Join(t.TempDir(), "notes.tar.gz")
	os.WriteFile(notBackup, []byte("not a backup"), 0o600)
	cases["not a backup"] = notBackup
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "data")
			_, err := backup.Restore(ctx, p, target, false)
			if !errors.Is(err, backup.ErrDamaged) {
				t.Fatalf("restored: %v", err)
			}
			ents, _ := os.ReadDir(target)
			for _, e := range ents {
				if e.Name() != store.LockFile {
					t.Errorf("%s left in the directory", e.Name())
				}
			}
		})
	}
	// The untouched backup restores.
	if _, err := backup.Restore(ctx, rewrite(func(_ string, b []byte) []byte { return b }), filepath.Join(t.TempDir(), "ok"), false); err != nil {
		t.Errorf("an untouched copy: %v", err)
	}
}

// TestRestoreRefusesADirectoryInUse: a directory that a server holds is refused.
func TestRestoreRefusesADirectoryInUse(t *testing.T) {
	dir := dataDir(t, true)
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Create(ctx, dir, file, false); err != nil {
		t.Fatal(err)
	}
	target := t.TempDir()
	lock, err := store.LockDir(target, "masar serve")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	_, err = backup.Restore(ctx, file, target, true)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "masar serve") {
		t.Errorf("restore into a directory in use: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "masar.db")); err == nil {
		t.Error("a database was restored under a running server")
	}
}

// TestRestoreMigratesAnOlderBackup: a backup of an older Masar's database restores and is
// migrated to this program's schema.
func TestRestoreMigratesAnOlderBackup(t *testing.T) {
	dir := t.TempDir()
	if err := store.CreateAtVersion(ctx, filepath.Join(dir, "masar.db"), 10); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "old.tar.gz")
	m, err := backup.Create(ctx, dir, file, false)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != 10 {
		t.Errorf("manifest schema version %d, want 10 (the backup must not migrate the live database)", m.SchemaVersion)
	}
	res, err := backup.Restore(ctx, file, filepath.Join(t.TempDir(), "new"), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.SchemaFrom != 10 || res.SchemaTo != store.LatestSchemaVersion() {
		t.Errorf("migrated from %d to %d, want 10 to %d", res.SchemaFrom, res.SchemaTo, store.LatestSchemaVersion())
	}
	db, _, err := store.OpenReadOnly(ctx, filepath.Join(dir, "masar.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(ctx); v != 10 {
		t.Errorf("the live database moved to version %d", v)
	}
}
