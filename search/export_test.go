package search

// ForgetResults forgets the kept pages of results, and nothing else: for benchmarks that
// time every search evaluated.
// The index did not change, so the vocabulary read from it stays current: forgetting the
// kept pages moves the results topic's generation, which would otherwise have the next
// search read the whole vocabulary again (a cost a real search pays only after a write).
// A vocabulary already stale (read before a write) stays stale.
func (ix *Index) ForgetResults() {
	ix.vocabMu.Lock()
	defer ix.vocabMu.Unlock()
	current := ix.vocab != nil && ix.vocabGen == ix.results.Topic().Generation()
	ix.results.ForgetAll()
	if current {
		ix.vocabGen = ix.results.Topic().Generation()
	}
}

// SplitAbove sets the estimated number of matching documents from which a query is ranked in
// two halves side by side, and returns a function that restores it.
func SplitAbove(n int) (restore func()) {
	old := splitAbove
	splitAbove = n
	return func() { splitAbove = old }
}

// StemEnglish is the English stemmer, for tests that choose words by their stem.
var StemEnglish = stemEnglish

// NarrowPrefixes sets whether prefix terms that one indexed term begins with are searched as
// that term, and returns a function that restores the setting.
func NarrowPrefixes(on bool) (restore func()) {
	old := narrowPrefixes
	narrowPrefixes = on
	return func() { narrowPrefixes = old }
}
