package officials

import (
	"context"
	"time"
)

// compactAbove is the number of segments of the name index beyond which it is rewritten.
const compactAbove = 4

// CompactSearch rewrites the staff list's name index (officials_fts) as one segment when it
// has grown into many (on PostgreSQL: moves the GIN index's pending entries into it, see
// compactNames): every registration adds a small segment, and a search by name reads
// each of them, which at 100,000 accounts made a query five times slower than over a
// compacted index. It reports whether it compacted. Rewriting 100,000 accounts takes about
// half a second of the writer.
func (s *Service) CompactSearch(ctx context.Context) (bool, error) {
	return s.compactNames(ctx)
}

// RunSearchMaintenance compacts the name index when needed, once shortly after start-up and
// then at every interval, until ctx ends.
func (s *Service) RunSearchMaintenance(ctx context.Context, every time.Duration) {
	first := time.NewTimer(10 * time.Second)
	defer first.Stop()
	select {
	case <-ctx.Done():
		return
	case <-first.C:
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, _ = s.CompactSearch(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
