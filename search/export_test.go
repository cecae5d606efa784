package search

// ForgetResults forgets the kept pages of results, and nothing else: for benchmarks that
// time every search evaluated.
func (ix *Index) ForgetResults() { ix.results.ForgetAll() }

// SplitAbove sets the estimated number of matching documents from which a query is ranked in
// two halves side by side, and returns a function that restores it.
func SplitAbove(n int) (restore func()) {
	old := splitAbove
	splitAbove = n
	return func() { splitAbove = old }
}
