package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/store"
)

// keysRotate gives the data directory a new issuer key (masar keys rotate). It takes the
// data directory's lock, so it refuses while a server runs on it: a running server keeps
// signing with the key it loaded. Rotate with the server stopped: stop, rotate, start. The
// rotation (old and new key ids) is recorded in the audit log of the directory's database.
func keysRotate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, fs, err := load("keys rotate", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"keys rotate: unexpected " + fs.Arg(0) + "\n" + usage}
	}
	lock, err := store.LockDir(cfg.DataDir, "masar keys rotate")
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w\nthe issuer key is rotated with the server stopped: stop it, run masar keys rotate, start it again", err)
	}
	if err != nil {
		return err
	}
	defer func() { _ = lock.Release() }()
	// The database, when the directory has one, is opened first (a directory it cannot be
	// opened on is left alone) and records the rotation in the audit log.
	var db *store.DB
	dbPath := filepath.Join(cfg.DataDir, config.DatabaseFile)
	if _, err := os.Stat(dbPath); err == nil {
		if db, err = store.Open(ctx, dbPath); err != nil {
			return err
		}
		defer func() { _ = db.Close() }()
	}
	rot, err := certificates.RotateIssuerKey(cfg.DataDir)
	if err != nil {
		return err
	}
	if db != nil {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{Email: "command line"}, "issuer_key.rotate", "issuer key", "kid", rot.Retired, rot.Current)
		})
		if err != nil {
			fmt.Fprintf(stdout, "warning: the key was rotated but the audit log could not record it: %v\n", err)
		}
	}
	if rot.Retired == "" {
		fmt.Fprintf(stdout, "%s had no issuer key: created key %s, which signs from now on\n", dirName(cfg.DataDir), rot.Current)
	} else {
		fmt.Fprintf(stdout, "new issuer key %s signs from now on\n", rot.Current)
		fmt.Fprintf(stdout, "previous key %s kept as %s: still published in /.well-known/jwks.json and /.well-known/did.json (the DID /issuer names), so the credentials it signed keep verifying\n", rot.Retired, rot.RetiredFile)
	}
	fmt.Fprintln(stdout, "take a new backup (masar backup FILE): it carries every issuer key")
	return nil
}
