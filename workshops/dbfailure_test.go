package workshops_test

import (
	"context"
	"errors"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// A failed lookup is ours (500 with a request id), not the user's mistake: with the
// countries table gone, a Jordanian applying must not hear "your country is not a member"
// (409 no_country), a workshop hosted in Jordan must not be refused as "unknown host
// country" (422), nor a nomination letter for Jordan.
func TestCountryLookupFailureIsNotTheUsersMistake(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(10, 0))
	o := e.official("JO")
	fp := e.person("fp@gov.test", officials.RoleFocalPoint, "JO")

	if _, err := e.db.W.ExecContext(ctx, "ALTER TABLE countries RENAME TO countries_away"); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"apply":  func() error { _, err := e.ws.Apply(ctx, o, w.ID, "I lead our open data portal."); return err },
		"create": func() error { _, err := e.ws.Create(ctx, e.actor(), input(10, 0)); return err },
		"letter": func() error {
			_, err := e.ws.SaveLetter(ctx, fp, w.ID, "JO", "letter.pdf", []byte("%PDF-1.4\n%%EOF\n"))
			return err
		},
	} {
		err := call()
		if p, ok := problem.As(err); ok || err == nil || errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s with the countries table gone: %v (problem: %v), want an internal error", name, err, p)
		}
	}
}

// A trainer whose account cannot be read is not "not a trainer".
func TestTrainerLookupFailureIsNotTheUsersMistake(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tr := e.person("trainer@gov.test", officials.RoleTrainer, "JO")
	in := input(10, 0)
	in.Trainers = []int64{tr.ID}
	if _, err := e.ws.Create(ctx, e.actor(), in); err != nil {
		t.Fatal(err)
	}
	in.Trainers = []int64{tr.ID + 1000}
	if _, err := e.ws.Create(ctx, e.actor(), in); err == nil {
		t.Fatal("an unknown trainer was accepted")
	} else if p, ok := problem.As(err); !ok || p.Fields["trainers"] == "" {
		t.Fatalf("unknown trainer: %v, want a field error on trainers", err)
	}

	if _, err := e.db.W.ExecContext(ctx, "ALTER TABLE officials RENAME TO officials_away"); err != nil {
		t.Fatal(err)
	}
	in.Trainers = []int64{tr.ID}
	_, err := e.ws.Create(ctx, e.actor(), in)
	if p, ok := problem.As(err); ok || err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("create with a failed trainer lookup: %v (problem: %v), want an internal error", err, p)
	}
}
