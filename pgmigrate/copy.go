package pgmigrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/masar-platform/masar/store"
)

// kind is what a column holds, by its PostgreSQL type: how a value read from SQLite is
// written there, and how the checksums render it.
type kind int

const (
	kindUnknown kind = iota
	kindInt
	kindReal
	kindText
	kindBlob
	kindBool
)

func kindOf(dataType string) kind {
	switch dataType {
	case "bigint", "integer", "smallint":
		return kindInt
	case "double precision", "real":
		return kindReal
	case "text", "character varying", "character":
		return kindText
	case "bytea":
		return kindBlob
	case "boolean":
		return kindBool
	}
	return kindUnknown
}

// Batches: COPY takes this many rows at most, or about this many bytes (files are kept in
// the database: a batch of attachments stays within memory).
const (
	batchRows  = 1000
	batchBytes = 16 << 20
)

// copyAll copies every table of the plan from the snapshot into the target, in one
// transaction, then rebuilds what is derived and sets the id sequences past the copied
// ids. The rows go through COPY, in batches, on the pgx connection under database/sql.
func copyAll(ctx context.Context, src, dst *store.DB, p plan, progress func(string, int64)) error {
	conn, err := dst.W.Conn(ctx)
	if err != nil {
		return fmt.Errorf("pgmigrate: connect to the target: %w", err)
	}
	defer func() { _ = conn.Close() }()
	return conn.Raw(func(dc any) error {
		raw, ok := dc.(interface{ Raw() *pgx.Conn })
		if !ok {
			return errors.New("pgmigrate: the target's connection is not a pgx one")
		}
		tx, err := raw.Raw().Begin(ctx)
		if err != nil {
			return fmt.Errorf("pgmigrate: begin: %w", err)
		}
		// Rolled back unless committed: nothing of a failed copy stays on the target.
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		for _, t := range p.tables {
			n, err := copyTable(ctx, src, tx, t)
			if err != nil {
				return err
			}
			if progress != nil {
				progress(t.name, n)
			}
		}
		if err := fixNameSearch(ctx, tx); err != nil {
			return err
		}
		if err := resetSequences(ctx, tx, p); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("pgmigrate: commit the copy: %w", err)
		}
		return nil
	})
}

// copyTable copies one table, ordered by its primary key, and returns its number of rows.
func copyTable(ctx context.Context, src *store.DB, tx pgx.Tx, t table) (int64, error) {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	var (
		batch [][]any
		size  int
		total int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, names, pgx.CopyFromRows(batch))
		if err != nil {
			return fmt.Errorf("pgmigrate: copy %s: %w", t.name, err)
		}
		total += n
		batch, size = batch[:0], 0
		return nil
	}
	rows, err := src.R.QueryContext(ctx, selectSQL(t, store.SQLite))
	err = store.Each(rows, err, func(s store.Scanner) error {
		vals, err := scanRow(s, t)
		if err != nil {
			return err
		}
		for _, v := range vals {
			size += sizeOf(v)
		}
		batch = append(batch, vals)
		if len(batch) >= batchRows || size >= batchBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return total, fmt.Errorf("pgmigrate: copy %s: %w", t.name, err)
	}
	return total, nil
}

// selectSQL reads every row of t, its columns in the plan's order, ordered by its primary
// key (by every column when it has none) as both backends order: text by its bytes (SQLite's
// BINARY collation; "C" on PostgreSQL, whatever the database's collation) and NULL first.
func selectSQL(t table, d store.Dialect) string {
	cols := make([]string, len(t.cols))
	kinds := map[string]kind{}
	for i, c := range t.cols {
		cols[i] = quote(c.name)
		kinds[c.name] = c.kind
	}
	keys := t.pk
	if len(keys) == 0 {
		for _, c := range t.cols {
			keys = append(keys, c.name)
		}
	}
	order := make([]string, len(keys))
	for i, k := range keys {
		o := quote(k)
		if d == store.Postgres {
			if kinds[k] == kindText {
				o += ` COLLATE "C"`
			}
			o += " NULLS FIRST"
		}
		order[i] = o
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(t.name) + " ORDER BY " + strings.Join(order, ", ")
}

// scanRow reads one row of t and brings each value to its column's kind.
func scanRow(s store.Scanner, t table) ([]any, error) {
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := s.Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, c := range t.cols {
		v, err := convert(vals[i], c.kind)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		vals[i] = v
	}
	return vals, nil
}

// convert brings a value read from either database to the Go type of its column's kind:
// int64, float64, string, []byte or bool, or nil for NULL. SQLite's column affinities
// already store numbers in INTEGER and REAL columns and text in TEXT ones; what else SQLite
// may hold (text in an INTEGER column) is refused with the value, never changed in silence.
func convert(v any, k kind) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case kindReal:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case kindText:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case kindBlob:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			if x == 0 || x == 1 {
				return x == 1, nil
			}
		}
	}
	s := fmt.Sprint(v)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return nil, fmt.Errorf("a value of type %T (%q) that the column's type cannot hold", v, s)
}

func sizeOf(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []byte:
		return len(x)
	}
	return 8
}

// fixNameSearch leaves the staff list's name index (officials_fts) as a server keeps it.
// On PostgreSQL it is a plain table that triggers fill: the copy's INSERTs of the accounts
// have put every account in it, while the live index holds only accounts not erased (an
// erasure removes its row, migration 00009). The erased ones are taken out here, and the
// index must then hold exactly one row per live account.
func fixNameSearch(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM officials_fts WHERE rowid IN (SELECT id FROM officials WHERE deleted_at IS NOT NULL)`); err != nil {
		return fmt.Errorf("pgmigrate: the name search of the staff list: %w", err)
	}
	var indexed, live int64
	err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM officials_fts),
		(SELECT count(*) FROM officials WHERE deleted_at IS NULL)`).Scan(&indexed, &live)
	if err != nil {
		return fmt.Errorf("pgmigrate: the name search of the staff list: %w", err)
	}
	if indexed != live {
		return fmt.Errorf("pgmigrate: the name search of the staff list holds %d accounts, and %d are live", indexed, live)
	}
	return nil
}

// resetSequences sets the sequence of every copied table's identity column so that the
// next row gets the id after the largest copied one (1 for an empty table): the copy wrote
// its ids itself, and left the sequences where the migrations had put them.
func resetSequences(ctx context.Context, tx pgx.Tx, p plan) error {
	for _, t := range p.tables {
		if t.identity == "" {
			continue
		}
		// The table and column come from the catalogue; the table is quoted, as
		// pg_get_serial_sequence reads its first argument as SQL, the column as it is.
		q := `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(` + quote(t.identity) + `) FROM ` + quote(t.name) + `), 0) + 1, false)`
		if _, err := tx.Exec(ctx, q, quote(t.name), t.identity); err != nil {
			return fmt.Errorf("pgmigrate: set the id sequence of %s: %w", t.name, err)
		}
	}
	return nil
}
