package surveys

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// When the links are mailed. The satisfaction survey and the post-test are sent once the
// workshop's last session has ended (workshops.Workshop.Over), to every participant with a
// confirmed seat — only those who attended, when attendance was taken — and a reminder
// follows ReminderAfter later to those who have not answered, while the survey is open. The
// pre-test measures what people knew before: its link is sent from a week before the start
// (once the list of participants has settled) until the first session ends, when it closes
// (ClosesAt), so that it can also be taken in the room at the start; it has no reminder.

// due reports which mail, if any, a survey's participants should now have been sent.
func due(sv *Survey, w *workshops.Workshop, now time.Time) (invite, remind bool) {
	if !OpenAt(sv, w, now) {
		return false, false
	}
	if sv.Kind == KindPreTest {
		return !now.Before(w.Start().Add(-preTestLead)), false
	}
	if now.Before(w.Over()) {
		return false, false
	}
	return true, true
}

// SendDue queues the invitations and reminders now due and returns how many were queued.
// Each message is queued with its record in survey_mails, in one transaction, once per person
// and kind whatever the number of instances running it.
func (s *Service) SendDue(ctx context.Context) (int, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+surveyCols+` FROM surveys s JOIN workshops w ON w.id = s.workshop_id
		WHERE s.status = 'published' AND w.status IN ('published', 'completed') ORDER BY s.id`)
	list, err := store.Collect(rows, err, scanSurvey)
	if err != nil {
		return 0, fmt.Errorf("surveys: surveys to mail: %w", err)
	}
	now := s.Now()
	sent := 0
	for _, sv := range list {
		w, err := s.workshops.Get(ctx, sv.WorkshopID)
		if err != nil {
			return sent, err
		}
		invite, remind := due(sv, w, now)
		if !invite {
			continue
		}
		n, err := s.mailSurvey(ctx, sv, w, now, remind)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// recipients are the participants who should receive a survey's mail: confirmed seats, and
// for the surveys that follow the workshop only those who attended when attendance was taken.
func (s *Service) recipients(ctx context.Context, sv *Survey, w *workshops.Workshop) ([]*workshops.Registration, error) {
	regs, err := s.workshops.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	if err != nil {
		return nil, err
	}
	if sv.Kind == KindPreTest {
		return regs, nil
	}
	taken := false
	for _, r := range regs {
		if len(r.Attended) > 0 {
			taken = true
			break
		}
	}
	if !taken {
		return regs, nil
	}
	var out []*workshops.Registration
	for _, r := range regs {
		if len(r.Attended) > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *Service) mailSurvey(ctx context.Context, sv *Survey, w *workshops.Workshop, now time.Time, remind bool) (int, error) {
	regs, err := s.recipients(ctx, sv, w)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range regs {
		if r.Email == "" {
			continue
		}
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var answered, invitedAt sql.NullString
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM survey_respondents WHERE survey_id = ? AND official_id = ?`, sv.ID, r.OfficialID).Scan(&one); err == nil {
				answered.Valid = true
			} else if err != sql.ErrNoRows {
				return err
			}
			if answered.Valid {
				return nil
			}
			if err := tx.QueryRowContext(ctx, `SELECT sent_at FROM survey_mails WHERE survey_id = ? AND official_id = ? AND kind = 'invitation'`,
				sv.ID, r.OfficialID).Scan(&invitedAt); err != nil && err != sql.ErrNoRows {
				return err
			}
			kind := "invitation"
			if invitedAt.Valid {
				if !remind {
					return nil
				}
				at, err := time.Parse(time.RFC3339Nano, invitedAt.String)
				if err != nil || now.Before(at.Add(ReminderAfter)) {
					return nil
				}
				kind = "reminder"
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO survey_mails(survey_id, official_id, kind, sent_at) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				sv.ID, r.OfficialID, kind, store.FormatTime(now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // sent already
			}
			if err := s.enqueue(ctx, tx, sv, w, r, kind); err != nil {
				return err
			}
			sent++
			return nil
		})
		if err != nil {
			return sent, fmt.Errorf("surveys: mail survey %d to %d: %w", sv.ID, r.OfficialID, err)
		}
	}
	return sent, nil
}

func mailLang(l string) string {
	if l == "en" || l == "fr" {
		return l
	}
	return "ar"
}

func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, sv *Survey, w *workshops.Workshop, r *workshops.Registration, kind string) error {
	if s.mailer == nil {
		return nil
	}
	l := mailLang(r.Language)
	name := r.DisplayName(l)
	closes := ""
	var until time.Time
	if c := ClosesAt(sv, w); c != nil {
		closes = workshops.FormatDateTime(l, *c, w.Location())
		until = *c
	}
	data := map[string]any{
		"Name":      name,
		"Workshop":  w.TitleIn(l),
		"Kind":      sv.Kind,
		"Anonymous": sv.Anonymous,
		"Link":      fmt.Sprintf("%s/%s/surveys/%d", s.opt.BaseURL, l, sv.ID),
		"Closes":    closes,
	}
	tmpl := "survey_invitation"
	if kind == "reminder" {
		tmpl = "survey_reminder"
	}
	_, err := s.mailer.Enqueue(ctx, tx, mail.Message{To: r.Email, Name: name, Lang: l, Template: tmpl, Data: data, UsefulUntil: until})
	return err
}

// Run sends the survey mails now due every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Hour
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.opt.Log.Error("surveys: mail", "err", err)
		} else if n > 0 {
			s.opt.Log.Info("surveys: mails queued", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
