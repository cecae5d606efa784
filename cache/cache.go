// Package cache keeps values read from the database in memory for hot read paths, in such a
// way that a read made after a write of this process always sees that write, and a write
// made by another instance of the platform reaches this one's caches through the Bus.
//
// The protocol of a Map: a reader takes the value and a snapshot of the write counter (Get);
// on a miss it reads the database and offers the result with that snapshot (Put), which is
// kept only if no write happened in between. A writer calls Forget, ForgetAll or Update
// after its commit; each of them moves the counter, so a read that overlapped the write is
// never kept, and announces the change on the Map's topic of the bus, which the other caches
// on that topic and the other instances hear. The time limit covers what the bus cannot
// carry: writes by a process that has no bus (a command line beside the server, another
// program) and events a transport lost.
package cache

import (
	"fmt"
	"sync"
	"time"
)

// Map is a cache of values by key, registered on a topic of a Bus. Build it with New.
type Map[K comparable, V any] struct {
	ttl time.Duration // how long a value is trusted
	max int           // entries; when full, the cache starts afresh

	bus   *Bus
	topic *TopicState
	reg   *registration

	mu      sync.RWMutex
	writes  uint64
	entries map[K]entry[V]
}

type entry[V any] struct {
	v     V
	until time.Time
}

// New returns a cache on topic t of bus (nil: a bus of its own, see Local), named name in
// the bus's registry, trusting values for ttl and holding at most max of them.
func New[K comparable, V any](bus *Bus, t Topic, name string, ttl time.Duration, max int) *Map[K, V] {
	if bus == nil {
		bus = Local()
	}
	m := &Map[K, V]{ttl: ttl, max: max, bus: bus}
	m.topic, m.reg = bus.register(t, name, m.drop)
	return m
}

// Get returns the kept value of k, if fresh, and the snapshot to give Put after a miss.
func (m *Map[K, V]) Get(k K) (v V, ok bool, snapshot uint64) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, found := m.entries[k]
	if found && time.Now().Before(e.until) {
		return e.v, true, m.writes
	}
	return v, false, m.writes
}

// Put keeps v for k unless a write happened since snapshot.
func (m *Map[K, V]) Put(k K, v V, snapshot uint64) { m.PutUntil(k, v, snapshot, time.Time{}) }

// PutUntil is Put for a value that must not be used after until (a session that expires
// sooner than the cache's time limit); the zero time means the time limit alone.
func (m *Map[K, V]) PutUntil(k K, v V, snapshot uint64, until time.Time) {
	limit := time.Now().Add(m.ttl)
	if until.IsZero() || until.After(limit) {
		until = limit
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writes != snapshot {
		return
	}
	if m.entries == nil || len(m.entries) >= m.max {
		m.entries = map[K]entry[V]{}
	}
	m.entries[k] = entry[V]{v: v, until: until}
}

// Forget drops k, after a committed write to what it holds.
func (m *Map[K, V]) Forget(k K) {
	m.mu.Lock()
	m.writes++
	delete(m.entries, k)
	m.mu.Unlock()
	m.announce(false, k)
}

// ForgetAll drops every value, after a committed write that may touch any of them.
func (m *Map[K, V]) ForgetAll() {
	m.mu.Lock()
	m.writes++
	m.entries = nil
	m.mu.Unlock()
	var none K
	m.announce(true, none)
}

// Update changes the kept value of k, if there is one, after a committed write that the
// caller knows the effect of. Elsewhere the entry is dropped: the change is known here only.
func (m *Map[K, V]) Update(k K, change func(V) V) {
	m.mu.Lock()
	m.writes++
	if e, ok := m.entries[k]; ok {
		e.v = change(e.v)
		m.entries[k] = e
	}
	m.mu.Unlock()
	m.announce(false, k)
}

// announce tells the bus of a change this cache has applied: to every entry, or to k.
func (m *Map[K, V]) announce(all bool, k K) {
	if m.bus.quiet(m.topic, m.reg) {
		m.topic.gen.Add(1)
		return
	}
	e := Event{Topic: m.topic.name, Origin: m.bus.id}
	if !all {
		e.Key = keyString(k)
	}
	m.bus.announce(e, m.reg)
}

// Topic is the topic the cache is registered on; its generation moves with every change
// to the cache's data, here or elsewhere.
func (m *Map[K, V]) Topic() *TopicState { return m.topic }

// Len is the number of entries held, fresh or not.
func (m *Map[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

// drop applies an invalidation of the topic made elsewhere (another cache on the topic, or
// another instance).
func (m *Map[K, V]) drop(e Event, _ bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	if e.Key == "" {
		m.entries = nil
		return
	}
	for k := range m.entries {
		if keyString(k) == e.Key {
			delete(m.entries, k)
		}
	}
}

// keyString is how a key travels in an Event.
func keyString[K comparable](k K) string {
	if s, ok := any(k).(string); ok {
		return s
	}
	return fmt.Sprint(k)
}
