package backup_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/backup"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/store"
)

// Once the keys live in the database, the backup carries them inside its snapshot: the
// manifest says so rather than warn that they are missing, and a restore brings back the
// same secret and the same issuer key, retired keys included, with their key ids.
func TestKeysInTheDatabaseTravelInsideTheBackup(t *testing.T) {
	dir := dataDir(t, true)
	// A server of this version imported the file's secret and made its issuer key in the
	// database; a rotation retired one key. The file is gone (an instance on another
	// machine never had it).
	db, err := store.Open(ctx, filepath.Join(dir, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := cluster.Secret(ctx, db, filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "secret.key")); err != nil {
		t.Fatal(err)
	}
	retired, err := cluster.IssuerKeyPEM(ctx, db, filepath.Join(dir, "issuer-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	current, err := cluster.NewIssuerKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.RotateIssuerKey(ctx, db, current); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(t.TempDir(), "b.tar.gz")
	m, err := backup.Create(ctx, dir, file, false)
	if err != nil {
		t.Fatal(err)
	}
	if names, _ := members(t, file); !slices.Equal(names, []string{"manifest.json", "masar.db"}) {
		t.Errorf("members %v, want the manifest and the database alone", names)
	}
	if len(m.Missing) != 2 {
		t.Fatalf("missing: %+v", m.Missing)
	}
	for _, mi := range m.Missing {
		if !strings.Contains(mi.Note, "kept in the database") {
			t.Errorf("%s: %q, want it said to be in the database", mi.Name, mi.Note)
		}
	}

	fresh := filepath.Join(t.TempDir(), "restored")
	res, err := backup.Restore(ctx, file, fresh, false)
	if err != nil {
		t.Fatal(err)
	}
	currentKid, _ := certificates.IssuerKeyIDPEM(current)
	retiredKid, _ := certificates.IssuerKeyIDPEM(retired)
	want := []string{"issuer key " + currentKid, "retired issuer key " + retiredKid, "server secret"}
	if !slices.Equal(res.DatabaseKeys, want) {
		t.Errorf("the restore reports %q, want %q", res.DatabaseKeys, want)
	}
	rdb, err := store.Open(ctx, filepath.Join(fresh, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	none := filepath.Join(fresh, "no-such-file")
	if got, err := cluster.Secret(ctx, rdb, none); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("restored secret differs (%v)", err)
	}
	if got, err := cluster.IssuerKeyPEM(ctx, rdb, none); err != nil || !bytes.Equal(got, current) {
		t.Errorf("restored issuer key differs (%v)", err)
	}
	if old, err := cluster.RetiredIssuerKeyPEMs(ctx, rdb, fresh); err != nil || len(old) != 1 || !bytes.Equal(old[0], retired) {
		t.Errorf("restored retired keys: %d (%v)", len(old), err)
	}
}
