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
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/store"
)

// keysRotate gives the installation a new issuer key (masar keys rotate), in its database,
// where every instance reads it (cluster.RotateIssuerKey): the key that signed until now is
// kept there as a retired key, still published, so that what it signed keeps verifying. A
// key still in the data directory's files (an installation from before the keys moved into
// the database) is imported first. The rotation (old and new key ids) is recorded in the
// audit log.
//
// A running server goes on signing with the key it loaded until it restarts. On SQLite the
// command takes the data directory's lock, so it refuses while the server runs: stop, rotate,
// start. On PostgreSQL, where several instances may serve, it rotates beside them; restart
// each instance afterwards (a rolling restart).
func keysRotate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, fs, err := load("keys rotate", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"keys rotate: unexpected " + fs.Arg(0) + "\n" + usage}
	}
	shared := store.IsPostgresURL(cfg.DatabaseSource())
	var db *store.DB
	if shared {
		if db, err = store.OpenShared(ctx, cfg.DatabaseSource()); err != nil {
			return err
		}
	} else {
		lock, err := store.LockDir(cfg.DataDir, "masar keys rotate")
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("%w\nthe issuer key is rotated with the server stopped: stop it, run masar keys rotate, start it again", err)
		}
		if err != nil {
			return err
		}
		defer func() { _ = lock.Release() }()
		if db, err = store.Open(ctx, cfg.DatabaseSource()); err != nil {
			return err
		}
	}
	defer func() { _ = db.Close() }()

	// What the installation signs with now: the database's key, or the legacy file's,
	// imported (with the retired key files beside it).
	legacy := filepath.Join(cfg.DataDir, config.IssuerKeyFile)
	stored, err := cluster.IssuerKeyStored(ctx, db)
	if err != nil {
		return err
	}
	if _, statErr := os.Stat(legacy); stored || statErr == nil {
		if _, err := cluster.IssuerKeyPEM(ctx, db, legacy); err != nil {
			return err
		}
	}
	if _, err := cluster.RetiredIssuerKeyPEMs(ctx, db, cfg.DataDir); err != nil {
		return err
	}
	next, err := cluster.NewIssuerKeyPEM()
	if err != nil {
		return fmt.Errorf("keys rotate: make a key: %w", err)
	}
	retiredPEM, err := cluster.RotateIssuerKey(ctx, db, next)
	if err != nil {
		return err
	}
	current, err := certificates.IssuerKeyIDPEM(next)
	if err != nil {
		return err
	}
	var retired string
	if retiredPEM != nil {
		if retired, err = certificates.IssuerKeyIDPEM(retiredPEM); err != nil {
			return err
		}
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, audit.Actor{Email: "command line"}, "issuer_key.rotate", "issuer key", "kid", retired, current)
	})
	if err != nil {
		fmt.Fprintf(stdout, "warning: the key was rotated but the audit log could not record it: %v\n", err)
	}
	if retired == "" {
		fmt.Fprintf(stdout, "%s had no issuer key: created key %s, which signs from now on\n", store.Redact(cfg.DatabaseSource()), current)
	} else {
		fmt.Fprintf(stdout, "new issuer key %s signs from now on\n", current)
		fmt.Fprintf(stdout, "previous key %s kept in the database as a retired key: still published in /.well-known/jwks.json and /.well-known/did.json (the DID /issuer names), so the credentials it signed keep verifying\n", retired)
	}
	if shared {
		fmt.Fprintln(stdout, "the instances running now sign with the key they loaded until they restart: restart each of them (one at a time)")
	}
	fmt.Fprintln(stdout, "take a new backup (masar backup FILE, or pg_dump on PostgreSQL): it carries every issuer key")
	return nil
}
