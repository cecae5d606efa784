package pgmigrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/masar-platform/masar/store"
)

// derived are the plain tables of the search index, which exist on both backends but are
// not copied: package search rebuilds them when a server starts, the catalogue from the
// content (its fingerprint in search_meta being absent) and the workshops from their table
// (the start-up sync). Copying search_docs without the FTS5 index that goes with it would
// leave documents that no query finds, and a copied fingerprint would stop the rebuild.
var derived = map[string]string{
	"search_docs": "search index: rebuilt when a server starts",
	"search_keys": "search index: rebuilt when a server starts",
	"search_meta": "search index: rebuilt when a server starts (the fingerprint is left out so that it is)",
	// PostgreSQL only: the term counts its search ranks with (search/pg.go).
	"search_terms": "search index: rebuilt when a server starts",
}

// rebuiltHow says how the tables that are FTS5 indexes on SQLite and plain tables on
// PostgreSQL come to hold their rows on PostgreSQL.
var rebuiltHow = map[string]string{
	"officials_fts":   "staff list's name search: filled by its triggers from the copied accounts, erased ones left out",
	"search_fts":      "search index: rebuilt when a server starts",
	"search_titles":   "search index: rebuilt when a server starts",
	"search_headings": "search index: rebuilt when a server starts",
}

// shadowSuffixes are the names FTS5 gives the tables behind a virtual table t: t_data,
// t_idx and so on.
var shadowSuffixes = []string{"_config", "_content", "_data", "_docsize", "_idx"}

// makePlan reads both schemas and decides what to copy, in which order: the plain tables
// found on both sides, derived ones left out, parents before the tables whose foreign keys
// point to them. A plain table found on one side only, or a table whose columns differ,
// stops the migration: the two programs' schemas disagree, and a copy would lose data.
func makePlan(ctx context.Context, src, dst *store.DB) (plan, error) {
	var p plan
	plain, virtual, err := sqliteTables(ctx, src)
	if err != nil {
		return p, err
	}
	target, err := baseTables(ctx, dst.R)
	if err != nil {
		return p, err
	}
	skip := func(name string) bool {
		_, d := derived[name]
		return d || name == gooseTable || virtual[name]
	}
	var problems []string
	copied := map[string]bool{}
	for _, t := range plain {
		switch {
		case skip(t):
		case !contains(target, t):
			problems = append(problems, "table "+t+" is on SQLite only")
		default:
			copied[t] = true
		}
	}
	for _, t := range target {
		if !skip(t) && !copied[t] {
			problems = append(problems, "table "+t+" is on PostgreSQL only")
		}
	}
	cols, err := targetColumns(ctx, dst)
	if err != nil {
		return p, err
	}
	pks, err := primaryKeys(ctx, dst)
	if err != nil {
		return p, err
	}
	byName := map[string]table{}
	for name := range copied {
		t := table{name: name, pk: pks[name]}
		for _, c := range cols[name] {
			if c.generated {
				continue
			}
			if c.identity {
				t.identity = c.name
			}
			t.cols = append(t.cols, column{name: c.name, kind: c.kind})
			if c.kind == kindUnknown {
				problems = append(problems, fmt.Sprintf("column %s.%s has type %s, which the migration does not know", name, c.name, c.dataType))
			}
		}
		srcCols, err := sqliteColumns(ctx, src, name)
		if err != nil {
			return p, err
		}
		var have []string
		for _, c := range t.cols {
			have = append(have, c.name)
		}
		a, b := slices.Clone(srcCols), slices.Clone(have)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			problems = append(problems, fmt.Sprintf("table %s has columns (%s) on SQLite and (%s) on PostgreSQL",
				name, strings.Join(srcCols, ", "), strings.Join(have, ", ")))
		}
		byName[name] = t
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return p, fmt.Errorf("pgmigrate: the schemas of the two databases differ: %s", strings.Join(problems, "; "))
	}
	order, err := parentsFirst(ctx, dst, copied)
	if err != nil {
		return p, err
	}
	for _, name := range order {
		p.tables = append(p.tables, byName[name])
	}
	return p, nil
}

// sqliteTables is the snapshot's plain tables, and the names of its virtual tables and of
// their shadow tables.
func sqliteTables(ctx context.Context, db *store.DB) ([]string, map[string]bool, error) {
	type entry struct{ name, sql string }
	rows, err := db.R.QueryContext(ctx, `SELECT name, coalesce(sql, '') FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	list, err := store.Collect(rows, err, func(s store.Scanner) (entry, error) {
		var e entry
		err := s.Scan(&e.name, &e.sql)
		return e, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("pgmigrate: list the tables of the SQLite database: %w", err)
	}
	virtual := map[string]bool{}
	for _, e := range list {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(e.sql)), "CREATE VIRTUAL TABLE") {
			virtual[e.name] = true
			for _, s := range shadowSuffixes {
				virtual[e.name+s] = true
			}
		}
	}
	var plain []string
	for _, e := range list {
		if !virtual[e.name] {
			plain = append(plain, e.name)
		}
	}
	return plain, virtual, nil
}

// sqliteColumns is the columns of the snapshot's table, in order.
func sqliteColumns(ctx context.Context, db *store.DB, table string) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	names, err := store.Collect(rows, err, store.Column[string])
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: columns of %s on SQLite: %w", table, err)
	}
	return names, nil
}

// targetColumn is a column of the PostgreSQL schema.
type targetColumn struct {
	name, dataType      string
	kind                kind
	generated, identity bool
}

// targetColumns is the columns of every table of the target, in order.
func targetColumns(ctx context.Context, db *store.DB) (map[string][]targetColumn, error) {
	out := map[string][]targetColumn{}
	rows, err := db.R.QueryContext(ctx, `SELECT table_name, column_name, data_type,
			is_generated = 'ALWAYS', is_identity = 'YES' OR coalesce(column_default, '') LIKE 'nextval(%'
		FROM information_schema.columns WHERE table_schema = current_schema()
		ORDER BY table_name, ordinal_position`)
	err = store.Each(rows, err, func(s store.Scanner) error {
		var t string
		var c targetColumn
		if err := s.Scan(&t, &c.name, &c.dataType, &c.generated, &c.identity); err != nil {
			return err
		}
		c.kind = kindOf(c.dataType)
		out[t] = append(out[t], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: columns of the PostgreSQL database: %w", err)
	}
	return out, nil
}

// primaryKeys is the primary-key columns of every table of the target, in key order.
func primaryKeys(ctx context.Context, db *store.DB) (map[string][]string, error) {
	out := map[string][]string{}
	rows, err := db.R.QueryContext(ctx, `SELECT tc.table_name, kcu.column_name
		FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage kcu
		  ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
		 AND kcu.table_name = tc.table_name
		WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
		ORDER BY tc.table_name, kcu.ordinal_position`)
	err = store.Each(rows, err, func(s store.Scanner) error {
		var t, c string
		if err := s.Scan(&t, &c); err != nil {
			return err
		}
		out[t] = append(out[t], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: primary keys of the PostgreSQL database: %w", err)
	}
	return out, nil
}

// parentsFirst orders the tables so that every table comes after the tables its foreign
// keys point to (PostgreSQL checks each row as it arrives, and Masar's keys are not
// deferrable). Among the tables that are ready at one step, the first by name goes first,
// so that the order is the same on every run. A reference to a table that is not copied
// (a derived one) is not a constraint on the order; a table that references itself has
// none (Masar has none of those). A cycle of references stops the migration.
func parentsFirst(ctx context.Context, db *store.DB, tables map[string]bool) ([]string, error) {
	parents := map[string]map[string]bool{}
	rows, err := db.R.QueryContext(ctx, `SELECT DISTINCT c.relname, p.relname
		FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid
		JOIN pg_class p ON p.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema()`)
	err = store.Each(rows, err, func(s store.Scanner) error {
		var child, parent string
		if err := s.Scan(&child, &parent); err != nil {
			return err
		}
		if child != parent && tables[child] && tables[parent] {
			if parents[child] == nil {
				parents[child] = map[string]bool{}
			}
			parents[child][parent] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: foreign keys of the PostgreSQL database: %w", err)
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		next := ""
		for _, t := range sortedKeys(tables) {
			if done[t] {
				continue
			}
			ready := true
			for p := range parents[t] {
				if !done[p] {
					ready = false
					break
				}
			}
			if ready {
				next = t
				break
			}
		}
		if next == "" {
			var left []string
			for _, t := range sortedKeys(tables) {
				if !done[t] {
					left = append(left, t)
				}
			}
			return nil, fmt.Errorf("pgmigrate: the foreign keys of %s form a cycle; no copy order satisfies them", strings.Join(left, ", "))
		}
		done[next] = true
		order = append(order, next)
	}
	return order, nil
}
