package mail

import (
	"regexp"
	"strings"
)

// Secret is a value of Message.Data that only the recipient may read: a one-time link that
// sets a password, claims an account or confirms an address, or any other URL that carries
// a token. The copy of the message sent to the recipient has it whole; the copy kept in the
// outbox — the one staff and admins see — shows Shown followed by "…". The recipient's
// copy is kept only until the message is sent or given up.
//
// Its String method gives the masked form, so that a Secret that reaches a template some
// other way than as a value of Message.Data (inside a struct, say) never shows whole.
type Secret struct {
	Shown  string // what anyone may see, e.g. "https://masar.example.org/ar/reset/"
	Hidden string // the secret itself, e.g. the token
}

// dropRecipientCopy is the SET clause that forgets a message's recipient copy: every change
// that ends a message's delivery (sent, given up, discarded, dropped) includes it, so that
// no live link outlives its message. A message sent again after that goes out as the
// outbox shows it, its one-time links masked: its recipient asks for a new link.
const dropRecipientCopy = "recipient_text = NULL, recipient_html = NULL"

// SecretLink is the one-time link prefix+token, of which only prefix may be shown.
func SecretLink(prefix, token string) Secret { return Secret{Shown: prefix, Hidden: token} }

// Mask is what stands for a hidden value in the outbox's copy.
const Mask = "…"

// String is the masked form: Shown and Mask.
func (s Secret) String() string { return s.Shown + Mask }

// reveal is the whole value, for the recipient's copy only.
func (s Secret) reveal() string { return s.Shown + s.Hidden }

// splitSecrets returns the data of the recipient's copy (every Secret whole) and of the
// outbox's copy (every Secret masked), and whether data held any Secret. It looks into
// nested maps and slices of values.
func splitSecrets(data map[string]any) (recipient, shown map[string]any, found bool) {
	recipient = make(map[string]any, len(data))
	shown = make(map[string]any, len(data))
	for k, v := range data {
		r, s, f := splitValue(v)
		recipient[k], shown[k] = r, s
		found = found || f
	}
	return recipient, shown, found
}

func splitValue(v any) (recipient, shown any, found bool) {
	switch x := v.(type) {
	case Secret:
		return x.reveal(), x.String(), true
	case *Secret:
		if x == nil {
			return v, v, false
		}
		return x.reveal(), x.String(), true
	case map[string]any:
		return splitSecrets(x)
	case []any:
		r, s := make([]any, len(x)), make([]any, len(x))
		for i, e := range x {
			var f bool
			r[i], s[i], f = splitValue(e)
			found = found || f
		}
		return r, s, found
	}
	return v, v, false
}

// tokenRun finds what looks like a token: 20 or more URL-safe base64 characters in a row
// (officials.NewToken makes 43), mixing capitals and small letters, which no path of the
// platform, course slug or certificate code does.
var tokenRun = regexp.MustCompile(`[A-Za-z0-9_-]{20,}`)

// maskStrays masks, in the outbox's copy, every token-like run that was not passed as a
// Secret — a safety net for a future message whose secret its caller forgot to mark, so
// that it can at worst be hidden where it need not be, never shown. It returns the masked
// text and how many runs it masked.
func maskStrays(s string) (string, int) {
	n := 0
	out := tokenRun.ReplaceAllStringFunc(s, func(run string) string {
		if !looksLikeToken(run) {
			return run
		}
		n++
		return Mask
	})
	return out, n
}

func looksLikeToken(run string) bool {
	return strings.ContainsFunc(run, func(r rune) bool { return r >= 'A' && r <= 'Z' }) &&
		strings.ContainsFunc(run, func(r rune) bool { return r >= 'a' && r <= 'z' })
}
