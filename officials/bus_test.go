package officials

import (
	"context"
	"errors"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/store"
)

// Two services on one database, their buses joined, stand for two instances behind one load
// balancer: a logout or a role grant on one is seen at once by the other, which had the
// session in its cache (without the bus it would serve it for sessionCacheTTL more).
func TestSessionChangesReachTheOtherInstance(t *testing.T) {
	one, _ := newService(t)
	hub := cache.NewMemoryHub()
	a := New(one.db, 4, cache.NewBus(hub.Transport(), nil))
	b := New(one.db, 4, cache.NewBus(hub.Transport(), nil))
	ctx := context.Background()
	o, err := a.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.NewSession(ctx, o.ID, SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.SessionOfficial(ctx, tok); err != nil || got.Role != RoleOfficial {
		t.Fatalf("instance B before the grant: %+v %v", got, err)
	}
	if err := a.SetRole(ctx, audit.Actor{Email: "test"}, o.ID, RoleTrainer); err != nil {
		t.Fatal(err)
	}
	if got, err := b.SessionOfficial(ctx, tok); err != nil || got.Role != RoleTrainer {
		t.Fatalf("instance B after a role grant on A: %+v %v, want role trainer", got, err)
	}
	if err := a.EndSession(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SessionOfficial(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("instance B after a logout on A: %v, want not found", err)
	}
}
