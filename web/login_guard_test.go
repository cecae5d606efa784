package web

import (
	"testing"
	"time"
	"unsafe"
)

// TestLoginGuardSchedule: the free failures, the doubling wait up to its cap, counted from
// the account's last failure, for failing addresses only; forgotten after a quiet spell.
func TestLoginGuardSchedule(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	g := newLoginGuard()
	g.now = func() time.Time { return now }
	const acc, bad, holder = "amal@mop.gov.jo", "203.0.113.9", "198.51.100.4"
	for i := 1; i <= freeFailures; i++ {
		if w := g.wait(acc, bad); w != 0 {
			t.Fatalf("failure %d is free, yet the address waits %s", i, w)
		}
		g.failed(acc, bad)
	}
	for _, want := range []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute} {
		if w := g.wait(acc, bad); w != want {
			t.Fatalf("after %d failures the address waits %s, want %s", g.accounts[acc].n, w, want)
		}
		if w := g.wait(acc, holder); w != 0 {
			t.Fatalf("an address that never failed waits %s", w)
		}
		if w := g.wait("other@mop.gov.jo", bad); w != 0 {
			t.Fatalf("another account waits %s", w)
		}
		now = now.Add(want - time.Second)
		if w := g.wait(acc, bad); w != time.Second {
			t.Fatalf("a second before the end the address waits %s", w)
		}
		now = now.Add(time.Second)
		if w := g.wait(acc, bad); w != 0 {
			t.Fatalf("at the end the address still waits %s", w)
		}
		g.failed(acc, bad)
	}
	// The holder fails once: from then on, their address waits like the others…
	g.failed(acc, holder)
	if w := g.wait(acc, holder); w != time.Minute {
		t.Errorf("the holder's address after a failure waits %s, want the cap", w)
	}
	// …until it succeeds, which does not help the guessing address.
	now = now.Add(time.Minute)
	g.succeeded(acc, holder)
	g.failed(acc, bad)
	if g.wait(acc, holder) != 0 || g.wait(acc, bad) != time.Minute {
		t.Errorf("after the holder's success: holder waits %s, guesser %s", g.wait(acc, holder), g.wait(acc, bad))
	}
	// A quiet quarter of an hour forgets everything.
	now = now.Add(forgetAfter + time.Minute)
	if w := g.wait(acc, bad); w != 0 || len(g.accounts) != 0 || len(g.clients) != 0 {
		t.Errorf("after a quiet spell: wait %s, %d accounts and %d addresses kept", w, len(g.accounts), len(g.clients))
	}
}

// TestLimiterKeysAreCopies: a key kept by the limiters is never a view of the caller's
// buffer, which the next request would overwrite.
func TestLimiterKeysAreCopies(t *testing.T) {
	buf := []byte("first@example.org")
	key := unsafeString(buf)
	l := newLimiter(1, time.Minute)
	l.allow(key)
	g := newLoginGuard()
	g.failed(key, key)
	copy(buf, "other@example.org")
	if _, ok := l.hits["first@example.org"]; !ok {
		t.Error("the limiter's key changed with the request buffer")
	}
	if _, ok := g.accounts["first@example.org"]; !ok {
		t.Error("the login guard's key changed with the request buffer")
	}
	if _, ok := g.clients[pairKey("first@example.org", "first@example.org")]; !ok {
		t.Error("the login guard's address key changed with the request buffer")
	}
}

// unsafeString is what Fiber hands out without Immutable: a string over a reused buffer.
func unsafeString(b []byte) string { return unsafe.String(&b[0], len(b)) }
