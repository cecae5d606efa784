package advisory

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Objectives are the framework's six strategic objectives, which each phase works through
// (labels are in the catalogues as advisory.objective.CODE).
var Objectives = []string{"policy_strategy", "institutional", "legal_regulatory", "government_capacity",
	"technology_channels", "public_capacity"}

// Levels of the self-assessment scale, 0 (not started) to MaxLevel (lasting and improving);
// labels are in the catalogues as advisory.level.N.
const MaxLevel = 4

// Grid is a self-assessment's levels: Grid[phase-1][objective index] is 0…MaxLevel.
type Grid [4][6]int

// PhaseAverage is the mean level of a phase (1–4) over the six objectives.
func (g Grid) PhaseAverage(phase int) float64 {
	sum := 0
	for _, l := range g[phase-1] {
		sum += l
	}
	return float64(sum) / float64(len(Objectives))
}

// Level is one cell's level (phase 1–4, objective index 0–5), for templates.
func (g Grid) Level(phase, objective int) int { return g[phase-1][objective] }

// Assessment is a country's self-assessment on one date. Every one saved is kept, so that
// progress over time shows.
type Assessment struct {
	ID         int64     `json:"id"`
	Country    string    `json:"country"`
	AssessedOn string    `json:"assessed_on"` // YYYY-MM-DD
	Note       string    `json:"note"`
	Levels     Grid      `json:"-"`
	By         Person    `json:"by"`
	CreatedAt  time.Time `json:"created_at"`
}

// LevelsByCode is the grid keyed by phase ("1"…"4") and objective code, as the API shows it.
func (a *Assessment) LevelsByCode() map[string]map[string]int {
	out := map[string]map[string]int{}
	for p := range 4 {
		m := map[string]int{}
		for o, code := range Objectives {
			m[code] = a.Levels[p][o]
		}
		out[strconv.Itoa(p+1)] = m
	}
	return out
}

// AssessmentInput is a filled self-assessment form: a level for every phase and objective
// (Levels[phase][objective code]), the date it describes and an optional note.
type AssessmentInput struct {
	AssessedOn string                    `json:"assessed_on"` // YYYY-MM-DD; today when empty
	Note       string                    `json:"note"`
	Levels     map[string]map[string]int `json:"levels"` // "1"…"4" → objective → 0…4
}

// MaxNote is the length allowed for a self-assessment's note.
const MaxNote = 2000

// CellField is the form field name of one cell of the grid, e.g. "level_2_legal_regulatory".
func CellField(phase int, objective string) string {
	return "level_" + strconv.Itoa(phase) + "_" + objective
}

// grid checks the input and returns the grid; every cell is required.
func (in AssessmentInput) grid(f problem.Fields) Grid {
	var g Grid
	for p := 1; p <= 4; p++ {
		row := in.Levels[strconv.Itoa(p)]
		for o, code := range Objectives {
			v, ok := row[code]
			switch {
			case !ok:
				f.Add(CellField(p, code), "field.required")
			case v < 0 || v > MaxLevel:
				f.Add(CellField(p, code), "field.choose")
			default:
				g[p-1][o] = v
			}
		}
	}
	return g
}

// SaveAssessment records a new self-assessment of country by u: one of its focal points (the
// country assesses itself) or staff on its behalf (the assessment shows who entered it).
// Earlier assessments stay as history.
func (s *Service) SaveAssessment(ctx context.Context, u *officials.Official, country string, in AssessmentInput) (*Assessment, error) {
	if PartyOf(u, country) == PartyNone {
		return nil, problem.NotFound
	}
	g, err := s.checkAssessment(&in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO country_assessments(country, assessed_on, note, created_by, created_at)
			VALUES(?, ?, ?, ?, ?) RETURNING id`, country, in.AssessedOn, in.Note, u.ID, store.Now()).Scan(&id)
		if err != nil {
			return fmt.Errorf("advisory: save assessment of %s: %w", country, err)
		}
		for p := range 4 {
			for o, code := range Objectives {
				if _, err := tx.ExecContext(ctx, "INSERT INTO country_assessment_scores(assessment_id, phase, objective, level) VALUES(?, ?, ?, ?)",
					id, p+1, code, g[p][o]); err != nil {
					return fmt.Errorf("advisory: save assessment of %s: %w", country, err)
				}
			}
		}
		return audit.Record(ctx, tx, actorOf(u), "country.assessment", "country:"+country, "assessment", "", strconv.FormatInt(id, 10))
	})
	if err != nil {
		return nil, err
	}
	as, err := s.Assessments(ctx, u, country)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, fmt.Errorf("advisory: assessment %d vanished", id)
}

// Assessments lists country's self-assessments, newest first, for staff and the country's
// focal points.
func (s *Service) Assessments(ctx context.Context, u *officials.Official, country string) ([]*Assessment, error) {
	if PartyOf(u, country) == PartyNone {
		return nil, problem.NotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, country, assessed_on, note, created_by, created_at
		FROM country_assessments WHERE country = ? ORDER BY assessed_on DESC, id DESC`, country)
	out, err := store.Collect(rows, err, func(row store.Scanner) (*Assessment, error) {
		a := &Assessment{}
		var at string
		err := row.Scan(&a.ID, &a.Country, &a.AssessedOn, &a.Note, &a.By.ID, &at)
		a.CreatedAt = parseTime(at)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: assessments of %s: %w", country, err)
	}
	if len(out) == 0 {
		return out, nil
	}
	byID := make(map[int64]*Assessment, len(out))
	for _, a := range out {
		byID[a.ID] = a
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT s.assessment_id, s.phase, s.objective, s.level FROM country_assessment_scores s
		JOIN country_assessments a ON a.id = s.assessment_id WHERE a.country = ?`, country)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var phase, level int
		var obj string
		if err := row.Scan(&id, &phase, &obj, &level); err != nil {
			return err
		}
		if a := byID[id]; a != nil && phase >= 1 && phase <= 4 {
			for o, code := range Objectives {
				if code == obj {
					a.Levels[phase-1][o] = level
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: assessment scores of %s: %w", country, err)
	}
	people := s.people(ctx)
	for _, a := range out {
		a.By = people(a.By.ID)
	}
	return out, nil
}

// MarshalJSON writes the assessment with its grid keyed by phase and objective code and the
// mean level of each phase.
func (a *Assessment) MarshalJSON() ([]byte, error) {
	type plain Assessment
	avg := map[string]float64{}
	for p := 1; p <= 4; p++ {
		avg[strconv.Itoa(p)] = math.Round(a.Levels.PhaseAverage(p)*100) / 100
	}
	return json.Marshal(struct {
		*plain
		Levels        map[string]map[string]int `json:"levels"`
		PhaseAverages map[string]float64        `json:"phase_averages"`
	}{(*plain)(a), a.LevelsByCode(), avg})
}
