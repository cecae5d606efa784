//go:build race

package reports

// raceEnabled: the race detector makes a 400,000-row export take a minute; the plain test
// run and the benchmark measure it.
const raceEnabled = true
