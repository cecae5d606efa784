package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/store"
)

// Restored says what Restore brought back.
type Restored struct {
	Manifest *Manifest
	// Dir is the data directory restored into.
	Dir string
	// SchemaFrom is the database's schema version in the backup, SchemaTo after the
	// migrations of this program.
	SchemaFrom, SchemaTo int64
	// IssuerKeys maps each issuer key file restored to its key id (as in jwks.json).
	IssuerKeys map[string]string
	// DatabaseKeys says which keys the restored database holds, in words: "server secret",
	// "issuer key <kid>", "retired issuer key <kid>".
	DatabaseKeys []string
	// Replaced lists the files of the directory that the restore replaced or removed
	// (with force).
	Replaced []string
}

// Restore restores the backup in file into the data directory dataDir (created if
// missing): it checks the manifest and every file's size and checksum, refuses a directory
// that a server (or another command) holds, and one that already has files unless force.
// It unpacks into a private directory inside dataDir first, checks the keys, opens the
// database and migrates it to this program's schema and checks its integrity; only then
// does it move the files into place (with force, replacing the database — its WAL files
// included — and the keys there). A failure before that leaves dataDir as it was.
func Restore(ctx context.Context, file, dataDir string, force bool) (*Restored, error) {
	in, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer func() { _ = in.Close() }()
	m, tr, err := ReadManifest(in)
	if err != nil {
		return nil, fmt.Errorf("restore: %s: %w", file, err)
	}
	lock, err := store.LockDir(dataDir, "masar restore")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer func() { _ = lock.Release() }()
	present, err := occupied(dataDir)
	if err != nil {
		return nil, err
	}
	if len(present) > 0 && !force {
		return nil, fmt.Errorf("restore: %s holds %s: %w (give --force to replace the database and keys there)",
			dataDir, strings.Join(present, ", "), ErrNotEmpty)
	}
	stage, err := os.MkdirTemp(dataDir, ".restore-*") // 0700
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer func() { _ = os.RemoveAll(stage) }()
	if err := unpack(tr, m, stage); err != nil {
		return nil, fmt.Errorf("restore: %s: %w", file, err)
	}
	res := &Restored{Manifest: m, Dir: dataDir, IssuerKeys: map[string]string{}}
	if err := res.check(ctx, stage); err != nil {
		return nil, err
	}
	if res.Replaced, err = replace(stage, dataDir, m); err != nil {
		return nil, err
	}
	syncDir(dataDir)
	return res, nil
}

// occupied lists what dataDir holds besides its lock file.
func occupied(dataDir string) ([]string, error) {
	ents, err := os.ReadDir(dataDir)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	var names []string
	for _, e := range ents {
		if e.Name() != store.LockFile {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// unpack writes the archive's files into dir (0600), checking each one's size and
// checksum against the manifest, and that nothing is missing or added.
func unpack(tr *tar.Reader, m *Manifest, dir string) error {
	want := map[string]File{}
	for _, f := range m.Files {
		want[f.Name] = f
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		f, ok := want[h.Name]
		if !ok || h.Typeflag != tar.TypeReg {
			return fmt.Errorf("%w: %q is not in the manifest", ErrDamaged, h.Name)
		}
		delete(want, h.Name)
		if h.Size != f.Size {
			return fmt.Errorf("%w: %s is %d bytes, the manifest says %d", ErrDamaged, f.Name, h.Size, f.Size)
		}
		if err := unpackFile(tr, f, filepath.Join(dir, f.Name)); err != nil {
			return err
		}
	}
	for name := range want {
		return fmt.Errorf("%w: %s is in the manifest but not in the backup", ErrDamaged, name)
	}
	return nil
}

func unpackFile(r io.Reader, f File, path string) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.CopyN(io.MultiWriter(out, h), r, f.Size)
	if err == nil {
		err = out.Sync()
	}
	if err = errors.Join(err, out.Close()); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, f.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 {
		return fmt.Errorf("%w: the checksum of %s is %s, the manifest says %s", ErrDamaged, f.Name, got, f.SHA256)
	}
	return nil
}

// check verifies the unpacked files in stage: the keys read as keys; the database is
// Masar's, opens, migrates to this program's schema and passes SQLite's integrity check.
func (res *Restored) check(ctx context.Context, stage string) error {
	for _, f := range res.Manifest.Files {
		path := filepath.Join(stage, f.Name)
		switch {
		case f.Name == config.SecretKeyFile:
			if f.Size < 32 {
				return fmt.Errorf("restore: %w: the server key is %d bytes, fewer than 32", ErrDamaged, f.Size)
			}
		case f.Name != config.DatabaseFile:
			kid, err := certificates.IssuerKeyID(path)
			if err != nil {
				return fmt.Errorf("restore: %w: %v", ErrDamaged, err)
			}
			res.IssuerKeys[f.Name] = kid
		}
	}
	path := filepath.Join(stage, config.DatabaseFile)
	ro, _, err := store.OpenReadOnly(ctx, path, true)
	if err != nil {
		return fmt.Errorf("restore: the database in the backup: %w", err)
	}
	res.SchemaFrom, err = ro.SchemaVersion(ctx)
	if err = errors.Join(err, ro.Close()); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if res.SchemaFrom > store.LatestSchemaVersion() {
		return fmt.Errorf("restore: the database is at schema version %d and this program knows up to %d: restore it with the Masar that made it, or a newer one",
			res.SchemaFrom, store.LatestSchemaVersion())
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("restore: the database in the backup does not open: %w", err)
	}
	err = db.Check(ctx)
	if err == nil {
		res.SchemaTo, err = db.SchemaVersion(ctx)
	}
	if err == nil {
		err = res.describeKeys(ctx, db)
	}
	if err = errors.Join(err, db.Close()); err != nil {
		return fmt.Errorf("restore: the database in the backup: %w", err)
	}
	return nil
}

// replace moves the restored files from stage into dataDir. What dataDir had of a
// database (its WAL files too, which would otherwise be read into the restored one) and
// of keys goes first, so that the directory holds the backup's set and nothing of the old.
func replace(stage, dataDir string, m *Manifest) ([]string, error) {
	var replaced []string
	old, _, err := keyNames(dataDir)
	if err != nil {
		return nil, err
	}
	db := config.DatabaseFile
	for _, name := range append([]string{db, db + "-wal", db + "-shm", db + "-journal"}, old...) {
		err := os.Remove(filepath.Join(dataDir, name))
		if err == nil {
			replaced = append(replaced, name)
		} else if !errors.Is(err, os.ErrNotExist) {
			return replaced, fmt.Errorf("restore: %w", err)
		}
	}
	ents, err := os.ReadDir(stage)
	if err != nil {
		return replaced, fmt.Errorf("restore: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		// The database's own -wal and -shm, if its closing left them, go with it.
		if !m.has(name) && !strings.HasPrefix(name, db+"-") {
			continue
		}
		if err := os.Rename(filepath.Join(stage, name), filepath.Join(dataDir, name)); err != nil {
			return replaced, fmt.Errorf("restore: %w", err)
		}
	}
	slices.Sort(replaced)
	return slices.Compact(replaced), nil
}

// describeKeys lists the keys the restored database holds, checking that the issuer keys
// read as keys: a restore fails on a broken key in the database as on a broken key file.
func (res *Restored) describeKeys(ctx context.Context, db *store.DB) error {
	keys, err := cluster.StoredKeys(ctx, db)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Name == cluster.SecretName {
			res.DatabaseKeys = append(res.DatabaseKeys, "server secret")
			continue
		}
		kid, err := certificates.IssuerKeyIDPEM(k.Value)
		if err != nil {
			return fmt.Errorf("%w: the database's %s: %v", ErrDamaged, k.Name, err)
		}
		what := "issuer key "
		if k.Retired() {
			what = "retired issuer key "
		}
		res.DatabaseKeys = append(res.DatabaseKeys, what+kid)
	}
	return nil
}
