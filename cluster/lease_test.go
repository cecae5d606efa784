package cluster_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// manualClock moves only when the test advances it, so that no lease expires because the
// machine was slow, and an hour of leases passes in no time.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	c  chan time.Time
}

func newClock() *manualClock {
	return &manualClock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), c: ch})
	return ch
}

// advance moves the clock by d and wakes whoever waits for a time up to it.
func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.c <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// waitForWaiters waits until n goroutines wait on the clock: each contender has then done
// what the last tick asked of it and sleeps until the next.
func (c *manualClock) waitForWaiters(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		got := len(c.waiters)
		c.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines wait on the clock, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// work is a background loop that records who runs it and whether two ever ran at once.
type work struct {
	running  atomic.Int32
	overlaps atomic.Int32
	stopped  atomic.Int32
	started  chan string
}

func newWork() *work { return &work{started: make(chan string, 16)} }

func (w *work) loop(holder string) func(context.Context) {
	return func(ctx context.Context) {
		if w.running.Add(1) > 1 {
			w.overlaps.Add(1)
		}
		w.started <- holder
		<-ctx.Done()
		w.running.Add(-1)
		w.stopped.Add(1)
	}
}

// next waits for a loop to start and returns its holder.
func (w *work) next(t *testing.T) string {
	t.Helper()
	select {
	case h := <-w.started:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no instance started the work")
		return ""
	}
}

func (w *work) noneStarted(t *testing.T) {
	t.Helper()
	select {
	case h := <-w.started:
		t.Fatalf("%s started the work while another instance held it", h)
	default:
	}
}

const ttl = 30 * time.Second

// contender is one instance running the work under the lease.
type contender struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{}
}

func start(db *store.DB, clock cluster.Clock, name string, w *work) *contender {
	ctx, cancel := context.WithCancel(context.Background())
	c := &contender{name: name, cancel: cancel, done: make(chan struct{})}
	l := &cluster.Lease{DB: db, Name: "mailer", Holder: name, TTL: ttl, Clock: clock}
	go func() {
		defer close(c.done)
		l.Run(ctx, w.loop(name))
	}()
	return c
}

func (c *contender) stop(t *testing.T) {
	t.Helper()
	c.cancel()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not stop", c.name)
	}
}

// secondInstance opens db again with connections of its own, as another process would. A
// database that is not a file (PostgreSQL, whose pools already hold several connections)
// is shared as it is.
func secondInstance(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if _, err := os.Stat(db.Path()); err != nil {
		return db
	}
	other, err := store.OpenShared(context.Background(), db.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	return other
}

// Two instances on one database: the work runs in exactly one of them, for as long as it
// renews its lease; when that instance stops, the other takes the work over at its next
// try, without waiting for the lease to expire.
func TestOneInstanceRunsTheWorkUntilItStops(t *testing.T) {
	db := storetest.Open(t)
	clock := newClock()
	w := newWork()
	a := start(db, clock, "instance-a", w)
	b := start(secondInstance(t, db), clock, "instance-b", w)
	defer a.stop(t)
	defer b.stop(t)

	first := w.next(t)
	clock.waitForWaiters(t, 2)
	// Three lease lifetimes: the holder renews nine times, the other tries nine times.
	for range 9 {
		clock.advance(ttl / 3)
		clock.waitForWaiters(t, 2)
		w.noneStarted(t)
	}
	if h, _, err := cluster.Holding(context.Background(), db, "mailer"); err != nil || h != first {
		t.Fatalf("lease held by %q (%v), want %q, who runs the work", h, err, first)
	}

	holder, other := a, b
	if first == b.name {
		holder, other = b, a
	}
	holder.stop(t)
	if h, _, err := cluster.Holding(context.Background(), db, "mailer"); err != nil || h != "" {
		t.Fatalf("after %s stopped, the lease is held by %q (%v), want released", holder.name, h, err)
	}
	clock.advance(ttl / 3)
	if got := w.next(t); got != other.name {
		t.Fatalf("%s took the work over, want %s", got, other.name)
	}
	if n := w.overlaps.Load(); n != 0 {
		t.Fatalf("the work ran in two instances at once %d times", n)
	}
}

// An instance that died (no release, no renewal) leaves its lease in the table: the other
// instance waits until it expires, and not a tick longer than its next try after that.
func TestADeadHoldersLeaseIsTakenOverOnceItExpires(t *testing.T) {
	db := storetest.Open(t)
	clock := newClock()
	ctx := context.Background()
	if _, err := db.W.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)`,
		"mailer", "crashed-host/4242/0a0b", store.FormatTime(clock.Now().Add(ttl))); err != nil {
		t.Fatal(err)
	}
	w := newWork()
	b := start(db, clock, "instance-b", w)
	defer b.stop(t)

	// Tries at 0, ttl/3 and 2·ttl/3 find the dead holder's lease still valid.
	for range 2 {
		clock.waitForWaiters(t, 1)
		w.noneStarted(t)
		clock.advance(ttl / 3)
	}
	clock.waitForWaiters(t, 1)
	w.noneStarted(t)
	if h, _, _ := cluster.Holding(ctx, db, "mailer"); h != "crashed-host/4242/0a0b" {
		t.Fatalf("lease held by %q before it expired", h)
	}
	clock.advance(ttl / 3) // the lease expires now
	if got := w.next(t); got != "instance-b" {
		t.Fatalf("%s took the work over", got)
	}
	if h, exp, err := cluster.Holding(ctx, db, "mailer"); err != nil || h != "instance-b" || !exp.Equal(clock.Now().Add(ttl)) {
		t.Fatalf("lease held by %q until %v (%v), want instance-b until %v", h, exp, err, clock.Now().Add(ttl))
	}
}

// When the lease is taken from under the holder (it had expired while the holder's
// renewals failed, and another instance took it), the holder's work is cancelled at its
// next renewal, and the holder does not delete the new holder's lease on its way out.
func TestLosingTheLeaseCancelsTheWork(t *testing.T) {
	db := storetest.Open(t)
	clock := newClock()
	ctx := context.Background()
	w := newWork()
	a := start(db, clock, "instance-a", w)
	defer a.stop(t)
	if got := w.next(t); got != "instance-a" {
		t.Fatalf("%s started", got)
	}
	clock.waitForWaiters(t, 1)
	if _, err := db.W.ExecContext(ctx, `UPDATE leases SET holder = ? WHERE name = ?`, "instance-c", "mailer"); err != nil {
		t.Fatal(err)
	}
	clock.advance(ttl / 3)
	deadline := time.Now().Add(10 * time.Second)
	for w.running.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the work still runs after its lease was taken")
		}
		time.Sleep(time.Millisecond)
	}
	a.stop(t)
	if h, _, _ := cluster.Holding(ctx, db, "mailer"); h != "instance-c" {
		t.Fatalf("lease held by %q after instance-a stopped, want instance-c's kept", h)
	}
}

// A holder that stalled past its lease's expiry (a long pause, a suspended machine) stops
// its work rather than renew late: another instance may have taken the lease meanwhile.
func TestAHolderThatStalledPastExpiryStopsItsWork(t *testing.T) {
	db := storetest.Open(t)
	clock := newClock()
	w := newWork()
	a := start(db, clock, "instance-a", w)
	defer a.stop(t)
	w.next(t)
	clock.waitForWaiters(t, 1)
	clock.advance(ttl + ttl/3)
	deadline := time.Now().Add(10 * time.Second)
	for w.stopped.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the work still runs after its lease expired unrenewed")
		}
		time.Sleep(time.Millisecond)
	}
}

// A loop that returns by itself gives the lease up, so that another instance can run it.
func TestWorkThatEndsReleasesTheLease(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ran := false
	cluster.Exclusive(ctx, db, "catch-up", "instance-a", time.Minute, func(context.Context) { ran = true })
	if !ran {
		t.Fatal("the work did not run")
	}
	if h, _, err := cluster.Holding(ctx, db, "catch-up"); err != nil || h != "" {
		t.Fatalf("lease held by %q (%v) after the work ended", h, err)
	}
}

// The holder id tells an operator which machine and process runs the work, and differs
// between two processes even when the PID is the same (containers).
func TestHolderNamesHostAndProcess(t *testing.T) {
	h := cluster.Holder()
	host, _ := os.Hostname()
	parts := strings.Split(h, "/")
	if len(parts) != 3 || parts[0] != host || parts[1] != strconv.Itoa(os.Getpid()) || len(parts[2]) != 12 {
		t.Fatalf("holder %q, want host/pid/random", h)
	}
	if cluster.Holder() != h {
		t.Fatal("the holder changed within one process")
	}
}

// TryOnce runs a one-off job only when nobody else holds its lease, and releases the lease
// when the job is done, so that the next instance's start-up does the job again.
func TestTryOnceLeavesTheJobToItsHolder(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	clock := newClock()
	first := &cluster.Lease{DB: db, Name: "startup/catch-up", Holder: "first", Clock: clock}
	second := &cluster.Lease{DB: db, Name: "startup/catch-up", Holder: "second", Clock: clock}

	inJob := make(chan struct{})
	finish := make(chan struct{})
	done := make(chan bool)
	go func() {
		ran, err := first.TryOnce(ctx, func(context.Context) { close(inJob); <-finish })
		if err != nil {
			t.Error(err)
		}
		done <- ran
	}()
	<-inJob
	ran, err := second.TryOnce(ctx, func(context.Context) { t.Error("the job ran twice at once") })
	if err != nil || ran {
		t.Errorf("second instance: ran %v, %v; want the job left to the first", ran, err)
	}
	close(finish)
	if !<-done {
		t.Error("the first instance did not run the job")
	}
	if holder, _, err := cluster.Holding(ctx, db, "startup/catch-up"); err != nil || holder != "" {
		t.Errorf("after the job the lease is held by %q (%v)", holder, err)
	}
	ran, err = second.TryOnce(ctx, func(context.Context) {})
	if err != nil || !ran {
		t.Errorf("once the first was done the second did not run the job: %v %v", ran, err)
	}
}
