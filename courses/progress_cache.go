package courses

import (
	"maps"
	"slices"
	"time"

	"github.com/masar-platform/masar/cache"
)

// Progress values are kept between pages, so that paging through a course reads the
// official's standing from memory instead of three queries per page (see package cache for
// why a read after a write always sees it). A value is used only with the catalogue it was
// computed from.
type keptProgress struct {
	p   Progress
	cat *Catalogue
}

func newProgressCache(bus *cache.Bus) *cache.Map[visitKey, keptProgress] {
	return cache.New[visitKey, keptProgress](bus, cache.Progress, "courses.progress", 10*time.Second, 100_000)
}

// copyProgress is p with its own Done slice, so that callers never share a kept value.
func copyProgress(p *Progress) *Progress {
	c := *p
	c.Done = slices.Clone(p.Done)
	c.Opened = maps.Clone(p.Opened)
	return &c
}
