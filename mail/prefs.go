package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/masar-platform/masar/store"
)

// Categories of the notifications a person may turn off. Every other message is
// transactional (a link they asked for, a decision on their registration, a certificate):
// it always goes out and carries no List-Unsubscribe.
const (
	CategoryReminders       = "reminders"        // a workshop one is confirmed for is near
	CategoryWorkshopChanges = "workshop_changes" // dates, place or agenda of a workshop changed
	CategoryAdvisory        = "advisory"         // comments and status changes of advisory requests
)

// Categories lists the categories in the order the preferences page shows them.
var Categories = []string{CategoryReminders, CategoryWorkshopChanges, CategoryAdvisory}

// templateCategory maps the non-transactional templates to their category.
var templateCategory = map[string]string{
	"workshop_reminder": CategoryReminders,
	"survey_reminder":   CategoryReminders,
	"workshop_changed":  CategoryWorkshopChanges,
	"advisory_comment":  CategoryAdvisory,
	"advisory_status":   CategoryAdvisory,
	"advisory_step":     CategoryAdvisory,
	// What the programme's staff are told of the requests they own or take in.
	"advisory_staff_new":      CategoryAdvisory,
	"advisory_staff_assigned": CategoryAdvisory,
	"advisory_due":            CategoryAdvisory,
}

// CategoryOf is the category of a template, or "" for a transactional one.
func CategoryOf(template string) string { return templateCategory[template] }

// ErrBadToken is returned for an unsubscribe token that this platform did not make.
var ErrBadToken = errors.New("mail: invalid unsubscribe token")

// addressKey is how an address is kept in mail_optouts and in unsubscribe links: a SHA-256
// of the normalised address, so that neither holds the address itself.
func addressKey(email string) string {
	sum := sha256.Sum256([]byte("masar mail address\x00" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// optedOut reports, through q, whether the address of key turned category off.
func optedOut(ctx context.Context, q store.Queryer, key, category string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM mail_optouts WHERE address_hash = ? AND category = ?", key, category).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mail: opt-out of %s: %w", category, err)
	}
	return true, nil
}

// setOptOut turns category on or off for the address of key, through q.
func (m *Mailer) setOptOut(ctx context.Context, q store.Queryer, key, category string, on bool) error {
	if !slices.Contains(Categories, category) {
		return fmt.Errorf("mail: unknown category %q", category)
	}
	var err error
	if on {
		_, err = q.ExecContext(ctx, "DELETE FROM mail_optouts WHERE address_hash = ? AND category = ?", key, category)
	} else {
		_, err = q.ExecContext(ctx, `INSERT INTO mail_optouts(address_hash, category, created_at) VALUES(?, ?, ?)
			ON CONFLICT (address_hash, category) DO NOTHING`, key, category, formatTime(m.now()))
	}
	if err != nil {
		return fmt.Errorf("mail: set preference %s: %w", category, err)
	}
	return nil
}

// OptedOut reports, through q, whether email turned category off.
func (m *Mailer) OptedOut(ctx context.Context, q store.Queryer, email, category string) (bool, error) {
	return optedOut(ctx, q, addressKey(email), category)
}

// Preferences returns, for each category, whether email receives it.
func (m *Mailer) Preferences(ctx context.Context, email string) (map[string]bool, error) {
	out := make(map[string]bool, len(Categories))
	for _, c := range Categories {
		out[c] = true
	}
	rows, err := m.db.R.QueryContext(ctx, "SELECT category FROM mail_optouts WHERE address_hash = ?", addressKey(email))
	err = store.Each(rows, err, func(row store.Scanner) error {
		var c string
		if err := row.Scan(&c); err != nil {
			return err
		}
		if _, ok := out[c]; ok {
			out[c] = false
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mail: preferences: %w", err)
	}
	return out, nil
}

// SetPreference turns category on or off for email, through q.
func (m *Mailer) SetPreference(ctx context.Context, q store.Queryer, email, category string, on bool) error {
	return m.setOptOut(ctx, q, addressKey(email), category, on)
}

// Unsubscribe is what an unsubscribe link names: a category and an address, the latter
// only as its key.
type Unsubscribe struct {
	Category string
	key      string
}

// UnsubscribeToken is the secret part of the link that turns category off for email
// without logging in. It does not expire (old mails must keep working), names the address
// only by its key, and is bound to both by a MAC under the platform's key.
func (m *Mailer) UnsubscribeToken(email, category string) string {
	payload := category + ":" + addressKey(email)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(m.unsubscribeMAC(payload))
}

func (m *Mailer) unsubscribeMAC(payload string) []byte {
	mac := hmac.New(sha256.New, m.secret)
	mac.Write([]byte("masar unsubscribe\x00" + payload))
	return mac.Sum(nil)[:18]
}

// ParseUnsubscribeToken reads a token made by UnsubscribeToken, or returns ErrBadToken.
func (m *Mailer) ParseUnsubscribeToken(tok string) (Unsubscribe, error) {
	p, s, ok := strings.Cut(tok, ".")
	if !ok {
		return Unsubscribe{}, ErrBadToken
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sum, err2 := base64.RawURLEncoding.DecodeString(s)
	if err1 != nil || err2 != nil || !hmac.Equal(sum, m.unsubscribeMAC(string(payload))) {
		return Unsubscribe{}, ErrBadToken
	}
	category, key, ok := strings.Cut(string(payload), ":")
	if !ok || !slices.Contains(Categories, category) || key == "" {
		return Unsubscribe{}, ErrBadToken
	}
	return Unsubscribe{Category: category, key: key}, nil
}

// Subscribed reports whether the address of u still receives u's category.
func (m *Mailer) Subscribed(ctx context.Context, u Unsubscribe) (bool, error) {
	off, err := optedOut(ctx, m.db.R, u.key, u.Category)
	return !off, err
}

// SetSubscribed turns u's category on or off for its address, through q.
func (m *Mailer) SetSubscribed(ctx context.Context, q store.Queryer, u Unsubscribe, on bool) error {
	if u.key == "" {
		return ErrBadToken
	}
	return m.setOptOut(ctx, q, u.key, u.Category, on)
}

// UnsubscribeURL is the link of List-Unsubscribe: GET shows a page that asks, POST (one
// click, RFC 8058) turns the category off.
func (m *Mailer) UnsubscribeURL(email, category string) string {
	return m.baseURL + "/unsubscribe/" + m.UnsubscribeToken(email, category)
}

// ForgetAddress deletes, through q, every notification preference of email: for the
// erasure of an account, so that not even the hash of its address stays behind.
func (m *Mailer) ForgetAddress(ctx context.Context, q store.Queryer, email string) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM mail_optouts WHERE address_hash = ?", addressKey(email)); err != nil {
		return fmt.Errorf("mail: forget preferences: %w", err)
	}
	return nil
}
