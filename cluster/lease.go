// Package cluster lets several Masar instances share one database: background work that
// must run once across all of them holds a lease in the database (Exclusive), and the keys
// they must agree on — the server secret and the certificate issuer key — are kept in the
// database rather than in each machine's data directory (Secret, IssuerKeyPEM).
//
// Its SQL is valid on SQLite and PostgreSQL alike: `?` placeholders (the store's driver
// rebinds them for PostgreSQL), INSERT … ON CONFLICT, and times as fixed-width RFC 3339
// UTC text, compared as text.
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/masar-platform/masar/store"
)

// DefaultTTL is how long a lease lasts without renewal. The holder renews it every third of
// that, so a crashed holder's work resumes elsewhere within about DefaultTTL and a third,
// and a database that stalls for less than two thirds of it costs nothing. Each held lease
// costs one small write every ten seconds.
const DefaultTTL = 30 * time.Second

// Clock is the time the leases are reckoned in. Tests inject a clock that moves only when
// told to, so that no lease expires by accident on a slow machine.
type Clock interface {
	Now() time.Time
	// After sends on the returned channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

var holder = sync.OnceValue(func() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand does not fail on the platforms Go supports
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
})

// Holder names this process as a lease holder: its host name, its PID and a random part,
// so that a restarted process that was given the same PID (in a container, PID 1 every
// time) is not mistaken for its predecessor. It is the same for the process's lifetime.
func Holder() string { return holder() }

// Lease is the right to run one piece of background work (Name) across every instance on
// the database, held by Holder until it expires unless renewed.
type Lease struct {
	DB     *store.DB
	Name   string
	Holder string
	// TTL is how long the lease lasts without renewal; zero means DefaultTTL. The holder
	// renews it every TTL/3, and the others try to take it over as often.
	TTL time.Duration
	// Clock is the time; nil means the system's. Instances must agree on the time to well
	// under TTL/3 (NTP does): a lease is taken over when the taker's clock passes the time
	// the holder's clock set as its expiry.
	Clock Clock
	// Log reports the lease won and lost, and database errors; nil means slog.Default().
	Log *slog.Logger
}

// Exclusive runs loop while this instance holds the lease name, and only then: it tries to
// take the lease, runs loop once it has it, renews it every ttl/3, and cancels loop's
// context when a renewal fails or finds the lease taken (loop must return promptly when its
// context ends: until it has, nothing else is tried). Then it tries again every ttl/3. It
// returns when ctx ends, or when loop returns by itself, after releasing the lease so that
// another instance takes the work over at once.
func Exclusive(ctx context.Context, db *store.DB, name, holder string, ttl time.Duration, loop func(context.Context)) {
	(&Lease{DB: db, Name: name, Holder: holder, TTL: ttl}).Run(ctx, loop)
}

// OneInstance wraps loop so that it runs in one instance at a time (Exclusive, with this
// process's Holder and DefaultTTL): the form that a list of background loops takes.
func OneInstance(db *store.DB, name string, loop func(context.Context)) func(context.Context) {
	return func(ctx context.Context) { Exclusive(ctx, db, name, Holder(), DefaultTTL, loop) }
}

func (l *Lease) ttl() time.Duration {
	if l.TTL <= 0 {
		return DefaultTTL
	}
	return l.TTL
}

func (l *Lease) clock() Clock {
	if l.Clock == nil {
		return realClock{}
	}
	return l.Clock
}

func (l *Lease) log() *slog.Logger {
	if l.Log == nil {
		return slog.Default()
	}
	return l.Log
}

// Run is Exclusive with the lease's settings.
func (l *Lease) Run(ctx context.Context, loop func(context.Context)) {
	defer l.release()
	period := l.ttl() / 3
	for {
		expires, ok, err := l.take(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			l.log().Warn("cluster: take lease", "lease", l.Name, "err", err)
		case ok:
			l.log().Info("cluster: lease taken, running here", "lease", l.Name, "holder", l.Holder)
			if returned := l.hold(ctx, expires, loop); returned {
				return
			}
		}
		if ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-l.clock().After(period):
		}
	}
}

// TryOnce runs job once if this holder can take the lease now, holding (renewing) it while
// job runs and releasing it afterwards; it reports whether job ran. When another instance
// holds the lease, that instance is doing the same job at this moment and TryOnce returns
// false at once: the form of a start-up job that one instance at a time should do.
func (l *Lease) TryOnce(ctx context.Context, job func(context.Context)) (ran bool, err error) {
	expires, ok, err := l.take(ctx)
	if err != nil || !ok {
		return false, err
	}
	defer l.release()
	l.log().Debug("cluster: lease taken for a one-off job", "lease", l.Name, "holder", l.Holder)
	l.hold(ctx, expires, job)
	return true, nil
}

// hold runs loop while the lease held until expires is renewed; it reports whether loop
// returned by itself (rather than being cancelled).
func (l *Lease) hold(ctx context.Context, expires time.Time, loop func(context.Context)) (returned bool) {
	work, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		loop(work)
	}()
	defer func() {
		cancel()
		<-done
	}()
	period := l.ttl() / 3
	for {
		select {
		case <-ctx.Done():
			return false
		case <-done:
			return true
		case <-l.clock().After(period):
		}
		// A renewal that comes too late (this process stalled, or the database did) must not
		// bring back a lease that another instance may have taken in the meantime.
		if !l.clock().Now().Before(expires) {
			l.log().Warn("cluster: lease expired before it could be renewed; stopping here", "lease", l.Name)
			return false
		}
		// The renewal may not take longer than the time left before the lease expires.
		rctx, rcancel := context.WithDeadline(ctx, time.Now().Add(expires.Sub(l.clock().Now())))
		next, ok, err := l.take(rctx)
		rcancel()
		switch {
		case ctx.Err() != nil:
			return false
		case err != nil:
			l.log().Warn("cluster: renew lease failed; stopping here", "lease", l.Name, "err", err)
			return false
		case !ok:
			l.log().Warn("cluster: lease taken by another instance; stopping here", "lease", l.Name)
			return false
		}
		expires = next
	}
}

// takeSQL takes the lease when nobody holds it, when its holder let it expire, or renews
// it when this holder has it: one statement, so that two instances taking the same expired
// lease cannot both succeed. No row changes when another holder's lease is still valid.
const takeSQL = `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`

// take tries to take or renew the lease, and returns until when it holds it.
func (l *Lease) take(ctx context.Context) (expires time.Time, ok bool, err error) {
	now := l.clock().Now().UTC()
	expires = now.Add(l.ttl())
	res, err := l.DB.W.ExecContext(ctx, takeSQL, l.Name, l.Holder, store.FormatTime(expires), store.FormatTime(now))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("cluster: lease %s: %w", l.Name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("cluster: lease %s: %w", l.Name, err)
	}
	return expires, n == 1, nil
}

// release gives the lease up if this holder still has it, so that another instance need
// not wait for it to expire.
func (l *Lease) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.DB.W.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, l.Name, l.Holder); err != nil {
		l.log().Warn("cluster: release lease", "lease", l.Name, "err", err)
	}
}

// Holding returns who holds the lease name and until when, as the database says; holder is
// empty when nobody does. An operator's view, and the tests'.
func Holding(ctx context.Context, db *store.DB, name string) (holder string, expires time.Time, err error) {
	var at string
	err = db.R.QueryRowContext(ctx, `SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&holder, &at)
	if err != nil {
		if isNoRows(err) {
			return "", time.Time{}, nil
		}
		return "", time.Time{}, fmt.Errorf("cluster: lease %s: %w", name, err)
	}
	if expires, err = time.Parse(store.TimeLayout, at); err != nil {
		return "", time.Time{}, fmt.Errorf("cluster: lease %s: expiry %q: %w", name, at, err)
	}
	return holder, expires, nil
}
