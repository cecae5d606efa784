package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL is reached through pgx's database/sql driver rather than its native pool
// (pgxpool): every feature package is written against *sql.DB, *sql.Tx and *sql.Rows, with
// store.Queryer, store.Collect and store.Tx on top, and keeps that code whole on both
// backends. pgx's stdlib driver still prepares and caches each statement per connection and
// speaks the binary protocol, so what the native interface would add (batches, COPY,
// LISTEN) is reachable through (*sql.Conn).Raw where a feature needs it, without moving
// ~370 statements to a second API.
//
// The features' SQL is written with SQLite's ? placeholders. Rather than keep two copies of
// every statement, the driver registered here as "masar-pgx" wraps pgx's and rewrites the
// placeholders to $1…$n (rebind) on the way to the server, whether the statement is
// prepared, run or queried.

// PgxDriverName is the database/sql driver name of PostgreSQL with ? placeholders.
const PgxDriverName = "masar-pgx"

func init() {
	sql.Register(PgxDriverName, pgxDriver{})
}

// pgxDriver opens pgx connections that take ? placeholders; the name is a PostgreSQL URL.
type pgxDriver struct{}

func (pgxDriver) Open(name string) (driver.Conn, error) {
	c, err := pgxDriver{}.OpenConnector(name)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

func (pgxDriver) OpenConnector(name string) (driver.Connector, error) {
	cfg, err := pgx.ParseConfig(name)
	if err != nil {
		return nil, err
	}
	return pgxConnector{stdlib.GetConnector(*cfg)}, nil
}

// pgxConnector wraps pgx's connector so that each connection it makes rebinds.
type pgxConnector struct{ inner driver.Connector }

func (c pgxConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("store: pgx returned a connection of an unexpected type")
	}
	return &pgxConn{sc}, nil
}

func (pgxConnector) Driver() driver.Driver { return pgxDriver{} }

// pgxConn is a pgx stdlib connection whose statements are rebound. It offers the same
// optional interfaces as the connection it wraps, so that database/sql takes the same
// paths (context-aware queries without a prepare round trip, session reset).
type pgxConn struct{ c *stdlib.Conn }

var (
	_ driver.ConnPrepareContext = (*pgxConn)(nil)
	_ driver.ExecerContext      = (*pgxConn)(nil)
	_ driver.QueryerContext     = (*pgxConn)(nil)
	_ driver.ConnBeginTx        = (*pgxConn)(nil)
	_ driver.Pinger             = (*pgxConn)(nil)
	_ driver.NamedValueChecker  = (*pgxConn)(nil)
	_ driver.SessionResetter    = (*pgxConn)(nil)
)

func (c *pgxConn) Prepare(query string) (driver.Stmt, error) {
	return c.c.PrepareContext(context.Background(), rebindKept(query))
}

func (c *pgxConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.c.PrepareContext(ctx, rebindKept(query))
}

func (c *pgxConn) Close() error { return c.c.Close() }

func (c *pgxConn) Begin() (driver.Tx, error) {
	return c.c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgxConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.c.BeginTx(ctx, opts)
}

func (c *pgxConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.c.ExecContext(ctx, rebindKept(query), args)
}

func (c *pgxConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.c.QueryContext(ctx, rebindKept(query), args)
}

func (c *pgxConn) Ping(ctx context.Context) error { return c.c.Ping(ctx) }

// CheckNamedValue lets a Go bool stand for a 0/1 flag, as SQLite's driver does: Masar's
// flags are INTEGER columns with CHECK (x IN (0, 1)) on both backends, and the features pass
// bools for them. The bool becomes a flag, which pgx writes as 0 or 1 into an integer
// parameter and as itself into a boolean one (goose's is_applied).
func (c *pgxConn) CheckNamedValue(v *driver.NamedValue) error {
	if b, ok := v.Value.(bool); ok {
		v.Value = flag(b)
	}
	return c.c.CheckNamedValue(v)
}

// flag is a bool that pgx encodes as an integer (0 or 1) or as a boolean, whichever the
// parameter is.
type flag bool

func (f flag) Int64Value() (pgtype.Int8, error) {
	var n int64
	if f {
		n = 1
	}
	return pgtype.Int8{Int64: n, Valid: true}, nil
}

func (f flag) BoolValue() (pgtype.Bool, error) { return pgtype.Bool{Bool: bool(f), Valid: true}, nil }

func (c *pgxConn) ResetSession(ctx context.Context) error { return c.c.ResetSession(ctx) }

// Raw is the pgx connection underneath, for (*sql.Conn).Raw: what only pgx's own interface
// offers (COPY, LISTEN/NOTIFY, batches).
func (c *pgxConn) Raw() *pgx.Conn { return c.c.Conn() }
