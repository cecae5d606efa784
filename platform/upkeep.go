package platform

import (
	"context"
	"database/sql"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/secondfactor"
	"github.com/masar-platform/masar/sso"
)

// wireErasure has the features remove or redact their data about a person inside the
// person's erasure (officials.Erase): the workshops first (their registrations, and the
// seats they free, offered on with mail to the next people), then the person's mail and
// their notification preferences, and their second factors.
func wireErasure(p *Platform) {
	p.Officials.OnErase(p.Workshops.EraseTx)
	p.Officials.OnErase(p.Surveys.EraseTx)
	p.Officials.OnErase(func(ctx context.Context, tx *sql.Tx, e officials.Erased) error {
		return secondfactor.EraseTx(ctx, tx, e.ID)
	})
	p.Officials.OnErase(func(ctx context.Context, tx *sql.Tx, e officials.Erased) error {
		if _, err := mail.EraseRecipient(ctx, tx, e.Email); err != nil {
			return err
		}
		return p.Mailer.ForgetAddress(ctx, tx, e.Email)
	})
	// The links to the person's accounts at identity providers go too.
	p.Officials.OnErase(func(ctx context.Context, tx *sql.Tx, e officials.Erased) error {
		return sso.Forget(ctx, tx, e.ID)
	})
}

// PrivacyUpkeep does, once, the platform's periodic privacy work: it erases the accounts
// whose grace period is over, deletes the mail and audit entries past their retention
// periods (MASAR_MAIL_RETENTION, MASAR_AUDIT_RETENTION), and checkpoints the write-ahead
// log (TRUNCATE) so that what went is not left in it — every round, since the checkpoint
// after an erasure may have been held back by a reader, and SQLite's own checkpoints leave
// old frames in the file. Time is the accounts service's clock.
func (p *Platform) PrivacyUpkeep(ctx context.Context) error {
	now := p.Officials.Now()
	erased, err := p.Officials.EraseDue(ctx)
	if err != nil {
		return err
	}
	mails, err := p.Mailer.Purge(ctx, now.Add(-p.Config.MailRetention))
	if err != nil {
		return err
	}
	var entries int64
	if err := p.DB.Tx(ctx, func(tx *sql.Tx) error {
		entries, err = audit.Purge(ctx, tx, now.Add(-p.Config.AuditRetention))
		return err
	}); err != nil {
		return err
	}
	// Logos and signatures uploaded for a template that was never saved with them.
	images, err := p.Certificates.ForgetUnusedImages(ctx, now.Add(-UnusedImageGrace))
	if err != nil {
		return err
	}
	if erased+int(mails+entries+images) > 0 {
		p.Log.Info("privacy upkeep", "accounts_erased", erased, "mails_purged", mails, "audit_entries_purged", entries,
			"unused_template_images", images)
	}
	_, err = p.DB.Checkpoint(ctx)
	return err
}

// UnusedImageGrace is how long a logo or signature uploaded in the template editor is kept
// without a saved version naming it: long enough to finish editing a template.
const UnusedImageGrace = 24 * time.Hour

// runPrivacyUpkeep runs PrivacyUpkeep at start and then at every interval until ctx ends.
func (p *Platform) runPrivacyUpkeep(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := p.PrivacyUpkeep(ctx); err != nil && ctx.Err() == nil {
			p.Log.Error("privacy upkeep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
