package courses

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Errors of the progress rules.
var (
	// ErrAttemptsExhausted refuses a quiz submission once the course's max_attempts are used.
	ErrAttemptsExhausted = problem.New(http.StatusConflict, "attempts_exhausted", "error.attempts_exhausted")
	// ErrNoQuiz refuses a quiz submission for a course whose quiz has no usable question.
	ErrNoQuiz = problem.New(http.StatusNotFound, "quiz_unavailable", "error.quiz_unavailable")
)

// CompletionHook is called once when an official completes a course, after the completion
// is committed.
type CompletionHook func(ctx context.Context, officialID int64, courseSlug string, at time.Time)

// Service keeps officials' enrolments, lesson progress, quiz attempts and completions.
type Service struct {
	db  *store.DB
	cat func() *Catalogue
	// clock, when set (SetClock), replaces the real time: tests move it.
	clock atomic.Pointer[func() time.Time]

	mu    sync.Mutex
	hooks []CompletionHook

	// visits holds "last lesson opened" records not yet written: opening a lesson is the
	// hottest path of the platform, and where to resume is not worth a disk sync per page
	// view, so visits are written in batches (FlushVisits) and read through this map.
	visitMu sync.Mutex
	visits  map[visitKey]string
	// opens holds first openings of lessons not yet written, by official and course, then
	// lesson: the time from which a lesson's reading time runs. They are written with the
	// visits, and read through this map until then (Progress, MyProgress, MarkDone).
	opens map[visitKey]map[string]time.Time

	progress *cache.Map[visitKey, keptProgress]
}

type visitKey struct {
	official int64
	course   string
}

// NewService returns the progress service. cat returns the current catalogue (it may change
// between calls when the content is reloaded). Its kept progress registers on bus (nil: a
// bus of its own).
func NewService(db *store.DB, cat func() *Catalogue, bus *cache.Bus) *Service {
	return &Service{db: db, cat: cat, progress: newProgressCache(bus)}
}

// OnComplete registers a hook run when an official completes a course: every lesson done
// and the quiz passed (or, for a course without quiz.yaml, every lesson done). Hooks run
// exactly once per completion, in the caller's goroutine after the commit, with a context
// that is not cancelled when the request ends. A crash between the commit and the hook
// loses the call: a hook's owner that must not miss one reconciles with Report.
func (s *Service) OnComplete(h CompletionHook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, h)
}

func (s *Service) completed(ctx context.Context, officialID int64, slug string, at time.Time) {
	s.mu.Lock()
	hooks := slices.Clone(s.hooks)
	s.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	for _, h := range hooks {
		h(ctx, officialID, slug, at)
	}
}

func (s *Service) course(slug string) (*Course, error) {
	return s.cat().Course(slug)
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func parseNullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// Enrol enrols an official in a course. Enrolling again changes nothing.
func (s *Service) Enrol(ctx context.Context, officialID int64, slug string) error {
	if _, err := s.course(slug); err != nil {
		return err
	}
	defer s.progress.Forget(visitKey{officialID, slug})
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		return enrol(ctx, tx, officialID, slug, s.now())
	})
}

func enrol(ctx context.Context, tx *sql.Tx, officialID int64, slug string, at time.Time) error {
	// The enrolment keeps the person's standing of today: the figures of the past count it
	// there, whatever becomes of the profile.
	st, err := officials.StandingTx(ctx, tx, officialID)
	if err != nil {
		return fmt.Errorf("courses: enrol %d in %s: %w", officialID, slug, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO enrolments(official_id, course_slug, enrolled_at, fact_country, fact_gender,
		fact_sector) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(official_id, course_slug) DO NOTHING`,
		officialID, slug, timestamp(at), st.Country, st.Gender, st.Sector)
	if err != nil {
		return fmt.Errorf("courses: enrol %d in %s: %w", officialID, slug, err)
	}
	return nil
}

// RecordVisit remembers lesson as the last one the official opened, for "resume where you
// left off". It does nothing when the official is not enrolled (reading is not enrolling).
func (s *Service) RecordVisit(ctx context.Context, officialID int64, slug, lesson string) error {
	c, err := s.course(slug)
	if err != nil {
		return err
	}
	if l, _ := c.FindLesson(lesson); l == nil {
		return fmt.Errorf("courses: visit %s/%s: %w", slug, lesson, store.ErrNotFound)
	}
	s.visitMu.Lock()
	if s.visits == nil {
		s.visits = map[visitKey]string{}
	}
	s.visits[visitKey{officialID, slug}] = lesson
	s.visitMu.Unlock()
	return nil
}

// pendingVisit is the last lesson opened and not yet written, if any, and a copy of the
// first openings of lessons of the course not yet written (nil when there are none).
func (s *Service) pendingVisit(officialID int64, slug string) (string, bool, map[string]time.Time) {
	s.visitMu.Lock()
	defer s.visitMu.Unlock()
	k := visitKey{officialID, slug}
	l, ok := s.visits[k]
	return l, ok, maps.Clone(s.opens[k])
}

// pendingOpen records the first opening of a lesson, to be written with the visits, and
// returns its time: the one recorded before, if a first opening is pending already.
func (s *Service) pendingOpen(officialID int64, slug, lesson string, at time.Time) time.Time {
	s.visitMu.Lock()
	defer s.visitMu.Unlock()
	k := visitKey{officialID, slug}
	if s.opens == nil {
		s.opens = map[visitKey]map[string]time.Time{}
	}
	if s.opens[k] == nil {
		s.opens[k] = map[string]time.Time{}
	}
	if t, ok := s.opens[k][lesson]; ok {
		return t
	}
	s.opens[k][lesson] = at
	return at
}

// addOpens adds to p.Opened the first openings of lessons that it does not have yet.
func (p *Progress) addOpens(opens map[string]time.Time) {
	for l, at := range opens {
		if _, known := p.Opened[l]; !known {
			if p.Opened == nil {
				p.Opened = map[string]time.Time{}
			}
			p.Opened[l] = at
		}
	}
}

// FlushVisits writes the pending "last lesson opened" records and first openings of lessons
// in one transaction.
func (s *Service) FlushVisits(ctx context.Context) error {
	s.visitMu.Lock()
	visits, opens := s.visits, s.opens
	s.visits, s.opens = nil, nil
	s.visitMu.Unlock()
	if len(visits) == 0 && len(opens) == 0 {
		return nil
	}
	err := s.writeVisits(ctx, visits, opens)
	if err != nil {
		// Not written: they wait for the next flush, unless a newer visit replaced one (a
		// first opening pending again keeps its first time).
		s.visitMu.Lock()
		if s.visits == nil {
			s.visits = map[visitKey]string{}
		}
		for k, lesson := range visits {
			if _, newer := s.visits[k]; !newer {
				s.visits[k] = lesson
			}
		}
		if s.opens == nil {
			s.opens = map[visitKey]map[string]time.Time{}
		}
		for k, lessons := range opens {
			if s.opens[k] == nil {
				s.opens[k] = map[string]time.Time{}
			}
			for l, at := range lessons {
				s.opens[k][l] = at
			}
		}
		s.visitMu.Unlock()
	}
	return err
}

// writeVisits writes visits and first openings in one transaction. A first opening is
// written only while the official is still enrolled (reading is not enrolling; and one
// whose account was erased meanwhile has no row to refer to).
func (s *Service) writeVisits(ctx context.Context, visits map[visitKey]string, opens map[visitKey]map[string]time.Time) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE enrolments SET last_lesson = ? WHERE official_id = ? AND course_slug = ?")
		if err != nil {
			return fmt.Errorf("courses: flush visits: %w", err)
		}
		defer stmt.Close()
		for k, lesson := range visits {
			if _, err := stmt.ExecContext(ctx, lesson, k.official, k.course); err != nil {
				return fmt.Errorf("courses: flush visits: %w", err)
			}
		}
		if len(opens) == 0 {
			return nil
		}
		open, err := tx.PrepareContext(ctx, `INSERT INTO lesson_opens(official_id, course_slug, lesson_slug, opened_at)
			SELECT official_id, course_slug, ?, ? FROM enrolments WHERE official_id = ? AND course_slug = ?
			ON CONFLICT(official_id, course_slug, lesson_slug) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("courses: flush first openings: %w", err)
		}
		defer open.Close()
		for k, lessons := range opens {
			for l, at := range lessons {
				if _, err := open.ExecContext(ctx, l, timestamp(at), k.official, k.course); err != nil {
					return fmt.Errorf("courses: flush first openings: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The kept values take the new last lessons and first openings (an opening written
	// before, by another instance, keeps its time: the kept value is dropped then, below,
	// on the other instances, and read again here at the next change).
	for k, lesson := range visits {
		s.progress.Update(k, func(e keptProgress) keptProgress {
			if e.p.Enrolled {
				e.p.LastLesson = lesson
			}
			return e
		})
	}
	for k, lessons := range opens {
		s.progress.Update(k, func(e keptProgress) keptProgress {
			if !e.p.Enrolled {
				return e
			}
			e.p.Opened = maps.Clone(e.p.Opened) // copies of the kept value share its map
			e.p.addOpens(lessons)
			return e
		})
	}
	return nil
}

// MarkDone records that the official finished a lesson (enrolling them if needed) and makes
// it the lesson to resume from. It is refused with a *NotReadError until the lesson has been
// open its reading time (see RecordOpen). It reports whether this completed the course. A lesson that
// is not in the course is refused with store.ErrNotFound.
func (s *Service) MarkDone(ctx context.Context, officialID int64, slug, lesson string) (completed bool, err error) {
	c, err := s.course(slug)
	if err != nil {
		return false, err
	}
	l, _ := c.FindLesson(lesson)
	if l == nil {
		return false, fmt.Errorf("courses: mark done %s/%s: %w", slug, lesson, store.ErrNotFound)
	}
	at := s.now()
	_, _, pending := s.pendingVisit(officialID, slug)
	var notRead *NotReadError
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockProgress(ctx, tx, officialID, slug); err != nil {
			return err
		}
		if err := enrol(ctx, tx, officialID, slug, at); err != nil {
			return err
		}
		if notRead, err = checkRead(ctx, tx, c, l, officialID, at, pending[lesson]); err != nil || notRead != nil {
			return err // a refusal commits the enrolment and the first opening, nothing else
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_progress(official_id, course_slug, lesson_slug, done_at)
			VALUES(?, ?, ?, ?) ON CONFLICT(official_id, course_slug, lesson_slug) DO NOTHING`,
			officialID, slug, lesson, timestamp(at)); err != nil {
			return fmt.Errorf("courses: mark done %s/%s: %w", slug, lesson, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE enrolments SET last_lesson = ? WHERE official_id = ? AND course_slug = ?",
			lesson, officialID, slug); err != nil {
			return fmt.Errorf("courses: mark done %s/%s: %w", slug, lesson, err)
		}
		completed, err = completeIfDone(ctx, tx, c, officialID, at)
		return err
	})
	s.progress.Forget(visitKey{officialID, slug})
	if err != nil {
		return false, err
	}
	if notRead != nil {
		return false, notRead
	}
	if completed {
		s.completed(ctx, officialID, slug, at)
	}
	return completed, nil
}

// lockProgress serialises the transactions that change one official's progress in one
// course (lessons done, quiz attempts, completion). Each of them reads what is done and
// then writes: on PostgreSQL, where writers run side by side, two submissions would
// otherwise both count the same attempts used, and the last lesson marked done beside the
// passing attempt would each miss the other, so that the course never completes.
func (s *Service) lockProgress(ctx context.Context, tx *sql.Tx, officialID int64, slug string) error {
	if err := s.db.LockTx(ctx, tx, "courses.progress."+slug, officialID); err != nil {
		return fmt.Errorf("courses: lock progress of %d in %s: %w", officialID, slug, err)
	}
	return nil
}

// completeIfDone sets completed_at when every lesson of the course is done and the quiz
// passed, once: it reports whether this call is the one that set it.
func completeIfDone(ctx context.Context, tx *sql.Tx, c *Course, officialID int64, at time.Time) (bool, error) {
	done, err := doneLessons(ctx, tx, officialID, c.Slug)
	if err != nil {
		return false, err
	}
	for _, l := range c.Lessons {
		if _, ok := done[l.Slug]; !ok {
			return false, nil
		}
	}
	if c.Quiz != nil {
		var passed int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM quiz_attempts WHERE official_id = ? AND course_slug = ? AND passed = 1`,
			officialID, c.Slug).Scan(&passed); err != nil {
			return false, fmt.Errorf("courses: completion of %s: %w", c.Slug, err)
		}
		if passed == 0 {
			return false, nil
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE enrolments SET completed_at = ? WHERE official_id = ? AND course_slug = ? AND completed_at IS NULL`,
		timestamp(at), officialID, c.Slug)
	if err != nil {
		return false, fmt.Errorf("courses: complete %s: %w", c.Slug, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func doneLessons(ctx context.Context, q store.Queryer, officialID int64, slug string) (map[string]time.Time, error) {
	return lessonTimes(ctx, q, "SELECT lesson_slug, done_at FROM lesson_progress WHERE official_id = ? AND course_slug = ?", officialID, slug)
}

// lessonTimes runs query (lesson slug and time of one official's lessons of a course) and
// returns the time of each lesson.
func lessonTimes(ctx context.Context, q store.Queryer, query string, officialID int64, slug string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	rows, err := q.QueryContext(ctx, query, officialID, slug)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var l, at string
		if err := row.Scan(&l, &at); err != nil {
			return err
		}
		out[l] = parseTime(at)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: lessons of %s: %w", slug, err)
	}
	return out, nil
}

// Submission is the outcome of a quiz submission.
type Submission struct {
	Result
	Attempt      int  `json:"attempt"`       // number of this attempt, from 1
	AttemptsLeft int  `json:"attempts_left"` // attempts still allowed
	Completed    bool `json:"completed"`     // this submission completed the course
	// NextAttemptAt is when the next attempt opens after a failed one (the cool-down), nil
	// when there is none to come.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	// Drawn is the draw the attempt answered, in the order shown.
	Drawn []DrawnQuestion `json:"-"`
}

// SubmitQuiz scores the official's open attempt (OpenQuiz; one is opened first when there
// is none) and records it, enrolling them if needed. answers maps the drawn questions' ids
// to the chosen option ids; an answer to a question the attempt did not ask, an unknown
// option or several answers to a single question refuse the submission whole with
// ErrTampered (422, naming the question), using no attempt. Questions left unanswered are
// refused (422 quiz_unanswered, naming them, see Unanswered) unless confirm is true.
//
// Scoring, the attempt rules (see OpenQuiz) and the completion run in one transaction; the
// UNIQUE(official, course, attempt_no) constraint means even concurrent submissions cannot
// record more attempts than allowed. The stored answers hold every asked question (an
// unanswered one as []), with the draw. The result reveals the right options only when the
// quiz is passed or no attempt is left.
func (s *Service) SubmitQuiz(ctx context.Context, officialID int64, slug string, answers map[string][]string, confirm bool) (*Submission, error) {
	c, err := s.course(slug)
	if err != nil {
		return nil, err
	}
	if _, err := s.OpenQuiz(ctx, officialID, slug); err != nil {
		return nil, err
	}
	at := s.now()
	var sub Submission
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockProgress(ctx, tx, officialID, slug); err != nil {
			return err
		}
		st, draw, _, err := c.attemptAllowed(ctx, tx, officialID, at)
		if err != nil {
			return err
		}
		if draw == nil {
			// A concurrent submission took the open attempt: this one answers a new draw.
			draw = c.Draw(newRand())
		}
		asked := c.Quiz.asked(draw)
		res, err := asked.Score(answers)
		if err != nil {
			return err
		}
		var unanswered []string
		stored := map[string][]string{}
		for _, qu := range asked.Questions {
			a := slices.Clone(answers[qu.ID])
			slices.Sort(a)
			if a == nil {
				a = []string{}
				unanswered = append(unanswered, qu.ID)
			}
			stored[qu.ID] = a
		}
		if len(unanswered) > 0 && !confirm {
			return unansweredError(unanswered)
		}
		sub.Result, sub.Drawn = res, draw
		if err := enrol(ctx, tx, officialID, slug, at); err != nil {
			return err
		}
		sub.Attempt = st.used + 1
		sub.AttemptsLeft = c.MaxAttempts - sub.Attempt
		rawAnswers, err := json.Marshal(stored)
		if err != nil {
			return fmt.Errorf("courses: submit quiz %s: %w", slug, err)
		}
		rawDraw, err := json.Marshal(draw)
		if err != nil {
			return fmt.Errorf("courses: submit quiz %s: %w", slug, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO quiz_attempts(official_id, course_slug, attempt_no, score, passed, answers, questions, submitted_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?)`, officialID, slug, sub.Attempt, res.Score, res.Passed, string(rawAnswers), string(rawDraw), timestamp(at))
		if store.IsUniqueViolation(err) {
			return ErrAttemptsExhausted
		}
		if err != nil {
			return fmt.Errorf("courses: submit quiz %s: %w", slug, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM quiz_draws WHERE official_id = ? AND course_slug = ?", officialID, slug); err != nil {
			return fmt.Errorf("courses: submit quiz %s: %w", slug, err)
		}
		if res.Passed {
			sub.Completed, err = completeIfDone(ctx, tx, c, officialID, at)
		}
		return err
	})
	s.progress.Forget(visitKey{officialID, slug})
	if err != nil {
		return nil, err
	}
	sub.Revealed = sub.Passed || sub.AttemptsLeft <= 0
	if !sub.Revealed {
		sub.hideAnswers()
	}
	if !sub.Passed && sub.AttemptsLeft > 0 && c.QuizCooldown > 0 {
		next := at.Add(c.QuizCooldown)
		sub.NextAttemptAt = &next
	}
	if sub.Completed {
		s.completed(ctx, officialID, slug, at)
	}
	return &sub, nil
}

// Progress is where an official stands in one course.
type Progress struct {
	OfficialID   int64      `json:"official_id"`
	Course       string     `json:"course"`
	Enrolled     bool       `json:"enrolled"`
	EnrolledAt   time.Time  `json:"enrolled_at"`
	LastLesson   string     `json:"last_lesson"` // last lesson opened or done, "" if none
	Done         []string   `json:"done"`        // lessons done, in course order
	LessonsDone  int        `json:"lessons_done"`
	LessonsTotal int        `json:"lessons_total"`
	Percent      int        `json:"percent"` // lessons done, percent rounded down
	AttemptsUsed int        `json:"attempts_used"`
	AttemptsLeft int        `json:"attempts_left"`
	BestScore    *int       `json:"best_score"` // nil before the first attempt
	Passed       bool       `json:"passed"`
	CompletedAt  *time.Time `json:"completed_at"`
	// Opened is when each lesson was first opened (RecordOpen), for the reading-time rule.
	Opened map[string]time.Time `json:"opened,omitempty"`
}

// IsDone reports whether lesson is done.
func (p *Progress) IsDone(lesson string) bool { return slices.Contains(p.Done, lesson) }

// Completed reports whether the course is completed.
func (p *Progress) Completed() bool { return p.CompletedAt != nil }

// Resume is the lesson to reopen: the last one visited, else the first not done (the first
// lesson when all are done or nothing is known). It is "" for a course without lessons.
func (p *Progress) Resume(c *Course) string {
	if l, _ := c.FindLesson(p.LastLesson); l != nil {
		return l.Slug
	}
	for _, l := range c.Lessons {
		if !p.IsDone(l.Slug) {
			return l.Slug
		}
	}
	if len(c.Lessons) > 0 {
		return c.Lessons[0].Slug
	}
	return ""
}

// fill computes the derived figures from the done set and the attempts.
func (p *Progress) fill(c *Course, done map[string]time.Time, used int, best sql.NullInt64, passed bool) {
	p.Done = []string{}
	if c != nil {
		for _, l := range c.Lessons {
			if _, ok := done[l.Slug]; ok {
				p.Done = append(p.Done, l.Slug)
			}
		}
		p.LessonsTotal = len(c.Lessons)
		p.AttemptsLeft = max(0, c.MaxAttempts-used)
	}
	p.LessonsDone = len(p.Done)
	if p.LessonsTotal > 0 {
		p.Percent = p.LessonsDone * 100 / p.LessonsTotal
	}
	p.AttemptsUsed = used
	if best.Valid {
		b := int(best.Int64)
		p.BestScore = &b
	}
	p.Passed = passed
}

// Progress returns where an official stands in a course. Enrolled is false (and the figures
// zero) when they have not enrolled. An unknown course is store.ErrNotFound.
func (s *Service) Progress(ctx context.Context, officialID int64, slug string) (*Progress, error) {
	cat := s.cat()
	c, err := cat.Course(slug)
	if err != nil {
		return nil, err
	}
	key := visitKey{officialID, slug}
	var p *Progress
	if e, ok, snap := s.progress.Get(key); ok && e.cat == cat {
		p = copyProgress(&e.p)
	} else {
		if p, err = s.readProgress(ctx, c, officialID); err != nil {
			return nil, err
		}
		s.progress.Put(key, keptProgress{p: *copyProgress(p), cat: cat}, snap)
	}
	if l, ok, opens := s.pendingVisit(officialID, slug); p.Enrolled {
		if ok {
			p.LastLesson = l
		}
		p.addOpens(opens)
	}
	return p, nil
}

// progressQuery reads an official's standing in one course in one statement (one round trip
// to PostgreSQL, one snapshot on either database): a row per kind — 'e' the enrolment
// (enrolled, last lesson, completed), 'd' a lesson done and 'o' a lesson opened (lesson,
// time), 'q' the quiz attempts (count, best score, passed) — each column as text.
const progressQuery = `
	SELECT 'e', enrolled_at, last_lesson, completed_at FROM enrolments WHERE official_id = ? AND course_slug = ?
	UNION ALL SELECT 'd', lesson_slug, done_at, NULL FROM lesson_progress WHERE official_id = ? AND course_slug = ?
	UNION ALL SELECT 'o', lesson_slug, opened_at, NULL FROM lesson_opens WHERE official_id = ? AND course_slug = ?
	UNION ALL SELECT 'q', CAST(count(*) AS TEXT), CAST(max(score) AS TEXT), CAST(max(passed) AS TEXT)
		FROM quiz_attempts WHERE official_id = ? AND course_slug = ?`

// readProgress reads an official's standing in course c from the database.
func (s *Service) readProgress(ctx context.Context, c *Course, officialID int64) (*Progress, error) {
	slug := c.Slug
	p := &Progress{OfficialID: officialID, Course: slug, Opened: map[string]time.Time{}}
	done := map[string]time.Time{}
	var used int
	var best sql.NullInt64
	var passed bool
	rows, err := s.db.R.QueryContext(ctx, progressQuery, officialID, slug, officialID, slug, officialID, slug, officialID, slug)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var kind string
		var a, b, z sql.NullString
		if err := row.Scan(&kind, &a, &b, &z); err != nil {
			return err
		}
		switch kind {
		case "e":
			p.Enrolled, p.EnrolledAt, p.LastLesson, p.CompletedAt = true, parseTime(a.String), b.String, parseNullTime(z)
		case "d":
			done[a.String] = parseTime(b.String)
		case "o":
			p.Opened[a.String] = parseTime(b.String)
		case "q":
			used, _ = strconv.Atoi(a.String)
			if n, err := strconv.ParseInt(b.String, 10, 64); b.Valid && err == nil {
				best = sql.NullInt64{Int64: n, Valid: true}
			}
			passed = z.String == "1"
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: progress %d in %s: %w", officialID, slug, err)
	}
	if !p.Enrolled {
		p.Opened = nil
		p.fill(c, nil, 0, sql.NullInt64{}, false)
		return p, nil
	}
	p.fill(c, done, used, best, passed)
	return p, nil
}

// MyProgress returns the official's progress in every course they enrolled in, in catalogue
// order (courses no longer in the catalogue last, with no lesson figures).
func (s *Service) MyProgress(ctx context.Context, officialID int64) ([]*Progress, error) {
	cat := s.cat()
	rows, err := s.db.R.QueryContext(ctx, `SELECT course_slug, enrolled_at, last_lesson, completed_at FROM enrolments WHERE official_id = ?`, officialID)
	out, err := store.Collect(rows, err, func(row store.Scanner) (*Progress, error) {
		p := &Progress{OfficialID: officialID, Enrolled: true}
		var enrolled string
		var completed sql.NullString
		if err := row.Scan(&p.Course, &enrolled, &p.LastLesson, &completed); err != nil {
			return nil, err
		}
		if l, ok, _ := s.pendingVisit(officialID, p.Course); ok {
			p.LastLesson = l
		}
		p.EnrolledAt, p.CompletedAt = parseTime(enrolled), parseNullTime(completed)
		return p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: my progress %d: %w", officialID, err)
	}
	done := map[string]map[string]time.Time{}
	rows, err = s.db.R.QueryContext(ctx, "SELECT course_slug, lesson_slug, done_at FROM lesson_progress WHERE official_id = ?", officialID)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var c, l, at string
		if err := row.Scan(&c, &l, &at); err != nil {
			return err
		}
		if done[c] == nil {
			done[c] = map[string]time.Time{}
		}
		done[c][l] = parseTime(at)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: my progress %d: %w", officialID, err)
	}
	opened := map[string]map[string]time.Time{}
	rows, err = s.db.R.QueryContext(ctx, "SELECT course_slug, lesson_slug, opened_at FROM lesson_opens WHERE official_id = ?", officialID)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var c, l, at string
		if err := row.Scan(&c, &l, &at); err != nil {
			return err
		}
		if opened[c] == nil {
			opened[c] = map[string]time.Time{}
		}
		opened[c][l] = parseTime(at)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: my progress %d: %w", officialID, err)
	}
	type agg struct {
		used   int
		best   sql.NullInt64
		passed sql.NullBool
	}
	attempts := map[string]agg{}
	rows, err = s.db.R.QueryContext(ctx, `SELECT course_slug, count(*), max(score), max(passed) FROM quiz_attempts WHERE official_id = ? GROUP BY course_slug`, officialID)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var c string
		var a agg
		if err := row.Scan(&c, &a.used, &a.best, &a.passed); err != nil {
			return err
		}
		attempts[c] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: my progress %d: %w", officialID, err)
	}
	order := map[string]int{}
	for i, c := range cat.Courses() {
		order[c.Slug] = i + 1
	}
	for _, p := range out {
		c, _ := cat.Course(p.Course)
		a := attempts[p.Course]
		p.fill(c, done[p.Course], a.used, a.best, a.passed.Bool)
		p.Opened = opened[p.Course]
		_, _, pending := s.pendingVisit(officialID, p.Course)
		p.addOpens(pending)
	}
	rank := func(p *Progress) int {
		if o := order[p.Course]; o > 0 {
			return o
		}
		return len(order) + 1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank(out[i]), rank(out[j]); ri != rj {
			return ri < rj
		}
		return out[i].Course < out[j].Course
	})
	return out, nil
}

// Attempt is one recorded quiz attempt.
type Attempt struct {
	No          int                 `json:"attempt"`
	Score       int                 `json:"score"`
	Passed      bool                `json:"passed"`
	Answers     map[string][]string `json:"answers"`
	SubmittedAt time.Time           `json:"submitted_at"`
	Questions   []DrawnQuestion     `json:"-"` // the draw it answered (empty for attempts before draws)
}

// AttemptHistory returns the official's attempts at a course's quiz, first to last.
func (s *Service) AttemptHistory(ctx context.Context, officialID int64, slug string) ([]Attempt, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT attempt_no, score, passed, answers, questions, submitted_at FROM quiz_attempts
		WHERE official_id = ? AND course_slug = ? ORDER BY attempt_no`, officialID, slug)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Attempt, error) {
		var a Attempt
		var answers, questions, at string
		if err := row.Scan(&a.No, &a.Score, &a.Passed, &answers, &questions, &at); err != nil {
			return a, err
		}
		if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
			return a, fmt.Errorf("answers of attempt %d: %w", a.No, err)
		}
		if err := json.Unmarshal([]byte(questions), &a.Questions); err != nil {
			return a, fmt.Errorf("questions of attempt %d: %w", a.No, err)
		}
		a.SubmittedAt = parseTime(at)
		return a, nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: attempts %d in %s: %w", officialID, slug, err)
	}
	return out, nil
}
