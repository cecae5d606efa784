package officials

import (
	"context"
	"fmt"
	"time"
)

// compactAbove is the number of segments of the name index beyond which it is rewritten.
const compactAbove = 4

// CompactSearch rewrites the staff list's name index (officials_fts) as one segment when it
// has grown into many: every registration adds a small segment, and a search by name reads
// each of them, which at 100,000 accounts made a query five times slower than over a
// compacted index. It reports whether it compacted. Rewriting 100,000 accounts takes about
// half a second of the writer.
func (s *Service) CompactSearch(ctx context.Context) (bool, error) {
	var segments int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(DISTINCT segid) FROM officials_fts_idx").Scan(&segments); err != nil {
		return false, fmt.Errorf("officials: count index segments: %w", err)
	}
	if segments <= compactAbove {
		return false, nil
	}
	if _, err := s.db.W.ExecContext(ctx, "INSERT INTO officials_fts(officials_fts) VALUES('optimize')"); err != nil {
		return false, fmt.Errorf("officials: compact the name index: %w", err)
	}
	return true, nil
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
