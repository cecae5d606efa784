package workshops

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/masar-platform/masar/store"
)

// lockWorkshop makes tx the only transaction that changes workshop id's registrations until
// it ends. Seat allocation is a read followed by a write (count the seats held, then give
// one), and so are the waiting list's offers, their expiry, the reminders sent once, a
// change of capacity or quota and attendance: on PostgreSQL, whose writers run side by side,
// two such transactions would both read the same free seat and both take it. Every
// transaction that reads registrations to decide a write takes this lock before its first
// read, so that it reads what the previous holder committed. On SQLite the single writer
// connection already runs one transaction at a time, and this costs nothing.
func (s *Service) lockWorkshop(ctx context.Context, tx *sql.Tx, id int64) error {
	if err := s.db.LockTx(ctx, tx, "workshop", id); err != nil {
		return fmt.Errorf("workshops: lock workshop %d: %w", id, err)
	}
	return nil
}

// lockForApplication lets applications to workshop wid run side by side: a pending
// registration takes no seat, so they hold the workshop's lock shared, still waiting for and
// holding off whatever takes it whole (a seat given, the workshop edited or cancelled). The
// registrant's own lock (oid, 0 for an account made in the transaction) makes two
// applications of one person to one workshop take turns, as the reopening of a cancelled
// registration reads before it writes.
func (s *Service) lockForApplication(ctx context.Context, tx *sql.Tx, wid, oid int64) error {
	locks := []store.TxLock{{Space: "workshop", ID: wid, Shared: true}}
	if oid != 0 {
		locks = append(locks, store.TxLock{Space: "registrant:" + strconv.FormatInt(wid, 10), ID: oid})
	}
	if err := s.db.LockTxAll(ctx, tx, locks...); err != nil {
		return fmt.Errorf("workshops: lock workshop %d for an application: %w", wid, err)
	}
	return nil
}

// lockWorkshops locks several workshops, in ascending order of id, so that two transactions
// locking overlapping sets wait for each other instead of each holding what the other needs.
func (s *Service) lockWorkshops(ctx context.Context, tx *sql.Tx, ids []int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if err := s.lockWorkshop(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// lockSessionIDs serialises the transactions that number new agenda items: a new session's
// id is one beyond every id ever used (so that a calendar UID is never reused), read and
// written in one statement, which two writers running side by side would give twice.
func (s *Service) lockSessionIDs(ctx context.Context, tx *sql.Tx) error {
	if err := s.db.LockTx(ctx, tx, "workshop_session_ids", 0); err != nil {
		return fmt.Errorf("workshops: lock session numbering: %w", err)
	}
	return nil
}

// turns makes the transactions of this process that take a workshop's lock whole wait for
// their turn here, holding no database connection: waiting in the database, each would hold
// one of the pool's few writer connections (on PostgreSQL, 2 per core), and a burst of
// approvals for one workshop would leave none for anything else. The database's lock still
// orders them with other instances' transactions.
type turns struct {
	mu sync.Mutex
	m  map[int64]*turn
}

type turn struct {
	ch    chan struct{} // holds a token while the turn is taken
	users int           // goroutines holding or waiting for it
}

// take waits for workshop id's turn, or for ctx to end; release gives the turn back.
func (t *turns) take(ctx context.Context, id int64) (release func(), err error) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[int64]*turn{}
	}
	tu := t.m[id]
	if tu == nil {
		tu = &turn{ch: make(chan struct{}, 1)}
		t.m[id] = tu
	}
	tu.users++
	t.mu.Unlock()
	done := func() {
		t.mu.Lock()
		if tu.users--; tu.users == 0 {
			delete(t.m, id)
		}
		t.mu.Unlock()
	}
	select {
	case tu.ch <- struct{}{}:
		return func() { <-tu.ch; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}
