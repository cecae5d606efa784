package courses

import "math"

// Reading rates, in words per minute of the rendered lesson text, from which a lesson's
// reading time is derived (and with it the time a lesson must have been open before it can
// count as read).
//
// The figures are those of an attentive reader of expository text, not of a skimmer: adult
// silent reading of non-fiction in English is commonly put at 200–250 words a minute, and
// learners studying (not browsing) sit at the low end. Arabic counts fewer, longer words for
// the same content — the article, prepositions, conjunctions and pronouns are written joined
// to the word (وبالمشاركة is one "word" where English writes "and by participation") — so
// the same minute holds fewer Arabic words. French runs about a tenth longer than English
// for the same text, which the same 200 leaves on the safe (shorter) side.
// The reading time is a floor for "counts as read": a reader faster than these rates waits
// a little at the end of a lesson; a rate set too slow would make everyone wait.
const (
	WordsPerMinuteArabic = 180
	WordsPerMinuteOther  = 200
)

// Study-time figures besides reading.
const (
	// QuizSecondsPerQuestion is the time counted for each question an attempt asks: reading
	// a scenario and four options and choosing takes about a minute and a half.
	QuizSecondsPerQuestion = 90
)

// ReadingMinutes is the reading time of a text of words words in lang, in whole minutes
// (rounded to the nearest, at least 1).
func ReadingMinutes(lang string, words int) int {
	rate := WordsPerMinuteOther
	if lang == "ar" {
		rate = WordsPerMinuteArabic
	}
	return max(1, int(math.Round(float64(words)/float64(rate))))
}

// MinReadingMinutes is the time the lesson must have been open before it counts as read:
// the shortest of its reading times in the languages it is written in, since a learner may
// read it in any of them.
func (l *Lesson) MinReadingMinutes() int {
	least := 0
	for _, lang := range l.Languages {
		if v := l.views[lang]; v != nil && v.Lang == lang && (least == 0 || v.Minutes < least) {
			least = v.Minutes
		}
	}
	return max(1, least)
}

// QuizQuestionsAsked is the number of questions one attempt at the course's quiz asks:
// questions_per_lesson (2 by default) for each lesson, and never more than the bank holds.
func (c *Course) QuizQuestionsAsked() int {
	if c.Quiz == nil {
		return 0
	}
	return min(len(c.Quiz.Questions), max(1, c.QuestionsPerLesson)*len(c.Lessons))
}

// StudyMinutes is the study time computed from the content: the lessons' reading time in
// the course's first language, the time of one quiz attempt (QuizSecondsPerQuestion per
// question asked) and the lessons' stated exercise_minutes.
func (c *Course) StudyMinutes() int {
	return c.readingMinutes() + c.quizMinutes() + c.exerciseMinutes()
}

// readingMinutes is the lessons' reading time in the course's first language.
func (c *Course) readingMinutes() int {
	first := ""
	if len(c.Languages) > 0 {
		first = c.Languages[0]
	}
	n := 0
	for _, l := range c.Lessons {
		n += l.ReadingMinutes(first)
	}
	return n
}

// quizMinutes is the time of one quiz attempt, rounded up to the minute.
func (c *Course) quizMinutes() int {
	return (c.QuizQuestionsAsked()*QuizSecondsPerQuestion + 59) / 60
}

// exerciseMinutes is the lessons' stated exercise time.
func (c *Course) exerciseMinutes() int {
	n := 0
	for _, l := range c.Lessons {
		n += l.ExerciseMinutes
	}
	return n
}

// StudyHours is StudyMinutes in whole hours, rounded to the nearest and at least 1: the
// figure shown in the catalogue and printed on the certificate.
func (c *Course) StudyHours() int {
	return max(1, int(math.Round(float64(c.StudyMinutes())/60)))
}

// ReadingMinutes is the reading time of the lesson as a reader of lang is shown it (in lang,
// or in the fallback language).
func (l *Lesson) ReadingMinutes(lang string) int {
	if v, _ := l.View(lang); v != nil {
		return v.Minutes
	}
	return 0
}
