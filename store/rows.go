package store

import (
	"database/sql"
	"errors"
)

// Scanner is one row to read: *sql.Rows during a loop, or the *sql.Row of QueryRow, so that
// one scan function serves both.
type Scanner = interface{ Scan(dest ...any) error }

// ErrStop ends Each early, without error: return it from fn when the rows still unread are
// not wanted (a limit reached).
var ErrStop = errors.New("store: stop reading rows")

// Collect reads every row of a query with scan and closes the rows. It takes the query's
// results as they came, so that no caller holds open rows of its own:
//
//	rows, err := db.R.QueryContext(ctx, q, args...)
//	list, err := store.Collect(rows, err, scanThing)
//
// A query error is returned as it is. A scan error, or an error that cut the reading short
// (rows.Err: a cancelled context, a failed read), is returned with no slice, never with a
// partial list. With no rows the slice is empty, not nil (JSON [] rather than null).
// Errors are not wrapped: the caller says what it was reading.
//
// This file is the only place where Masar calls rows.Next (see TestRowLoopsUseStoreHelpers).
func Collect[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }() // on the early returns; the last Close is returned
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, rows.Close()
}

// Each calls fn for every row of a query, for loops that fill maps or existing values
// rather than make a list, and closes the rows. It stops at fn's first error and returns
// it, except ErrStop, which ends the reading with no error. As with Collect, a query error
// is returned as it is, and so is an error that cut the reading short: a caller must treat
// what fn saw as incomplete when Each fails.
func Each(rows *sql.Rows, err error, fn func(Scanner) error) error {
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }() // on the early returns; the last Close is returned
	for rows.Next() {
		if err := fn(rows); err != nil {
			if errors.Is(err, ErrStop) {
				break
			}
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// Column scans a row of one column into a T: Collect(rows, err, Column[int64]).
func Column[T any](row Scanner) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}
