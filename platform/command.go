package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/cache/pgnotify"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// Command is what a one-off command that writes opens (create an account, a token, import a
// list): the data directory and its database, and nothing else until the command asks for
// a service. It starts no goroutine and does none of the server's start-up work: no
// certificate catch-up, no search indexing, no marking of interrupted jobs, so that a
// command never issues a certificate or queues a mail it was not asked to.
type Command struct {
	Config config.Config
	DB     *store.DB
	Log    *slog.Logger
	// Beside is the running server's lock when the command works beside it; nil when the
	// command holds the data directory itself.
	Beside *store.LockedError

	lock *store.Lock
	bus  *cache.Bus
}

// OpenCommand opens the data directory for a command. With no server on it, it takes the
// directory's lock for the command's run and opens the database as a server would
// (creating and migrating it). Beside a running server it opens the database without the
// lock and without migrating it (a database whose schema is behind this program's is
// refused): the command's writes are ordinary transactions, as a request's would be.
func OpenCommand(ctx context.Context, cfg config.Config, log *slog.Logger) (*Command, error) {
	if log == nil {
		log = slog.Default()
	}
	c := &Command{Config: cfg, Log: log, bus: cache.NewBus(nil, log)}
	lock, err := store.LockDir(cfg.DataDir, commandLine())
	if errors.As(err, &c.Beside) {
		c.DB, err = store.OpenShared(ctx, cfg.DatabaseSource())
		if errors.Is(err, store.ErrSchemaBehind) {
			err = fmt.Errorf("%w; the server running on %s (PID %d) has not migrated it: stop it and start this version, or use the server's version for this command",
				err, cfg.DataDir, c.Beside.PID)
		}
		if err != nil {
			return nil, err
		}
		c.tellInstances()
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	if c.DB, err = store.Open(ctx, cfg.DatabaseSource()); err != nil {
		_ = lock.Release()
		return nil, err
	}
	c.lock = lock
	c.tellInstances()
	return c, nil
}

// tellInstances has the command's writes invalidate the caches of the instances serving a
// shared (PostgreSQL) database, whether or not one runs on this data directory: they may
// run anywhere. (A command beside a SQLite server cannot reach its memory; the caches'
// time limits cover it.)
func (c *Command) tellInstances() {
	if c.DB.Dialect() == store.Postgres {
		c.bus = cache.NewBus(pgnotify.Publisher(c.DB.W), c.Log)
	}
}

// ContentChanged tells the instances serving a shared (PostgreSQL) database to read the
// courses again (a command published revisions).
func (c *Command) ContentChanged() { c.bus.Invalidate(cache.Content) }

// Officials is the accounts service on the command's database.
func (c *Command) Officials() *officials.Service {
	return officials.New(c.DB, c.Config.BcryptCost, c.bus)
}

// People are the services an import of officials or participants uses: accounts, mail (the
// claim links, queued in the import's transaction) and workshops.
type People struct {
	Officials *officials.Service
	Mailer    *mail.Mailer
	Workshops *workshops.Service
}

// People builds the services of an import. Holding the directory, it seeds the member
// states first, as a server's start does, since the imported rows name them; beside a
// server, the server has.
func (c *Command) People(ctx context.Context) (*People, error) {
	if c.lock != nil {
		if err := officials.SeedCountries(ctx, c.DB); err != nil {
			return nil, err
		}
	}
	secret, err := serverSecret(ctx, c.Config, c.DB)
	if err != nil {
		return nil, err
	}
	offs := c.Officials()
	mailer, err := mail.New(c.DB, mailConfig(c.Config, secret), c.Log)
	if err != nil {
		return nil, err
	}
	ws, err := workshops.New(c.DB, offs, mailer, workshops.Options{BaseURL: c.Config.BaseURL, Log: c.Log, Bus: c.bus})
	if err != nil {
		return nil, err
	}
	return &People{Officials: offs, Mailer: mailer, Workshops: ws}, nil
}

// Close closes the database and releases the data directory, if the command held it.
func (c *Command) Close() error {
	err := c.DB.Close()
	if c.lock != nil {
		err = errors.Join(err, c.lock.Release())
	}
	return err
}
