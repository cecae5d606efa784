package officials

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestNameSearchOnBothBackends: the staff list's search by name finds the same accounts on
// SQLite (FTS5 trigrams) and PostgreSQL (pg_trgm): substrings of names in both scripts, of
// the e-mail and of the organisation, whatever the case; the searcher's quotes, %, _ and \
// are plain characters; edits and erasures reach the index; the count stops past CountCap;
// compacting the index changes no result. The PostgreSQL half skips without a server (or
// fails, with MASAR_POSTGRES_TESTS=require).
func TestNameSearchOnBothBackends(t *testing.T) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.OpenSQLite}, {"postgres", storetest.OpenPostgres}} {
		t.Run(backend.name, func(t *testing.T) {
			ctx := context.Background()
			db := backend.open(t)
			if err := SeedCountries(ctx, db); err != nil {
				t.Fatal(err)
			}
			s := New(db, 4, nil)
			o, err := s.Register(ctx, valid(), nil)
			if err != nil {
				t.Fatal(err)
			}
			other := valid()
			other.Email = "omar@mof.gov.jo"
			other.NameAr, other.NameLatin, other.Organisation, other.Country = "عمر الخطيب", "Omar Al-Khatib", "Ministry of Finance_Dept 100%", "JO"
			if _, err := s.Register(ctx, other, nil); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				q    string
				want int
			}{
				{"هدى", 1}, {"عبد الل", 1}, {"UDA ABD", 1}, {"huda abdulla", 1}, {"moi.gov", 1}, {"eGovernment", 1},
				{"EGOVERNMENT", 1}, {"gov", 2}, {"الخطيب", 1}, {"nce_dep", 1}, {"y_o", 0}, {"y%f", 0}, {"100%", 1},
				{"0%%", 0}, {"%%%", 0}, {`\\\`, 0}, {"zzz", 0}, {`"; DROP`, 0}, {"' OR '1'='1", 0},
			} {
				items, n, err := s.List(ctx, Filter{Q: tc.q})
				if err != nil || n != tc.want || len(items) != tc.want {
					t.Errorf("q=%q: %d counted, %d listed (%v), want %d", tc.q, n, len(items), err, tc.want)
				}
			}
			in := valid()
			in.NameLatin = "Huda Al-Khalifa"
			if _, err := s.UpdateProfile(ctx, audit.Actor{ID: o.ID}, o.ID, in); err != nil {
				t.Fatal(err)
			}
			if _, n, _ := s.List(ctx, Filter{Q: "khalifa"}); n != 1 {
				t.Error("edited name not found")
			}
			if err := s.Delete(ctx, audit.Actor{Email: "test"}, o.ID); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"khalifa", "Huda", "deleted", "eted:"} {
				if items, n, _ := s.List(ctx, Filter{Q: q}); n != 0 || len(items) != 0 {
					t.Errorf("%q after erasure: %d counted, %d listed", q, n, len(items))
				}
			}
			// Past CountCap the count stops; the page holds the newest.
			err = db.Tx(ctx, func(tx *sql.Tx) error {
				for i := 0; i < CountCap+50; i++ {
					in := valid()
					in.Email = fmt.Sprintf("bulk%d@moi.gov.bh", i)
					if _, err := s.CreateTx(ctx, tx, audit.Actor{Email: "t"}, in, RoleOfficial); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			items, n, err := s.List(ctx, Filter{Q: "bulk", Limit: 20})
			if err != nil || n != CountCap+1 || len(items) != 20 || items[0].Email != fmt.Sprintf("bulk%d@moi.gov.bh", CountCap+49) {
				t.Fatalf("capped count: %d, %d items (%v)", n, len(items), err)
			}
			if _, err := s.CompactSearch(ctx); err != nil {
				t.Fatal(err)
			}
			if _, after, _ := s.List(ctx, Filter{Q: "bulk"}); after != n {
				t.Errorf("after compaction %d matches, before %d", after, n)
			}
		})
	}
}
