package store

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Rebinding is a scan of the statement's text on every call; the statements are constants
// (a few lists of placeholders vary in length), so the rewritten text is kept, for at most
// maxRebound statements, which a run never reaches.
var (
	rebound  sync.Map // statement with ? → statement with $n
	reboundN atomic.Int64
)

const maxRebound = 4096

// rebindKept is rebind, from the kept rewrites when the statement was seen before.
func rebindKept(query string) string {
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	out := rebind(query)
	if reboundN.Load() < maxRebound {
		if _, loaded := rebound.LoadOrStore(query, out); !loaded {
			reboundN.Add(1)
		}
	}
	return out
}

// rebind rewrites the SQLite-style placeholders of query into PostgreSQL's numbered ones:
// each bare ? becomes the next $n, and a numbered ?n (which SQLite also accepts, and which
// lets one argument be used twice) becomes $n. Question marks inside string literals ('…',
// E'…' with backslash escapes, $tag$…$tag$), quoted identifiers ("…") and comments (-- to
// the end of the line, /* … */, nested as PostgreSQL nests them) are text, and are left as
// they are. As in SQLite, a bare ? after ?n takes the number after the largest seen so far.
//
// PostgreSQL's own operators spelt with a question mark (the jsonb ?, ?| and ?&) therefore
// cannot be written in Masar's SQL; none is used, and jsonb_exists() says the same thing.
func rebind(query string) string {
	if strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0 // the largest parameter number handed out so far
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'':
			// E'…' and e'…' take backslash escapes; a standard string only doubles quotes.
			escapes := i > 0 && (query[i-1] == 'E' || query[i-1] == 'e') && (i == 1 || !identChar(query[i-2]))
			j := skipQuoted(query, i, '\'', escapes)
			b.WriteString(query[i:j])
			i = j
		case c == '"':
			j := skipQuoted(query, i, '"', false)
			b.WriteString(query[i:j])
			i = j
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query)
			} else {
				j += i + 1
			}
			b.WriteString(query[i:j])
			i = j
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := skipBlockComment(query, i)
			b.WriteString(query[i:j])
			i = j
		case c == '$' && (i == 0 || !identChar(query[i-1])):
			j := skipDollarQuoted(query, i)
			b.WriteString(query[i:j])
			i = j
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			if j > i+1 {
				num, err := strconv.Atoi(query[i+1 : j])
				if err == nil && num > n {
					n = num
				}
				b.WriteByte('$')
				b.WriteString(query[i+1 : j])
			} else {
				n++
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(n))
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// identChar reports whether c can be part of an identifier or a number, so that E before
// a quote is a prefix only when it stands alone and $ after a name is part of the name.
func identChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// skipQuoted returns the index just past the quoted text opened at query[i]. A doubled
// quote stands for itself; with escapes, so does a quote after a backslash. An unclosed
// quote runs to the end: the server will report it.
func skipQuoted(query string, i int, q byte, escapes bool) int {
	for j := i + 1; j < len(query); j++ {
		switch query[j] {
		case '\\':
			if escapes {
				j++
			}
		case q:
			if j+1 < len(query) && query[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(query)
}

// skipBlockComment returns the index just past the comment opened at query[i], counting
// nested /* … */ pairs as PostgreSQL does.
func skipBlockComment(query string, i int) int {
	depth := 0
	for j := i; j+1 < len(query); j++ {
		switch {
		case query[j] == '/' && query[j+1] == '*':
			depth++
			j++
		case query[j] == '*' && query[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(query)
}

// skipDollarQuoted returns the index just past a $tag$…$tag$ string opened at query[i], or
// i+1 when the $ opens none (a positional $1 written by hand, or a stray dollar).
func skipDollarQuoted(query string, i int) int {
	j := i + 1
	for j < len(query) && query[j] != '$' {
		c := query[j]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || j > i+1 && c >= '0' && c <= '9') {
			return i + 1
		}
		j++
	}
	if j >= len(query) {
		return i + 1
	}
	tag := query[i : j+1]
	end := strings.Index(query[j+1:], tag)
	if end < 0 {
		return len(query)
	}
	return j + 1 + end + len(tag)
}
