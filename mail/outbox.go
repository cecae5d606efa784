package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"mime"
	netmail "net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/store"
)

// MaxAttachmentBytes caps the total size of a message's attachments.
const MaxAttachmentBytes = 10 << 20

// timeLayout is RFC 3339 in UTC with a fixed nine-digit fraction, so that stored times
// compare in order as text (time.RFC3339Nano drops trailing zeros, and "…05Z" sorts after
// "…05.5Z"). time.Parse(time.RFC3339Nano, …) reads it back.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// Attachment is a file sent with a message, e.g. a workshop's invite.ics (text/calendar).
type Attachment struct {
	Filename    string
	ContentType string // e.g. "text/calendar; method=REQUEST"; application/octet-stream when empty
	Data        []byte
}

// Message is an e-mail to render from a template and send to one recipient.
type Message struct {
	To       string // the recipient's bare address, e.g. "amina@gov.example"
	Name     string // the recipient's name, shown in the To header; Data["Name"] defaults to it
	Lang     string // ar, en or fr; anything else falls back to Arabic
	Template string // a name from Templates(), e.g. "confirm"
	// Data fills the template's placeholders, documented at the top of each template file.
	// A placeholder missing from Data is an error, not a blank.
	Data        map[string]any
	Attachments []Attachment
	// UsefulUntil, when set, is the moment after which the message can no longer help (the
	// link in it expires, the offer lapses, the session it announces has begun): a message
	// not sent by then is dropped with a reason instead of sent late.
	UsefulUntil time.Time
}

// Enqueue renders msg and stores it in the outbox through q, which may be the caller's
// transaction (so that the message and the change it reports commit or fail together) or
// db.W. It returns the outbox id; the message leaves with the next delivery round.
// A notification of a category the recipient turned off is not stored: Enqueue returns 0
// and no error.
func (m *Mailer) Enqueue(ctx context.Context, q store.Queryer, msg Message) (int64, error) {
	to, err := checkAddress(msg.To)
	if err != nil {
		return 0, err
	}
	category := CategoryOf(msg.Template)
	if category != "" {
		off, err := m.OptedOut(ctx, q, to, category)
		if err != nil {
			return 0, err
		}
		if off {
			return 0, nil
		}
	}
	name := cleanName(msg.Name)
	lang := normLang(msg.Lang)
	data := make(map[string]any, len(msg.Data)+1)
	maps.Copy(data, msg.Data)
	if _, ok := data["Name"]; !ok {
		data["Name"] = name
	}
	atts, err := checkAttachments(msg.Attachments)
	if err != nil {
		return 0, err
	}
	shown, recipient, err := m.renderCopies(msg.Template, lang, data, footerOptions{manage: category != "", replies: m.replyTo != nil})
	if err != nil {
		return 0, err
	}
	now := m.now()
	status, reason, next := StatusQueued, "", any(formatTime(now))
	var until any
	if !msg.UsefulUntil.IsZero() {
		until = formatTime(msg.UsefulUntil)
		if !msg.UsefulUntil.After(now) {
			status, reason, next = StatusDropped, ReasonExpired, nil
		}
	}
	if status == StatusDropped {
		recipient.text, recipient.html = nil, nil // never sent: its links need not be kept
	}
	var id int64
	err = q.QueryRowContext(ctx, `INSERT INTO outbox(to_email, to_name, lang, template, subject, text_body, html_body,
		recipient_text, recipient_html, created_at, attempts, last_error, next_attempt_at, status, reason, useful_until,
		series_started_at, category)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, ?, ?, ?, ?) RETURNING id`,
		to, name, lang, msg.Template, shown.subject, shown.text, shown.html, recipient.text, recipient.html, formatTime(now),
		next, status, reason, until, formatTime(now), category).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue %s to %s: %w", msg.Template, to, err)
	}
	for _, a := range atts {
		if _, err := q.ExecContext(ctx, "INSERT INTO outbox_attachments(outbox_id, filename, content_type, data) VALUES(?, ?, ?, ?)",
			id, a.Filename, a.ContentType, a.Data); err != nil {
			return 0, fmt.Errorf("mail: enqueue %s to %s: attachment %s: %w", msg.Template, to, a.Filename, err)
		}
	}
	select {
	case m.poke <- struct{}{}:
	default: // a delivery round is already due
	}
	return id, nil
}

// ErrSecretInSubject is returned by Enqueue when a Secret would show in a message's
// subject, which the outbox lists for staff.
var ErrSecretInSubject = errors.New("a secret in the subject")

// renderCopies renders the message twice: the copy kept in the outbox (shown), with every
// Secret and every token-like stray masked, and the copy for the recipient. recipient's
// text and html are nil when both copies are the same.
func (m *Mailer) renderCopies(name, lang string, data map[string]any, opt footerOptions) (shown rendered, recipient struct{ text, html *string }, err error) {
	whole, masked, secret := splitSecrets(data)
	shown, err = m.tmpls.render(name, lang, m.baseURL, masked, opt)
	if err != nil {
		return shown, recipient, err
	}
	full := shown
	if secret {
		if full, err = m.tmpls.render(name, lang, m.baseURL, whole, opt); err != nil {
			return shown, recipient, err
		}
		if full.subject != shown.subject {
			return shown, recipient, fmt.Errorf("mail: %s: %w", name, ErrSecretInSubject)
		}
	}
	var n0, n1, n2 int
	// The subject is stored once, for both copies: a token there is masked for the recipient too.
	shown.subject, n0 = maskStrays(shown.subject)
	shown.text, n1 = maskStrays(shown.text)
	shown.html, n2 = maskStrays(shown.html)
	if n0+n1+n2 > 0 {
		m.strays.Add(int64(n0 + n1 + n2))
		m.log.Warn("mail: a token-like value not marked mail.Secret was masked in the outbox's copy", "template", name)
	}
	if full.text != shown.text || full.html != shown.html {
		recipient.text, recipient.html = &full.text, &full.html
	}
	return shown, recipient, nil
}

// MaskedStrays is how many token-like values, not marked Secret by their callers, the
// mailer has masked in the outbox's copies since it started (see Secret). It should stay 0.
func (m *Mailer) MaskedStrays() int64 { return m.strays.Load() }

// checkAddress returns the bare address, or ErrInvalidAddress.
func checkAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", fmt.Errorf("mail: recipient %q: %w", s, ErrInvalidAddress)
	}
	return s, nil
}

// cleanName drops control characters (line breaks above all) from a display name.
func cleanName(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)), " ")
}

// normLang maps a language tag to ar, en or fr ("fr-FR" → fr), falling back to Arabic.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	if !i18n.Supported(s) {
		return i18n.Default
	}
	return s
}

func checkAttachments(in []Attachment) ([]Attachment, error) {
	out := make([]Attachment, 0, len(in))
	total := 0
	for _, a := range in {
		name := strings.TrimSpace(a.Filename)
		if name == "" || strings.ContainsAny(name, `/\"`) || strings.ContainsFunc(name, unicode.IsControl) {
			return nil, fmt.Errorf("mail: attachment file name %q is not allowed", a.Filename)
		}
		ct := strings.TrimSpace(a.ContentType)
		if ct == "" {
			ct = "application/octet-stream"
		}
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, fmt.Errorf("mail: attachment %s: content type %q: %w", name, a.ContentType, err)
		}
		total += len(a.Data)
		if total > MaxAttachmentBytes {
			return nil, fmt.Errorf("mail: attachments exceed %d bytes", MaxAttachmentBytes)
		}
		data := a.Data
		if data == nil {
			data = []byte{}
		}
		out = append(out, Attachment{Filename: name, ContentType: mime.FormatMediaType(mt, params), Data: data})
	}
	return out, nil
}

// Statuses of an outbox message.
const (
	StatusQueued    = "queued"    // waiting for its first attempt
	StatusRetrying  = "retrying"  // attempts failed; tried again until RetryUntil
	StatusSent      = "sent"      // handed to the SMTP server
	StatusFailed    = "failed"    // given up: every attempt of RetryWindow failed (Reason, LastError)
	StatusDropped   = "dropped"   // not sent: it could no longer help (Reason)
	StatusDiscarded = "discarded" // not sent: staff discarded it
)

// Statuses lists every status of an outbox message, for documents that enumerate them.
var Statuses = []string{StatusQueued, StatusRetrying, StatusSent, StatusFailed, StatusDropped, StatusDiscarded}

// Reasons of a failed or dropped message.
const (
	ReasonGaveUp  = "gave_up" // every attempt of the retry window failed; LastError says why
	ReasonExpired = "expired" // expired before it could be sent
)

// Item is a message as stored in the outbox, for the staff's view of sent mail. Its Text and
// HTML are the outbox's copy: every Secret masked.
type Item struct {
	ID            int64      `json:"id"`
	To            string     `json:"to"`
	Name          string     `json:"name"`
	Lang          string     `json:"lang"`
	Template      string     `json:"template"`
	Subject       string     `json:"subject"`
	Text          string     `json:"text"`
	HTML          string     `json:"html"`
	Attachments   []string   `json:"attachments"` // file names
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at"`
	Status        string     `json:"status"` // queued, retrying, sent, failed, dropped or discarded
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	// Reason says why a message failed or was dropped: ReasonGaveUp, ReasonExpired, or "".
	Reason string `json:"reason"`
	// RetryUntil is, for a retrying message, when the mailer will stop trying: RetryWindow
	// after the first failure of the series, or UsefulUntil if sooner.
	RetryUntil *time.Time `json:"retry_until"`
	// FirstFailedAt is the first failed attempt of the current series, if any.
	FirstFailedAt *time.Time `json:"first_failed_at"`
	// UsefulUntil is when the message stops being of use (nil: it does not expire).
	UsefulUntil *time.Time `json:"useful_until"`
	// Category is the kind of notification ("" for transactional mail).
	Category string `json:"category"`
	// SeriesStartedAt is when the current series of attempts began (creation or resend).
	SeriesStartedAt time.Time `json:"series_started_at"`
}

// Waiting reports whether the message may still go out (queued or retrying).
func (it Item) Waiting() bool { return it.Status == StatusQueued || it.Status == StatusRetrying }

// Resendable reports whether staff may queue the message again at now: it failed, was
// dropped or was sent, and it is still of use.
func (it Item) Resendable(now time.Time) bool {
	switch it.Status {
	case StatusFailed, StatusDropped, StatusSent, StatusDiscarded:
		return it.UsefulUntil == nil || it.UsefulUntil.After(now)
	}
	return false
}

const itemColumns = `id, to_email, to_name, lang, template, subject, text_body, html_body, created_at, sent_at,
	attempts, last_error, next_attempt_at, status, reason, useful_until, series_started_at, category, first_failed_at`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var (
		it                           Item
		created                      string
		sent, next, until, series    sql.NullString
		firstFailed                  sql.NullString
		errCreated, errSent, errNext error
		errUntil, errSeries, errFail error
	)
	if err := row.Scan(&it.ID, &it.To, &it.Name, &it.Lang, &it.Template, &it.Subject, &it.Text, &it.HTML,
		&created, &sent, &it.Attempts, &it.LastError, &next, &it.Status, &it.Reason, &until, &series, &it.Category, &firstFailed); err != nil {
		return Item{}, err
	}
	it.CreatedAt, errCreated = time.Parse(time.RFC3339Nano, created)
	it.SentAt, errSent = parseNullTime(sent)
	it.NextAttemptAt, errNext = parseNullTime(next)
	it.UsefulUntil, errUntil = parseNullTime(until)
	it.FirstFailedAt, errFail = parseNullTime(firstFailed)
	it.SeriesStartedAt = it.CreatedAt
	if series.Valid {
		it.SeriesStartedAt, errSeries = time.Parse(time.RFC3339Nano, series.String)
	}
	if err := errors.Join(errCreated, errSent, errNext, errUntil, errSeries, errFail); err != nil {
		return Item{}, fmt.Errorf("outbox %d: %w", it.ID, err)
	}
	if it.Status == StatusRetrying && it.FirstFailedAt != nil {
		until := it.FirstFailedAt.Add(RetryWindow)
		if it.UsefulUntil != nil && it.UsefulUntil.Before(until) {
			until = *it.UsefulUntil
		}
		it.RetryUntil = &until
	}
	it.Attachments = []string{}
	return it, nil
}

func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// List returns outbox messages, newest first, and how many there are in all. limit is
// capped at 200 (100 when not positive).
func (m *Mailer) List(ctx context.Context, limit, offset int) ([]Item, int, error) {
	return m.ListExcept(ctx, nil, limit, offset)
}

// ListExcept is List without the messages addressed to any of the addresses in except
// (compared as stored), e.g. the admins' mail for a viewer who is not an admin.
func (m *Mailer) ListExcept(ctx context.Context, except []string, limit, offset int) ([]Item, int, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 200)
	offset = max(offset, 0)
	where := ""
	args := make([]any, 0, len(except)+2)
	if len(except) > 0 {
		where = " WHERE to_email NOT IN (?" + strings.Repeat(", ?", len(except)-1) + ")"
		for _, e := range except {
			args = append(args, e)
		}
	}
	var total int
	if err := m.db.R.QueryRowContext(ctx, "SELECT count(*) FROM outbox"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("mail: count outbox: %w", err)
	}
	rows, err := m.db.R.QueryContext(ctx, "SELECT "+itemColumns+" FROM outbox"+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	items, err := store.Collect(rows, err, scanItem)
	if err != nil {
		return nil, 0, fmt.Errorf("mail: list outbox: %w", err)
	}
	if err := m.attachmentNames(ctx, items); err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// Get returns one outbox message; the error wraps store.ErrNotFound when there is none.
func (m *Mailer) Get(ctx context.Context, id int64) (Item, error) {
	it, err := scanItem(m.db.R.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM outbox WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("mail: outbox message %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return Item{}, fmt.Errorf("mail: outbox message %d: %w", id, err)
	}
	items := []Item{it}
	if err := m.attachmentNames(ctx, items); err != nil {
		return Item{}, err
	}
	return items[0], nil
}

// attachmentNames fills in the attachments' file names of items.
func (m *Mailer) attachmentNames(ctx context.Context, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	index := make(map[int64]int, len(items))
	args := make([]any, len(items))
	for i, it := range items {
		index[it.ID] = i
		args[i] = it.ID
	}
	rows, err := m.db.R.QueryContext(ctx, "SELECT outbox_id, filename FROM outbox_attachments WHERE outbox_id IN (?"+
		strings.Repeat(", ?", len(items)-1)+") ORDER BY id", args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var name string
		if err := row.Scan(&id, &name); err != nil {
			return err
		}
		i := index[id]
		items[i].Attachments = append(items[i].Attachments, name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("mail: attachment names: %w", err)
	}
	return nil
}
