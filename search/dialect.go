package search

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/masar-platform/masar/store"
)

// What differs between the two databases, in one place.
//
// On SQLite the index is FTS5's: search_fts (six weighted columns), and search_titles and
// search_headings (the titles and the headings again, alone, small indexes that tell cheaply
// which documents have every word there), which evaluate an FTS5 expression and rank with
// bm25(). On PostgreSQL (pg.go) the same analysed
// words are tsvectors in search_fts, behind a GIN index that finds the documents matching a
// query, and search_terms keeps, per document and term, the counts BM25 needs; the ranking is
// FTS5's bm25() computed here, so that both backends order results alike. Everything else
// (the analysis, the query built from what was typed, corrections, blending, paging,
// snippets) is the same code on both.

// evaluator evaluates the FTS5 expressions of one search inside its read transaction.
type evaluator interface {
	// match: every document that matches expr, with its BM25 score over the weighted
	// columns (lower is better).
	match(ctx context.Context, expr string) ([]hit, error)
	// titles: the documents whose title alone matches expr.
	titles(ctx context.Context, expr string) ([]hit, error)
	// headings: the documents that match expr, a "{headings} : (…)" filter.
	headings(ctx context.Context, expr string) ([]hit, error)
	// someTitles: the documents whose title matches expr, with BM25 over the titles alone.
	someTitles(ctx context.Context, expr string) ([]hit, error)
}

// statements are the queries of a search, prepared once (SQLite's parser is a noticeable
// part of a search's time otherwise). The texts are constants: no user input is ever part
// of them, the query is a bound parameter. On PostgreSQL only doc is prepared here.
type statements struct {
	match, half, titles, someTitles, headings, doc, stems *sql.Stmt
}

const (
	// matchSQL: the documents that match ?1, with their BM25 scores (lower is better).
	matchSQL = `SELECT rowid, bm25(search_fts, ` + rankWeights + `) FROM search_fts WHERE search_fts MATCH ?1`
	// halfSQL: the documents that match ?1 whose id is ?2 modulo 2, with their BM25 scores.
	halfSQL = matchSQL + ` AND rowid % 2 = ?2`
	// titlesSQL: the documents whose title alone matches ?1.
	titlesSQL = `SELECT rowid FROM search_titles WHERE search_titles MATCH ?1`
	// headingsSQL: the documents whose headings match ?1 (a "{headings} : (…)" filter).
	headingsSQL = `SELECT rowid FROM search_headings WHERE search_headings MATCH ?1`
	// someTitlesSQL: the documents whose title matches ?1, with their BM25 scores.
	someTitlesSQL = `SELECT rowid, bm25(search_titles) FROM search_titles WHERE search_titles MATCH ?1`
	// stemsSQL: a document's analysed text.
	stemsSQL = `SELECT stems FROM search_docs WHERE id = ?`
	docSQL   = `
		SELECT kind, ref, lang, title, context, body, country, starts_on, status, stems FROM search_docs WHERE id = ?`
)

func (ix *Index) statements(ctx context.Context) (*statements, error) {
	ix.prepare.Do(func() {
		st := &statements{}
		list := []struct {
			s   **sql.Stmt
			sql string
		}{{&st.doc, docSQL}, {&st.stems, stemsSQL}}
		if ix.db.Dialect() == store.SQLite {
			list = append(list, []struct {
				s   **sql.Stmt
				sql string
			}{{&st.match, matchSQL}, {&st.half, halfSQL}, {&st.titles, titlesSQL}, {&st.someTitles, someTitlesSQL}, {&st.headings, headingsSQL}}...)
		}
		for _, p := range list {
			//nolint:sqlclosecheck // kept for the index's life, closed with the database
			if *p.s, ix.prepareErr = ix.db.R.PrepareContext(ctx, p.sql); ix.prepareErr != nil {
				ix.prepareErr = fmt.Errorf("search: prepare: %w", ix.prepareErr)
				return
			}
		}
		ix.stmts = st
	})
	return ix.stmts, ix.prepareErr
}

// readOptions are those of a search's read transaction. SQLite's read transaction is a
// snapshot already; PostgreSQL's default level gives each statement its own, so a search
// asks for REPEATABLE READ there, so that the documents it counts, ranks and shows are those
// of one moment even while the catalogue is being re-indexed.
func readOptions(d store.Dialect) *sql.TxOptions {
	if d == store.Postgres {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// evaluator returns the evaluator of one search in tx; on SQLite, with other, a second read
// transaction, the ranking of large queries is split between the two (see splitAbove).
func (ix *Index) evaluator(ctx context.Context, tx, other *sql.Tx, st *statements) evaluator {
	if ix.db.Dialect() == store.Postgres {
		return newPGEvaluator(tx)
	}
	return &fts5Evaluator{tx: tx, other: other, st: st}
}

// fts5Evaluator runs the prepared FTS5 statements in one transaction.
type fts5Evaluator struct {
	tx, other *sql.Tx
	st        *statements
}

func (e *fts5Evaluator) match(ctx context.Context, expr string) ([]hit, error) {
	if e.other == nil {
		return queryHits(ctx, e.tx.StmtContext(ctx, e.st.match), true, expr)
	}
	// The documents with odd ids are ranked on the other connection, beside the even ones.
	var odd []hit
	var oddErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		odd, oddErr = queryHits(ctx, e.other.StmtContext(ctx, e.st.half), true, expr, 1)
	}()
	even, err := queryHits(ctx, e.tx.StmtContext(ctx, e.st.half), true, expr, 0)
	<-done
	if err == nil {
		err = oddErr
	}
	if err != nil {
		return nil, err
	}
	return append(even, odd...), nil
}

func (e *fts5Evaluator) titles(ctx context.Context, expr string) ([]hit, error) {
	return queryHits(ctx, e.tx.StmtContext(ctx, e.st.titles), false, expr)
}

func (e *fts5Evaluator) headings(ctx context.Context, expr string) ([]hit, error) {
	return queryHits(ctx, e.tx.StmtContext(ctx, e.st.headings), false, expr)
}

func (e *fts5Evaluator) someTitles(ctx context.Context, expr string) ([]hit, error) {
	return queryHits(ctx, e.tx.StmtContext(ctx, e.st.someTitles), true, expr)
}

// putAnalysed stores the analysed form of document id where the database's index keeps it.
func putAnalysed(ctx context.Context, d store.Dialect, q store.Queryer, id int64, an *analysed) error {
	if d == store.Postgres {
		return pgPut(ctx, q, id, an)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, headings, body, notes, topic, extra) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, an.title, an.headings, an.body, an.notes, an.topic, an.extra); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO search_titles (rowid, title) VALUES (?, ?)`, id, an.title); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO search_headings (rowid, headings) VALUES (?, ?)`, id, an.headings)
	return err
}

// compact tidies the index after a big catalogue was written, in its transaction: FTS5
// merges its segments into one, so that queries read fewer, smaller pieces. (PostgreSQL's
// counterpart, vacuumAfter, runs after the commit.)
func compact(ctx context.Context, d store.Dialect, tx *sql.Tx) error {
	if d == store.Postgres {
		return nil
	}
	for _, stmt := range []string{`INSERT INTO search_fts (search_fts) VALUES ('optimize')`,
		`INSERT INTO search_titles (search_titles) VALUES ('optimize')`,
		`INSERT INTO search_headings (search_headings) VALUES ('optimize')`} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("search: optimise the index: %w", err)
		}
	}
	return nil
}

// vacuumAfter tidies PostgreSQL's index after a big catalogue was committed: VACUUM marks
// the new pages all-visible, so that a term's counts are read from search_terms' key alone
// (an index-only scan, not one table page per document), and ANALYZE gives the planner the
// new sizes. VACUUM cannot run inside a transaction, hence after the commit. On SQLite it
// does nothing (compact did the work).
func vacuumAfter(ctx context.Context, db *store.DB) error {
	if db.Dialect() != store.Postgres {
		return nil
	}
	if _, err := db.W.ExecContext(ctx, `VACUUM (ANALYZE) search_docs, search_fts, search_terms`); err != nil {
		return fmt.Errorf("search: vacuum the index: %w", err)
	}
	return nil
}
