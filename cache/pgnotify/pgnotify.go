// Package pgnotify carries the cache bus's invalidations between the Masar instances that
// share one PostgreSQL database, with LISTEN/NOTIFY: each instance publishes an event with
// NOTIFY on the channel Channel and keeps one connection of its own listening on it.
//
// NOTIFY is delivered to every listener of the database, the sender included; the bus drops
// its own events by their origin. A notification sent while the listening connection is down
// is lost for that instance: after it reconnects, the transport delivers an event without a
// topic (cache.Event{}), which empties every cache of the instance, since it cannot know
// what it missed.
package pgnotify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/masar-platform/masar/cache"
)

// Channel is the NOTIFY channel of the invalidations. Channels are per database: two
// installations on one server, each with its own database, do not hear each other.
const Channel = "masar_invalidate"

// MaxPayload is the largest payload sent. PostgreSQL refuses a NOTIFY payload of 8000 bytes
// or more; an event whose key would not fit is sent without its key, which invalidates its
// whole topic: more than needed, never less.
const MaxPayload = 7999

// ApplicationName names the listening connection in pg_stat_activity.
const ApplicationName = "masar-cache-listener"

// Backoff bounds the waits between attempts to reconnect the listening connection: the
// first wait is MinBackoff, doubling up to MaxBackoff, each with up to a quarter added at
// random so that instances cut off together do not come back in step.
const (
	MinBackoff = 100 * time.Millisecond
	MaxBackoff = 10 * time.Second
)

// Transport is a cache.Transport over LISTEN/NOTIFY. Build it with New, hand it to
// cache.NewBus, and Close it before the database it publishes through.
type Transport struct {
	cfg *pgx.ConnConfig
	pub *sql.DB
	log *slog.Logger

	conn *pgx.Conn // the listening connection; owned by the listening goroutine after Listen

	life     context.Context
	stop     context.CancelFunc
	done     chan struct{}
	listen   sync.Once
	listened bool // set under listen: the goroutine runs and owns conn

	mu         sync.Mutex
	reconnects int // under mu: how many times the listening connection came back
}

// New connects the listening connection to the database at url and starts listening, so
// that no invalidation published after New returns is missed; it publishes through pub (the
// platform's writer pool). It fails when the database cannot be reached.
func New(ctx context.Context, url string, pub *sql.DB, log *slog.Logger) (*Transport, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgnotify: %w", err)
	}
	cfg.RuntimeParams["application_name"] = ApplicationName
	if log == nil {
		log = slog.Default()
	}
	t := &Transport{cfg: cfg, pub: pub, log: log, done: make(chan struct{})}
	if t.conn, err = t.connect(ctx); err != nil {
		return nil, err
	}
	t.life, t.stop = context.WithCancel(context.Background())
	return t, nil
}

// connect opens a listening connection.
func (t *Transport) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, t.cfg)
	if err != nil {
		return nil, fmt.Errorf("pgnotify: connect: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		_ = conn.Close(context.Background())
		return nil, fmt.Errorf("pgnotify: listen: %w", err)
	}
	return conn, nil
}

// Publish sends e to every instance listening on the database (this one too; the bus
// ignores its own events).
func (t *Transport) Publish(ctx context.Context, e cache.Event) error {
	b, err := payload(e)
	if err != nil {
		return err
	}
	if _, err := t.pub.ExecContext(ctx, "SELECT pg_notify(?, ?)", Channel, string(b)); err != nil {
		return fmt.Errorf("pgnotify: notify: %w", err)
	}
	return nil
}

// payload is e in JSON, under MaxPayload bytes: without its key if the key makes it longer.
func payload(e cache.Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("pgnotify: %w", err)
	}
	if len(b) > MaxPayload {
		e.Key = ""
		if b, err = json.Marshal(e); err != nil {
			return nil, fmt.Errorf("pgnotify: %w", err)
		}
	}
	if len(b) > MaxPayload {
		return nil, fmt.Errorf("pgnotify: an event of topic %.40q does not fit in a notification", e.Topic)
	}
	return b, nil
}

// Listen starts delivering the notifications received to deliver, in one goroutine that
// Close stops. Only the first call counts.
func (t *Transport) Listen(deliver func(cache.Event)) {
	t.listen.Do(func() {
		t.listened = true
		go t.run(deliver)
	})
}

// run receives notifications until Close, reconnecting when the connection breaks.
func (t *Transport) run(deliver func(cache.Event)) {
	defer close(t.done)
	conn := t.conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()
	for {
		n, err := conn.WaitForNotification(t.life)
		if err == nil {
			var e cache.Event
			if err := json.Unmarshal([]byte(n.Payload), &e); err != nil || e.Topic == "" {
				// Not ours, or broken: the safe reading is that anything may have changed.
				t.log.Warn("pgnotify: unreadable notification; every cache emptied", "payload", n.Payload)
				e = cache.Event{}
			}
			deliver(e)
			continue
		}
		if t.life.Err() != nil {
			return
		}
		t.log.Warn("pgnotify: listening connection lost; reconnecting", "err", err)
		_ = conn.Close(context.Background())
		conn = nil
		if conn = t.reconnect(); conn == nil {
			return
		}
		t.mu.Lock()
		t.reconnects++
		t.mu.Unlock()
		t.log.Info("pgnotify: listening again; every cache emptied, since invalidations may have been missed")
		deliver(cache.Event{})
	}
}

// reconnect connects again, waiting longer after each failure; nil once Close was called.
func (t *Transport) reconnect() *pgx.Conn {
	wait := MinBackoff
	for {
		select {
		case <-t.life.Done():
			return nil
		case <-time.After(wait + rand.N(wait/4+1)):
		}
		ctx, cancel := context.WithTimeout(t.life, 10*time.Second)
		conn, err := t.connect(ctx)
		cancel()
		if err == nil {
			return conn
		}
		if t.life.Err() != nil {
			return nil
		}
		t.log.Warn("pgnotify: reconnect failed", "err", err, "next_try_in", wait)
		wait = min(2*wait, MaxBackoff)
	}
}

// Reconnects reports how many times the listening connection was lost and came back.
func (t *Transport) Reconnects() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reconnects
}

// Close stops listening and closes the listening connection, waiting for the goroutine that
// delivers. Publish must not be called afterwards; the publishing pool is the caller's.
func (t *Transport) Close() error {
	t.stop()
	t.listen.Do(func() {}) // from now on Listen starts nothing
	if t.listened {
		<-t.done // the goroutine closes its connection
		return nil
	}
	return t.conn.Close(context.Background())
}

// Publisher returns a transport that publishes through pub and listens to nothing: for a
// command that writes beside running instances (an import, an account made on the command
// line), so that their caches hear of its writes; the command keeps no cache worth keeping
// fresh.
func Publisher(pub *sql.DB) cache.Transport { return publisher{&Transport{pub: pub}} }

type publisher struct{ t *Transport }

func (p publisher) Publish(ctx context.Context, e cache.Event) error { return p.t.Publish(ctx, e) }

func (publisher) Listen(func(cache.Event)) {}
