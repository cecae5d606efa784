package advisory

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// SDGTargets are the targets of the Sustainable Development Goals that the programme's
// advisory work serves (labels are in the catalogues as advisory.sdg.CODE): 16.5 (corruption
// and bribery), 16.6 (effective, accountable and transparent institutions), 16.7 (responsive,
// inclusive, participatory decision-making), 16.10 (public access to information) and 17.17
// (public, public-private and civil-society partnerships).
var SDGTargets = []string{"16.5", "16.6", "16.7", "16.10", "17.17"}

// Tags is how staff classify a request beyond the phases the country chose: the SDG targets
// it serves and the framework's strategic objectives it works on.
type Tags struct {
	SDGTargets []string `json:"sdg_targets"`
	Objectives []string `json:"objectives"`
}

// loadMarks fills the SDG targets and objectives of the requests.
func loadMarks(ctx context.Context, q store.Queryer, rs []*Request) error {
	if len(rs) == 0 {
		return nil
	}
	byID, in, args := requestSet(rs)
	for _, r := range rs {
		r.SDGTargets, r.Objectives = []string{}, []string{}
	}
	rows, err := q.QueryContext(ctx, `SELECT request_id, kind, code FROM advisory_request_marks
		WHERE request_id IN `+in, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var kind, code string
		if err := row.Scan(&id, &kind, &code); err != nil {
			return err
		}
		if kind == "sdg" {
			byID[id].SDGTargets = append(byID[id].SDGTargets, code)
		} else {
			byID[id].Objectives = append(byID[id].Objectives, code)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("advisory: load marks: %w", err)
	}
	for _, r := range rs {
		r.SDGTargets = ordered(r.SDGTargets, SDGTargets)
		r.Objectives = ordered(r.Objectives, Objectives)
	}
	return nil
}

// SetTags replaces request id's SDG targets and strategic objectives (staff), codes from
// SDGTargets and Objectives. A change is a step of the timeline.
func (s *Service) SetTags(ctx context.Context, u *officials.Official, id int64, t Tags) (*Request, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	t.SDGTargets, t.Objectives = dedupe(t.SDGTargets), dedupe(t.Objectives)
	f := problem.Fields{}
	for _, c := range t.SDGTargets {
		if !slices.Contains(SDGTargets, c) {
			f.Add("sdg_targets", "field.choose")
		}
	}
	for _, c := range t.Objectives {
		if !slices.Contains(Objectives, c) {
			f.Add("objectives", "field.choose")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	t.SDGTargets, t.Objectives = ordered(t.SDGTargets, SDGTargets), ordered(t.Objectives, Objectives)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if slices.Equal(old.SDGTargets, t.SDGTargets) && slices.Equal(old.Objectives, t.Objectives) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM advisory_request_marks WHERE request_id = ?", id); err != nil {
			return fmt.Errorf("advisory: tags of %d: %w", id, err)
		}
		for kind, codes := range map[string][]string{"sdg": t.SDGTargets, "objective": t.Objectives} {
			for _, c := range codes {
				if _, err := tx.ExecContext(ctx, "INSERT INTO advisory_request_marks(request_id, kind, code) VALUES(?, ?, ?)", id, kind, c); err != nil {
					return fmt.Errorf("advisory: tag %d %s %s: %w", id, kind, c, err)
				}
			}
		}
		return event(ctx, tx, u, id, EventTags, strings.Join(append(slices.Clone(t.SDGTargets), t.Objectives...), ", "), 0, false)
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.db.R, id)
}

// Outcome is what the advisory work achieved for one group of requests (one SDG target, one
// strategic objective, one cell of the phase × objective grid, or all): how many requests,
// how many completed, the country's ratings on completion and at the follow-up, and whether
// the deliverables came by their due date.
type Outcome struct {
	Code                string   `json:"code"`
	Requests            int      `json:"requests"`
	Completed           int      `json:"completed"`
	Rated               int      `json:"rated"`
	RatingAverage       *float64 `json:"rating_average"` // 1–5, nil when none rated
	FollowUps           int      `json:"follow_ups"`     // follow-up surveys answered
	FollowUpAverage     *float64 `json:"follow_up_rating_average"`
	DeliverablesDue     int      `json:"deliverables_due"` // delivered, or past their due date
	DeliverablesOnTime  int      `json:"deliverables_on_time"`
	DeliverablesLate    int      `json:"deliverables_late"` // delivered late, or overdue
	OnTimeRate          *float64 `json:"on_time_rate"`      // on time ÷ due, 0–1
	ratingSum, followUp int
}

// Outcomes are the advisory figures by SDG target, by strategic objective and by phase ×
// objective, with the total.
type Outcomes struct {
	Country     string    `json:"country"` // "" for all
	Total       Outcome   `json:"total"`
	BySDG       []Outcome `json:"by_sdg_target"`
	ByObjective []Outcome `json:"by_objective"`
	ByPhase     []Outcome `json:"by_phase"`
	Grid        [4][6]int `json:"phase_objective_requests"` // requests tagged with phase p+1 and objective o
}

// outcomeFact is one request as the outcomes count it.
type outcomeFact struct {
	phases, sdgs, objectives []string
	completed                bool
	rating, followUp         int // 0 when none
	onTime, late             int
}

// Outcomes computes the advisory figures of country ("" for all countries: staff only). A
// focal point sees their own country's only.
func (s *Service) Outcomes(ctx context.Context, u *officials.Official, country string) (*Outcomes, error) {
	country = strings.ToUpper(strings.TrimSpace(country))
	switch {
	case u.IsStaff():
	case country != "" && PartyOf(u, country) == PartyCountry:
	case country == "" && u.IsFocalPoint() && u.Country != "":
		country = u.Country
	default:
		return nil, problem.NotFound
	}
	today := s.today()
	where, args := "", []any{today}
	if country != "" {
		where, args = " WHERE r.country = ?", append(args, country)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.id, r.status, coalesce(r.rating, 0), coalesce(f.rating, 0),
		(SELECT count(*) FROM advisory_deliverables d WHERE d.request_id = r.id AND d.delivered_on IS NOT NULL AND d.delivered_on <= d.due_date),
		(SELECT count(*) FROM advisory_deliverables d WHERE d.request_id = r.id AND ((d.delivered_on IS NOT NULL AND d.delivered_on > d.due_date)
			OR (d.delivered_on IS NULL AND d.due_date < ?))),
		(SELECT `+commaList(s.db.Dialect(), "kind || ':' || code")+` FROM advisory_request_marks m WHERE m.request_id = r.id),
		(SELECT `+commaList(s.db.Dialect(), "code")+` FROM advisory_request_tags t WHERE t.request_id = r.id AND t.kind = 'phase')
		FROM advisory_requests r LEFT JOIN advisory_followups f ON f.request_id = r.id AND f.answered_at IS NOT NULL`+where+" ORDER BY r.id", args...)
	facts, err := store.Collect(rows, err, func(row store.Scanner) (outcomeFact, error) {
		var o outcomeFact
		var id int64
		var status string
		var marks, phases sql.NullString
		if err := row.Scan(&id, &status, &o.rating, &o.followUp, &o.onTime, &o.late, &marks, &phases); err != nil {
			return o, err
		}
		o.completed = status == StatusCompleted
		if marks.Valid {
			for _, m := range strings.Split(marks.String, ",") {
				kind, code, _ := strings.Cut(m, ":")
				if kind == "sdg" {
					o.sdgs = append(o.sdgs, code)
				} else {
					o.objectives = append(o.objectives, code)
				}
			}
		}
		if phases.Valid {
			o.phases = strings.Split(phases.String, ",")
		}
		return o, nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: outcomes: %w", err)
	}
	out := &Outcomes{Country: country, Total: Outcome{Code: "all"}}
	sdg := make([]Outcome, len(SDGTargets))
	for i, c := range SDGTargets {
		sdg[i].Code = c
	}
	obj := make([]Outcome, len(Objectives))
	for i, c := range Objectives {
		obj[i].Code = c
	}
	ph := make([]Outcome, len(Phases))
	for i := range Phases {
		ph[i].Code = fmt.Sprint(i + 1)
	}
	for _, f := range facts {
		f.add(&out.Total)
		for _, c := range f.sdgs {
			if i := slices.Index(SDGTargets, c); i >= 0 {
				f.add(&sdg[i])
			}
		}
		for _, c := range f.objectives {
			if i := slices.Index(Objectives, c); i >= 0 {
				f.add(&obj[i])
				for _, p := range f.phases {
					if j := slices.Index([]string{"1", "2", "3", "4"}, p); j >= 0 {
						out.Grid[j][i]++
					}
				}
			}
		}
		for _, p := range f.phases {
			if j := slices.Index([]string{"1", "2", "3", "4"}, p); j >= 0 {
				f.add(&ph[j])
			}
		}
	}
	for _, list := range [][]Outcome{sdg, obj, ph} {
		for i := range list {
			list[i].finish()
		}
	}
	out.Total.finish()
	out.BySDG, out.ByObjective, out.ByPhase = sdg, obj, ph
	return out, nil
}

func (f outcomeFact) add(o *Outcome) {
	o.Requests++
	if f.completed {
		o.Completed++
	}
	if f.rating > 0 {
		o.Rated++
		o.ratingSum += f.rating
	}
	if f.followUp > 0 {
		o.FollowUps++
		o.followUp += f.followUp
	}
	o.DeliverablesOnTime += f.onTime
	o.DeliverablesLate += f.late
	o.DeliverablesDue += f.onTime + f.late
}

func (o *Outcome) finish() {
	o.RatingAverage, o.FollowUpAverage, o.OnTimeRate = nil, nil, nil
	if o.Rated > 0 {
		x := float64(o.ratingSum) / float64(o.Rated)
		o.RatingAverage = &x
	}
	if o.FollowUps > 0 {
		x := float64(o.followUp) / float64(o.FollowUps)
		o.FollowUpAverage = &x
	}
	if o.DeliverablesDue > 0 {
		x := float64(o.DeliverablesOnTime) / float64(o.DeliverablesDue)
		o.OnTimeRate = &x
	}
}
