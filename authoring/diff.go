package authoring

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// A diff is shown line by line, as authors and translators read a lesson's source: a line
// is kept, removed or added; within a changed line the words that changed are marked.
// github.com/sergi/go-diff (a port of Google's diff-match-patch, widely used in Go) does
// the matching, by lines and then by characters inside a changed line.

// DiffLine is one line of a diff.
type DiffLine struct {
	Op    string     // "=" kept, "-" removed, "+" added, "…" lines of context left out
	Old   int        // its number in the old text (0 for an added line)
	New   int        // its number in the new text (0 for a removed line)
	Parts []DiffPart // its text; Changed parts are what differs from the paired line
}

// DiffPart is a stretch of a line.
type DiffPart struct {
	Text    string
	Changed bool
}

// Text is the whole line.
func (l DiffLine) Text() string {
	var b strings.Builder
	for _, p := range l.Parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// diffContext is how many kept lines are shown around a change.
const diffContext = 3

// Diff compares two texts line by line. Long runs of kept lines are shortened to the
// diffContext lines either side of a change, with a "…" line for what is left out. No
// lines means no difference.
func Diff(oldText, newText string) []DiffLine {
	if oldText == newText {
		return nil
	}
	dmp := diffmatchpatch.New()
	a, b, table := dmp.DiffLinesToChars(oldText, newText)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), table)

	var all []DiffLine
	oldN, newN := 0, 0
	var removed, added []string
	flush := func() {
		// Lines removed and added together are paired, in order, to mark the words that changed.
		pairs := min(len(removed), len(added))
		for i, line := range removed {
			oldN++
			parts := []DiffPart{{Text: line, Changed: true}}
			if i < pairs {
				parts = wordParts(dmp, line, added[i], diffmatchpatch.DiffDelete)
			}
			all = append(all, DiffLine{Op: "-", Old: oldN, Parts: parts})
		}
		for i, line := range added {
			newN++
			parts := []DiffPart{{Text: line, Changed: true}}
			if i < pairs {
				parts = wordParts(dmp, removed[i], line, diffmatchpatch.DiffInsert)
			}
			all = append(all, DiffLine{Op: "+", New: newN, Parts: parts})
		}
		removed, added = nil, nil
	}
	for _, d := range diffs {
		lines := splitLines(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			flush()
			for _, line := range lines {
				oldN++
				newN++
				all = append(all, DiffLine{Op: "=", Old: oldN, New: newN, Parts: []DiffPart{{Text: line}}})
			}
		case diffmatchpatch.DiffDelete:
			removed = append(removed, lines...)
		case diffmatchpatch.DiffInsert:
			added = append(added, lines...)
		}
	}
	flush()
	return shorten(all)
}

// wordParts marks, in one side of a pair of lines, what differs from the other side.
func wordParts(dmp *diffmatchpatch.DiffMatchPatch, oldLine, newLine string, side diffmatchpatch.Operation) []DiffPart {
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(oldLine, newLine, false))
	var parts []DiffPart
	for _, d := range diffs {
		switch {
		case d.Type == diffmatchpatch.DiffEqual:
			parts = append(parts, DiffPart{Text: d.Text})
		case d.Type == side:
			parts = append(parts, DiffPart{Text: d.Text, Changed: true})
		}
	}
	return parts
}

// splitLines splits text into lines without their line ends.
func splitLines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	return strings.Split(text, "\n")
}

// shorten keeps diffContext kept lines around each change.
func shorten(all []DiffLine) []DiffLine {
	keep := make([]bool, len(all))
	for i, l := range all {
		if l.Op == "=" {
			continue
		}
		for j := max(0, i-diffContext); j <= min(len(all)-1, i+diffContext); j++ {
			keep[j] = true
		}
	}
	var out []DiffLine
	skipped := false
	for i, l := range all {
		if keep[i] {
			out = append(out, l)
			skipped = false
			continue
		}
		if !skipped {
			out = append(out, DiffLine{Op: "…"})
			skipped = true
		}
	}
	return out
}
