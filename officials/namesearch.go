package officials

import (
	"context"
	"fmt"
	"strings"

	"github.com/masar-platform/masar/store"
)

// The staff list's search by name, e-mail or organisation, on both databases.
//
// Both keep a trigram index of each live account's names, e-mail and organisation in
// officials_fts (migrations 00008 and 00009): FTS5's trigram tokenizer on SQLite, pg_trgm's
// GIN index on PostgreSQL. A search of three characters or more finds the accounts that have
// it as a substring, whatever the case: a quoted FTS5 phrase on SQLite, ILIKE with the text
// between % on PostgreSQL, where pg_trgm's index serves it. The searcher's words are never
// query syntax: quotes are doubled for FTS5, and %, _ and \ escaped for ILIKE. One
// difference stays: SQLite's tokenizer removes Latin diacritics (é finds e), pg_trgm keeps
// them.

// nameQuery is the part of the staff list's queries that searches names, for the database
// at hand: where the list's query (officials_fts as f, joined to officials as o) is filtered,
// the argument that filter takes, and the count of the matches up to a limit (its arguments
// are arg, then the limit), which reads the index alone.
type nameQuery struct {
	where string
	arg   string
	count string
}

func nameSearch(d store.Dialect, q string) nameQuery {
	if d == store.Postgres {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		return nameQuery{
			where: `f.body ILIKE ? ESCAPE '\'`,
			arg:   like,
			count: `SELECT count(*) FROM (SELECT 1 FROM officials_fts f WHERE f.body ILIKE ? ESCAPE '\' LIMIT ?) m`,
		}
	}
	return nameQuery{
		where: "officials_fts MATCH ?",
		arg:   `"` + strings.ReplaceAll(q, `"`, `""`) + `"`,
		count: "SELECT count(*) FROM (SELECT 1 FROM officials_fts WHERE officials_fts MATCH ? LIMIT ?)",
	}
}

// compactNames tidies the name index; it reports whether there was anything to do. FTS5
// merges its segments into one once there are more than compactAbove. PostgreSQL's GIN index
// gathers new entries in a pending list that every search reads through; moving them into
// the index proper is the same service.
func (s *Service) compactNames(ctx context.Context) (bool, error) {
	if s.db.Dialect() == store.Postgres {
		var pages int64
		if err := s.db.W.QueryRowContext(ctx, "SELECT gin_clean_pending_list('officials_fts_body'::regclass)").Scan(&pages); err != nil {
			return false, fmt.Errorf("officials: compact the name index: %w", err)
		}
		return pages > 0, nil
	}
	var segments int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(DISTINCT segid) FROM officials_fts_idx").Scan(&segments); err != nil {
		return false, fmt.Errorf("officials: count index segments: %w", err)
	}
	if segments <= compactAbove {
		return false, nil
	}
	if _, err := s.db.W.ExecContext(ctx, "INSERT INTO officials_fts(officials_fts) VALUES('optimize')"); err != nil {
		return false, fmt.Errorf("officials: compact the name index: %w", err)
	}
	return true, nil
}
