package advisory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Mission is one visit of the programme's team to the country.
type Mission struct {
	ID        int64     `json:"id"`
	StartDate string    `json:"start_date"`
	EndDate   string    `json:"end_date"`
	City      string    `json:"city"`
	Team      string    `json:"team"` // one member a line
	Agenda    string    `json:"agenda"`
	By        Person    `json:"by"`
	CreatedAt time.Time `json:"created_at"`
}

// MissionInput is a mission as staff type it.
type MissionInput struct {
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	City      string `json:"city"`
	Team      string `json:"team"`
	Agenda    string `json:"agenda"`
}

// workStates are the states in which missions and deliverables are planned and followed.
var workStates = []string{StatusAccepted, StatusPlanned, StatusInProgress}

// AddMission schedules a mission of request id (staff): dates not in the past, the end not
// before the start, a city; the team and agenda are optional. The country is told.
func (s *Service) AddMission(ctx context.Context, u *officials.Official, id int64, in MissionInput) (*Mission, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	in.City, in.Team, in.Agenda = cleanLine(in.City), cleanText(in.Team), cleanText(in.Agenda)
	f := problem.Fields{}
	s.dateRange(f, "start_date", in.StartDate)
	s.dateRange(f, "end_date", in.EndDate)
	if f["start_date"] == "" && f["end_date"] == "" && in.EndDate < in.StartDate {
		f.Add("end_date", "advisory.field.date.before_start")
	}
	textProblem(f, "city", in.City, MaxTitle, true)
	textProblem(f, "team", in.Team, MaxMissionTeam, false)
	textProblem(f, "agenda", in.Agenda, MaxAgenda, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var mid int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.requireStep(ctx, tx, u, id, workStates...)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO advisory_missions(request_id, start_date, end_date, city, team, agenda, created_by, created_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, in.StartDate, in.EndDate, in.City, in.Team, in.Agenda, u.ID, store.Now()).Scan(&mid); err != nil {
			return fmt.Errorf("advisory: mission of %d: %w", id, err)
		}
		detail := in.City + " · " + in.StartDate + " – " + in.EndDate
		if err := event(ctx, tx, u, id, EventMission, detail, mid, false); err != nil {
			return err
		}
		return s.notifyStep(ctx, tx, r, u, "advisory.mail.mission", in.City, "from", in.StartDate, "to", in.EndDate)
	})
	if err != nil {
		return nil, err
	}
	ms, err := s.Missions(ctx, u, id)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].ID == mid {
			return &ms[i], nil
		}
	}
	return nil, problem.NotFound
}

// Missions lists request id's missions by date.
func (s *Service) Missions(ctx context.Context, u *officials.Official, id int64) ([]Mission, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	people := s.people(ctx)
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, start_date, end_date, city, team, agenda, created_by, created_at
		FROM advisory_missions WHERE request_id = ? ORDER BY start_date, id`, id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Mission, error) {
		var m Mission
		var at string
		err := row.Scan(&m.ID, &m.StartDate, &m.EndDate, &m.City, &m.Team, &m.Agenda, &m.By.ID, &at)
		m.CreatedAt, m.By = parseTime(at), people(m.By.ID)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: missions of %d: %w", id, err)
	}
	return out, nil
}

// The states of a deliverable.
const (
	DeliverablePlanned    = "planned"
	DeliverableInProgress = "in_progress"
	DeliverableDelivered  = "delivered"
	DeliverableAccepted   = "accepted"
)

// DeliverableStatuses lists a deliverable's states in order.
var DeliverableStatuses = []string{DeliverablePlanned, DeliverableInProgress, DeliverableDelivered, DeliverableAccepted}

// Deliverable is a piece of work promised to the country: a report, a draft law, a plan.
type Deliverable struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	DueDate     string    `json:"due_date"`
	Status      string    `json:"status"`
	File        *FileRef  `json:"file"`
	DeliveredOn string    `json:"delivered_on"` // "" until delivered
	OnTime      *bool     `json:"on_time"`      // delivered by its due date; nil until delivered
	Overdue     bool      `json:"overdue"`      // not delivered and past its due date
	By          Person    `json:"by"`
	CreatedAt   time.Time `json:"created_at"`
}

// DeliverableInput is a new deliverable as staff type it.
type DeliverableInput struct {
	Title   string `json:"title"`
	DueDate string `json:"due_date"`
}

// AddDeliverable promises a deliverable of request id (staff): a title and a due date not in
// the past and at most MaxDueYears ahead.
func (s *Service) AddDeliverable(ctx context.Context, u *officials.Official, id int64, in DeliverableInput) (*Deliverable, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	in.Title = cleanLine(in.Title)
	f := problem.Fields{}
	textProblem(f, "title", in.Title, MaxTitle, true)
	s.dateRange(f, "due_date", in.DueDate)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var did int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.requireStep(ctx, tx, u, id, workStates...); err != nil {
			return err
		}
		now := store.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO advisory_deliverables(request_id, title, due_date, created_by, created_at, updated_at)
			VALUES(?, ?, ?, ?, ?, ?) RETURNING id`, id, in.Title, in.DueDate, u.ID, now, now).Scan(&did); err != nil {
			return fmt.Errorf("advisory: deliverable of %d: %w", id, err)
		}
		return event(ctx, tx, u, id, EventDeliverable, in.Title, did, false)
	})
	if err != nil {
		return nil, err
	}
	return s.deliverable(ctx, u, id, did)
}

// deliverableMoves are the moves of a deliverable, and who makes them: staff start the work
// and deliver it (with its file); the country accepts what was delivered (staff may record an
// acceptance received otherwise) or sends it back to work.
var deliverableMoves = map[[2]string]Party{
	{DeliverablePlanned, DeliverableInProgress}:   PartyStaff,
	{DeliverablePlanned, DeliverableDelivered}:    PartyStaff,
	{DeliverableInProgress, DeliverableDelivered}: PartyStaff,
	{DeliverableDelivered, DeliverableAccepted}:   PartyCountry,
	{DeliverableDelivered, DeliverableInProgress}: PartyCountry,
}

// CanMoveDeliverable reports whether u may move a deliverable of a request of country from
// one status to another.
func CanMoveDeliverable(u *officials.Official, country, from, to string) bool {
	by, ok := deliverableMoves[[2]string{from, to}]
	p := PartyOf(u, country)
	return ok && (by == p || (p == PartyStaff && to == DeliverableAccepted))
}

// SetDeliverableStatus moves deliverable did of request id to status to. Delivering needs its
// file (given now, or earlier); the date of delivery is today, and it is on time when not
// after the due date.
func (s *Service) SetDeliverableStatus(ctx context.Context, u *officials.Official, id, did int64, to string, file *File) (*Deliverable, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(DeliverableStatuses, to) {
		return nil, problem.Fields{"status": "field.choose"}.Err()
	}
	var cf *checked
	if file != nil && (len(file.Data) > 0 || file.Name != "") {
		c, err := checkOne(file, "deliverable_file")
		if err != nil {
			return nil, err
		}
		cf = &c
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.requireStep(ctx, tx, u, id, workStates...); err != nil {
			return err
		}
		var from, title string
		var fileID sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT status, title, file_id FROM advisory_deliverables WHERE id = ? AND request_id = ?", did, id).
			Scan(&from, &title, &fileID)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.NotFound
		}
		if err != nil {
			return fmt.Errorf("advisory: deliverable %d: %w", did, err)
		}
		if _, ok := deliverableMoves[[2]string{from, to}]; !ok {
			return ErrDeliverableMove
		}
		if !CanMoveDeliverable(u, r.Country, from, to) {
			return problem.Forbidden
		}
		now := store.Now()
		if cf != nil {
			if !u.IsStaff() {
				return problem.Forbidden
			}
			fid, err := insertFile(ctx, tx, id, u.ID, "deliverable", *cf, now)
			if err != nil {
				return err
			}
			fileID = sql.NullInt64{Int64: fid, Valid: true}
		}
		if to == DeliverableDelivered && !fileID.Valid {
			return problem.Fields{"deliverable_file": "advisory.field.deliverable_file.required"}.Err()
		}
		q := "UPDATE advisory_deliverables SET status = ?, file_id = ?, updated_at = ?"
		args := []any{to, fileID, now}
		switch to {
		case DeliverableDelivered:
			q += ", delivered_on = ?"
			args = append(args, s.today())
		case DeliverablePlanned, DeliverableInProgress:
			q += ", delivered_on = NULL"
		}
		if _, err := tx.ExecContext(ctx, q+" WHERE id = ? AND status = ?", append(args, did, from)...); err != nil {
			return fmt.Errorf("advisory: deliverable %d to %s: %w", did, to, err)
		}
		if err := event(ctx, tx, u, id, EventDeliverableStatus, to+" · "+title, did, false); err != nil {
			return err
		}
		// The other side is told of what it must act on: the country of a delivery to accept,
		// staff of the country's acceptance or of a deliverable sent back.
		switch {
		case to == DeliverableDelivered:
			return s.notifyStep(ctx, tx, r, u, "advisory.mail.deliverable_delivered", title)
		case !u.IsStaff() && to == DeliverableAccepted:
			return s.notifyStep(ctx, tx, r, u, "advisory.mail.deliverable_accepted", title)
		case !u.IsStaff() && from == DeliverableDelivered:
			return s.notifyStep(ctx, tx, r, u, "advisory.mail.deliverable_returned", title)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.deliverable(ctx, u, id, did)
}

func (s *Service) deliverable(ctx context.Context, u *officials.Official, id, did int64) (*Deliverable, error) {
	ds, err := s.Deliverables(ctx, u, id)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].ID == did {
			return &ds[i], nil
		}
	}
	return nil, problem.NotFound
}

// Deliverables lists request id's deliverables by due date.
func (s *Service) Deliverables(ctx context.Context, u *officials.Official, id int64) ([]Deliverable, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	people := s.people(ctx)
	today := s.today()
	rows, err := s.db.R.QueryContext(ctx, `SELECT d.id, d.title, d.due_date, d.status, d.file_id, coalesce(f.filename, ''), coalesce(f.kind, ''),
		coalesce(f.size, 0), coalesce(d.delivered_on, ''), d.created_by, d.created_at
		FROM advisory_deliverables d LEFT JOIN advisory_files f ON f.id = d.file_id WHERE d.request_id = ? ORDER BY d.due_date, d.id`, id)
	out, err := store.Collect(rows, err, func(row store.Scanner) (Deliverable, error) {
		var d Deliverable
		var fid sql.NullInt64
		var fr FileRef
		var at string
		if err := row.Scan(&d.ID, &d.Title, &d.DueDate, &d.Status, &fid, &fr.Filename, &fr.Kind, &fr.Size, &d.DeliveredOn, &d.By.ID, &at); err != nil {
			return d, err
		}
		if fid.Valid {
			fr.ID = fid.Int64
			d.File = &fr
		}
		if d.DeliveredOn != "" {
			ok := d.DeliveredOn <= d.DueDate
			d.OnTime = &ok
		} else {
			d.Overdue = d.DueDate < today
		}
		d.CreatedAt, d.By = parseTime(at), people(d.By.ID)
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: deliverables of %d: %w", id, err)
	}
	return out, nil
}

// ClosingReport is the report that closes a request's work: a summary and a document.
type ClosingReport struct {
	Summary string    `json:"summary"`
	File    FileRef   `json:"file"`
	By      Person    `json:"by"`
	FiledAt time.Time `json:"filed_at"`
}

// FileClosingReport files request id's closing report (staff): a summary and a document,
// while the work is under way or after completion (filing again replaces it).
func (s *Service) FileClosingReport(ctx context.Context, u *officials.Official, id int64, summary string, file *File) (*ClosingReport, error) {
	summary, cf, err := s.checkStaffDocument(ctx, u, id, summary, file, "closing", true)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.requireStep(ctx, tx, u, id, StatusInProgress, StatusCompleted)
		if err != nil {
			return err
		}
		now := store.Now()
		fid, err := insertFile(ctx, tx, id, u.ID, "closing", cf, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_closing_reports(request_id, summary, file_id, filed_by, filed_at) VALUES(?, ?, ?, ?, ?)
			ON CONFLICT(request_id) DO UPDATE SET summary = excluded.summary, file_id = excluded.file_id, filed_by = excluded.filed_by,
			filed_at = excluded.filed_at`, id, summary, fid, u.ID, now); err != nil {
			return fmt.Errorf("advisory: closing report of %d: %w", id, err)
		}
		if err := event(ctx, tx, u, id, EventClosingReport, cf.name, fid, false); err != nil {
			return err
		}
		return s.notifyStep(ctx, tx, r, u, "advisory.mail.closing", cf.name)
	})
	if err != nil {
		return nil, err
	}
	return s.ClosingReportOf(ctx, u, id)
}

// ClosingReportOf returns request id's closing report, or nil when none is filed.
func (s *Service) ClosingReportOf(ctx context.Context, u *officials.Official, id int64) (*ClosingReport, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	var c ClosingReport
	var at string
	err := s.db.R.QueryRowContext(ctx, `SELECT c.summary, c.file_id, f.filename, f.kind, f.size, c.filed_by, c.filed_at
		FROM advisory_closing_reports c JOIN advisory_files f ON f.id = c.file_id WHERE c.request_id = ?`, id).
		Scan(&c.Summary, &c.File.ID, &c.File.Filename, &c.File.Kind, &c.File.Size, &c.By.ID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: closing report of %d: %w", id, err)
	}
	c.FiledAt, c.By = parseTime(at), s.people(ctx)(c.By.ID)
	return &c, nil
}

// notifyStep tells the requester and the country's focal points (but not u, who took the
// step) of a step of request r — and, when the country took it, the request's owner and team
// (or the intake) too — (mail advisory_step, which they may turn off with the other
// advisory notifications): the title and body are the
// catalogue's key+".title" and key+".body", given the request's number, what (a version, a
// city, a file name) and more placeholders in pairs.
func (s *Service) notifyStep(ctx context.Context, tx *sql.Tx, r *Request, u *officials.Official, key, what string, more ...string) error {
	to, err := s.recipients(ctx, r, u, false)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		staff, err := s.staffOf(ctx, r, u)
		if err != nil {
			return err
		}
		to = append(to, staff...)
	}
	for _, o := range to {
		l := o.Language
		args := []any{"id", strconv.FormatInt(r.ID, 10), "what", what}
		for i := 0; i+1 < len(more); i += 2 {
			v := more[i+1]
			if t, err := time.Parse(DateLayout, v); err == nil {
				v = i18n.FormatDate(l, t)
			}
			args = append(args, more[i], v)
		}
		data := map[string]any{"Title": s.cat.T(l, key+".title", args...), "Body": s.cat.T(l, key+".body", args...),
			"Link": s.baseURL + "/" + l + "/advisory/" + strconv.FormatInt(r.ID, 10) + "#timeline"}
		if _, err := s.mailer.Enqueue(ctx, tx, mail.Message{To: o.Email, Name: o.DisplayName(l), Lang: l, Template: "advisory_step", Data: data}); err != nil {
			return fmt.Errorf("advisory: notify %s of request %d: %w", o.Email, r.ID, err)
		}
	}
	return nil
}
