package cache

import (
	"context"
	"slices"
	"sync"
)

// MemoryHub joins buses in one process as if they were instances on one database: an event
// published by one bus is delivered to every other bus of the hub, at once and in the
// publisher's goroutine. Tests use it to show that a change on one instance empties the
// caches of another; a PostgreSQL LISTEN/NOTIFY transport does the same across processes.
type MemoryHub struct {
	mu        sync.RWMutex
	listeners []func(Event)
}

// NewMemoryHub returns a hub with no bus on it.
func NewMemoryHub() *MemoryHub { return &MemoryHub{} }

// Transport returns a new endpoint of the hub, for one bus (NewBus(hub.Transport(), log)).
func (h *MemoryHub) Transport() Transport { return &memoryTransport{hub: h} }

type memoryTransport struct {
	hub *MemoryHub
}

// Publish delivers e to every bus of the hub; the sender ignores its own event by Origin,
// as it would a NOTIFY echoed back to its own connection.
func (t *memoryTransport) Publish(_ context.Context, e Event) error {
	t.hub.mu.RLock()
	ls := slices.Clone(t.hub.listeners)
	t.hub.mu.RUnlock()
	for _, l := range ls {
		l(e)
	}
	return nil
}

func (t *memoryTransport) Listen(deliver func(Event)) {
	t.hub.mu.Lock()
	defer t.hub.mu.Unlock()
	t.hub.listeners = append(t.hub.listeners, deliver)
}
