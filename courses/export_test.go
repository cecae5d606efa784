package courses

// Hooks for the external tests.

// NewRand is the generator OpenQuiz seeds for each draw.
var NewRand = newRand

// ScoreDraw scores answers against a draw exactly as SubmitQuiz does.
func ScoreDraw(c *Course, draw []DrawnQuestion, answers map[string][]string) (Result, error) {
	return c.Quiz.asked(draw).Score(answers)
}
