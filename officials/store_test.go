package officials

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// newService is the accounts service on a new database of the backend the environment
// chooses (storetest), with the member states; the string is what store.Open reopens.
func newService(t *testing.T) (*Service, string) {
	t.Helper()
	db := storetest.Open(t)
	if err := SeedCountries(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return New(db, 4, nil), db.Path()
}

func TestRegisterSurvivesReopen(t *testing.T) {
	s, path := newService(t)
	ctx := context.Background()
	o, err := s.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Close()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := New(db, 4, nil).Get(ctx, o.ID)
	if err != nil || got.NameAr != "هدى عبد الله" || got.Country != "BH" || got.Role != RoleOfficial {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

func TestRegisterRefusesNonMemberAndDuplicates(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	in := valid()
	in.Country = "DJ" // Djibouti: not a member in the reference list
	_, err := s.Register(ctx, in, nil)
	if p, ok := problem.As(err); !ok || p.Fields["country"] != "field.country.invalid" {
		t.Fatalf("non-member: %v", err)
	}
	if _, err := s.Register(ctx, valid(), nil); err != nil {
		t.Fatal(err)
	}
	in = valid()
	in.Email = "HUDA@moi.gov.BH"
	_, err = s.Register(ctx, in, nil)
	if !errors.Is(err, ErrEmailTaken) {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestConcurrentRegisterOneAccount(t *testing.T) {
	s, _ := newService(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Register(context.Background(), valid(), nil); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	_, n, _ := s.List(context.Background(), Filter{})
	if ok != 1 || n != 1 {
		t.Fatalf("%d successes, %d accounts", ok, n)
	}
}

func TestSessionsTokensAndDeletion(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, _ := s.Register(ctx, valid(), nil)
	sess, _ := s.NewSession(ctx, o.ID, SessionMeta{})
	tok, _ := s.CreateAPIToken(ctx, o.ID, "cli")
	if got, err := s.SessionOfficial(ctx, sess); err != nil || got.ID != o.ID {
		t.Fatalf("session: %v", err)
	}
	if got, err := s.TokenOfficial(ctx, tok); err != nil || got.ID != o.ID {
		t.Fatalf("token: %v", err)
	}
	// Only hashes are stored.
	var n int
	s.db.R.QueryRow("SELECT count(*) FROM sessions WHERE token_hash = ?", sess).Scan(&n)
	if n != 0 {
		t.Error("session secret stored in clear")
	}
	if err := s.Delete(ctx, audit.Actor{ID: o.ID}, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionOfficial(ctx, sess); err == nil {
		t.Error("session survives deletion")
	}
	if _, err := s.TokenOfficial(ctx, tok); err == nil {
		t.Error("token survives deletion")
	}
	// The address is free again.
	if _, err := s.Register(ctx, valid(), nil); err != nil {
		t.Errorf("e-mail not freed after deletion: %v", err)
	}
	if err := s.Delete(ctx, audit.Actor{}, o.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second deletion: %v", err)
	}
}

func TestFocalPointNeedsCountry(t *testing.T) {
	s, _ := newService(t)
	in := valid()
	in.Country = ""
	_, err := s.Create(context.Background(), audit.Actor{Email: "t"}, in, RoleFocalPoint)
	if p, ok := problem.As(err); !ok || p.Fields["country"] == "" {
		t.Fatalf("focal point without country: %v", err)
	}
}

func TestListSearchesSubstringsAndCapsTheCount(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, valid(), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want int
	}{{"هدى", 1}, {"عبد الل", 1}, {"UDA ABD", 1}, {"moi.gov", 1}, {"eGovernment", 1}, {"Hu", 1}, {"zzz", 0}, {`"; DROP`, 0}} {
		_, n, err := s.List(ctx, Filter{Q: tc.q})
		if err != nil || n != tc.want {
			t.Errorf("q=%q: %d matches (%v), want %d", tc.q, n, err, tc.want)
		}
	}
	// Edits and deletions reach the index.
	o, _ := s.GetByEmail(ctx, "huda@moi.gov.bh")
	in := valid()
	in.NameLatin = "Huda Al-Khalifa"
	if _, err := s.UpdateProfile(ctx, audit.Actor{ID: o.ID}, o.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := s.List(ctx, Filter{Q: "khalifa"}); n != 1 {
		t.Error("edited name not found")
	}
	_ = s.Delete(ctx, audit.Actor{ID: o.ID}, o.ID)
	if _, n, _ := s.List(ctx, Filter{Q: "khalifa"}); n != 0 {
		t.Error("deleted account still found")
	}
	// Past CountCap the count stops.
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
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
	items, n, _ := s.List(ctx, Filter{Q: "bulk", Limit: 20})
	if n != CountCap+1 || len(items) != 20 {
		t.Errorf("capped count: %d, %d items", n, len(items))
	}
}

// TestSessionCacheForgetsChanges: a cached session never hides a role change, a logout or a
// deletion made in this process.
func TestSessionCacheForgetsChanges(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, _ := s.Register(ctx, valid(), nil)
	tok, _ := s.NewSession(ctx, o.ID, SessionMeta{})
	if got, err := s.SessionOfficial(ctx, tok); err != nil || got.Role != RoleOfficial {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, audit.Actor{Email: "t"}, o.ID, RoleTrainer); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SessionOfficial(ctx, tok); got.Role != RoleTrainer {
		t.Errorf("role change hidden by the cache: %s", got.Role)
	}
	if err := s.EndSession(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionOfficial(ctx, tok); err == nil {
		t.Error("logged-out session still answers")
	}
	tok, _ = s.NewSession(ctx, o.ID, SessionMeta{})
	s.SessionOfficial(ctx, tok)
	_ = s.Delete(ctx, audit.Actor{ID: o.ID}, o.ID)
	if _, err := s.SessionOfficial(ctx, tok); err == nil {
		t.Error("deleted account's session still answers")
	}
}

// TestCompactSearch: an index grown by many small writes is compacted, and still finds the
// same accounts.
func TestCompactSearch(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		in := valid()
		in.Email = fmt.Sprintf("compact%d@example.org", i)
		in.NameLatin = "Compact Person " + string(rune('A'+i%26)) + string(rune('a'+i/26))
		if _, err := s.Register(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, before, err := s.List(ctx, Filter{Q: "Compact Person"})
	if err != nil || before != 60 {
		t.Fatalf("before: %d %v", before, err)
	}
	done, err := s.CompactSearch(ctx)
	if err != nil || !done {
		t.Fatalf("sixty one-account writes not compacted: %v %v", done, err)
	}
	// FTS5's segments are SQLite's; PostgreSQL's trigram index has none to count.
	if s.db.Dialect() == store.SQLite {
		var segments int
		s.db.R.QueryRow("SELECT count(DISTINCT segid) FROM officials_fts_idx").Scan(&segments)
		if segments != 1 {
			t.Errorf("%d segments after compaction", segments)
		}
	}
	if _, after, _ := s.List(ctx, Filter{Q: "Compact Person"}); after != before {
		t.Errorf("after compaction %d matches, before %d", after, before)
	}
	if done, _ := s.CompactSearch(ctx); done {
		t.Error("a compact index compacted again")
	}
}

// TestErasedAccountsLeaveTheNameSearch: once erased, an account is neither listed nor counted
// by any search of the staff list, even by what its emptied row still holds.
func TestErasedAccountsLeaveTheNameSearch(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, err := s.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, n, _ := s.List(ctx, Filter{Q: "Huda"}); n != 1 {
		t.Fatalf("before erasure: %d", n)
	}
	if err := s.Delete(ctx, audit.Actor{Email: "test"}, o.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Huda", "deleted", "eted:"} {
		if items, n, _ := s.List(ctx, Filter{Q: q}); n != 0 || len(items) != 0 {
			t.Errorf("%q after erasure: %d counted, %d listed", q, n, len(items))
		}
	}
}

// TestCountryMembershipShowsAtOnce: the country list is read from memory, yet a change of
// membership shows in the next list.
func TestCountryMembershipShowsAtOnce(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	member := func() bool {
		cs, err := s.Countries(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ISO == "JO" {
				return true
			}
		}
		return false
	}
	if !member() {
		t.Fatal("JO is not a member to begin with")
	}
	if err := s.SetMember(ctx, audit.Actor{Email: "test"}, "JO", false); err != nil {
		t.Fatal(err)
	}
	if member() {
		t.Error("JO still listed as a member after SetMember")
	}
	all, _ := s.Countries(ctx, false)
	all[0].NameAr = "changed by a caller"
	if again, _ := s.Countries(ctx, false); again[0].NameAr == "changed by a caller" {
		t.Error("callers share the kept list")
	}
}

// TestTokenRevokedByAnotherProcess: a bearer token revoked by another service on the same
// database, with no bus between them (the command line beside a SQLite server), stops
// working at the server's next call, though the server had just used it.
func TestTokenRevokedByAnotherProcess(t *testing.T) {
	server, _ := newService(t)
	ctx := context.Background()
	o, _ := server.Register(ctx, valid(), nil)
	tok, _ := server.CreateAPIToken(ctx, o.ID, "script")
	for range 2 {
		if _, err := server.TokenOfficial(ctx, tok); err != nil {
			t.Fatalf("token: %v", err)
		}
	}
	command := New(server.db, 4, nil) // a bus of its own: the server hears nothing
	if err := command.RevokeAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := server.TokenOfficial(ctx, tok); err == nil {
		t.Error("a token revoked by another process still works")
	}
}
