// Package backup writes and restores Masar's backups: one file holding everything a data
// directory needs to be brought back — a consistent snapshot of the database, the server's
// key and the issuer key that signs the credentials — with a manifest that names each file
// and its checksum. Since the keys moved into the database (the cluster package), they
// travel inside its snapshot; key files a data directory still has are carried too.
//
// A backup is a gzip-compressed tar archive: the tools to look into one (tar tzvf) or take
// it apart by hand (tar xzf) are on every server, it is written as a stream, and SQLite
// pages compress well. Its first member is manifest.json; the files follow, under the
// names they have in the data directory.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/store"
)

// Format is what a Masar backup's manifest says it is.
const Format = "masar-backup"

// Version is the version of the backup's layout that this program writes; it restores
// this one and older ones.
const Version = 1

// ManifestName is the manifest's name in the archive; it comes first.
const ManifestName = "manifest.json"

// Manifest describes a backup.
type Manifest struct {
	Format string `json:"format"`
	// Version is the layout's version (Version when written by this program).
	Version int `json:"version"`
	// Program is the version of Masar that wrote it, as Go's build information says it.
	Program string `json:"program"`
	// SchemaVersion is the database's migration version when the snapshot was taken.
	SchemaVersion int64     `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	Files         []File    `json:"files"`
	// Missing lists the files the data directory did not have, with why that is fine.
	Missing []Missing `json:"missing,omitempty"`
}

// File is one file of a backup.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Missing is a file the data directory lacked when the backup was made.
type Missing struct {
	Name string `json:"name"`
	Note string `json:"note"`
}

// Errors of a backup or a restore that the command line spells out.
var (
	// ErrExists: the destination of a backup exists (and --force was not given).
	ErrExists = errors.New("the file exists")
	// ErrDamaged: the backup is not one, or a file in it does not match its manifest.
	ErrDamaged = errors.New("the backup is damaged or not a Masar backup")
	// ErrNotEmpty: the directory to restore into holds files (and --force was not given).
	ErrNotEmpty = errors.New("the directory is not empty")
)

// keyNames lists the key files of dataDir: the server's key and the issuer key(s), with
// a note for each one it lacks.
func keyNames(dataDir string) (names []string, missing []Missing, err error) {
	for _, k := range []struct{ name, note string }{
		{config.SecretKeyFile, "no server key yet: a server starts with a new one (forms open before the restore must be sent again)"},
		{config.IssuerKeyFile, "no issuer key yet (no credential had been signed): the restored server creates one when it first signs"},
	} {
		_, err := os.Stat(filepath.Join(dataDir, k.name))
		switch {
		case err == nil:
			names = append(names, k.name)
		case errors.Is(err, os.ErrNotExist):
			missing = append(missing, Missing{Name: k.name, Note: k.note})
		default:
			return nil, nil, fmt.Errorf("backup: %w", err)
		}
	}
	// Issuer keys kept beside the current one (a rotation's), named issuer-key-*.pem.
	more, err := filepath.Glob(filepath.Join(dataDir, "issuer-key-*.pem"))
	if err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	for _, m := range more {
		names = append(names, filepath.Base(m))
	}
	return names, missing, nil
}

// allowed reports whether name may be a file of a backup: the database or a key, never a
// path.
func allowed(name string) bool {
	if name == config.DatabaseFile || name == config.SecretKeyFile || name == config.IssuerKeyFile {
		return true
	}
	return strings.HasPrefix(name, "issuer-key-") && strings.HasSuffix(name, ".pem") &&
		!strings.ContainsAny(name, `/\`) && name != "issuer-key-.pem"
}

// Create writes a backup of the data directory dataDir to dest and returns its manifest.
// It works beside a running server, without its lock: the database is copied through a
// read-only opening (store.BackupFile), which writes nothing to the live directory. The
// file is created readable by its owner alone (0600) under a temporary name in dest's
// directory and renamed when complete, so that it is never readable by others nor seen
// half-written. An existing dest is refused unless force.
func Create(ctx context.Context, dataDir, dest string, force bool) (*Manifest, error) {
	if !force {
		if _, err := os.Lstat(dest); err == nil {
			return nil, fmt.Errorf("backup: %s: %w (give --force to replace it)", dest, ErrExists)
		}
	}
	dir := filepath.Dir(dest)
	work, err := os.MkdirTemp(dir, ".masar-backup-*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	m := &Manifest{Format: Format, Version: Version, Program: program(), CreatedAt: time.Now().UTC().Truncate(time.Second)}
	snapshot := filepath.Join(work, config.DatabaseFile)
	if m.SchemaVersion, err = store.BackupFile(ctx, filepath.Join(dataDir, config.DatabaseFile), snapshot); err != nil {
		return nil, err
	}
	// The keys are read after the snapshot: a key created meanwhile is in the backup, and
	// no credential in the snapshot can have been signed with a key the backup lacks.
	keys, missing, err := keyNames(dataDir)
	if err != nil {
		return nil, err
	}
	// Keys kept in the database travel inside its snapshot: a key file the directory lacks
	// is then no loss, and the manifest says where the key is.
	inDB, err := keysIn(ctx, snapshot)
	if err != nil {
		return nil, err
	}
	for i := range missing {
		if inDB[missing[i].Name] {
			missing[i].Note = "kept in the database (" + config.DatabaseFile + "), which the backup holds"
		}
	}
	m.Missing = missing
	paths := map[string]string{config.DatabaseFile: snapshot}
	for _, k := range keys {
		paths[k] = filepath.Join(dataDir, k)
	}
	names := append([]string{config.DatabaseFile}, keys...)
	for _, name := range names {
		f, err := describe(name, paths[name])
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, f)
	}
	tmp, err := os.CreateTemp(dir, ".masar-backup-*.tmp") // 0600
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	err = write(tmp, m, paths)
	if err == nil {
		err = tmp.Sync()
	}
	if err = errors.Join(err, tmp.Close()); err != nil {
		return nil, fmt.Errorf("backup: write %s: %w", dest, err)
	}
	if err := place(tmp.Name(), dest, force); err != nil {
		return nil, err
	}
	syncDir(dir)
	return m, nil
}

// keyFiles maps the key files of a data directory to the rows of the database's keys
// table that replaced them (see the cluster package).
var keyFiles = map[string]string{config.SecretKeyFile: cluster.SecretName, config.IssuerKeyFile: cluster.IssuerKeyName}

// keysIn reports which key files the database snapshot holds the keys of.
func keysIn(ctx context.Context, snapshot string) (map[string]bool, error) {
	db, _, err := store.OpenReadOnly(ctx, snapshot, true)
	if err != nil {
		return nil, fmt.Errorf("backup: read the snapshot's keys: %w", err)
	}
	keys, err := cluster.StoredKeys(ctx, db)
	if err = errors.Join(err, db.Close()); err != nil {
		return nil, fmt.Errorf("backup: read the snapshot's keys: %w", err)
	}
	in := map[string]bool{}
	for file, row := range keyFiles {
		for _, k := range keys {
			in[file] = in[file] || k.Name == row
		}
	}
	return in, nil
}

// describe is a file's size and checksum, as the manifest lists it.
func describe(name, path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("backup: %w", err)
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("backup: read %s: %w", path, err)
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// write writes the archive: the manifest, then each file of the manifest from its path.
func write(w io.Writer, m *Manifest, paths map[string]string) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	mb = append(mb, '\n')
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(mb); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := addFile(tw, f, paths[f.Name], m.CreatedAt); err != nil {
			return err
		}
	}
	return errors.Join(tw.Close(), zw.Close())
}

// addFile copies the file at path into the archive, exactly the size the manifest says:
// a file that changed since it was described makes the backup fail rather than lie.
func addFile(tw *tar.Writer, f File, path string, at time.Time) error {
	r, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o600, Size: f.Size, ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(tw, h), r, f.Size); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("%s changed while the backup was written; run it again", path)
	}
	return nil
}

// place gives the finished temporary file tmp its name dest: without force, as a new
// link that fails if dest appeared meanwhile (never replacing a file); with force, by
// renaming over it.
func place(tmp, dest string, force bool) error {
	if force {
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	}
	err := os.Link(tmp, dest)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup: %s: %w (give --force to replace it)", dest, ErrExists)
	}
	if err != nil {
		// A file system without hard links: check, then rename.
		if _, serr := os.Lstat(dest); serr == nil {
			return fmt.Errorf("backup: %s: %w (give --force to replace it)", dest, ErrExists)
		}
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	return nil
}

// syncDir makes a rename in dir durable, as far as the file system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// program is the version of Masar running, from Go's build information.
func program() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v += " " + s.Value
			}
		}
		return strings.TrimSpace("masar " + v)
	}
	return "masar"
}

// ReadManifest reads the manifest at the head of the backup r.
func ReadManifest(r io.Reader) (*Manifest, *tar.Reader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: not gzip-compressed (%v)", ErrDamaged, err)
	}
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if h.Name != ManifestName {
		return nil, nil, fmt.Errorf("%w: it does not begin with %s", ErrDamaged, ManifestName)
	}
	var m Manifest
	// Fields added later to the same layout version are ignored.
	if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil {
		return nil, nil, fmt.Errorf("%w: manifest: %v", ErrDamaged, err)
	}
	if m.Format != Format {
		return nil, nil, fmt.Errorf("%w: the manifest says format %q", ErrDamaged, m.Format)
	}
	if m.Version < 1 || m.Version > Version {
		return nil, nil, fmt.Errorf("backup: the backup's layout is version %d and this program reads 1 to %d: restore it with a newer Masar", m.Version, Version)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !allowed(f.Name) || seen[f.Name] || f.Size < 0 || len(f.SHA256) != 64 {
			return nil, nil, fmt.Errorf("%w: the manifest lists %q", ErrDamaged, f.Name)
		}
		seen[f.Name] = true
	}
	if !seen[config.DatabaseFile] {
		return nil, nil, fmt.Errorf("%w: the manifest lists no database", ErrDamaged)
	}
	return &m, tr, nil
}

// has reports whether the manifest lists a file named name.
func (m *Manifest) has(name string) bool {
	return slices.ContainsFunc(m.Files, func(f File) bool { return f.Name == name })
}
