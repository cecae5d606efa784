package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/store"
)

// keysRotate gives the data directory a new issuer key (masar keys rotate). It takes the
// data directory's lock, so it refuses while a server runs on it: a running server keeps
// signing with the key it loaded. Rotate with the server stopped: stop, rotate, start.
func keysRotate(_ context.Context, args []string, stdout io.Writer) error {
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
	rot, err := certificates.RotateIssuerKey(cfg.DataDir)
	if err != nil {
		return err
	}
	if rot.Retired == "" {
		fmt.Fprintf(stdout, "%s had no issuer key: created key %s, which signs from now on\n", dirName(cfg.DataDir), rot.Current)
	} else {
		fmt.Fprintf(stdout, "new issuer key %s signs from now on\n", rot.Current)
		fmt.Fprintf(stdout, "previous key %s kept as %s: still published in /.well-known/jwks.json, /.well-known/did.json and /issuer, so the credentials it signed keep verifying\n", rot.Retired, rot.RetiredFile)
	}
	fmt.Fprintln(stdout, "take a new backup (masar backup FILE): it carries every issuer key")
	return nil
}
