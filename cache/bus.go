package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Topic names a kind of data kept in memory somewhere in the platform. A write to that data
// invalidates the topic (Bus.Invalidate); every cache registered on it drops what it holds,
// in this process and, through the bus's transport, in every other instance.
type Topic string

// The topics of the platform. Each cache registers on exactly one (Bus.Register); a topic
// without a cache is a generation counter, read by what was built from the data it names.
const (
	Sessions      Topic = "sessions"  // logged-in sessions by token hash (officials)
	Countries     Topic = "countries" // the member states and their names (officials, workshops)
	Progress      Topic = "progress"  // an official's standing in a course (courses)
	SearchResults Topic = "search"    // pages of search results and the index vocabulary (search)
	Content       Topic = "content"   // the course catalogue served (web.Library)
	Workshops     Topic = "workshops" // any change to a workshop, for the calendar pages (web)
	Pages         Topic = "pages"     // rendered pages (web's page cache)
)

// Event is one invalidation: everything kept under Topic, or only the entry named Key.
type Event struct {
	Topic Topic  `json:"topic"`
	Key   string `json:"key,omitempty"` // "" for every entry of the topic
	// Origin is the bus that published the event, so that a transport that also delivers
	// to its sender (PostgreSQL NOTIFY does) has the echo ignored.
	Origin string `json:"origin"`
}

// Transport carries invalidations between the instances of the platform that share one
// database. One SQLite process needs none (a nil Transport). Publish sends an event to the
// other instances; Listen is called once, by NewBus, with the function that applies an
// event received from another instance. Delivery may be late or lost (a lost event costs
// staleness up to the caches' time limits, never a wrong write): transports need not retry.
// A transport that knows it may have lost events (its connection broke and came back)
// delivers Event{} — no topic — which invalidates every topic of the receiving bus.
type Transport interface {
	Publish(ctx context.Context, e Event) error
	Listen(deliver func(Event))
}

// Bus is the one way the platform's in-memory caches are invalidated. A write calls
// Invalidate (directly, or through a Map's Forget, ForgetAll or Update) after its commit;
// the bus moves the topic's generation, drops the entries of every cache registered on the
// topic and hands the event to the transport.
type Bus struct {
	id        string
	transport Transport
	log       *slog.Logger

	mu     sync.RWMutex
	topics map[Topic]*TopicState
}

// TopicState is one topic of a bus: its generation and the caches registered on it.
type TopicState struct {
	name Topic
	gen  atomic.Uint64

	mu     sync.RWMutex
	caches []*registration
}

type registration struct {
	name string
	drop func(e Event, remote bool)
}

// NewBus returns a bus with the given transport (nil: this process alone).
func NewBus(t Transport, log *slog.Logger) *Bus {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if log == nil {
		log = slog.Default()
	}
	bus := &Bus{id: hex.EncodeToString(b[:]), transport: t, log: log, topics: map[Topic]*TopicState{}}
	if t != nil {
		t.Listen(bus.receive)
	}
	return bus
}

// Local returns a bus of its own for a service built without one (a command, a test): its
// caches are invalidated within the service as usual and nowhere else.
func Local() *Bus { return NewBus(nil, nil) }

// Shared reports whether the bus hears the changes other processes make (it has a
// transport): then a command beside the server, or another instance, invalidates this
// process's caches at once instead of after their time limits.
func (b *Bus) Shared() bool { return b.transport != nil }

// ID names the bus in the events it publishes.
func (b *Bus) ID() string { return b.id }

// Topic returns the state of topic t, created on first use. Hot paths keep it and read its
// Generation without going through the bus's map.
func (b *Bus) Topic(t Topic) *TopicState {
	b.mu.RLock()
	s := b.topics[t]
	b.mu.RUnlock()
	if s != nil {
		return s
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s = b.topics[t]; s == nil {
		s = &TopicState{name: t}
		b.topics[t] = s
	}
	return s
}

// Register puts a cache named name (for the registry: "officials.sessions") on topic t; drop
// is called with every invalidation of the topic, local or received, and must remove what
// the event names. It returns the topic's state.
func (b *Bus) Register(t Topic, name string, drop func(e Event, remote bool)) *TopicState {
	s, _ := b.register(t, name, drop)
	return s
}

func (b *Bus) register(t Topic, name string, drop func(e Event, remote bool)) (*TopicState, *registration) {
	s := b.Topic(t)
	r := &registration{name: name, drop: drop}
	s.mu.Lock()
	s.caches = append(s.caches, r)
	s.mu.Unlock()
	return s, r
}

// Invalidate records a committed change to topic t (to the entry key, or to all of them
// without one): the topic's generation moves, every cache on it drops what the change
// touches, and the other instances are told.
func (b *Bus) Invalidate(t Topic, key ...string) {
	e := Event{Topic: t, Origin: b.id}
	if len(key) > 0 {
		e.Key = key[0]
	}
	b.announce(e, nil)
}

// announce applies a local event to the topic's caches but skip (the cache that made the
// change has already applied it, with its typed key) and publishes it.
func (b *Bus) announce(e Event, skip *registration) {
	b.apply(e, false, skip)
	b.publish(e)
}

// quiet reports whether nobody but cache self hears of changes to topic t: no other cache
// on it and no transport. A cache alone on its topic then only moves the generation, and
// pays for no event (nor for turning its key into text) on its write path.
func (b *Bus) quiet(t *TopicState, self *registration) bool {
	if b.transport != nil {
		return false
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.caches) == 1 && t.caches[0] == self
}

// publish hands e to the transport, if any.
func (b *Bus) publish(e Event) {
	if b.transport == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.transport.Publish(ctx, e); err != nil {
		// The other instances keep their entries until their time limits: stale for a
		// while, which is what one lost event costs.
		b.log.Warn("cache: invalidation not published", "topic", e.Topic, "err", err)
	}
}

// receive applies an event from another instance; one without a topic invalidates them all.
func (b *Bus) receive(e Event) {
	if e.Origin == b.id && e.Origin != "" {
		return
	}
	if e.Topic == "" {
		b.mu.RLock()
		topics := make([]Topic, 0, len(b.topics))
		for t := range b.topics {
			topics = append(topics, t)
		}
		b.mu.RUnlock()
		for _, t := range topics {
			b.apply(Event{Topic: t}, true, nil)
		}
		return
	}
	b.apply(e, true, nil)
}

// apply runs the drops of the topic's caches but skip, then moves the generation: once the
// generation has moved, what the drops replaced is in place (a library reloaded on another
// instance's word serves its new catalogue), so that a page built at the new generation is
// never built from the old data.
func (b *Bus) apply(e Event, remote bool, skip *registration) {
	s := b.Topic(e.Topic)
	s.mu.RLock()
	caches := slices.Clone(s.caches)
	s.mu.RUnlock()
	for _, r := range caches {
		if r != skip {
			r.drop(e, remote)
		}
	}
	s.gen.Add(1)
}

// Generation counts the invalidations of the topic, local and received: what was built from
// the topic's data at one generation is stale at another.
func (s *TopicState) Generation() uint64 { return s.gen.Load() }

// Name is the topic's name.
func (s *TopicState) Name() Topic { return s.name }

// Registration is one cache on the bus, as the registry lists it.
type Registration struct {
	Topic Topic
	Cache string
}

// Registry lists the topics in use and the caches registered on each, sorted by topic and
// name; a topic used only as a generation counter appears with an empty Cache.
func (b *Bus) Registry() []Registration {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []Registration
	for t, s := range b.topics {
		s.mu.RLock()
		if len(s.caches) == 0 {
			out = append(out, Registration{Topic: t})
		}
		for _, r := range s.caches {
			out = append(out, Registration{Topic: t, Cache: r.name})
		}
		s.mu.RUnlock()
	}
	slices.SortFunc(out, func(a, b Registration) int {
		if a.Topic != b.Topic {
			if a.Topic < b.Topic {
				return -1
			}
			return 1
		}
		switch {
		case a.Cache < b.Cache:
			return -1
		case a.Cache > b.Cache:
			return 1
		}
		return 0
	})
	return out
}
