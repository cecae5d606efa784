package mail

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/masar-platform/masar/store"
)

// Delivery tuning.
const (
	// RetryWindow is how long a message is tried before the mailer gives up on it, counted
	// from the first failed attempt of its series (a resend starts a new series): long
	// enough to outlast an SMTP outage over a weekend.
	RetryWindow = 72 * time.Hour
	// RetryBase is the wait after the first failure; it doubles after each further one.
	RetryBase = time.Minute
	// RetryMax caps the wait between two attempts.
	RetryMax = time.Hour
	// PollInterval is how often Run looks for due messages when nothing was enqueued.
	PollInterval = 5 * time.Second

	batchSize   = 50
	smtpTimeout = 30 * time.Second
	settleDelay = 200 * time.Millisecond // lets an enqueuing transaction commit first
	maxErrorLen = 1000
)

// smtpConfig is a parsed Config.SMTPURL.
type smtpConfig struct {
	host       string
	port       int
	implicit   bool // smtps: TLS from the first byte
	policy     gomail.TLSPolicy
	user, pass string
	auth       gomail.SMTPAuthType // "" without credentials
}

// parseSMTPURL reads Config.SMTPURL; it returns nil for an empty one.
func parseSMTPURL(raw string) (*smtpConfig, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, password included: say less.
		return nil, errors.New("mail: SMTP URL is malformed")
	}
	c := &smtpConfig{host: u.Hostname()}
	fail := func(format string, args ...any) (*smtpConfig, error) {
		return nil, fmt.Errorf("mail: SMTP URL %s: %s", u.Redacted(), fmt.Sprintf(format, args...))
	}
	if c.host == "" {
		return fail("no host")
	}
	q := u.Query()
	switch u.Scheme {
	case "smtp":
		c.port = 587
		switch tlsMode := q.Get("tls"); tlsMode {
		case "", "starttls", "mandatory":
			c.policy = gomail.TLSMandatory
		case "opportunistic":
			c.policy = gomail.TLSOpportunistic
		case "none":
			c.policy = gomail.NoTLS
		default:
			return fail("tls=%q: want starttls, opportunistic or none", tlsMode)
		}
	case "smtps":
		c.port = 465
		c.implicit = true
		c.policy = gomail.TLSMandatory
		if t := q.Get("tls"); t != "" {
			return fail("tls=%q: smtps always uses TLS", t)
		}
	default:
		return fail("scheme %q: want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail("port %q", p)
		}
		c.port = n
	}
	for k := range q {
		if k != "tls" && k != "auth" {
			return fail("unknown option %q", k)
		}
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	if a := q.Get("auth"); a != "" {
		if err := c.auth.UnmarshalString(a); err != nil {
			return fail("auth=%q: %v", a, err)
		}
	}
	if c.user == "" {
		if c.auth != "" && c.auth != gomail.SMTPAuthNoAuth {
			return fail("auth=%s needs a user name", c.auth)
		}
		c.auth = ""
		return c, nil
	}
	if c.policy == gomail.NoTLS && !isLoopback(c.host) {
		return fail("refusing to send the SMTP password unencrypted to %s; use TLS or a loopback relay", c.host)
	}
	if c.auth == "" {
		c.auth = gomail.SMTPAuthAutoDiscover
		if c.policy == gomail.NoTLS {
			c.auth = gomail.SMTPAuthPlainNoEnc
		}
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// client makes a go-mail client for one delivery round.
func (c *smtpConfig) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(c.port), gomail.WithTimeout(smtpTimeout), gomail.WithTLSPolicy(c.policy)}
	if c.implicit {
		opts = append(opts, gomail.WithSSL())
	}
	if c.user != "" {
		opts = append(opts, gomail.WithUsername(c.user), gomail.WithPassword(c.pass), gomail.WithSMTPAuth(c.auth))
	}
	return gomail.NewClient(c.host, opts...)
}

// pending is a due outbox message with its attachments.
type pending struct {
	id                  int64
	to, name, lang      string
	subject, text, html string
	created             time.Time
	firstFailed         *time.Time // the first failure of the series; nil before it
	attempts            int
	category            string
	attachments         []Attachment
}

// DeliverPending sends every due message in the outbox and returns how many went out.
// First it drops the messages that can no longer help (past their UsefulUntil), so that
// nothing is sent late; this happens without an SMTP server too, so that a server
// configured later does not send a stale backlog. A message that fails is tried again
// later, waiting twice as long each time (at most RetryMax), until RetryWindow has passed
// since the first failure of its series; its last error is kept. Without an SMTP server nothing is sent.
// The error is about the round as a whole (database, or the server unreachable), not
// single messages. Rounds take turns across every instance on the database (lockDelivery):
// a round that finds another instance delivering sends nothing and returns 0.
func (m *Mailer) DeliverPending(ctx context.Context) (sent int, err error) {
	m.deliver.Lock()
	defer m.deliver.Unlock()
	release, ours, err := m.lockDelivery(ctx)
	if err != nil || !ours {
		return 0, err // another instance is delivering; the next round looks again
	}
	defer release()
	if _, err := m.dropExpired(ctx); err != nil {
		return 0, err
	}
	if m.smtp == nil {
		return 0, nil
	}
	for {
		due, err := m.due(ctx)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		n, err := m.send(ctx, due)
		sent += n
		if err != nil || len(due) < batchSize {
			return sent, err
		}
	}
}

// due loads the next batch of messages whose time has come.
func (m *Mailer) due(ctx context.Context) ([]*pending, error) {
	// The recipient's copy, with its one-time links whole, when it differs from the outbox's.
	rows, err := m.db.R.QueryContext(ctx, `SELECT id, to_email, to_name, lang, subject, coalesce(recipient_text, text_body),
		coalesce(recipient_html, html_body), created_at, attempts, category, first_failed_at
		FROM outbox WHERE status IN ('queued', 'retrying') AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?`, formatTime(m.now()), batchSize)
	out, err := store.Collect(rows, err, func(row store.Scanner) (*pending, error) {
		p := &pending{}
		var created string
		var firstFailed sql.NullString
		if err := row.Scan(&p.id, &p.to, &p.name, &p.lang, &p.subject, &p.text, &p.html, &created, &p.attempts, &p.category, &firstFailed); err != nil {
			return nil, err
		}
		var err error
		if p.firstFailed, err = parseNullTime(firstFailed); err != nil {
			return nil, fmt.Errorf("outbox %d: first_failed_at: %w", p.id, err)
		}
		if p.created, err = time.Parse(time.RFC3339Nano, created); err != nil {
			return nil, fmt.Errorf("outbox %d: created_at: %w", p.id, err)
		}
		return p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("mail: due messages: %w", err)
	}
	for _, p := range out {
		if p.attachments, err = m.loadAttachments(ctx, p.id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (m *Mailer) loadAttachments(ctx context.Context, id int64) ([]Attachment, error) {
	rows, err := m.db.R.QueryContext(ctx, "SELECT filename, content_type, data FROM outbox_attachments WHERE outbox_id = ? ORDER BY id", id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Attachment, error) {
		var a Attachment
		err := row.Scan(&a.Filename, &a.ContentType, &a.Data)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("mail: outbox %d attachments: %w", id, err)
	}
	return out, nil
}

// send delivers a batch over one SMTP connection and records each outcome.
func (m *Mailer) send(ctx context.Context, batch []*pending) (int, error) {
	c, err := m.smtp.client()
	if err != nil {
		return 0, fmt.Errorf("mail: smtp client: %w", err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		err = fmt.Errorf("connect to %s: %w", c.ServerAddr(), err)
		for _, p := range batch {
			if ferr := m.failed(ctx, p, err); ferr != nil {
				return 0, ferr
			}
		}
		return 0, fmt.Errorf("mail: %w", err)
	}
	defer func() { _ = c.Close() }()
	// A message handed to the server is recorded even when ctx ends meanwhile (the platform
	// is stopping, and waits for this): unrecorded, it would go out again at the next start.
	record := context.WithoutCancel(ctx)
	sent := 0
	for _, p := range batch {
		if err := ctx.Err(); err != nil {
			return sent, err // the rest stay due, untouched, for the next round or start
		}
		msg, err := m.build(p)
		if err == nil {
			err = c.Send(msg)
		}
		if err != nil {
			if ferr := m.failed(record, p, err); ferr != nil {
				return sent, ferr
			}
			continue
		}
		// Delivered, the recipient's copy goes: the outbox keeps no live link. Recorded whatever
		// its status became meanwhile (a discard during the round): it did go out.
		if _, err := m.db.W.ExecContext(record, `UPDATE outbox SET sent_at = ?, next_attempt_at = NULL, attempts = attempts + 1,
			status = 'sent', reason = '', `+dropRecipientCopy+` WHERE id = ?`, formatTime(m.now()), p.id); err != nil {
			// Sent but not recorded: it will go out again next round.
			return sent, fmt.Errorf("mail: mark outbox %d sent: %w", p.id, err)
		}
		sent++
		m.log.Info("mail: sent", "id", p.id, "to", p.to)
	}
	return sent, nil
}

// failed records a failed attempt and schedules the next one, or gives up once RetryWindow
// has passed since the first failure of the series (never after a mere count of attempts).
// Counting from the first attempt rather than from creation gives a backlog that waited for
// an SMTP server to be configured its full three days of attempts too.
func (m *Mailer) failed(ctx context.Context, p *pending, cause error) error {
	attempts := p.attempts + 1
	msg := cause.Error()
	if len(msg) > maxErrorLen {
		msg = strings.ToValidUTF8(msg[:maxErrorLen], "") + "…"
	}
	now := m.now()
	var next any // NULL: given up, and the recipient's copy (its links) goes
	status, reason := StatusRetrying, ""
	since := now
	if p.firstFailed != nil {
		since = *p.firstFailed
	}
	if now.Sub(since) < RetryWindow {
		next = formatTime(now.Add(retryDelay(attempts)))
		m.log.Warn("mail: delivery failed, will retry", "id", p.id, "to", p.to, "attempts", attempts, "next", next, "err", cause)
	} else {
		status, reason = StatusFailed, ReasonGaveUp
		m.log.Error("mail: delivery failed, giving up", "id", p.id, "to", p.to, "attempts", attempts, "err", cause)
	}
	// Only a message still waiting: one discarded meanwhile stays discarded.
	_, err := m.db.W.ExecContext(ctx, `UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ?, reason = ?,
		first_failed_at = COALESCE(first_failed_at, ?),
		recipient_text = CASE WHEN ? THEN recipient_text END, recipient_html = CASE WHEN ? THEN recipient_html END
		WHERE id = ? AND status IN ('queued', 'retrying')`, attempts, msg, next, status, reason, formatTime(now),
		next != nil, next != nil, p.id)
	if err != nil {
		return fmt.Errorf("mail: record failure of outbox %d: %w", p.id, err)
	}
	return nil
}

// dropExpired drops the waiting messages whose UsefulUntil has passed and returns how many.
func (m *Mailer) dropExpired(ctx context.Context) (int64, error) {
	res, err := m.db.W.ExecContext(ctx, `UPDATE outbox SET status = 'dropped', reason = ?, next_attempt_at = NULL, `+dropRecipientCopy+`
		WHERE status IN ('queued', 'retrying') AND useful_until IS NOT NULL AND useful_until <= ?`, ReasonExpired, formatTime(m.now()))
	if err != nil {
		return 0, fmt.Errorf("mail: drop expired messages: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		m.log.Info("mail: dropped messages that expired before they could be sent", "count", n)
	}
	return n, nil
}

// retryDelay is the wait after the given number of failed attempts: RetryBase, doubling,
// at most RetryMax.
func retryDelay(attempts int) time.Duration {
	d := RetryBase
	for i := 1; i < attempts && d < RetryMax; i++ {
		d *= 2
	}
	return min(d, RetryMax)
}

// build makes the MIME message: a plain-text part with an HTML alternative, then the
// attachments; UTF-8 throughout, headers encoded as RFC 2047 words where needed.
func (m *Mailer) build(p *pending) (*gomail.Msg, error) {
	// Quoted-printable keeps Latin text readable but triples Arabic; base64 is a third larger.
	enc := gomail.EncodingQP
	if p.lang == "ar" {
		enc = gomail.EncodingB64
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(enc))
	msg.FromMailAddress(m.sender(p.lang))
	if m.replyTo != nil {
		msg.ReplyToMailAddress(m.replyTo)
	}
	if p.category != "" && m.baseURL != "" {
		// RFC 2369 and RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs
		// List-Unsubscribe=One-Click to the link, which turns this category off.
		msg.SetGenHeader(gomail.Header("List-Unsubscribe"), "<"+m.UnsubscribeURL(p.to, p.category)+">")
		msg.SetGenHeader(gomail.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
	}
	msg.ToMailAddress(&netmail.Address{Name: p.name, Address: p.to})
	msg.Subject(p.subject)
	msg.SetDateWithValue(p.created)
	domain := "localhost"
	if i := strings.LastIndexByte(m.from.Address, '@'); i >= 0 {
		domain = m.from.Address[i+1:]
	}
	// Stable per outbox row, so that a message sent twice (sent, then the record failed) is
	// recognisably the same one.
	msg.SetMessageIDWithValue(fmt.Sprintf("outbox.%d.%d@%s", p.id, p.created.UnixNano(), domain))
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated") // RFC 3834: no auto-replies
	msg.SetGenHeader(gomail.Header("Content-Language"), p.lang)
	msg.SetUserAgent("Masar")
	msg.SetBodyString(gomail.TypeTextPlain, p.text)
	msg.AddAlternativeString(gomail.TypeTextHTML, p.html)
	for _, a := range p.attachments {
		msg.AttachReadSeeker(a.Filename, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
	}
	if _, err := msg.GetRecipients(); err != nil {
		return nil, err
	}
	return msg, nil
}

// sender is the From address of a message in lang: the configured address with the
// platform's name in that language, unless the operator named the sender themselves.
func (m *Mailer) sender(lang string) *netmail.Address {
	if m.from.Name != "" {
		return m.from
	}
	return &netmail.Address{Name: footers[normLang(lang)].brand, Address: m.from.Address}
}

// Run delivers the outbox in the background until ctx is done: every PollInterval, and
// shortly after each Enqueue. Start it once, with go m.Run(ctx).
func (m *Mailer) Run(ctx context.Context) {
	if m.smtp == nil {
		m.log.Info("mail: no SMTP server configured; messages stay in the outbox")
	}
	tick := time.NewTicker(PollInterval)
	defer tick.Stop()
	for {
		m.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-m.poke:
			select { // let the enqueuing transaction commit, and gather a burst into one round
			case <-ctx.Done():
				return
			case <-time.After(settleDelay):
			}
		}
	}
}

func (m *Mailer) round(ctx context.Context) {
	if _, err := m.DeliverPending(ctx); err != nil && ctx.Err() == nil {
		m.log.Warn("mail: delivery round", "err", err)
	}
}
