// Package mail is Masar's mailer: it renders localized message templates (Arabic, English,
// French), keeps every message in an outbox table written in the caller's transaction, and
// delivers the outbox over SMTP in the background, retrying with backoff.
package mail

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/masar-platform/masar/store"
)

// DefaultFrom is the sender used when Config.From is empty. It has no display name, so that
// each message carries the platform's name in its own language («مسار», Masar).
const DefaultFrom = "no-reply@localhost"

// Config says where and as whom mail is sent.
type Config struct {
	// SMTPURL is the submission server, e.g. smtp://user:pass@host:587 (STARTTLS required),
	// smtps://user:pass@host:465 (implicit TLS). Query options: tls=starttls (default),
	// tls=opportunistic, tls=none (plain text; credentials are then only sent to a loopback
	// host); auth=plain|login|cram-md5|scram-sha-256|… to force a mechanism.
	// Empty: messages stay in the outbox and are never sent.
	SMTPURL string
	// From is the sender, e.g. "no-reply@masar.example.org"; DefaultFrom when empty. A bare
	// address gets the platform's name in the message's language; a name given here
	// ("Programme OGP <no-reply@…>") is used as it is in every language.
	From string
	// ReplyTo is the programme's address that replies go to (MASAR_REPLY_TO), e.g.
	// "ogp@commission.example.org"; empty: no Reply-To header.
	ReplyTo string
	// Secret keys the unsubscribe links; it must survive restarts so that links in mails
	// already sent keep working. Empty: a random key, good until the process ends.
	Secret []byte
	// Now is the clock (time.Now when nil); tests move it instead of sleeping.
	Now func() time.Time
	// BaseURL is the platform's public address, linked from every message's footer.
	BaseURL string
}

// ErrInvalidAddress is returned by Enqueue for a recipient that is not a valid e-mail address.
var ErrInvalidAddress = errors.New("invalid e-mail address")

// ErrUnknownTemplate is returned by Enqueue for a template name that does not exist.
var ErrUnknownTemplate = errors.New("unknown template")

// Mailer renders, stores and sends the platform's e-mail. It is safe for concurrent use.
type Mailer struct {
	db      *store.DB
	log     *slog.Logger
	from    *netmail.Address
	replyTo *netmail.Address // nil: none
	secret  []byte
	clock   atomic.Pointer[func() time.Time]
	baseURL string
	smtp    *smtpConfig // nil: no delivery
	tmpls   *templates

	poke    chan struct{} // a message was enqueued
	deliver sync.Mutex    // one DeliverPending at a time, so that nothing is sent twice
	strays  atomic.Int64  // token-like values masked without being marked Secret
}

// New makes a mailer. It parses every template once and fails when one is broken or missing
// in a language, when the sender or base URL is malformed, or when SMTPURL cannot be used.
func New(db *store.DB, cfg Config, log *slog.Logger) (*Mailer, error) {
	if db == nil {
		return nil, errors.New("mail: no database")
	}
	if log == nil {
		log = slog.Default()
	}
	from := cfg.From
	if strings.TrimSpace(from) == "" {
		from = DefaultFrom
	}
	fromAddr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", from, err)
	}
	var replyTo *netmail.Address
	if r := strings.TrimSpace(cfg.ReplyTo); r != "" {
		if replyTo, err = netmail.ParseAddress(r); err != nil {
			return nil, fmt.Errorf("mail: reply-to address %q: %w", r, err)
		}
	}
	secret := cfg.Secret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("mail: unsubscribe key: %w", err)
		}
	}
	clock := cfg.Now
	if clock == nil {
		clock = time.Now
	}
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("mail: base URL %q is not an absolute http(s) URL", cfg.BaseURL)
		}
	}
	sc, err := parseSMTPURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	t, err := parseTemplates(templateFS)
	if err != nil {
		return nil, err
	}
	m := &Mailer{
		db:      db,
		log:     log,
		from:    fromAddr,
		replyTo: replyTo,
		secret:  secret,
		baseURL: base,
		smtp:    sc,
		tmpls:   t,
		poke:    make(chan struct{}, 1),
	}
	m.clock.Store(&clock)
	return m, nil
}

// Templates lists the names of the message templates, sorted.
func (m *Mailer) Templates() []string {
	return m.tmpls.names()
}

// Sends reports whether the mailer delivers mail, i.e. whether an SMTP server is configured.
func (m *Mailer) Sends() bool { return m.smtp != nil }

// now is the mailer's clock.
func (m *Mailer) now() time.Time { return (*m.clock.Load())() }

// SetClock replaces the mailer's clock (nil: time.Now), so that tests of the platform can
// move time instead of waiting.
func (m *Mailer) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	m.clock.Store(&now)
}
