package search

// ForgetResults forgets the kept pages of results, and nothing else: for benchmarks that
// time every search evaluated.
func (ix *Index) ForgetResults() { ix.results.ForgetAll() }
