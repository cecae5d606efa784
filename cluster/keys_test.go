package cluster_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// openAt opens (creating and migrating) the database at path, closed when the test ends:
// a test reopens it to see what a restarted instance sees.
func openAt(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// A new installation gets a secret that stays the same across restarts, and writes no
// file for it: the database is where every instance finds it.
func TestSecretIsCreatedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	legacy := filepath.Join(dir, "secret.key")
	db := openAt(t, filepath.Join(dir, "masar.db"))
	first, err := cluster.Secret(ctx, db, legacy)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != cluster.SecretBytes || bytes.Equal(first, make([]byte, cluster.SecretBytes)) {
		t.Fatalf("secret %x: want %d random bytes", first, cluster.SecretBytes)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Fatalf("a key file was written (%v)", err)
	}
	again, err := cluster.Secret(ctx, db, legacy)
	if err != nil || !bytes.Equal(again, first) {
		t.Fatalf("second call: %x (%v), want %x", again, err, first)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, filepath.Join(dir, "masar.db"))
	reopened, err := cluster.Secret(ctx, db, legacy)
	if err != nil || !bytes.Equal(reopened, first) {
		t.Fatalf("after a restart: %x (%v), want %x", reopened, err, first)
	}
}

// An existing installation keeps its secret: the file is imported byte for byte (sessions'
// forms and the links already mailed stay valid), and from then on the database's copy is
// used even if the file changes or goes.
func TestSecretFileIsImported(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	legacy := filepath.Join(dir, "secret.key")
	old := bytes.Repeat([]byte{0xA5, 0x5A, 0x01}, 16) // 48 bytes: older files may be longer than 32
	if err := os.WriteFile(legacy, old, 0o600); err != nil {
		t.Fatal(err)
	}
	db := openAt(t, filepath.Join(dir, "masar.db"))
	got, err := cluster.Secret(ctx, db, legacy)
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("imported %x (%v), want the file's %x", got, err, old)
	}
	if err := os.Remove(legacy); err != nil {
		t.Fatal(err)
	}
	if got, err = cluster.Secret(ctx, db, legacy); err != nil || !bytes.Equal(got, old) {
		t.Fatalf("without the file: %x (%v), want %x", got, err, old)
	}
}

// A file too short to be a key was always replaced by a new secret; it still is, rather
// than being imported or stopping the start-up.
func TestShortSecretFileIsNotImported(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	legacy := filepath.Join(dir, "secret.key")
	if err := os.WriteFile(legacy, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := cluster.Secret(ctx, openAt(t, filepath.Join(dir, "masar.db")), legacy)
	if err != nil || len(got) != cluster.SecretBytes || bytes.HasPrefix(got, []byte("short")) {
		t.Fatalf("secret %q (%v), want a new one", got, err)
	}
}

// Instances starting together on a new database each make a secret; one is stored and
// every instance uses that one.
func TestConcurrentFirstStartsAgreeOnTheSecret(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := storetest.Open(t) // migrated once, as the first instance to start would
	const n = 8
	secrets := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		// Each instance has its own connections, as separate processes would.
		db := secondInstance(t, first)
		wg.Add(1)
		go func() {
			defer wg.Done()
			secrets[i], errs[i] = cluster.Secret(ctx, db, filepath.Join(dir, "none", "secret.key"))
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
		if !bytes.Equal(secrets[i], secrets[0]) {
			t.Fatalf("instance %d uses %x, instance 0 %x", i, secrets[i], secrets[0])
		}
	}
}

func newPEM(t *testing.T) []byte {
	t.Helper()
	// 1024 bits keeps the test quick; the key's size does not matter to its storage.
	priv, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // a test key
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// An existing issuer key file is imported byte for byte (every credential it signed still
// verifies) and its rotation's retired key files with it; a rotation then retires the
// current key into the database, where every instance publishes it.
func TestIssuerKeysAreImportedAndRotated(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	current, retired := newPEM(t), newPEM(t)
	if err := os.WriteFile(filepath.Join(dir, "issuer-key.pem"), current, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "issuer-key-Ab3kid.pem"), retired, 0o600); err != nil {
		t.Fatal(err)
	}
	db := openAt(t, filepath.Join(dir, "masar.db"))
	got, err := cluster.IssuerKeyPEM(ctx, db, filepath.Join(dir, "issuer-key.pem"))
	if err != nil || !bytes.Equal(got, current) {
		t.Fatalf("issuer key %q (%v), want the file's", got, err)
	}
	for range 2 { // importing twice keeps one copy
		old, err := cluster.RetiredIssuerKeyPEMs(ctx, db, dir)
		if err != nil || len(old) != 1 || !bytes.Equal(old[0], retired) {
			t.Fatalf("retired keys: %d (%v), want the one file's", len(old), err)
		}
	}

	next := newPEM(t)
	was, err := cluster.RotateIssuerKey(ctx, db, next)
	if err != nil || !bytes.Equal(was, current) {
		t.Fatalf("rotation retired %q (%v), want the imported key", was, err)
	}
	// The old file is still in the directory: the database's key wins, and the file's key
	// is not published twice.
	if got, err = cluster.IssuerKeyPEM(ctx, db, filepath.Join(dir, "issuer-key.pem")); err != nil || !bytes.Equal(got, next) {
		t.Fatalf("after the rotation the issuer key is %q (%v), want the new one", got, err)
	}
	old, err := cluster.RetiredIssuerKeyPEMs(ctx, db, dir)
	if err != nil || len(old) != 2 || !bytes.Equal(old[0], retired) || !bytes.Equal(old[1], current) {
		t.Fatalf("retired keys after rotation: %d (%v), want the file's then the rotated one", len(old), err)
	}
	if _, err := cluster.RotateIssuerKey(ctx, db, []byte("not a key")); err == nil {
		t.Fatal("a rotation to something that is not a key was accepted")
	}
	if got, _ = cluster.IssuerKeyPEM(ctx, db, ""); !bytes.Equal(got, next) {
		t.Fatal("a refused rotation changed the key")
	}
}

// A new installation's issuer key is made once, is an RSA key of the size verifiers
// expect, and stays across restarts.
func TestIssuerKeyIsCreatedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	legacy := filepath.Join(dir, "issuer-key.pem")
	db := openAt(t, filepath.Join(dir, "masar.db"))
	first, err := cluster.IssuerKeyPEM(ctx, db, legacy)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(first)
	if blk == nil {
		t.Fatalf("not PEM: %q", first)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if rk, ok := k.(*rsa.PrivateKey); !ok || rk.N.BitLen() != cluster.IssuerKeyBits {
		t.Fatalf("key %T, want RSA of %d bits", k, cluster.IssuerKeyBits)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, filepath.Join(dir, "masar.db"))
	again, err := cluster.IssuerKeyPEM(ctx, db, legacy)
	if err != nil || !bytes.Equal(again, first) {
		t.Fatalf("after a restart: %v, same key %v", err, bytes.Equal(again, first))
	}
}

// A broken issuer key file stops the start-up, naming it, as it always did: importing it
// would lose for good the key that every credential was signed with.
func TestBrokenIssuerKeyFileIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	legacy := filepath.Join(dir, "issuer-key.pem")
	if err := os.WriteFile(legacy, []byte("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := openAt(t, filepath.Join(dir, "masar.db"))
	if _, err := cluster.IssuerKeyPEM(ctx, db, legacy); err == nil || !strings.Contains(err.Error(), legacy) {
		t.Fatalf("err %v, want one naming %s", err, legacy)
	}
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM keys`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d keys stored (%v), want none", n, err)
	}
}

// An instance that made its own issuer key before it joined a shared database keeps what
// that key signed verifiable: its file's key is published as a retired key.
func TestADifferentIssuerKeyFileIsKeptAsRetired(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openAt(t, filepath.Join(dir, "masar.db"))
	shared := newPEM(t)
	if _, err := cluster.RotateIssuerKey(ctx, db, shared); err != nil { // the database's key
		t.Fatal(err)
	}
	own := newPEM(t)
	legacy := filepath.Join(dir, "issuer-key.pem")
	if err := os.WriteFile(legacy, own, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := cluster.IssuerKeyPEM(ctx, db, legacy)
	if err != nil || !bytes.Equal(got, shared) {
		t.Fatalf("issuer key: %v, the shared one %v", err, bytes.Equal(got, shared))
	}
	old, err := cluster.RetiredIssuerKeyPEMs(ctx, db, t.TempDir())
	if err != nil || len(old) != 1 || !bytes.Equal(old[0], own) {
		t.Fatalf("retired keys: %d (%v), want the instance's own", len(old), err)
	}
}
