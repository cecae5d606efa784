package store

import "testing"

// TestRebind: SQLite's placeholders become PostgreSQL's, and a question mark that is text
// (in a string, a quoted name or a comment) stays one.
func TestRebind(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"none", "SELECT 1", "SELECT 1"},
		{"in order", "SELECT a FROM t WHERE b = ? AND c IN (?, ?)", "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"},
		{"numbered reused", "SELECT rowid FROM f WHERE f MATCH ?1 OR g = ?1", "SELECT rowid FROM f WHERE f MATCH $1 OR g = $1"},
		{"bare after numbered", "SELECT ?2, ?1, ?", "SELECT $2, $1, $3"},
		{"numbered after bare", "SELECT ?, ?1, ?", "SELECT $1, $1, $2"},
		{"string", "SELECT 'why?' || ? FROM t", "SELECT 'why?' || $1 FROM t"},
		{"doubled quote", "SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{"escape string", `SELECT E'\'?', ?`, `SELECT E'\'?', $1`},
		{"backslash in a standard string", `SELECT '\', ?`, `SELECT '\', $1`},
		{"name ending in e before a string", `SELECT name'?', ?`, `SELECT name'?', $1`},
		{"quoted identifier", `SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
		{"doubled quote in identifier", `SELECT "a""?" , ?`, `SELECT "a""?" , $1`},
		{"line comment", "SELECT ? -- is it?\nFROM t WHERE y = ?", "SELECT $1 -- is it?\nFROM t WHERE y = $2"},
		{"comment at the end", "SELECT ? -- really?", "SELECT $1 -- really?"},
		{"block comment", "SELECT /* what? */ ?", "SELECT /* what? */ $1"},
		{"nested block comment", "SELECT /* a /* b? */ still? */ ?", "SELECT /* a /* b? */ still? */ $1"},
		{"minus is not a comment", "SELECT ? - ?", "SELECT $1 - $2"},
		{"dollar quoted", "SELECT $$what?$$, ?", "SELECT $$what?$$, $1"},
		{"tagged dollar quote", "SELECT $fn$ a ? $x$ b $fn$, ?", "SELECT $fn$ a ? $x$ b $fn$, $1"},
		{"dollar inside a name", "SELECT a$b, ?", "SELECT a$b, $1"},
		{"unclosed string", "SELECT ?, 'open?", "SELECT $1, 'open?"},
		{"arabic text", "SELECT 'ماذا؟ ?' , ?", "SELECT 'ماذا؟ ?' , $1"},
		{"ten and more", "VALUES (?,?,?,?,?,?,?,?,?,?,?)", "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rebind(tc.in); got != tc.want {
				t.Errorf("rebind(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// BenchmarkRebind: rewriting a typical statement of a request, and taking it from the kept
// rewrites.
func BenchmarkRebind(b *testing.B) {
	const q = `UPDATE registrations SET status = ?, waitlisted_at = coalesce(?, waitlisted_at),
			offer_expires_at = CASE WHEN ? = 'offered' THEN offer_expires_at ELSE NULL END, updated_at = ? WHERE id = ?`
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = rebind(q)
		}
	})
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = rebindKept(q)
		}
	})
}

// TestRebindKept: a kept rewrite is the rewrite itself.
func TestRebindKept(t *testing.T) {
	for _, q := range []string{"SELECT 1", "SELECT ? + ?", "SELECT '?' || ?1 || ?1"} {
		for range 2 {
			if got, want := rebindKept(q), rebind(q); got != want {
				t.Errorf("rebindKept(%q) = %q, want %q", q, got, want)
			}
		}
	}
}
