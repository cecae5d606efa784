package advisory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// A country's self-assessment is entered by its focal points or, on its behalf, by staff
// (from a mission's notes, a letter); either may correct one already saved. A correction
// keeps its history: who, when, and the assessment before and after.

// AssessmentSnapshot is a self-assessment as it stood: its date, note and grid.
type AssessmentSnapshot struct {
	AssessedOn string                    `json:"assessed_on"`
	Note       string                    `json:"note"`
	Levels     map[string]map[string]int `json:"levels"`
}

func snapshotOf(a *Assessment) AssessmentSnapshot {
	return AssessmentSnapshot{AssessedOn: a.AssessedOn, Note: a.Note, Levels: a.LevelsByCode()}
}

// CellChange is one cell of the grid that a correction changed.
type CellChange struct {
	Phase     int    `json:"phase"`
	Objective string `json:"objective"`
	From      int    `json:"from"`
	To        int    `json:"to"`
}

// AssessmentChange is one correction of a self-assessment.
type AssessmentChange struct {
	ID           int64              `json:"id"`
	AssessmentID int64              `json:"assessment_id"`
	By           Person             `json:"by"`
	At           time.Time          `json:"at"`
	Before       AssessmentSnapshot `json:"before"`
	After        AssessmentSnapshot `json:"after"`
}

// Cells lists the cells the correction changed, phase by phase.
func (ch AssessmentChange) Cells() []CellChange {
	var out []CellChange
	for p := 1; p <= 4; p++ {
		k := strconv.Itoa(p)
		for _, o := range Objectives {
			if a, b := ch.Before.Levels[k][o], ch.After.Levels[k][o]; a != b {
				out = append(out, CellChange{Phase: p, Objective: o, From: a, To: b})
			}
		}
	}
	return out
}

// checkAssessment validates a filled form and returns its grid.
func (s *Service) checkAssessment(in *AssessmentInput) (Grid, error) {
	if in.AssessedOn == "" {
		in.AssessedOn = s.today()
	}
	in.Note = cleanText(in.Note)
	f := problem.Fields{}
	g := in.grid(f)
	// A day of grace: the focal point's calendar may be ahead of UTC.
	tomorrow := dateOf(s.today()).AddDate(0, 0, 1).Format(DateLayout)
	switch {
	case !validDate(in.AssessedOn):
		f.Add("assessed_on", "advisory.field.date.invalid")
	case in.AssessedOn > tomorrow:
		f.Add("assessed_on", "advisory.field.date.future")
	}
	textProblem(f, "note", in.Note, MaxNote, false)
	return g, f.Err()
}

// CorrectAssessment changes self-assessment id of country (its date, note and grid) on
// behalf of u, a focal point of the country or staff, and records the correction.
func (s *Service) CorrectAssessment(ctx context.Context, u *officials.Official, country string, id int64, in AssessmentInput) (*Assessment, error) {
	if PartyOf(u, country) == PartyNone {
		return nil, problem.NotFound
	}
	g, err := s.checkAssessment(&in)
	if err != nil {
		return nil, err
	}
	before, err := s.assessment(ctx, u, country, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE country_assessments SET assessed_on = ?, note = ? WHERE id = ? AND country = ?", in.AssessedOn, in.Note, id, country)
		if err != nil {
			return fmt.Errorf("advisory: correct assessment %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.NotFound
		}
		for p := range 4 {
			for o, code := range Objectives {
				if _, err := tx.ExecContext(ctx, "UPDATE country_assessment_scores SET level = ? WHERE assessment_id = ? AND phase = ? AND objective = ?",
					g[p][o], id, p+1, code); err != nil {
					return fmt.Errorf("advisory: correct assessment %d: %w", id, err)
				}
			}
		}
		after := &Assessment{AssessedOn: in.AssessedOn, Note: in.Note, Levels: g}
		b, _ := json.Marshal(snapshotOf(before))
		a, _ := json.Marshal(snapshotOf(after))
		if _, err := tx.ExecContext(ctx, `INSERT INTO country_assessment_changes(assessment_id, changed_by, changed_at, before_json, after_json)
			VALUES(?, ?, ?, ?, ?)`, id, u.ID, store.Now(), string(b), string(a)); err != nil {
			return fmt.Errorf("advisory: record correction of assessment %d: %w", id, err)
		}
		return audit.Record(ctx, tx, actorOf(u), "country.assessment.correct", "country:"+country, "assessment", strconv.FormatInt(id, 10), strconv.FormatInt(id, 10))
	})
	if err != nil {
		return nil, err
	}
	return s.assessment(ctx, u, country, id)
}

// assessment returns self-assessment id of country.
func (s *Service) assessment(ctx context.Context, u *officials.Official, country string, id int64) (*Assessment, error) {
	as, err := s.Assessments(ctx, u, country)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, problem.NotFound
}

// AssessmentChanges lists the corrections of country's self-assessments, newest first.
func (s *Service) AssessmentChanges(ctx context.Context, u *officials.Official, country string) ([]AssessmentChange, error) {
	if PartyOf(u, country) == PartyNone {
		return nil, problem.NotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT ch.id, ch.assessment_id, ch.changed_by, ch.changed_at, ch.before_json, ch.after_json
		FROM country_assessment_changes ch JOIN country_assessments a ON a.id = ch.assessment_id
		WHERE a.country = ? ORDER BY ch.id DESC`, country)
	out, err := store.Collect(rows, err, func(row store.Scanner) (AssessmentChange, error) {
		var ch AssessmentChange
		var at, b, a string
		if err := row.Scan(&ch.ID, &ch.AssessmentID, &ch.By.ID, &at, &b, &a); err != nil {
			return ch, err
		}
		ch.At = parseTime(at)
		if err := errors.Join(json.Unmarshal([]byte(b), &ch.Before), json.Unmarshal([]byte(a), &ch.After)); err != nil {
			return ch, err
		}
		return ch, nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: corrections of %s: %w", country, err)
	}
	people := s.people(ctx)
	for i := range out {
		out[i].By = people(out[i].By.ID)
	}
	return out, nil
}
