package pgmigrate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"

	"github.com/masar-platform/masar/store"
)

// verify counts and checksums every copied table on both sides, reading the SQLite
// snapshot (what was copied) and the target as committed.
func verify(ctx context.Context, src, dst *store.DB, p plan) ([]TableCheck, error) {
	checks := make([]TableCheck, 0, len(p.tables))
	for _, t := range p.tables {
		c := TableCheck{Name: t.name}
		var err error
		if c.SourceRows, c.SourceSum, err = checksum(ctx, src, t); err != nil {
			return nil, fmt.Errorf("pgmigrate: checksum of %s on SQLite: %w", t.name, err)
		}
		if c.TargetRows, c.TargetSum, err = checksum(ctx, dst, t); err != nil {
			return nil, fmt.Errorf("pgmigrate: checksum of %s on PostgreSQL: %w", t.name, err)
		}
		checks = append(checks, c)
	}
	return checks, nil
}

// checksum is the number of rows of t in db and the SHA-256 of their canonical rendering,
// computed the same way on both backends: the rows in primary-key order (selectSQL), each
// value brought to its column's kind (convert) and written with a tag of that kind and its
// length (writeValue), so that an integer 1 and a text '1', a NULL and an empty text, or
// values that run into each other, never render alike.
func checksum(ctx context.Context, db *store.DB, t table) (int64, string, error) {
	h := sha256.New()
	var n int64
	rows, err := db.R.QueryContext(ctx, selectSQL(t, db.Dialect()))
	err = store.Each(rows, err, func(s store.Scanner) error {
		vals, err := scanRow(s, t)
		if err != nil {
			return err
		}
		for i, v := range vals {
			writeValue(h, t.cols[i].kind, v)
		}
		n++
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// writeValue renders one converted value: a tag (n for NULL, else the kind), the length
// of the value's text, and the text: integers in decimal, floats in Go's shortest exact
// form, text and bytes as they are, booleans as 0 or 1.
func writeValue(h hash.Hash, k kind, v any) {
	var text []byte
	tag := byte('0' + k)
	switch x := v.(type) {
	case nil:
		tag = 'n'
	case int64:
		text = strconv.AppendInt(nil, x, 10)
	case float64:
		text = strconv.AppendFloat(nil, x, 'g', -1, 64)
	case string:
		text = []byte(x)
	case []byte:
		text = x
	case bool:
		text = []byte{'0'}
		if x {
			text[0] = '1'
		}
	}
	var head [1 + binary.MaxVarintLen64]byte
	head[0] = tag
	m := binary.PutUvarint(head[1:], uint64(len(text)))
	_, _ = h.Write(head[:1+m])
	_, _ = h.Write(text)
}

// rebuiltTables lists the target's tables that were not copied, with how they get their
// rows and how many they hold now.
func rebuiltTables(ctx context.Context, dst *store.DB) ([]Rebuilt, error) {
	tables, err := baseTables(ctx, dst.R)
	if err != nil {
		return nil, err
	}
	var out []Rebuilt
	for _, name := range tables {
		how, ok := rebuiltHow[name]
		if !ok {
			how, ok = derived[name]
		}
		if !ok {
			continue
		}
		r := Rebuilt{Name: name, How: how, Rows: -1}
		if name == "officials_fts" {
			if err := dst.R.QueryRowContext(ctx, "SELECT count(*) FROM "+quote(name)).Scan(&r.Rows); err != nil {
				return nil, fmt.Errorf("pgmigrate: count %s: %w", name, err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}
