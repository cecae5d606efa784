package workshops

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTurnsOfAWorkshop: one turn at a time for a workshop, while another workshop's turn is
// free; a wait ends with its context; the turns of workshops nobody waits for are forgotten.
func TestTurnsOfAWorkshop(t *testing.T) {
	var tr turns
	ctx := context.Background()
	release, err := tr.take(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Another workshop's turn is not held up.
	other, err := tr.take(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	other()
	// A wait for the taken turn ends with its context.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := tr.take(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a wait for a taken turn: %v", err)
	}
	// Many waiting: they hold the turn one at a time.
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := tr.take(ctx, 1)
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			r()
		}()
	}
	time.Sleep(10 * time.Millisecond)
	release()
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d held one workshop's turn at once", most.Load())
	}
	tr.mu.Lock()
	left := len(tr.m)
	tr.mu.Unlock()
	if left != 0 {
		t.Errorf("%d turns kept after everyone left", left)
	}
}
