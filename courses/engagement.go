package courses

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/masar-platform/masar/problem"

	"github.com/masar-platform/masar/store"
)

// NotReadError refuses to mark a lesson done before it has been open its reading time
// (Lesson.MinReadingMinutes): a lesson counts as read only when the learner opened it, spent
// at least that long, and then marked it done at its end.
type NotReadError struct {
	Course, Lesson string
	ReadableAt     time.Time     // when the lesson may be marked done
	Left           time.Duration // time still to wait, from the moment of the refusal
}

func (e *NotReadError) Error() string {
	return fmt.Sprintf("courses: lesson %s/%s not read yet: %s left", e.Course, e.Lesson, e.Left.Round(time.Second))
}

// MinutesLeft is Left in whole minutes, rounded up (at least 1).
func (e *NotReadError) MinutesLeft() int { return minutesUp(e.Left) }

func minutesUp(d time.Duration) int { return max(1, int((d+time.Minute-1)/time.Minute)) }

// SetClock makes the service read the time from now (tests move it); nil restores the
// real clock.
func (s *Service) SetClock(now func() time.Time) {
	if now == nil {
		s.clock.Store(nil)
		return
	}
	s.clock.Store(&now)
}

// Clock is the clock set by SetClock, or nil when the service reads the real time: a test
// that moves the clock for a while puts it back with SetClock(Clock()).
func (s *Service) Clock() func() time.Time {
	if f := s.clock.Load(); f != nil {
		return *f
	}
	return nil
}

// now is the service's time, in UTC.
func (s *Service) now() time.Time {
	if f := s.clock.Load(); f != nil {
		return (*f)().UTC()
	}
	return time.Now().UTC()
}

// RecordOpen records the first time an enrolled official opened a lesson: the moment from
// which its reading time runs. Later openings change nothing, and an official who is not
// enrolled is not recorded (reading is not enrolling). The hottest page of the platform
// writes nothing itself: a first opening is written with the visits (FlushVisits), within
// a second, and read from memory until then.
func (s *Service) RecordOpen(ctx context.Context, officialID int64, slug, lesson string) error {
	_, err := s.OpenProgress(ctx, officialID, slug, lesson)
	return err
}

// OpenProgress is RecordOpen followed by Progress, for the lesson page that needs both:
// once the opening is recorded (every view but the first), the progress it read is the
// answer, one copy of the kept progress rather than two.
func (s *Service) OpenProgress(ctx context.Context, officialID int64, slug, lesson string) (*Progress, error) {
	c, err := s.course(slug)
	if err != nil {
		return nil, err
	}
	l, _ := c.FindLesson(lesson)
	if l == nil {
		return nil, fmt.Errorf("courses: open %s/%s: %w", slug, lesson, store.ErrNotFound)
	}
	p, err := s.Progress(ctx, officialID, slug)
	if err != nil {
		return nil, err
	}
	if !p.Enrolled || p.IsDone(lesson) {
		return p, nil
	}
	if _, opened := p.Opened[lesson]; opened {
		return p, nil
	}
	// Kept until the flush: the catalogue's names, not the request's.
	p.addOpens(map[string]time.Time{l.Slug: s.pendingOpen(officialID, c.Slug, l.Slug, s.now())})
	return p, nil
}

// checkRead is the rule of MarkDone, inside its transaction: a lesson already done stays
// done; otherwise it must have been opened at least its reading time before at. A lesson
// never opened (a learner who marks it done from elsewhere, or was not enrolled when they
// opened it) is opened now, so that its reading time starts; the caller commits that and
// refuses.
//
// pending is the time of a first opening not written yet (zero if none): it is written
// here, and counts.
func checkRead(ctx context.Context, tx *sql.Tx, c *Course, l *Lesson, officialID int64, at, pending time.Time) (*NotReadError, error) {
	var done int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM lesson_progress WHERE official_id = ? AND course_slug = ? AND lesson_slug = ?",
		officialID, c.Slug, l.Slug).Scan(&done); err != nil {
		return nil, fmt.Errorf("courses: mark done %s/%s: %w", c.Slug, l.Slug, err)
	}
	if done > 0 {
		return nil, nil
	}
	need := time.Duration(l.MinReadingMinutes()) * time.Minute
	var openedAt string
	err := tx.QueryRowContext(ctx, "SELECT opened_at FROM lesson_opens WHERE official_id = ? AND course_slug = ? AND lesson_slug = ?",
		officialID, c.Slug, l.Slug).Scan(&openedAt)
	opened := parseTime(openedAt)
	if errors.Is(err, sql.ErrNoRows) {
		opened = at
		if !pending.IsZero() && pending.Before(at) {
			opened = pending
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_opens(official_id, course_slug, lesson_slug, opened_at) VALUES(?, ?, ?, ?)
			ON CONFLICT(official_id, course_slug, lesson_slug) DO NOTHING`, officialID, c.Slug, l.Slug, timestamp(opened)); err != nil {
			return nil, fmt.Errorf("courses: mark done %s/%s: %w", c.Slug, l.Slug, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("courses: mark done %s/%s: %w", c.Slug, l.Slug, err)
	}
	readable := opened.Add(need)
	if at.Before(readable) {
		return &NotReadError{Course: c.Slug, Lesson: l.Slug, ReadableAt: readable, Left: readable.Sub(at)}, nil
	}
	return nil, nil
}

// ReadableIn is how long the official must still wait before lesson can be marked done:
// 0 when it can be now (or is done), and ok false when the lesson has not been opened (as
// an enrolled learner) yet.
func (s *Service) ReadableIn(p *Progress, c *Course, lesson string) (left time.Duration, ok bool) {
	if p.IsDone(lesson) {
		return 0, true
	}
	l, _ := c.FindLesson(lesson)
	opened, found := p.Opened[lesson]
	if l == nil || !found {
		return 0, false
	}
	left = opened.Add(time.Duration(l.MinReadingMinutes()) * time.Minute).Sub(s.now())
	return max(0, left), true
}

// QuizOpen reports whether the official may take the course's quiz: every lesson counts as
// read (opened its reading time and marked done at its end). It also returns the lessons
// that remain, in course order.
func (s *Service) QuizOpen(ctx context.Context, officialID int64, slug string) (bool, []*Lesson, error) {
	c, err := s.course(slug)
	if err != nil {
		return false, nil, err
	}
	p, err := s.Progress(ctx, officialID, slug)
	if err != nil {
		return false, nil, err
	}
	remaining := p.Unread(c)
	return len(remaining) == 0, remaining, nil
}

// Unread lists the lessons of c that do not count as read yet, in course order.
func (p *Progress) Unread(c *Course) []*Lesson {
	var out []*Lesson
	for _, l := range c.Lessons {
		if !p.IsDone(l.Slug) {
			out = append(out, l)
		}
	}
	return out
}

// NextStep is where the course page's main button leads: the first lesson that does not
// count as read yet, or the quiz ("quiz") once every lesson does and the quiz is not
// passed, or "" when there is nothing left to do (or no lesson).
func (p *Progress) NextStep(c *Course) string {
	if un := p.Unread(c); len(un) > 0 {
		return un[0].Slug
	}
	if c.Quiz != nil && !p.Passed && len(c.Quiz.Questions) > 0 {
		return "quiz"
	}
	return ""
}

// ErrQuizClosed refuses a quiz before every lesson counts as read.
var ErrQuizClosed = problem.New(http.StatusConflict, "quiz_not_open", "error.quiz_not_open")
