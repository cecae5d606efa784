package certificates

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// TestReasonsLoseControlCharacters: a revocation reason is shown to anyone with the code,
// so what staff paste into it (a NUL, a bell, an escape sequence, a right-to-left override
// that turns the sentence around) is taken out before it is kept, and a reason made of
// nothing else is refused like an empty one.
func TestReasonsLoseControlCharacters(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "reason@gov.example", "رنا", "Rana")
	ctx := context.Background()
	c, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"\x00\x01\x07", "\u202e\u2066\u200f", "\x1b\r\n\t\x7f", "\ufeff\u200b"} {
		_, err := e.svc.Revoke(ctx, staff, c.Code, junk)
		if p, ok := problem.As(err); !ok || p.Fields["reason"] != "cert.field.reason.required" {
			t.Errorf("reason %q: %v, want it refused as empty", junk, err)
		}
	}
	r, err := e.svc.Revoke(ctx, staff, c.Code, "\u202eIssued\x00 in\x1b[31m error\r\nby mistake\x07")
	if err != nil {
		t.Fatal(err)
	}
	const want = "Issued in[31m error by mistake"
	if r.RevokeReason != want {
		t.Errorf("revoke reason kept as %q, want %q", r.RevokeReason, want)
	}
	got, err := e.svc.Get(ctx, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	if v := e.svc.Verify(got); v.RevokeReason != want {
		t.Errorf("verification shows %q, want %q", v.RevokeReason, want)
	}
	// A reason stored before cleaning (written straight into the table) is shown clean.
	// PostgreSQL's TEXT cannot hold a NUL at all, so there a bell stands for it.
	raw := "Old\x00 reason\u202e"
	if e.db.Dialect() == store.Postgres {
		raw = "Old\x07 reason\u202e"
	}
	if err := e.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE certificates SET revoke_reason = ? WHERE code = ?`, raw, c.Code)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.Get(ctx, c.Code); err != nil || strings.ContainsAny(got.RevokeReason, "\x00\x07\u202e") || got.RevokeReason != "Old reason" {
		t.Errorf("an old reason is shown as %q (%v)", got.RevokeReason, err)
	}
}
