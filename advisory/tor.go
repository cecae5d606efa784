package advisory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// The states of a version of the terms of reference.
const (
	TorProposed         = "proposed"          // waits for the country's answer
	TorAgreed           = "agreed"            // the country agreed to it in the platform
	TorChangesRequested = "changes_requested" // the country asked for changes, with a comment
	TorSuperseded       = "superseded"        // a newer version replaced it before an answer
)

// TorVersion is one version of a request's terms of reference.
type TorVersion struct {
	ID        int64      `json:"id"`
	Version   int        `json:"version"`
	Summary   string     `json:"summary"`
	File      FileRef    `json:"file"`
	Status    string     `json:"status"`
	By        Person     `json:"by"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedBy *Person    `json:"decided_by"`
	DecidedAt *time.Time `json:"decided_at"`
	Comment   string     `json:"comment"` // the country's comment when asking for changes
}

// torStates are the request's states in which staff propose terms of reference: after the
// assessment accepted the request, and while the work is planned or under way (an amendment).
var torStates = []string{StatusAccepted, StatusPlanned, StatusInProgress}

// checkStaffDocument checks a document staff file on request id with a summary (terms of
// reference, a closing report) before anything is written: u may see the request and is
// staff, the summary (field prefix+"_summary", required or not) fits, the file (field
// prefix+"_file") is one the platform takes. It returns the cleaned summary and the file.
func (s *Service) checkStaffDocument(ctx context.Context, u *officials.Official, id int64, summary string, file *File,
	prefix string, summaryRequired bool) (string, checked, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return "", checked{}, err
	}
	if !u.IsStaff() {
		return "", checked{}, problem.Forbidden
	}
	summary = cleanText(summary)
	f := problem.Fields{}
	textProblem(f, prefix+"_summary", summary, MaxSummary, summaryRequired)
	if err := f.Err(); err != nil {
		return "", checked{}, err
	}
	cf, err := checkOne(file, prefix+"_file")
	return summary, cf, err
}

// ProposeTor adds a new version of request id's terms of reference (staff), a document with a
// short summary; an earlier version still waiting for an answer is superseded. The country's
// focal points are told that a version awaits their agreement.
func (s *Service) ProposeTor(ctx context.Context, u *officials.Official, id int64, summary string, file *File) (*TorVersion, error) {
	summary, cf, err := s.checkStaffDocument(ctx, u, id, summary, file, "tor", false)
	if err != nil {
		return nil, err
	}
	var vid int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.requireStep(ctx, tx, u, id, torStates...)
		if err != nil {
			return err
		}
		now := store.Now()
		fid, err := insertFile(ctx, tx, id, u.ID, "tor", cf, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE advisory_tor_versions SET status = 'superseded' WHERE request_id = ? AND status = 'proposed'", id); err != nil {
			return fmt.Errorf("advisory: supersede terms of reference of %d: %w", id, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) + 1 FROM advisory_tor_versions WHERE request_id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("advisory: terms of reference of %d: %w", id, err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO advisory_tor_versions(request_id, version, summary, file_id, created_by, created_at)
			VALUES(?, ?, ?, ?, ?, ?) RETURNING id`, id, n, summary, fid, u.ID, now).Scan(&vid); err != nil {
			return fmt.Errorf("advisory: terms of reference of %d: %w", id, err)
		}
		if err := event(ctx, tx, u, id, EventTorProposed, strconv.Itoa(n), vid, false); err != nil {
			return err
		}
		return s.notifyStep(ctx, tx, r, u, "advisory.mail.tor_proposed", strconv.Itoa(n))
	})
	if err != nil {
		return nil, err
	}
	return s.torVersion(ctx, id, vid)
}

// DecideTor records the country's answer to version vid of request id's terms of reference:
// agree, or ask for changes with a comment (required). Only a focal point of the request's
// country answers, and only the version waiting for an answer.
func (s *Service) DecideTor(ctx context.Context, u *officials.Official, id, vid int64, agree bool, comment string) (*TorVersion, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if PartyOf(u, r.Country) != PartyCountry {
		return nil, problem.Forbidden
	}
	comment = cleanText(comment)
	f := problem.Fields{}
	textProblem(f, "tor_comment", comment, MaxComment, !agree)
	if err := f.Err(); err != nil {
		return nil, err
	}
	to, kind := TorAgreed, EventTorAgreed
	if !agree {
		to, kind = TorChangesRequested, EventTorChanges
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.requireStep(ctx, tx, u, id, torStates...)
		if err != nil {
			return err
		}
		var n int
		err = tx.QueryRowContext(ctx, "SELECT version FROM advisory_tor_versions WHERE id = ? AND request_id = ?", vid, id).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.NotFound
		}
		if err != nil {
			return fmt.Errorf("advisory: terms of reference %d: %w", vid, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE advisory_tor_versions SET status = ?, decided_by = ?, decided_at = ?, comment = ?
			WHERE id = ? AND request_id = ? AND status = 'proposed'`, to, u.ID, store.Now(), comment, vid, id)
		if err != nil {
			return fmt.Errorf("advisory: answer terms of reference %d: %w", vid, err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return ErrTorNotPending
		}
		detail := strconv.Itoa(n)
		if err := event(ctx, tx, u, id, kind, detail, vid, false); err != nil {
			return err
		}
		if agree {
			return s.notifyStep(ctx, tx, r, u, "advisory.mail.tor_agreed", detail)
		}
		return s.notifyStep(ctx, tx, r, u, "advisory.mail.tor_changes", detail)
	})
	if err != nil {
		return nil, err
	}
	return s.torVersion(ctx, id, vid)
}

const torCols = `t.id, t.version, t.summary, t.file_id, f.filename, f.kind, f.size, t.status, t.created_by, t.created_at,
	t.decided_by, t.decided_at, t.comment`

func (s *Service) scanTor(people func(int64) Person) func(row store.Scanner) (TorVersion, error) {
	return func(row store.Scanner) (TorVersion, error) {
		var v TorVersion
		var at string
		var by sql.NullInt64
		var decided sql.NullString
		err := row.Scan(&v.ID, &v.Version, &v.Summary, &v.File.ID, &v.File.Filename, &v.File.Kind, &v.File.Size, &v.Status,
			&v.By.ID, &at, &by, &decided, &v.Comment)
		if err != nil {
			return v, err
		}
		v.CreatedAt = parseTime(at)
		v.By = people(v.By.ID)
		if by.Valid {
			p := people(by.Int64)
			v.DecidedBy = &p
		}
		if decided.Valid {
			t := parseTime(decided.String)
			v.DecidedAt = &t
		}
		return v, nil
	}
}

func (s *Service) torVersion(ctx context.Context, id, vid int64) (*TorVersion, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+torCols+` FROM advisory_tor_versions t JOIN advisory_files f ON f.id = t.file_id
		WHERE t.id = ? AND t.request_id = ?`, vid, id)
	vs, err := store.Collect(rows, err, s.scanTor(s.people(ctx)))
	if err != nil {
		return nil, fmt.Errorf("advisory: terms of reference %d: %w", vid, err)
	}
	if len(vs) == 0 {
		return nil, problem.NotFound
	}
	return &vs[0], nil
}

// TorVersions lists request id's terms of reference, newest version first.
func (s *Service) TorVersions(ctx context.Context, u *officials.Official, id int64) ([]TorVersion, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+torCols+` FROM advisory_tor_versions t JOIN advisory_files f ON f.id = t.file_id
		WHERE t.request_id = ? ORDER BY t.version DESC`, id)
	out, err := store.Collect(rows, err, s.scanTor(s.people(ctx)))
	if err != nil {
		return nil, fmt.Errorf("advisory: terms of reference of %d: %w", id, err)
	}
	return out, nil
}
