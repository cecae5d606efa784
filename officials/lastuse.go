package officials

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"time"

	"github.com/masar-platform/masar/store"
)

// seenKey names a session's or a bearer token's row (by table and token hash) whose last
// use waits to be written.
type seenKey struct{ table, hash string }

// pendingSeen is the last use of a row noted here and not yet written, if any: the lists of
// sessions and tokens show it, so that a use shows at once on this instance (and within a
// second on the others).
func (s *Service) pendingSeen(table, hash string) (time.Time, bool) {
	s.seenMu.Lock()
	defer s.seenMu.Unlock()
	k := seenKey{table, hash}
	if t, ok := s.seen[k]; ok {
		return t, true
	}
	t, ok := s.flushing[k]
	return t, ok
}

// FlushSeen writes the last uses that noteSeen recorded since the previous flush, in one
// transaction. Each write keeps its condition (the recorded time older than LastSeenEvery),
// so that two instances noting the same use write it once. When the write fails, the times
// are kept for the next flush, unless a later use of the same row was noted meanwhile.
func (s *Service) FlushSeen(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.seenMu.Lock()
	pending := s.seen
	s.seen, s.flushing = nil, pending
	s.seenMu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	defer func() {
		s.seenMu.Lock()
		s.flushing = nil
		s.seenMu.Unlock()
	}()
	// In one order, so that two instances flushing the same rows do not each wait for the
	// other's.
	keys := slices.SortedFunc(maps.Keys(pending), func(a, b seenKey) int {
		return cmp.Or(cmp.Compare(a.table, b.table), cmp.Compare(a.hash, b.hash))
	})
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			t := pending[k]
			col := "last_seen_at"
			if k.table == "api_tokens" {
				col = "last_used_at"
			}
			before := store.FormatTime(t.Add(-LastSeenEvery))
			if _, err := tx.ExecContext(ctx, "UPDATE "+k.table+" SET "+col+" = ? WHERE token_hash = ? AND ("+col+" IS NULL OR "+col+" < ?)",
				store.FormatTime(t), k.hash, before); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.seenMu.Lock()
		if s.seen == nil {
			s.seen = map[seenKey]time.Time{}
		}
		for k, t := range pending {
			if _, later := s.seen[k]; !later {
				s.seen[k] = t
			}
		}
		s.seenMu.Unlock()
	}
	return err
}
