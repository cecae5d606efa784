package officials

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/masar-platform/masar/store"
)

// The one place where the accounts' SQL differs between SQLite and PostgreSQL.

// standInLink opens the savepoint of RequestReset's stand-in (an address without an
// account) and stores a reset link in it for an account that does not exist, as a real
// request stores one; RequestReset then rolls the savepoint back. It returns the link's
// secret, which the stand-in's mail carries.
//
// SQLite: the foreign key of email_tokens would refuse official_id 0 at once, so its check
// is deferred to the commit (PRAGMA defer_foreign_keys), by when the savepoint has taken the
// row back; the stand-in writes the same row a real request does.
//
// PostgreSQL checks that foreign key at the statement (it is not DEFERRABLE), and a failed
// statement would abort the transaction: the stand-in's link is inserted from the account's
// row, which looks the account up as the key's check would, and finds none, so that nothing
// is inserted and nothing fails.
func (s *Service) standInLink(ctx context.Context, tx *sql.Tx) (string, error) {
	begin := []string{"PRAGMA defer_foreign_keys = ON", "SAVEPOINT standin"}
	query := insertLink
	if s.db.Dialect() == store.Postgres {
		begin = []string{"SAVEPOINT standin"}
		query = `INSERT INTO email_tokens(token_hash, official_id, purpose, created_at, expires_at)
			SELECT ?1, id, ?3, ?4, ?5 FROM officials WHERE id = ?2`
	}
	for _, q := range begin {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("officials: request reset: %w", err)
		}
	}
	return storeLink(ctx, tx, query, 0, PurposeReset)
}
