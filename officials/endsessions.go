package officials

import (
	"context"
	"database/sql"
	"fmt"
)

// EndSessionsTx ends every session of account id inside the caller's transaction (an admin
// reset its second factor). The caller calls SessionsChanged once the transaction is
// committed, so that no instance keeps a session of it in memory.
func (s *Service) EndSessionsTx(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE official_id = ?", id); err != nil {
		return fmt.Errorf("officials: end sessions of %d: %w", id, err)
	}
	return nil
}

// SessionsChanged forgets the sessions kept in memory, here and on the other instances,
// after sessions were ended in a caller's transaction.
func (s *Service) SessionsChanged() { s.changed() }
