package certificates

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Job is a bulk issuing of a workshop's certificates, run in the background.
type Job struct {
	ID         int64             `json:"id"`
	WorkshopID int64             `json:"workshop_id"`
	Title      map[string]string `json:"title"`
	Total      int               `json:"total"`
	Done       int               `json:"done"`
	Issued     int               `json:"issued"` // new certificates (the others already held one)
	Failed     int               `json:"failed"`
	Status     string            `json:"status"` // running, finished, interrupted
	Errors     []JobError        `json:"errors,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	FinishedAt *time.Time        `json:"finished_at,omitempty"`
}

// JobError is an official whose certificate could not be issued, and why (a message key).
type JobError struct {
	OfficialID int64  `json:"official_id"`
	Key        string `json:"message_key"`
}

// Percent is how far the job has gone.
func (j *Job) Percent() int {
	if j.Total == 0 {
		return 100
	}
	return j.Done * 100 / j.Total
}

// TitleIn is the workshop's title in lang, or in another language that has one.
func (j *Job) TitleIn(lang string) string {
	for _, l := range []string{lang, "en", "ar", "fr"} {
		if t := j.Title[l]; t != "" {
			return t
		}
	}
	return ""
}

// Running reports whether the job is still at work.
func (j *Job) Running() bool { return j.Status == "running" }

// StartWorkshopJob issues the workshop's certificates to the officials in the background
// and returns the job's id at once; Job reports its progress and WorkshopZIP gives the
// certificates in one file when it is done.
func (s *Service) StartWorkshopJob(ctx context.Context, actor audit.Actor, award WorkshopAward, officialIDs []int64) (int64, error) {
	a, err := s.workshopAchievement(ctx, award)
	if err != nil {
		return 0, err
	}
	if err := award.NotOverYet(s.now()); err != nil {
		return 0, err
	}
	if len(officialIDs) == 0 {
		return 0, problem.New(422, "nobody_qualifies", "cert.error.nobody_qualifies")
	}
	var creator any
	if actor.ID != 0 {
		creator = actor.ID
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO certificate_jobs(workshop_id, title_ar, title_en, title_fr, total, created_by, created_at)
			VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id`, award.WorkshopID, a.title["ar"], a.title["en"], a.title["fr"], len(officialIDs), creator, store.Now()).Scan(&id)
		if err != nil {
			return fmt.Errorf("certificates: start job: %w", err)
		}
		return audit.Record(ctx, tx, actor, "certificate.bulk_issue", fmt.Sprintf("workshop:%d", award.WorkshopID), "officials", "", fmt.Sprint(len(officialIDs)))
	})
	if err != nil {
		return 0, err
	}
	ids := append([]int64(nil), officialIDs...)
	// The job outlives the request that started it, not the service: Stop cancels it.
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(s.life, cancel)
	if !s.startJob(func() {
		defer cancel()
		defer unhook()
		s.runJob(jobCtx, actor, id, a, ids)
	}) {
		unhook()
		cancel()
		s.interrupted(context.WithoutCancel(ctx), id)
		return 0, errStopped
	}
	return id, nil
}

// IssueWorkshopByID issues the certificates of a workshop to everyone who qualifies, in the
// background, asking the workshops feature for the workshop and its qualifying officials.
func (s *Service) IssueWorkshopByID(ctx context.Context, actor audit.Actor, workshopID int64) (int64, error) {
	award, ids, err := s.workshop(ctx, workshopID)
	if err != nil {
		return 0, err
	}
	return s.StartWorkshopJob(ctx, actor, award, ids)
}

func (s *Service) runJob(ctx context.Context, actor audit.Actor, id int64, a achievement, ids []int64) {
	var errs []string
	issued, failed := 0, 0
	// The job's own records are written even once ctx has ended (the platform is stopping),
	// so that what was issued is counted and the job is marked interrupted.
	book := context.WithoutCancel(ctx)
	for i, oid := range ids {
		if ctx.Err() != nil {
			s.interrupted(book, id)
			return
		}
		_, created, err := s.issue(ctx, actor, oid, a, "", false)
		switch {
		case err != nil && ctx.Err() != nil:
			s.interrupted(book, id) // stopped, not failed: issuing it again will do
			return
		case err != nil:
			failed++
			key := "cert.job.error_internal"
			if p, ok := problem.As(err); ok {
				key = p.Key
				for _, k := range p.Fields {
					key = k
				}
			}
			errs = append(errs, fmt.Sprintf("%d\t%s", oid, key))
			s.log.Warn("bulk certificate not issued", "job", id, "official", oid, "err", err)
		case created:
			issued++
		}
		if _, err := s.db.W.ExecContext(book, `UPDATE certificate_jobs SET done = ?, issued = ?, failed = ?, errors = ? WHERE id = ?`,
			i+1, issued, failed, strings.Join(errs, "\n"), id); err != nil {
			s.log.Error("bulk certificates: progress", "job", id, "err", err)
		}
	}
	if _, err := s.db.W.ExecContext(book, `UPDATE certificate_jobs SET status = 'finished', finished_at = ? WHERE id = ?`, store.Now(), id); err != nil {
		s.log.Error("bulk certificates: finish", "job", id, "err", err)
	}
}

// interrupted marks a job that the platform's shutdown stopped, as a restart would.
func (s *Service) interrupted(ctx context.Context, id int64) {
	if _, err := s.db.W.ExecContext(ctx, `UPDATE certificate_jobs SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'`,
		store.Now(), id); err != nil {
		s.log.Error("bulk certificates: interrupted", "job", id, "err", err)
	}
}

// Job returns a bulk job's progress.
func (s *Service) Job(ctx context.Context, id int64) (*Job, error) {
	var j Job
	var created, errs, ar, en, fr string
	var finished sql.NullString
	err := s.db.R.QueryRowContext(ctx, `SELECT id, workshop_id, title_ar, title_en, title_fr, total, done, issued, failed, status, errors,
		created_at, finished_at FROM certificate_jobs WHERE id = ?`, id).Scan(&j.ID, &j.WorkshopID, &ar, &en, &fr, &j.Total, &j.Done,
		&j.Issued, &j.Failed, &j.Status, &errs, &created, &finished)
	j.Title = nonEmpty(map[string]string{"ar": ar, "en": en, "fr": fr})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("certificates: job %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("certificates: job %d: %w", id, err)
	}
	j.CreatedAt = parseTime(created)
	if finished.Valid {
		t := parseTime(finished.String)
		j.FinishedAt = &t
	}
	for _, line := range strings.Split(errs, "\n") {
		if oid, key, ok := strings.Cut(line, "\t"); ok {
			id, _ := strconv.ParseInt(oid, 10, 64)
			j.Errors = append(j.Errors, JobError{OfficialID: id, Key: key})
		}
	}
	return &j, nil
}

// Jobs lists the latest bulk jobs, newest first.
func (s *Service) Jobs(ctx context.Context, limit int) ([]*Job, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT id FROM certificate_jobs ORDER BY id DESC LIMIT ?", limit)
	ids, err := store.Collect(rows, err, store.Column[int64])
	if err != nil {
		return nil, fmt.Errorf("certificates: jobs: %w", err)
	}
	out := []*Job{}
	for _, id := range ids {
		j, err := s.Job(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// WriteWorkshopZIP writes one ZIP of the PDFs of a workshop's certificates in force.
func (s *Service) WriteWorkshopZIP(ctx context.Context, w io.Writer, workshopID int64) (int, error) {
	certs, err := s.ForWorkshop(ctx, workshopID)
	if err != nil {
		return 0, err
	}
	zw := zip.NewWriter(w)
	for _, c := range certs {
		pdf, err := s.PDF(ctx, c)
		if err != nil {
			return 0, err
		}
		hdr := &zip.FileHeader{Name: zipName(c), Method: zip.Store, Modified: c.IssuedAt}
		f, err := zw.CreateHeader(hdr)
		if err != nil {
			return 0, err
		}
		if _, err := f.Write(pdf); err != nil {
			return 0, err
		}
	}
	return len(certs), zw.Close()
}

// zipName is a certificate's file name in a ZIP: its code and the holder's Latin name,
// in plain ASCII so that every unzip tool shows it.
func zipName(c *Certificate) string {
	var b strings.Builder
	for _, r := range c.NameLatin {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\'':
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		return c.Display() + ".pdf"
	}
	return c.Display() + "-" + name + ".pdf"
}

// PNG is the preview of a certificate: its page drawn at 96 dpi, drawn once and kept.
func (s *Service) PNG(ctx context.Context, c *Certificate) ([]byte, error) {
	var b []byte
	if err := s.db.R.QueryRowContext(ctx, "SELECT png FROM certificate_files WHERE certificate_id = ? AND png IS NOT NULL", c.ID).Scan(&b); err == nil {
		return b, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("certificates: preview of %s: %w", c.Code, err)
	}
	d, err := s.renderCert(ctx, c)
	if err != nil {
		return nil, err
	}
	b, err = d.writePNG(96)
	if err != nil {
		return nil, fmt.Errorf("certificates: preview of %s: %w", c.Code, err)
	}
	if _, err := s.db.W.ExecContext(ctx, "UPDATE certificate_files SET png = ? WHERE certificate_id = ?", b, c.ID); err != nil {
		return nil, fmt.Errorf("certificates: keep preview of %s: %w", c.Code, err)
	}
	return b, nil
}

// MaxUploadBytes is the largest PDF that verification compares.
const MaxUploadBytes = 10 << 20

// ErrNotPDF refuses an upload that is not a PDF file.
var ErrNotPDF = problem.Fields{"file": "cert.field.file.not_pdf"}.Err()

// MatchesPDF reports whether data is, byte for byte, the PDF issued as c, and its SHA-256.
func MatchesPDF(c *Certificate, data []byte) (bool, string, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return false, "", ErrNotPDF
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	return h == c.PDFSHA256, h, nil
}

// ReconcileCourses issues the certificates of completions that have none: a completion
// whose hook did not run (the process stopped between the commit and the hook) still gets
// its certificate at the next start. It returns how many it issued.
func (s *Service) ReconcileCourses(ctx context.Context, r *courses.Report) (int, error) {
	n := 0
	for _, row := range r.Rows {
		if row.CompletedAt == nil {
			continue
		}
		_, created, err := s.IssueCourse(ctx, audit.Actor{}, row.OfficialID, row.Course, *row.CompletedAt)
		if err != nil {
			if _, ok := problem.As(err); ok || errors.Is(err, store.ErrNotFound) {
				continue // a deleted account, a course no longer offered
			}
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}
