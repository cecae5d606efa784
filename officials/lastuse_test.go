package officials

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
)

// TestLastUsesAreWrittenInBatches: the first calls of many bearer tokens and sessions write
// nothing during the calls; one flush writes every last use, in one transaction; a use within
// LastSeenEvery of the one written is not noted again; a later one is.
func TestLastUsesAreWrittenInBatches(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	var tokens, sessions []string
	var owners []int64
	for i := range 5 {
		in := valid()
		in.Email = fmt.Sprintf("caller%d@moi.gov.bh", i)
		o, err := s.Create(ctx, audit.Actor{Email: "t"}, in, RoleOfficial)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateAPIToken(ctx, o.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.NewSession(ctx, o.ID, SessionMeta{})
		if err != nil {
			t.Fatal(err)
		}
		tokens, sessions, owners = append(tokens, tok), append(sessions, sess), append(owners, o.ID)
	}
	written := func(table, col string) int {
		t.Helper()
		var n int
		if err := s.db.W.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE "+col+" IS NOT NULL").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// A session is noted once it is older than LastSeenEvery; a token at its first use.
	later := time.Now().Add(LastSeenEvery + time.Minute)
	s.SetClock(func() time.Time { return later })
	for i := range tokens {
		if _, err := s.TokenOfficial(ctx, tokens[i]); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionOfficial(ctx, sessions[i]); err != nil {
			t.Fatal(err)
		}
	}
	if n, m := written("api_tokens", "last_used_at"), written("sessions", "last_seen_at"); n != 0 || m != 0 {
		t.Fatalf("the calls wrote %d token and %d session uses themselves", n, m)
	}
	// Their owners see the uses at once, written or not.
	if list, err := s.APITokens(ctx, owners[0]); err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(later) {
		t.Errorf("the token's owner sees %+v (%v), want it used at %v", list, err, later)
	}
	if list, err := s.Sessions(ctx, owners[0], ""); err != nil || len(list) != 1 || !list[0].LastSeenAt.Equal(later) {
		t.Errorf("the session's owner sees %+v (%v), want it used at %v", list, err, later)
	}
	if err := s.FlushSeen(ctx); err != nil {
		t.Fatal(err)
	}
	if n, m := written("api_tokens", "last_used_at"), written("sessions", "last_seen_at"); n != 5 || m != 5 {
		t.Fatalf("after the flush: %d token and %d session uses written, want 5 and 5", n, m)
	}
	// Used again at once: nothing waits to be written.
	for _, tok := range tokens {
		if _, err := s.TokenOfficial(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	s.seenMu.Lock()
	waiting := len(s.seen)
	s.seenMu.Unlock()
	if waiting != 0 {
		t.Errorf("%d uses noted again within LastSeenEvery", waiting)
	}
	// Used after LastSeenEvery: the new time is written by the next flush.
	again := later.Add(LastSeenEvery + time.Minute)
	s.SetClock(func() time.Time { return again })
	if _, err := s.TokenOfficial(ctx, tokens[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushSeen(ctx); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.db.W.QueryRowContext(ctx, "SELECT last_used_at FROM api_tokens WHERE token_hash = ?", hashToken(tokens[0])).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if at, err := time.Parse(time.RFC3339Nano, got); err != nil || !at.Equal(again) {
		t.Errorf("last use %q, want %v", got, again)
	}
}
