package workshops

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// EraseTx is the workshops' part of erasing a person (an officials.EraseHook), inside the
// erasure's transaction: the motivations they wrote, their answers to registration questions
// and their visa letters are removed; their applications still
// waiting (pending, waitlisted, offered) are withdrawn; their confirmed seats at workshops
// that have not started are released, and every seat freed is offered to the next on the
// waiting list, as after any cancellation. No mail goes to the person. Their participation
// in workshops that have started or ended — attendance, the registration that certificates
// and figures rest on — stays.
func (s *Service) EraseTx(ctx context.Context, tx *sql.Tx, p officials.Erased) error {
	// The seats released here are counted and offered as approvals count and give them:
	// every workshop the person is registered to is locked first, before any of their rows
	// is written, so that no approval holding one of those locks waits on those rows while
	// this transaction waits on its lock.
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT workshop_id FROM registrations WHERE official_id = ?", p.ID)
	wids, err := store.Collect(rows, err, store.Column[int64])
	if err != nil {
		return fmt.Errorf("workshops: workshops of %d: %w", p.ID, err)
	}
	if err := s.lockWorkshops(ctx, tx, wids); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE registrations SET motivation = '' WHERE official_id = ? AND motivation <> ''", p.ID); err != nil {
		return fmt.Errorf("workshops: erase motivations of %d: %w", p.ID, err)
	}
	// Their answers (the name in their passport, their needs, uploaded files) and the visa
	// letters made from them go entirely.
	for _, table := range []string{"registration_answers", "visa_letters"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE registration_id IN (SELECT id FROM registrations WHERE official_id = ?)", p.ID); err != nil {
			return fmt.Errorf("workshops: erase %s of %d: %w", table, p.ID, err)
		}
	}
	rows, err = tx.QueryContext(ctx, "SELECT "+regCols+regFrom+` WHERE r.official_id = ? AND r.status IN ('pending', 'confirmed', 'waitlisted', 'offered')
		ORDER BY r.id`, p.ID)
	regs, err := store.Collect(rows, err, scanReg)
	if err != nil {
		return fmt.Errorf("workshops: registrations of %d: %w", p.ID, err)
	}
	now := s.Now()
	freed := map[int64]bool{}
	var order []int64
	for _, r := range regs {
		w, err := s.lite(ctx, tx, r.WorkshopID)
		if err != nil {
			return err
		}
		if w.Status == StatusCancelled || w.Status == StatusCompleted {
			continue
		}
		if r.Status == RegConfirmed && !now.Before(w.Start()) {
			continue // they took part: that stays
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = 'cancelled', offer_expires_at = NULL, updated_at = ?
			WHERE id = ?`, store.FormatTime(now), r.ID); err != nil {
			return fmt.Errorf("workshops: release registration %d: %w", r.ID, err)
		}
		if err := audit.Record(ctx, tx, system, "registration.erased", regSubject(r.ID), "status", r.Status, RegCancelled); err != nil {
			return err
		}
		if (r.Status == RegConfirmed || r.Status == RegOffered) && !freed[w.ID] {
			freed[w.ID] = true
			order = append(order, w.ID)
		}
	}
	for _, wid := range order {
		if err := s.promote(ctx, tx, wid); err != nil {
			return err
		}
	}
	return nil
}
