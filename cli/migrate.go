package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/masar-platform/masar/pgmigrate"
	"github.com/masar-platform/masar/store"
)

// migrateToPostgres copies the SQLite installation named by --from (the data directory's
// database by default) into the empty PostgreSQL database of --database-url or
// MASAR_DATABASE_URL, and prints the per-table verification. The SQLite file is only read
// and may be in use by a running server; what it holds after the snapshot is not copied.
func migrateToPostgres(ctx context.Context, args []string, stdout io.Writer) error {
	var from string
	cfg, _, err := load("migrate-to-postgres", args, func(fs *flag.FlagSet) {
		fs.StringVar(&from, "from", "", "the SQLite database to copy (default: masar.db in the data directory)")
	})
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return usageError{"migrate-to-postgres: name the PostgreSQL database with --database-url or MASAR_DATABASE_URL\n" + usage}
	}
	if from == "" {
		from = cfg.DBPath()
	}
	fmt.Fprintf(stdout, "copying %s into %s\n", from, store.Redact(cfg.DatabaseURL))
	rep, err := pgmigrate.Run(ctx, pgmigrate.Options{From: from, To: cfg.DatabaseURL,
		Progress: func(table string, rows int64) { fmt.Fprintf(stdout, "  copied %-32s %d rows\n", table, rows) }})
	if rep.Tables != nil {
		fmt.Fprintln(stdout)
		rep.Print(stdout)
	}
	if err != nil {
		if errors.Is(err, pgmigrate.ErrMismatch) {
			return fmt.Errorf("%w\nthe PostgreSQL database holds a copy that differs in the tables above: do not start Masar on it; recreate it empty before running the command again", err)
		}
		return err
	}
	if rep.SourceVersion != rep.SchemaVersion {
		fmt.Fprintf(stdout, "the SQLite file is at schema version %d; its copy was brought to %d (the file itself is unchanged)\n", rep.SourceVersion, rep.SchemaVersion)
	}
	fmt.Fprintf(stdout, "done: %d tables copied and verified, schema version %d.\n", len(rep.Tables), rep.SchemaVersion)
	fmt.Fprintln(stdout, "start Masar with MASAR_DATABASE_URL set to this database and the same data directory (it holds the server and issuer keys); the search index is rebuilt as it starts.")
	return nil
}
