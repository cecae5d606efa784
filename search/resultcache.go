package search

import (
	"strconv"
	"sync"
	"time"
)

// resultCache keeps recent pages of results: officials search for the same few things (the
// week's workshop, "البيانات المفتوحة"), and a query costs an FTS5 evaluation over every
// matching document. Every write to the index empties it, and a search that overlapped a
// write is not kept (the write counter moved), so a kept page is never older than the last
// committed change of this process. The time limit covers changes made by another process.
type resultCache struct {
	mu      sync.Mutex
	writes  uint64
	entries map[string]cachedResults
}

type cachedResults struct {
	res *Results
	at  time.Time
}

const (
	resultCacheTTL = 5 * time.Minute
	resultCacheMax = 5000
)

func resultKey(q Query, text string) string {
	return q.Lang + "\x00" + strconv.Itoa(q.Page) + "\x00" + strconv.Itoa(q.PerPage) + "\x00" + text
}

func (rc *resultCache) get(key string) (*Results, uint64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[key]
	if ok && time.Since(e.at) <= resultCacheTTL {
		return e.res, rc.writes
	}
	return nil, rc.writes
}

// put keeps res unless the index changed since the snapshot.
func (rc *resultCache) put(key string, res *Results, snapshot uint64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.writes != snapshot {
		return
	}
	if rc.entries == nil || len(rc.entries) >= resultCacheMax {
		rc.entries = map[string]cachedResults{}
	}
	rc.entries[key] = cachedResults{res: res, at: time.Now()}
}

// changed forgets every kept page, after a write to the index.
func (rc *resultCache) changed() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.writes++
	rc.entries = nil
}

// Changed tells the index that a transaction given to PutWorkshopTx or RemoveWorkshopTx has
// committed, so that kept results make way for the new ones. (PutWorkshop, RemoveWorkshop,
// SyncWorkshops and IndexCatalogue do it themselves.)
func (ix *Index) Changed() { ix.results.changed() }
