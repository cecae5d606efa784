package cache

import (
	"testing"
	"time"
)

func TestReadOverlappingAWriteIsNotKept(t *testing.T) {
	m := New[string, int](nil, "test", "test.map", time.Minute, 10)
	_, ok, snap := m.Get("a")
	if ok {
		t.Fatal("empty cache hit")
	}
	m.Forget("a") // a write commits while the miss is being read
	m.Put("a", 1, snap)
	if _, ok, _ := m.Get("a"); ok {
		t.Fatal("a value read before a write was kept")
	}
	_, _, snap = m.Get("a")
	m.Put("a", 2, snap)
	if v, ok, _ := m.Get("a"); !ok || v != 2 {
		t.Fatalf("got %d %v", v, ok)
	}
	m.Update("a", func(v int) int { return v + 1 })
	if v, _, _ := m.Get("a"); v != 3 {
		t.Fatalf("after update %d", v)
	}
	m.ForgetAll()
	if _, ok, _ := m.Get("a"); ok {
		t.Fatal("kept after ForgetAll")
	}
}

func TestTimeLimitAndSize(t *testing.T) {
	m := New[int, int](nil, "test", "test.map", 20*time.Millisecond, 3)
	for i := 0; i < 3; i++ {
		_, _, snap := m.Get(i)
		m.Put(i, i, snap)
	}
	_, _, snap := m.Get(9)
	m.Put(9, 9, snap) // full: starts afresh
	if _, ok, _ := m.Get(0); ok {
		t.Error("a full cache kept its old entries")
	}
	if _, ok, _ := m.Get(9); !ok {
		t.Error("the new entry was not kept")
	}
	time.Sleep(30 * time.Millisecond)
	if _, ok, _ := m.Get(9); ok {
		t.Error("an entry outlived its time limit")
	}
}

func TestPutUntilEndsBeforeTheTimeLimit(t *testing.T) {
	m := New[string, int](nil, Sessions, "test.sessions", time.Hour, 10)
	_, _, snap := m.Get("s")
	m.PutUntil("s", 1, snap, time.Now().Add(-time.Second)) // a session that has just expired
	if _, ok, _ := m.Get("s"); ok {
		t.Error("a value was used after its own end")
	}
}

func put[K comparable, V any](m *Map[K, V], k K, v V) {
	_, _, snap := m.Get(k)
	m.Put(k, v, snap)
}

// Two buses joined by a hub stand for two instances on one database: what one of them
// invalidates, the other stops serving, key by key or the whole topic.
func TestInvalidationReachesTheOtherInstance(t *testing.T) {
	hub := NewMemoryHub()
	a, b := NewBus(hub.Transport(), nil), NewBus(hub.Transport(), nil)
	type key struct {
		official int64
		course   string
	}
	onA := New[key, string](a, Progress, "test.progress", time.Hour, 100)
	onB := New[key, string](b, Progress, "test.progress", time.Hour, 100)
	put(onA, key{1, "x"}, "on A")
	put(onB, key{1, "x"}, "on B")
	put(onB, key{2, "x"}, "kept on B")

	onA.Forget(key{1, "x"})
	if _, ok, _ := onB.Get(key{1, "x"}); ok {
		t.Error("an entry forgotten on instance A is still served by instance B")
	}
	if v, ok, _ := onB.Get(key{2, "x"}); !ok || v != "kept on B" {
		t.Error("forgetting one key on A emptied other keys on B")
	}

	// A read on B that overlapped A's write is not kept on B either.
	_, _, snap := onB.Get(key{2, "x"})
	a.Invalidate(Progress)
	onB.Put(key{2, "x"}, "read before the write", snap)
	if _, ok, _ := onB.Get(key{2, "x"}); ok {
		t.Error("B kept a value read before A's write")
	}

	// Update keeps the new value on A and makes B read again.
	put(onA, key{3, "y"}, "old")
	put(onB, key{3, "y"}, "old")
	onA.Update(key{3, "y"}, func(string) string { return "new" })
	if v, _, _ := onA.Get(key{3, "y"}); v != "new" {
		t.Errorf("A after Update: %q", v)
	}
	if _, ok, _ := onB.Get(key{3, "y"}); ok {
		t.Error("B still serves the value A updated")
	}
}

func TestGenerationTopicsMoveOnEveryInstance(t *testing.T) {
	hub := NewMemoryHub()
	a, b := NewBus(hub.Transport(), nil), NewBus(hub.Transport(), nil)
	ga, gb := a.Topic(Workshops), b.Topic(Workshops)
	before := gb.Generation()
	a.Invalidate(Workshops, "12")
	if gb.Generation() == before {
		t.Error("a workshop change on A left B's calendar generation unchanged")
	}
	if ga.Generation() != 1 {
		t.Errorf("A's own generation is %d, want 1 (its echo must not count twice)", ga.Generation())
	}
}

// Caches on one topic hear each other: a change announced by one empties the others.
func TestCachesOnOneTopicHearEachOther(t *testing.T) {
	bus := Local()
	countries := New[bool, []string](bus, Countries, "test.countries", time.Hour, 2)
	names := New[string, string](bus, Countries, "test.names", time.Hour, 10)
	put(countries, true, []string{"JO"})
	put(names, "JO/ar", "الأردن")
	countries.ForgetAll()
	if _, ok, _ := names.Get("JO/ar"); ok {
		t.Error("country names outlived a change to the countries")
	}
	want := []Registration{{Countries, "test.countries"}, {Countries, "test.names"}}
	if got := bus.Registry(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("registry %v, want %v", got, want)
	}
}

// A transport that may have lost events delivers Event{}: every topic of the bus is
// invalidated, keyed caches and generation counters alike.
func TestEventWithoutTopicInvalidatesEverything(t *testing.T) {
	hub := NewMemoryHub()
	bus := NewBus(hub.Transport(), nil)
	progress := New[string, int](bus, Progress, "test.progress", time.Hour, 10)
	sessions := New[string, int](bus, Sessions, "test.sessions", time.Hour, 10)
	put(progress, "a", 1)
	put(sessions, "s", 2)
	before := bus.Topic(Workshops).Generation()
	bus.receive(Event{})
	if _, ok, _ := progress.Get("a"); ok {
		t.Error("progress kept an entry after a full invalidation")
	}
	if _, ok, _ := sessions.Get("s"); ok {
		t.Error("a session was kept after a full invalidation")
	}
	if bus.Topic(Workshops).Generation() == before {
		t.Error("the workshops generation did not move")
	}
}
