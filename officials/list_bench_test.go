package officials

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store/storetest"
)

// BenchmarkListByName is the staff list searched by a name that one account in twelve has,
// at three sizes: the cost should not grow with the number of accounts.
func BenchmarkListByName(b *testing.B) {
	first := []string{"Huda", "Omar", "Layla", "Karim", "Mona", "Samir", "Nadia", "Tariq", "Rana", "Yusuf", "Dina", "Faris"}
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b)
			if err := SeedCountries(ctx, db); err != nil {
				b.Fatal(err)
			}
			s := New(db, 4, nil)
			err := db.Relaxed(ctx, func() error {
				for done := 0; done < n; done += 1000 {
					if err := db.Tx(ctx, func(tx *sql.Tx) error {
						for k := done; k < done+1000; k++ {
							in := Input{Email: fmt.Sprintf("o%06d@gov.example", k), NameAr: "هدى أحمد", NameLatin: first[k%len(first)] + " Haddad",
								JobTitle: "Director", Organisation: "Ministry of Planning", Country: "JO", Sector: Sectors[k%len(Sectors)],
								Gender: "female", Language: "ar"}
							if _, err := s.CreateTx(ctx, tx, audit.Actor{Email: "bench"}, in, RoleOfficial); err != nil {
								return err
							}
						}
						return nil
					}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				items, total, err := s.List(ctx, Filter{Q: "Huda"})
				if err != nil || len(items) != 50 || total < 50 {
					b.Fatalf("%d items, total %d, %v", len(items), total, err)
				}
			}
		})
	}
}
