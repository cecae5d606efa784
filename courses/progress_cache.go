package courses

import (
	"slices"
	"sync"
	"time"
)

// progressCache keeps recently read Progress values, so that paging through a course reads
// the official's standing from memory instead of three queries per page. Every write of this
// service to a key forgets it; a read that overlapped a write is not kept (the write counter
// moved), so a cached value is never older than the last committed write of this process. The
// time limit covers writes made by another process on the same database.
type progressCache struct {
	mu      sync.Mutex
	writes  uint64 // bumped by every forget
	entries map[visitKey]cachedProgress
}

type cachedProgress struct {
	p   Progress
	cat *Catalogue
	at  time.Time
}

const (
	progressCacheTTL = 10 * time.Second
	progressCacheMax = 100_000
)

// snapshot is the write counter before a read.
func (pc *progressCache) snapshot() uint64 {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.writes
}

func (pc *progressCache) get(k visitKey, cat *Catalogue, now time.Time) (*Progress, bool) {
	pc.mu.Lock()
	e, ok := pc.entries[k]
	pc.mu.Unlock()
	if !ok || e.cat != cat || now.Sub(e.at) > progressCacheTTL {
		return nil, false
	}
	p := e.p
	p.Done = slices.Clone(e.p.Done)
	return &p, true
}

// put keeps p unless a write happened since snapshot.
func (pc *progressCache) put(k visitKey, cat *Catalogue, p *Progress, snapshot uint64, now time.Time) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.writes != snapshot {
		return
	}
	if pc.entries == nil || len(pc.entries) >= progressCacheMax {
		pc.entries = map[visitKey]cachedProgress{}
	}
	c := *p
	c.Done = slices.Clone(p.Done)
	pc.entries[k] = cachedProgress{p: c, cat: cat, at: now}
}

// forget drops what is known of an official's course, after a write to it.
func (pc *progressCache) forget(k visitKey) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.writes++
	delete(pc.entries, k)
}

// flushed records visits just written: the kept values take the new last lessons.
func (pc *progressCache) flushed(visits map[visitKey]string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.writes++
	for k, lesson := range visits {
		if e, ok := pc.entries[k]; ok && e.p.Enrolled {
			e.p.LastLesson = lesson
			pc.entries[k] = e
		}
	}
}
