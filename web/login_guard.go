package web

import (
	"strings"
	"sync"
	"time"
)

// loginGuard slows password guessing against one account without letting anyone shut its
// holder out (a fixed lock-out after N failures lets anyone who knows an address lock its
// owner out at will).
//
// Failures are counted per account — the typed address, whether or not it has an account,
// so that the answers do not tell — and remembered per (account, client address). Once an
// account has had freeFailures failures, a client address that has itself failed on it must
// wait before its next try: firstWait, doubling with each further failure up to maxWait,
// counted from the account's last failure. The wait is answered 429 with Retry-After,
// without looking at the password. An address that has not failed on the account — its
// holder at their own desk — is never made to wait: its password is checked, and the right
// one logs in however hard the account is being attacked from elsewhere. What one address
// may try across accounts is bounded by the per-address limiter (loginIP).
//
// Everything is forgotten forgetAfter after an account's last failure; a success forgets
// the failures of the address that succeeded only, so that an attacker's count survives the
// holder logging in.
type loginGuard struct {
	mu       sync.Mutex
	accounts map[string]*accountFailures
	clients  map[string]time.Time // account + "\x00" + client address → its last failure there
	sweep    time.Time
	now      func() time.Time
}

type accountFailures struct {
	n    int
	last time.Time
}

const (
	freeFailures = 5
	firstWait    = 5 * time.Second
	maxWait      = time.Minute
	forgetAfter  = 15 * time.Minute
)

func newLoginGuard() *loginGuard {
	return &loginGuard{accounts: map[string]*accountFailures{}, clients: map[string]time.Time{}, now: time.Now}
}

func pairKey(account, client string) string { return account + "\x00" + client }

// backoff is how long a failing address waits after the account's n-th failure.
func backoff(n int) time.Duration {
	if n < freeFailures {
		return 0
	}
	d := firstWait
	for i := freeFailures; i < n && d < maxWait; i++ {
		d *= 2
	}
	return min(d, maxWait)
}

// wait reports how long client must wait before its password for account is checked; zero
// lets it through.
func (g *loginGuard) wait(account, client string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.forget(now)
	a := g.accounts[account]
	if a == nil {
		return 0
	}
	if _, failing := g.clients[pairKey(account, client)]; !failing {
		return 0
	}
	return max(0, a.last.Add(backoff(a.n)).Sub(now))
}

// failed records a wrong password for account from client.
func (g *loginGuard) failed(account, client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	a := g.accounts[account]
	if a == nil {
		// Map keys outlive the request: copies, never views into its buffers.
		a = &accountFailures{}
		g.accounts[strings.Clone(account)] = a
	}
	if now.Sub(a.last) > forgetAfter {
		a.n = 0
	}
	a.n++
	a.last = now
	g.clients[strings.Clone(pairKey(account, client))] = now
}

// succeeded forgets client's failures on account.
func (g *loginGuard) succeeded(account, client string) {
	g.mu.Lock()
	delete(g.clients, pairKey(account, client))
	g.mu.Unlock()
}

// forget drops what is older than forgetAfter, at most once a minute.
func (g *loginGuard) forget(now time.Time) {
	if now.Sub(g.sweep) < time.Minute {
		return
	}
	g.sweep = now
	for k, a := range g.accounts {
		if now.Sub(a.last) > forgetAfter {
			delete(g.accounts, k)
		}
	}
	for k, t := range g.clients {
		if now.Sub(t) > forgetAfter {
			delete(g.clients, k)
		}
	}
}
