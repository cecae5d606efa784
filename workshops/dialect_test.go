package workshops_test

import (
	"testing"

	"github.com/masar-platform/masar/store"
)

// refuseUpdates makes every UPDATE of table fail from now on, so that a test can see a
// transaction fail at its last step and leave nothing behind. A trigger is the one tool both
// backends offer for it, but each spells it its own way: SQLite raises from the trigger's
// body, PostgreSQL from a function the trigger calls.
func refuseUpdates(t *testing.T, db *store.DB, table string) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER refuse_updates BEFORE UPDATE ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	if db.Dialect() == store.Postgres {
		stmts = []string{
			`CREATE FUNCTION refuse_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
			`CREATE TRIGGER refuse_updates BEFORE UPDATE ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION refuse_updates()`,
		}
	}
	for _, q := range stmts {
		if _, err := db.W.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}
