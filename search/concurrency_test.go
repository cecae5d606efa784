package search_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestManySearchesAtOnceAfterAWrite: a workshop is published with a word no other document
// has, and at once 64 visitors search for it side by side, more than the database's pool of
// readers, half of them for the same page. Every search must answer within the time limit and find the new workshop: none
// may wait for ever on a connection another search holds, nor correct the new word away
// with a vocabulary read before the write. Run on SQLite and on PostgreSQL (skipped
// without a server, unless MASAR_POSTGRES_TESTS=require).
func TestManySearchesAtOnceAfterAWrite(t *testing.T) {
	// Every query ranked in two halves on SQLite, which takes a second reader: a search
	// holding one reader must never wait for another that only searches hold.
	defer search.SplitAbove(1)()
	for _, backend := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.OpenSQLite}, {"postgres", storetest.OpenPostgres}} {
		t.Run(backend.name, func(t *testing.T) {
			db := backend.open(t)
			ix := search.New(db, nil)
			defer ix.Stop()
			ctx := context.Background()
			cat := catalogueOf(t, "budget", []string{"en"},
				lessonFile{"01-basics", "en", "Citizens' budget basics", "A citizens' budget explains public spending in plain words."},
				lessonFile{"02-open", "en", "Open budget data", "Publishing the budget as open data lets citizens follow spending."})
			if err := ix.IndexCatalogue(ctx, cat); err != nil {
				t.Fatal(err)
			}
			// A first search reads and keeps the vocabulary, as on a running server.
			if r := search1(t, ix, "budget", "en"); r.Total == 0 {
				t.Fatal("budget: no results before the writes")
			}
			words := []string{"hydrography", "seismology", "glaciology"}
			for round, word := range words {
				id := int64(100 + round)
				if err := ix.PutWorkshop(ctx, search.WorkshopDoc{ID: id, Title: map[string]string{"en": "Open data for " + word},
					Status: "published", Start: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
					t.Fatal(err)
				}
				const visitors = 64
				sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				var wg sync.WaitGroup
				errs := make(chan error, visitors)
				for v := 0; v < visitors; v++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						// Half the visitors ask for the same page (one evaluation may answer
						// them all); the others each for a page size of their own.
						q := search.Query{Text: word, Lang: "en"}
						if v%2 == 1 {
							q.PerPage, q.Page = 1+v%search.MaxPerPage, 1+v/search.MaxPerPage
						}
						res, err := ix.Search(sctx, q)
						if err != nil {
							errs <- fmt.Errorf("visitor %d: %w", v, err)
							return
						}
						if res.Total != 1 || res.DidYouMean != "" || len(res.Ignored) != 0 {
							errs <- fmt.Errorf("visitor %d: %d results (did you mean %q, ignored %v), want the new workshop", v, res.Total, res.DidYouMean, res.Ignored)
							return
						}
						if len(res.Items) == 1 && res.Items[0].WorkshopID != id {
							errs <- fmt.Errorf("visitor %d: found %s, want workshop %d", v, refOf(res.Items[0]), id)
						}
					}()
				}
				wg.Wait()
				cancel()
				close(errs)
				n := 0
				for err := range errs {
					if n < 5 {
						t.Errorf("round %d (%s): %v", round+1, word, err)
					}
					n++
				}
				if n > 0 {
					t.Fatalf("round %d (%s): %d of %d searches went wrong", round+1, word, n, visitors)
				}
			}
		})
	}
}
