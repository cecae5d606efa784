package courses

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The bank rules: a quiz must not be passable by a rule that ignores the content (always the
// second option, the longest, all but the shortest, "false" …), so that passing means having
// read the lessons. Shares are of the questions of the kind named.
const (
	maxPositionShare     = 0.40 // of single questions whose right option is at one position (1st…4th as written)
	maxLongestShare      = 0.35 // of single questions whose right option is the strictly longest, in any language
	maxShortestShare     = 0.35 // … the strictly shortest
	maxCorrectCountShare = 0.60 // of multiple questions with the same number of correct options
	maxAllButShortest    = 0.30 // of multiple questions whose correct options are all but the strictly shortest one
	maxLongestK          = 0.40 // of multiple questions whose k correct options are the k longest
	maxTrueFalseShare    = 0.30 // of the bank
	minTrueShare         = 0.35 // of true/false questions answered true, at least …
	maxTrueShare         = 0.65 // … and at most
	singleOptions        = 4
)

// citedOption finds an explanation that points at an option by its letter or position:
// options are shuffled for each attempt and shown without letters, so "(b)" or "the second
// option" means nothing to the learner.
var citedOption = []*regexp.Regexp{
	regexp.MustCompile(`\([a-eA-E]\)`),
	regexp.MustCompile(`\((?:أ|ب|ج|د|هـ|ه)\)`),
	regexp.MustCompile(`(?i)\b(?:options?|answers?|choices?|réponses?|propositions?|l'option)\s+(?:\([a-e]\)|[a-e](?:$|\s*[.,;:)]|\s+(?:and|or|et|ou|is|are|was|were|est|sont)\b))`),
	regexp.MustCompile(`\b(?:[Oo]ptions?|[Aa]nswers?|[Cc]hoices?|[Rr]éponses?)\s+[A-E]\b`),
	regexp.MustCompile(`(?i)\b(?:first|second|third|fourth|fifth|last)\s+(?:option|answer|choice)\b`),
	regexp.MustCompile(`(?i)\b(?:première|deuxième|seconde|troisième|quatrième|cinquième|dernière)\s+(?:option|réponse|proposition)\b`),
	regexp.MustCompile(`(?:الخيار|الخيارين|الخيارات|الإجابة|الإجابتين|البديل)\s+\(?(?:أ|ب|ج|د|هـ)\)?(?:$|[\s،.؛:)])`),
	regexp.MustCompile(`(?:الخيار|الإجابة|البديل)\s+(?:الأول|الثاني|الثالث|الرابع|الخامس|الأخير)`),
}

// optionQuote is the form an option's text is compared in: trimmed of spaces and final
// punctuation, spaces collapsed, case folded (Latin scripts; Arabic has no case).
func optionQuote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRight(s, " .,;:!?…،؛؟۔\"'»«)")
	s = strings.TrimLeft(s, " \"'«»(")
	return strings.ToLower(s)
}

// quotedRight returns the text of a right option of qu that its explanation in lang contains,
// or "": the explanation is shown after a failed attempt, when the right options must stay
// hidden, so it must not name one in the option's own words.
func quotedRight(qu *Question, lang string) string {
	expl := strings.ToLower(strings.Join(strings.Fields(qu.Explanation[lang]), " "))
	if expl == "" {
		return ""
	}
	for _, o := range qu.Options {
		if !o.Correct {
			continue
		}
		if q := optionQuote(o.Text[lang]); q != "" && containsWords(expl, q) {
			return strings.TrimSpace(o.Text[lang])
		}
	}
	return ""
}

// containsWords reports whether phrase occurs in s as whole words: not inside a longer word,
// so that a right option "B" is not found in "Both", nor «ب» in every Arabic word with that
// letter. Arabic joins one or two proclitics (و ف ب ك ل) to the word they precede, so
// «بأهداف» holds «أهداف».
func containsWords(s, phrase string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(phrase)
		after, _ := utf8.DecodeRuneInString(s[end:])
		if proclitics(s[:i]) && (end == len(s) || !isWordRune(after)) {
			return true
		}
		from = i + 1
	}
}

// proclitics reports whether the word part just before a match (the end of head) is empty or
// one or two Arabic proclitics.
func proclitics(head string) bool {
	n := 0
	for len(head) > 0 {
		r, size := utf8.DecodeLastRuneInString(head)
		if !isWordRune(r) {
			break
		}
		if !strings.ContainsRune("وفبكل", r) || n == 2 {
			return false
		}
		n++
		head = head[:len(head)-size]
	}
	return true
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// runes is the length of a text as a reader sees it, in characters.
func runes(s string) int { return utf8.RuneCountInString(strings.TrimSpace(s)) }

// extreme returns the index of the strictly longest (sign 1) or strictly shortest (sign -1)
// option in lang, or -1 when two options tie for it.
func extreme(opts []*Option, lang string, sign int) int {
	best, bestN, tie := -1, 0, false
	for i, o := range opts {
		n := sign * runes(o.Text[lang])
		switch {
		case best < 0 || n > bestN:
			best, bestN, tie = i, n, false
		case n == bestN:
			tie = true
		}
	}
	if tie {
		return -1
	}
	return best
}

// longestK reports whether the correct options of qu are exactly its k longest in lang:
// every correct option strictly longer than every wrong one.
func longestK(qu *Question, lang string) bool {
	minRight, maxWrong := -1, -1
	for _, o := range qu.Options {
		n := runes(o.Text[lang])
		if o.Correct {
			if minRight < 0 || n < minRight {
				minRight = n
			}
		} else if n > maxWrong {
			maxWrong = n
		}
	}
	return minRight >= 0 && maxWrong >= 0 && minRight > maxWrong
}

// allButShortest reports whether the correct options of qu are all but its strictly
// shortest one in lang.
func allButShortest(qu *Question, lang string) bool {
	s := extreme(qu.Options, lang, -1)
	if s < 0 {
		return false
	}
	for i, o := range qu.Options {
		if o.Correct == (i == s) {
			return false
		}
	}
	return true
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func pct(f float64) int { return int(f*100 + 0.5) }

// CheckBank checks a loaded course's question bank against the bank rules of
// content/FORMAT.md: enough questions per lesson for every attempt to draw its own, option
// counts, the position and length of right answers, the patterns of correct options in
// multiple-choice questions, the share of true/false questions and of "true", and
// explanations that cite option letters or positions or quote a right option. `masar content check` runs it on
// every course.
func CheckBank(c *Course) []Problem {
	var ps problems
	if c == nil || c.Quiz == nil {
		return nil
	}
	file := path.Join(c.Dir, "quiz.yaml")
	bank := c.Quiz.Questions
	per := max(1, c.QuestionsPerLesson)

	// Every question names its lesson; every lesson has twice what an attempt draws.
	byLesson := map[string]int{}
	for _, qu := range bank {
		if qu.Lesson == "" {
			ps.add(file, qu.line, "question %s: missing lesson (the NN-lessonslug of the lesson it tests)", qu.ID)
			continue
		}
		byLesson[qu.Lesson]++
	}
	for _, l := range c.Lessons {
		if n := byLesson[l.Slug]; n < 2*per {
			ps.add(file, 0, "lesson %s has %d question(s); at least %d needed (2 × questions_per_lesson %d), so that attempts differ", l.Slug, n, 2*per, per)
		}
	}

	var singles, multiples, truefalse []*Question
	for _, qu := range bank {
		switch qu.Type {
		case Single:
			singles = append(singles, qu)
			if len(qu.Options) != singleOptions {
				ps.add(file, qu.line, "question %s: a single-choice question has exactly %d options, not %d", qu.ID, singleOptions, len(qu.Options))
			}
		case Multiple:
			multiples = append(multiples, qu)
			right := 0
			for _, o := range qu.Options {
				if o.Correct {
					right++
				}
			}
			if len(qu.Options) < 4 || len(qu.Options) > 5 {
				ps.add(file, qu.line, "question %s: a multiple-choice question has 4 or 5 options, not %d", qu.ID, len(qu.Options))
			} else if right < 1 || right > len(qu.Options)-1 {
				ps.add(file, qu.line, "question %s: %d of %d options correct; a multiple-choice question has 1 to %d", qu.ID, right, len(qu.Options), len(qu.Options)-1)
			}
		case TrueFalse:
			truefalse = append(truefalse, qu)
		}
		for _, lang := range c.Languages {
			for _, re := range citedOption {
				if m := re.FindString(qu.Explanation[lang]); m != "" {
					ps.add(file, qu.line, "question %s: the %s explanation cites an option by letter or position (%q); options are shuffled and shown without letters: name the idea instead", qu.ID, lang, strings.TrimSpace(m))
					break
				}
			}
			if o := quotedRight(qu, lang); o != "" {
				ps.add(file, qu.line, "question %s: the %s explanation quotes a right option (%q), which reveals it before the course is passed: explain the idea without quoting the right option", qu.ID, lang, o)
			}
		}
	}

	// Single choice: position and length of the right option.
	positions := map[int]int{}
	for _, qu := range singles {
		for i, o := range qu.Options {
			if o.Correct {
				positions[i]++
			}
		}
	}
	for i := 0; i < singleOptions; i++ {
		if s := share(positions[i], len(singles)); s > maxPositionShare {
			ps.add(file, 0, "answer-position bias: the right option is written %s in %d of %d single-choice questions (%d%%; at most %d%%)",
				ordinal(i), positions[i], len(singles), pct(s), pct(maxPositionShare))
		}
	}
	for _, lang := range c.Languages {
		longest, shortest := 0, 0
		for _, qu := range singles {
			right := slices.IndexFunc(qu.Options, func(o *Option) bool { return o.Correct })
			if right >= 0 && extreme(qu.Options, lang, 1) == right {
				longest++
			}
			if right >= 0 && extreme(qu.Options, lang, -1) == right {
				shortest++
			}
		}
		if s := share(longest, len(singles)); s > maxLongestShare {
			ps.add(file, 0, "length bias (%s): the right option is the longest in %d of %d single-choice questions (%d%%; at most %d%%)",
				lang, longest, len(singles), pct(s), pct(maxLongestShare))
		}
		if s := share(shortest, len(singles)); s > maxShortestShare {
			ps.add(file, 0, "length bias (%s): the right option is the shortest in %d of %d single-choice questions (%d%%; at most %d%%)",
				lang, shortest, len(singles), pct(s), pct(maxShortestShare))
		}
	}

	// Multiple choice: count and length patterns of the correct options.
	counts := map[int]int{}
	for _, qu := range multiples {
		n := 0
		for _, o := range qu.Options {
			if o.Correct {
				n++
			}
		}
		counts[n]++
	}
	for _, k := range sortedKeys(counts) {
		if s := share(counts[k], len(multiples)); s > maxCorrectCountShare {
			ps.add(file, 0, "answer-count pattern: %d of %d multiple-choice questions have exactly %d correct options (%d%%; at most %d%%)",
				counts[k], len(multiples), k, pct(s), pct(maxCorrectCountShare))
		}
	}
	for _, lang := range c.Languages {
		abs, lk := 0, 0
		for _, qu := range multiples {
			if allButShortest(qu, lang) {
				abs++
			}
			if longestK(qu, lang) {
				lk++
			}
		}
		if s := share(abs, len(multiples)); s > maxAllButShortest {
			ps.add(file, 0, "answer pattern (%s): the correct options are all but the shortest in %d of %d multiple-choice questions (%d%%; at most %d%%)",
				lang, abs, len(multiples), pct(s), pct(maxAllButShortest))
		}
		if s := share(lk, len(multiples)); s > maxLongestK {
			ps.add(file, 0, "answer pattern (%s): the correct options are the longest ones in %d of %d multiple-choice questions (%d%%; at most %d%%)",
				lang, lk, len(multiples), pct(s), pct(maxLongestK))
		}
	}

	// True/false: their share of the bank, and of "true" among them.
	if s := share(len(truefalse), len(bank)); s > maxTrueFalseShare {
		ps.add(file, 0, "%d of %d questions are true/false (%d%%; at most %d%%)", len(truefalse), len(bank), pct(s), pct(maxTrueFalseShare))
	}
	if len(truefalse) > 0 {
		t := 0
		for _, qu := range truefalse {
			if qu.Answer {
				t++
			}
		}
		if s := share(t, len(truefalse)); s < minTrueShare || s > maxTrueShare {
			ps.add(file, 0, "%d of %d true/false questions are true (%d%%; between %d%% and %d%%)", t, len(truefalse), pct(s), pct(minTrueShare), pct(maxTrueShare))
		}
	}
	return ps
}

func ordinal(i int) string {
	if i < 4 {
		return [...]string{"first", "second", "third", "fourth"}[i]
	}
	return fmt.Sprintf("%dth", i+1)
}

func sortedKeys(m map[int]int) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
