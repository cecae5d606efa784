package courses

import "strings"

// French typography puts a space before the high punctuation marks (: ; ! ?) and inside
// guillemets; written as an ordinary space, a line can break there and leave a colon or a
// closing guillemet at the start of the next line. frenchSpacing makes those spaces
// unbreakable in rendered HTML: a no-break space before the colon and inside guillemets, a
// narrow one before ; ! ? (as the French national printing office's rules have it). Tags
// and attribute values are left alone, and so is the text of code.
func frenchSpacing(html string) string {
	var b strings.Builder
	b.Grow(len(html) + 64)
	inCode := 0
	for i := 0; i < len(html); {
		if html[i] == '<' {
			end := strings.IndexByte(html[i:], '>')
			if end < 0 {
				b.WriteString(html[i:])
				break
			}
			tag := html[i : i+end+1]
			switch {
			case strings.HasPrefix(tag, "<code"), strings.HasPrefix(tag, "<pre"), strings.HasPrefix(tag, "<kbd"):
				inCode++
			case strings.HasPrefix(tag, "</code"), strings.HasPrefix(tag, "</pre"), strings.HasPrefix(tag, "</kbd"):
				inCode = max(inCode-1, 0)
			}
			b.WriteString(tag)
			i += end + 1
			continue
		}
		next := strings.IndexByte(html[i:], '<')
		if next < 0 {
			next = len(html) - i
		}
		seg := html[i : i+next]
		if inCode == 0 {
			seg = frenchSpaces.Replace(seg)
		}
		b.WriteString(seg)
		i += next
	}
	return b.String()
}

const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

var frenchSpaces = strings.NewReplacer(
	" :", nbsp+":",
	" ;", narrowNbsp+";",
	" !", narrowNbsp+"!",
	" ?", narrowNbsp+"?",
	" »", nbsp+"»",
	"« ", "«"+nbsp,
)
