package problem

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestWithCauseKeepsTheCauseAndTheIdentity(t *testing.T) {
	cause := errors.New("zip: not a valid zip file")
	shared := New(http.StatusUnprocessableEntity, "not_xlsx", "workshops.import.not_xlsx")
	err := fmt.Errorf("import: %w", shared.WithCause(cause))

	p, ok := As(err)
	if !ok || p.Status != http.StatusUnprocessableEntity || p.Code != "not_xlsx" || p.Key != "workshops.import.not_xlsx" {
		t.Fatalf("As = %+v, %v; want the problem with its status, code and key", p, ok)
	}
	if p.Cause != cause || !errors.Is(err, cause) {
		t.Fatalf("cause lost: %v", p.Cause)
	}
	if !errors.Is(err, shared) {
		t.Fatal("errors.Is no longer matches the problem the copy was made from")
	}
	if errors.Is(err, NotFound) || errors.Is(New(http.StatusNotFound, "not_found", "error.not_found"), NotFound) {
		t.Fatal("errors.Is matches a different problem")
	}
	if shared.Cause != nil {
		t.Fatal("WithCause changed the shared problem")
	}
	if p.Error() != "not_xlsx" {
		t.Fatalf("Error() = %q, want the code only: the cause is for the log", p.Error())
	}
	again := p.WithCause(errors.New("second"))
	if !errors.Is(again, shared) {
		t.Fatal("a copy of a copy lost the identity")
	}
}

func TestWrap(t *testing.T) {
	cause := errors.New("disk full")
	p := Wrap(cause, http.StatusConflict, "busy", "error.busy", "n", 2)
	if p.Status != http.StatusConflict || p.Code != "busy" || p.Key != "error.busy" || len(p.Args) != 2 || !errors.Is(p, cause) {
		t.Fatalf("Wrap = %+v", p)
	}
	if New(http.StatusConflict, "busy", "error.busy").Unwrap() != nil {
		t.Fatal("a problem made with New has a cause")
	}
}
