// Package cache keeps values read from the database in memory for hot read paths, in such a
// way that a read made after a write of this process always sees that write.
//
// The protocol: a reader takes the value and a snapshot of the write counter (Get); on a
// miss it reads the database and offers the result with that snapshot (Put), which is kept
// only if no write happened in between. A writer calls Forget, ForgetAll or Update after its
// commit; each of them moves the counter, so a read that overlapped the write is never kept.
// The time limit covers writes made by another process on the same database.
package cache

import (
	"sync"
	"time"
)

// Map is a cache of values by key. The zero value is not usable: set TTL and Max.
type Map[K comparable, V any] struct {
	TTL time.Duration // how long a value is trusted
	Max int           // entries; when full, the cache starts afresh

	mu      sync.Mutex
	writes  uint64
	entries map[K]entry[V]
}

type entry[V any] struct {
	v  V
	at time.Time
}

// New returns a cache trusting values for ttl, holding at most max of them.
func New[K comparable, V any](ttl time.Duration, max int) *Map[K, V] {
	return &Map[K, V]{TTL: ttl, Max: max}
}

// Get returns the kept value of k, if fresh, and the snapshot to give Put after a miss.
func (m *Map[K, V]) Get(k K) (v V, ok bool, snapshot uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, found := m.entries[k]
	if found && time.Since(e.at) <= m.TTL {
		return e.v, true, m.writes
	}
	return v, false, m.writes
}

// Put keeps v for k unless a write happened since snapshot.
func (m *Map[K, V]) Put(k K, v V, snapshot uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writes != snapshot {
		return
	}
	if m.entries == nil || len(m.entries) >= m.Max {
		m.entries = map[K]entry[V]{}
	}
	m.entries[k] = entry[V]{v: v, at: time.Now()}
}

// Forget drops k, after a committed write to what it holds.
func (m *Map[K, V]) Forget(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	delete(m.entries, k)
}

// ForgetAll drops every value, after a committed write that may touch any of them.
func (m *Map[K, V]) ForgetAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	m.entries = nil
}

// Update changes the kept value of k, if there is one, after a committed write that the
// caller knows the effect of.
func (m *Map[K, V]) Update(k K, change func(V) V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	if e, ok := m.entries[k]; ok {
		e.v = change(e.v)
		m.entries[k] = e
	}
}
