package pgnotify

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// instance is one Masar process's view of the database: its own pool and its own bus.
type instance struct {
	pool *sql.DB
	tr   *Transport
	bus  *cache.Bus
}

func open(t *testing.T, url string) *instance {
	t.Helper()
	pool, err := sql.Open(store.PgxDriverName, url)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(context.Background(), url, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := tr.Close(); err != nil {
			t.Error(err)
		}
		_ = pool.Close()
	})
	return &instance{pool: pool, tr: tr, bus: cache.NewBus(tr, nil)}
}

// eventually waits (at most ten seconds, however slow the machine) for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func put(m *cache.Map[string, string], k, v string) {
	_, _, snap := m.Get(k)
	m.Put(k, v, snap)
}

func has(m *cache.Map[string, string], k string) bool {
	_, ok, _ := m.Get(k)
	return ok
}

// Two instances on two connections: what one forgets, the other stops serving, key by key or
// the whole topic; an instance does not apply its own events twice.
func TestInvalidationsCrossConnections(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	a, b := open(t, url), open(t, url)
	onA := cache.New[string, string](a.bus, cache.Sessions, "test.sessions", time.Hour, 100)
	onB := cache.New[string, string](b.bus, cache.Sessions, "test.sessions", time.Hour, 100)
	put(onA, "s1", "on A")
	put(onB, "s1", "on B")
	put(onB, "s2", "kept on B")

	onA.Forget("s1") // a logout on A
	eventually(t, "B drops the session A forgot", func() bool { return !has(onB, "s1") })
	if !has(onB, "s2") {
		t.Error("forgetting one key on A emptied another key on B")
	}

	// Generation topics move on the other instance, and only once on the sender.
	ga, gb := a.bus.Topic(cache.Workshops), b.bus.Topic(cache.Workshops)
	a.bus.Invalidate(cache.Workshops, "7")
	eventually(t, "B's workshops generation moves", func() bool { return gb.Generation() == 1 })
	// A later event from B reaches A after A's own echo (one connection delivers in order).
	b.bus.Invalidate(cache.Pages)
	eventually(t, "A hears B", func() bool { return a.bus.Topic(cache.Pages).Generation() == 1 })
	if g := ga.Generation(); g != 1 {
		t.Errorf("A's workshops generation is %d after one change of its own; its echo counted again", g)
	}
	if g := b.bus.Topic(cache.Pages).Generation(); g != 1 {
		t.Errorf("B's pages generation is %d after one change of its own", g)
	}

	// ForgetAll reaches the other instance as a whole-topic event.
	put(onB, "s3", "x")
	onA.ForgetAll()
	eventually(t, "B empties its sessions", func() bool { return !has(onB, "s2") && !has(onB, "s3") })
}

// A key too long for a notification is sent without it: the other instance drops the whole
// topic rather than nothing.
func TestLongKeyInvalidatesTheTopic(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	a, b := open(t, url), open(t, url)
	onA := cache.New[string, string](a.bus, cache.SearchResults, "test.search", time.Hour, 100)
	onB := cache.New[string, string](b.bus, cache.SearchResults, "test.search", time.Hour, 100)
	long := strings.Repeat("ب", 5000) // 10,000 bytes of UTF-8
	put(onB, long, "results")
	put(onB, "other", "results")
	onA.Forget(long)
	eventually(t, "B drops the topic", func() bool { return !has(onB, long) && !has(onB, "other") })
	if p, err := payload(cache.Event{Topic: cache.SearchResults, Key: long, Origin: "x"}); err != nil || len(p) > MaxPayload {
		t.Errorf("payload of %d bytes, %v", len(p), err)
	}
}

// When the listening connection is cut, the transport reconnects and, having perhaps missed
// invalidations meanwhile, empties every cache of its instance; afterwards it hears again.
func TestReconnectEmptiesEverything(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	a, b := open(t, url), open(t, url)
	pid := a.tr.conn.PgConn().PID() // read before anything else uses the connection's state
	onA := cache.New[string, string](a.bus, cache.Progress, "test.progress", time.Hour, 100)
	put(onA, "k", "v")
	if _, err := b.pool.Exec("SELECT pg_terminate_backend(?)", pid); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A reconnects", func() bool { return a.tr.Reconnects() >= 1 })
	if has(onA, "k") {
		t.Error("A kept its cache across a lost connection")
	}
	put(onA, "k2", "v")
	b.bus.Invalidate(cache.Progress, "k2")
	eventually(t, "A hears B after reconnecting", func() bool { return !has(onA, "k2") })
}

// A command writing beside the instances publishes without listening: their caches hear it.
func TestPublisherReachesTheInstances(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	server := open(t, url)
	pool, err := sql.Open(store.PgxDriverName, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	command := cache.NewBus(Publisher(pool), nil)
	onServer := cache.New[string, string](server.bus, cache.Countries, "test.countries", time.Hour, 10)
	put(onServer, "JO/ar", "الأردن")
	command.Invalidate(cache.Countries)
	eventually(t, "the server drops what the command changed", func() bool { return !has(onServer, "JO/ar") })
}

// BenchmarkInvalidationReachesTheOtherInstance times one invalidation from publishing on one
// instance to its effect on another: a NOTIFY through the server and back.
//
//	MASAR_POSTGRES_TESTS=require go test ./cache/pgnotify -run '^$' -bench . -benchtime 200x
func BenchmarkInvalidationReachesTheOtherInstance(b *testing.B) {
	url := storetest.NewPostgresDatabase(b)
	open := func() *cache.Bus {
		pool, err := sql.Open(store.PgxDriverName, url)
		if err != nil {
			b.Fatal(err)
		}
		tr, err := New(context.Background(), url, pool, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = tr.Close(); _ = pool.Close() })
		return cache.NewBus(tr, nil)
	}
	a, other := open(), open()
	seen := other.Topic(cache.Workshops)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		want := seen.Generation() + 1
		a.Invalidate(cache.Workshops, "1")
		for seen.Generation() < want {
			time.Sleep(50 * time.Microsecond)
		}
	}
}
