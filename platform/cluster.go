package platform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/cache/pgnotify"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/store"
)

// Several instances on one database. On PostgreSQL any number of Masar processes may serve
// one database behind a load balancer: the platform then
//   - carries its cache invalidations to the others (cache/pgnotify) and hears theirs;
//   - runs each background loop in one instance at a time, under a lease in the database
//     (cluster), except the loops whose work is this process's own (Loop.PerInstance);
//   - runs the start-up jobs (certificate catch-up, workshop indexing) in one instance at a
//     time: an instance that finds another one at it leaves the job to it;
//   - reads the server secret and the issuer key from the database (cluster.Secret,
//     cluster.IssuerKeyPEM), so that a session, a form or a mailed link made on one
//     instance works on every other, and every instance signs with the same key.
// On SQLite one process owns the data directory (its lock says so): no transport and no
// leases, so that nothing left by a process that died can hold up its restart. The keys
// live in the database there too, so that backups and rotation work alike on both.

// shared reports whether other instances may share the platform's database.
func (p *Platform) shared() bool { return p.DB.Dialect() == store.Postgres }

// newHolder names this platform as a lease holder: the process (cluster.Holder) and a
// random part, so that two platforms opened in one process (a test, the benchmark's
// in-process instances) are two holders.
func newHolder() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return cluster.Holder() + "#" + hex.EncodeToString(b[:])
}

// newBus is the platform's cache bus: on PostgreSQL with a LISTEN/NOTIFY transport whose
// listening connection is opened now (the caller closes the transport, if any, after use).
func newBus(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) (*cache.Bus, *pgnotify.Transport, error) {
	if db.Dialect() != store.Postgres {
		return cache.NewBus(nil, log), nil, nil
	}
	tr, err := pgnotify.New(ctx, cfg.DatabaseURL, db.W, log)
	if err != nil {
		return nil, nil, err
	}
	return cache.NewBus(tr, log), tr, nil
}

// lease is this platform's lease of name.
func (p *Platform) lease(name string) *cluster.Lease {
	return &cluster.Lease{DB: p.DB, Name: name, Holder: p.holder, TTL: p.leaseTTL, Log: p.Log}
}

// LeaseName is the name of loop's lease in the database's leases table.
func LeaseName(loop string) string { return "loop/" + loop }

// background returns the function that runs loop l: at once on SQLite and for a loop whose
// work is this instance's own; under its lease on a shared database, so that one instance
// at a time runs it and another takes it over when that one stops or dies.
func (p *Platform) background(l Loop) func(context.Context) {
	run := func(ctx context.Context) {
		p.setRunning(l.Name, true)
		defer p.setRunning(l.Name, false)
		l.Run(ctx)
	}
	if !p.shared() || l.PerInstance {
		return run
	}
	lease := p.lease(LeaseName(l.Name))
	return func(ctx context.Context) { lease.Run(ctx, run) }
}

func (p *Platform) setRunning(name string, on bool) {
	p.runMu.Lock()
	defer p.runMu.Unlock()
	if p.running == nil {
		p.running = map[string]bool{}
	}
	if on {
		p.running[name] = true
	} else {
		delete(p.running, name)
	}
}

// RunningLoops names the background loops running in this instance now, sorted: on a
// shared database, those whose lease it holds and those that every instance runs.
func (p *Platform) RunningLoops() []string {
	p.runMu.Lock()
	defer p.runMu.Unlock()
	var out []string
	for name := range p.running {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// startup runs a start-up job in the background, owned by the platform. On a shared
// database one instance at a time does it: when another holds the job's lease, it is doing
// the same job now and this one leaves it.
func (p *Platform) startup(name string, job func(ctx context.Context)) {
	p.spawn(func() {
		if !p.shared() {
			job(p.life)
			return
		}
		ran, err := p.lease("startup/"+name).TryOnce(p.life, job)
		switch {
		case err != nil && p.life.Err() == nil:
			p.Log.Error("start-up job: lease", "job", name, "err", err)
		case !ran && err == nil:
			p.Log.Info("start-up job left to the instance doing it now", "job", name)
		}
	})
}

// issuerKeys returns the certificates service's key options: the issuer key of the
// database (cluster.IssuerKeyPEM, the data directory's legacy files imported first) loaded
// now when there is one, so that a broken key stops the start; otherwise made when first
// needed, since making one takes a moment that a start-up need not wait for.
func issuerKeys(ctx context.Context, cfg config.Config, db *store.DB) (certificates.Options, error) {
	load := func(ctx context.Context) ([]byte, [][]byte, error) {
		current, err := cluster.IssuerKeyPEM(ctx, db, filepath.Join(cfg.DataDir, config.IssuerKeyFile))
		if err != nil {
			return nil, nil, err
		}
		retired, err := cluster.RetiredIssuerKeyPEMs(ctx, db, cfg.DataDir)
		if err != nil {
			return nil, nil, err
		}
		return current, retired, nil
	}
	stored, err := cluster.IssuerKeyStored(ctx, db)
	if err != nil {
		return certificates.Options{}, err
	}
	legacy, _ := filepath.Glob(filepath.Join(cfg.DataDir, "issuer-key*.pem"))
	if !stored && len(legacy) == 0 {
		return certificates.Options{SharedIssuerKeys: load}, nil
	}
	current, retired, err := load(ctx)
	if err != nil {
		return certificates.Options{}, err
	}
	return certificates.Options{IssuerKey: current, RetiredIssuerKeys: retired}, nil
}

// serverSecret is the server secret of the database, the data directory's legacy secret.key
// imported on first start.
func serverSecret(ctx context.Context, cfg config.Config, db *store.DB) ([]byte, error) {
	return cluster.Secret(ctx, db, cfg.SecretKeyPath())
}

// instancePrefix begins the name of the lease that each instance on a shared database holds
// for as long as it is open, under its own holder name: the instances alive are the holders
// of these leases that have not expired.
const instancePrefix = "instance/"

// announce keeps this instance's own lease while the platform is open (shared database only).
func (p *Platform) announce() {
	if !p.shared() {
		return
	}
	lease := p.lease(instancePrefix + p.holder)
	p.spawn(func() {
		// The leases of instances that died (each start is a new holder) are nobody's to
		// release: the next instance to start clears those that expired.
		if _, err := p.DB.W.ExecContext(p.life, `DELETE FROM leases WHERE name LIKE ? AND expires_at <= ?`,
			instancePrefix+"%", store.Now()); err != nil && p.life.Err() == nil {
			p.Log.Warn("cluster: clear the leases of stopped instances", "err", err)
		}
		lease.Run(p.life, func(ctx context.Context) { <-ctx.Done() })
	})
}

// OtherInstances counts the other instances open on the database: the unexpired instance
// leases of other holders. Always zero on SQLite.
func (p *Platform) OtherInstances(ctx context.Context) (int, error) {
	if !p.shared() {
		return 0, nil
	}
	var n int
	err := p.DB.W.QueryRowContext(ctx, `SELECT count(*) FROM leases WHERE name LIKE ? AND holder <> ? AND expires_at > ?`,
		instancePrefix+"%", p.holder, store.Now()).Scan(&n)
	return n, err
}

// markInterrupted marks the bulk certificate jobs left running by a process that stopped
// as interrupted. On a shared database the jobs marked running may be another live
// instance's: they are marked only when no other instance is open (one that died is counted
// until its lease expires; its jobs are then marked at a later start).
func (p *Platform) markInterrupted(ctx context.Context) error {
	n, err := p.OtherInstances(ctx)
	if err != nil {
		return fmt.Errorf("platform: count the other instances: %w", err)
	}
	if n > 0 {
		p.Log.Info("other instances are open: their certificate jobs are left as they are", "instances", n)
		return nil
	}
	return p.Certificates.MarkInterrupted(ctx)
}
