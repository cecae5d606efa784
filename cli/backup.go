package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/masar-platform/masar/backup"
	"github.com/masar-platform/masar/config"
)

// backupCommand writes a backup of the data directory to one file: the database (a
// consistent snapshot, taken beside the server if one runs, without writing to the live
// directory), the server key and the issuer keys, with a manifest of checksums.
func backupCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var force bool
	cfg, fs, err := load("backup", flagsFirst(args), func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "replace an existing file")
	})
	if err != nil {
		return err
	}
	if err := backup.CheckCreate(cfg.DatabaseURL); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"backup: name the destination file\n" + usage}
	}
	m, err := backup.Create(ctx, cfg.DataDir, fs.Arg(0), force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (readable by you alone; it holds password hashes, personal data and the keys):\n", cfg.DataDir, fs.Arg(0))
	for _, f := range m.Files {
		what := describeFile(f.Name)
		if f.Name == config.DatabaseFile {
			what += fmt.Sprintf(", schema version %d", m.SchemaVersion)
		}
		fmt.Fprintf(stdout, "  %-16s %10d bytes  %s\n", f.Name, f.Size, what)
	}
	for _, mi := range m.Missing {
		fmt.Fprintf(stdout, "  %-16s not present: %s\n", mi.Name, mi.Note)
	}
	fmt.Fprintf(stdout, "restore it with: masar restore %s --data DIR\n", fs.Arg(0))
	return nil
}

// restoreCommand restores a backup into a data directory that no server uses.
func restoreCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var force bool
	cfg, fs, err := load("restore", flagsFirst(args), func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "replace the database and keys of a directory that has them")
	})
	if err != nil {
		return err
	}
	if err := backup.CheckRestore(cfg.DatabaseURL); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"restore: name the backup file\n" + usage}
	}
	res, err := backup.Restore(ctx, fs.Arg(0), cfg.DataDir, force)
	if errors.Is(err, backup.ErrDamaged) {
		return fmt.Errorf("%w\nnothing was restored; %s is unchanged", err, cfg.DataDir)
	}
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "restored %s (taken %s) into %s:\n", fs.Arg(0), m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), dirName(res.Dir))
	for _, f := range m.Files {
		what := describeFile(f.Name)
		switch {
		case f.Name == config.DatabaseFile && res.SchemaFrom == res.SchemaTo:
			what += fmt.Sprintf(", schema version %d, checked", res.SchemaTo)
		case f.Name == config.DatabaseFile:
			what += fmt.Sprintf(", schema version %d migrated to %d, checked", res.SchemaFrom, res.SchemaTo)
		case res.IssuerKeys[f.Name] != "":
			what += ", key id " + res.IssuerKeys[f.Name]
		}
		fmt.Fprintf(stdout, "  %-16s %10d bytes  %s\n", f.Name, f.Size, what)
	}
	for _, mi := range m.Missing {
		fmt.Fprintf(stdout, "  %-16s not in the backup: %s\n", mi.Name, mi.Note)
	}
	if len(res.DatabaseKeys) > 0 {
		fmt.Fprintf(stdout, "keys in the database: %s\n", strings.Join(res.DatabaseKeys, ", "))
	}
	if len(res.Replaced) > 0 {
		fmt.Fprintf(stdout, "replaced what the directory had: %s\n", strings.Join(res.Replaced, ", "))
	}
	fmt.Fprintf(stdout, "start the server with: masar serve --data %s\n", dirName(res.Dir))
	return nil
}

// describeFile says in words what a file of a backup is.
func describeFile(name string) string {
	switch name {
	case config.DatabaseFile:
		return "database"
	case config.SecretKeyFile:
		return "server key"
	}
	return "issuer key"
}

func dirName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}
