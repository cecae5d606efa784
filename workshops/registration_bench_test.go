package workshops_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// BenchmarkRegistrations measures registrations per second on the backend storetest
// chooses (MASAR_TEST_DATABASE=postgres for PostgreSQL): each operation is one official
// applying to a workshop and staff approving them at once, from many goroutines, the
// operations running side by side spread over the workshops. Workshops have 30 seats and a quota of 3 for each of twelve member states, and take 60 applicants
// each, so half the approvals are refused as full: the refusals are part of the work.
// registrations/s counts operations; writes/s counts the transactions that committed (the
// applications and the approvals granted). No workshop may end above its capacity or a
// country above its quota: the benchmark fails if one does, and reports over-allocated
// (always 0 when it passes). Run it with a fixed count, e.g. -benchtime=600x.
func BenchmarkRegistrations(b *testing.B) {
	const capacity, quota, perWorkshop = 30, 3, 60
	e := newEnv(b)
	ctx := context.Background()
	ws := make([]*workshops.Workshop, (b.N+perWorkshop-1)/perWorkshop)
	for i := range ws {
		ws[i] = e.published(input(capacity, quota))
	}
	// Accounts are made beforehand, a few at a time: they are not what is measured.
	who := make([]*officials.Official, b.N)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range who {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			// Official i applies to workshop i%len(ws): each workshop's applicants come
			// from all twelve states, so that the capacity binds before the quotas.
			who[i] = e.official(memberStates[i/len(ws)%len(memberStates)])
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}

	var next, writes, refused atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			r, err := e.ws.Apply(ctx, who[i], ws[int(i)%len(ws)].ID, "I lead our open data portal.")
			if err != nil {
				b.Errorf("apply: %v", err)
				return
			}
			writes.Add(1)
			_, err = e.ws.Transition(ctx, e.staff, r.ID, workshops.ActApprove)
			switch c := code(err); c {
			case "":
				writes.Add(1)
			case "capacity_full", "quota_full":
				refused.Add(1)
			default:
				b.Errorf("approve: %v", err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()

	over := 0
	for _, w := range ws {
		held := 0
		for _, n := range e.perCountry(w.ID) {
			held += n
			over += max(0, n-quota)
		}
		over += max(0, held-capacity)
	}
	if over > 0 {
		b.Fatalf("%d seats given beyond a capacity or a quota", over)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "registrations/s")
	b.ReportMetric(float64(writes.Load())/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(refused.Load())/float64(b.N), "refused/op")
	b.ReportMetric(float64(over), "over-allocated")
}
