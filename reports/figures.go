package reports

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// Genders are the gender groups of the figures, in order; an account with no gender
// recorded (or erased with the account) counts as unspecified.
var Genders = []string{"female", "male", "unspecified"}

// NoSector is the group key of accounts whose sector is not recorded; NoCountry the key of
// accounts (programme staff) and sessions (online workshops) with no member state.
const (
	NoSector  = ""
	NoCountry = ""
)

// GenderCounts counts people by gender.
type GenderCounts struct {
	Female      int `json:"female"`
	Male        int `json:"male"`
	Unspecified int `json:"unspecified"`
}

func (g *GenderCounts) add(gender string) {
	switch gender {
	case "female":
		g.Female++
	case "male":
		g.Male++
	default:
		g.Unspecified++
	}
}

// Of is the count of one gender group.
func (g GenderCounts) Of(gender string) int {
	switch gender {
	case "female":
		return g.Female
	case "male":
		return g.Male
	}
	return g.Unspecified
}

// Total is everyone counted.
func (g GenderCounts) Total() int { return g.Female + g.Male + g.Unspecified }

// Group is a count of people in one group (a member state or a sector), split by gender.
type Group struct {
	Key    string       `json:"key"`
	Total  int          `json:"total"`
	Gender GenderCounts `json:"gender"`
}

// OfficialsFigures counts the officials registered: accounts of public officials and focal
// points (not programme staff, trainers or erased accounts) created in the period.
type OfficialsFigures struct {
	Registered int          `json:"registered"`
	Gender     GenderCounts `json:"gender"`
	ByCountry  []Group      `json:"by_country"`
	BySector   []Group      `json:"by_sector"`
}

// LearningRow counts course enrolments made in the period and what became of them.
type LearningRow struct {
	Key            string   `json:"key"` // course slug, member state, gender or sector
	Enrolments     int      `json:"enrolments"`
	Completions    int      `json:"completions"`     // of those enrolments, completed to date
	CompletionRate *float64 `json:"completion_rate"` // completions over enrolments; null without enrolments
	QuizTakers     int      `json:"quiz_takers"`     // enrolments with at least one quiz attempt
	QuizPassed     int      `json:"quiz_passed"`     // of those, with at least one attempt passed
	PassRate       *float64 `json:"pass_rate"`       // quiz_passed over quiz_takers
}

// CoursesFigures are the enrolments of the period by course, member state, gender and sector.
type CoursesFigures struct {
	Total     LearningRow   `json:"total"`
	ByCourse  []LearningRow `json:"by_course"`
	ByCountry []LearningRow `json:"by_country"`
	ByGender  []LearningRow `json:"by_gender"`
	BySector  []LearningRow `json:"by_sector"`
}

// HostRow counts the workshops a country hosted, by kind.
type HostRow struct {
	Country string         `json:"country"` // "" for online sessions
	Kinds   map[string]int `json:"kinds"`
	Total   int            `json:"total"`
}

// AttendanceRow counts confirmed participants of the workshops held and their attendance.
type AttendanceRow struct {
	Key            string   `json:"key"`
	Participants   int      `json:"participants"`    // confirmed registrations
	Attended       int      `json:"attended"`        // of them, checked in at least one day
	AttendanceRate *float64 `json:"attendance_rate"` // mean share of the workshop's days attended
}

// WorkshopRow is one workshop held, with its participants (of the filter's country, if any).
type WorkshopRow struct {
	ID          int64             `json:"id"`
	Title       map[string]string `json:"title"`
	Kind        string            `json:"kind"`
	Phases      []int             `json:"phases"`
	HostCountry string            `json:"host_country"`
	StartDate   string            `json:"start_date"`
	EndDate     string            `json:"end_date"`
	AttendanceRow
}

// WorkshopsFigures count the workshops held in the period (see Held: over, with at least one
// confirmed participant) by kind and host country, and their participants by member state, gender and sector.
type WorkshopsFigures struct {
	Held         int             `json:"held"`
	ByKind       map[string]int  `json:"by_kind"`
	ByHost       []HostRow       `json:"by_host"`
	Participants AttendanceRow   `json:"participants"`
	ByCountry    []AttendanceRow `json:"by_country"`
	ByGender     []AttendanceRow `json:"by_gender"`
	BySector     []AttendanceRow `json:"by_sector"`
	Workshops    []WorkshopRow   `json:"workshops"`
}

// CertificateRow counts certificates issued in the period (first issues; a reissue that
// corrects a name is not counted again) by kind, and those revoked in the period.
type CertificateRow struct {
	Key      string `json:"key"`
	Course   int    `json:"course"`
	Workshop int    `json:"workshop"`
	Issued   int    `json:"issued"`
	Revoked  int    `json:"revoked"`
}

// CertificatesFigures are the certificates of the period by the holder's member state,
// gender and sector.
type CertificatesFigures struct {
	Total     CertificateRow   `json:"total"`
	ByCountry []CertificateRow `json:"by_country"`
	ByGender  []CertificateRow `json:"by_gender"`
	BySector  []CertificateRow `json:"by_sector"`
}

// StateRow counts the requests submitted in the period that are now in a state, by phase
// (a request concerning two phases counts in both; Total counts it once).
type StateRow struct {
	Status  string `json:"status"`
	ByPhase [4]int `json:"by_phase"`
	Total   int    `json:"total"`
}

// RequestRow counts requests submitted in the period, those accepted (at any time since),
// and the median number of days from submission to acceptance.
type RequestRow struct {
	Key                    string   `json:"key"` // phase (1–4) or member state
	Requests               int      `json:"requests"`
	Accepted               int      `json:"accepted"`
	MedianDaysToAcceptance *float64 `json:"median_days_to_acceptance"`
}

// AdvisoryFigures are the advisory requests submitted in the period by state, phase and
// country. Requests are made by governments, not people: they are not split by gender.
type AdvisoryFigures struct {
	Total     RequestRow   `json:"total"`
	ByState   []StateRow   `json:"by_state"`
	ByPhase   []RequestRow `json:"by_phase"`
	ByCountry []RequestRow `json:"by_country"`
}

// Dashboard is every figure of one filter.
type Dashboard struct {
	Filter       Filter              `json:"filter"`
	Generated    time.Time           `json:"generated_at"`
	Officials    OfficialsFigures    `json:"officials"`
	Courses      CoursesFigures      `json:"courses"`
	Workshops    WorkshopsFigures    `json:"workshops"`
	Certificates CertificatesFigures `json:"certificates"`
	Advisory     AdvisoryFigures     `json:"advisory"`
}

// person is what a fact about the past recorded of its person when it happened: figures of
// the past never read the current profile, so that a profile change or an erased account
// does not rewrite them.
type person struct {
	country, gender, sector string
}

// Counted reports whether an account counts as an official registered: a public official
// or a focal point whose account is live.
func Counted(o officials.OfficialFact) bool {
	return !o.Deleted && (o.Role == officials.RoleOfficial || o.Role == officials.RoleFocalPoint)
}

// Held returns the workshops that count as held: completed, or published and over (their last
// day is before the facts' day), and held with participants: at least one confirmed
// registration. A workshop whose dates passed with nobody confirmed is not counted as held.
func Held(facts *Facts) map[int64]bool {
	attended := map[int64]bool{}
	for _, r := range facts.Registrations {
		if r.Status == workshops.RegConfirmed {
			attended[r.WorkshopID] = true
		}
	}
	held := map[int64]bool{}
	for _, w := range facts.Workshops {
		over := w.Status == workshops.StatusCompleted || (w.Status == workshops.StatusPublished && w.EndDate < facts.Today)
		if over && attended[w.ID] {
			held[w.ID] = true
		}
	}
	return held
}

// Compute works out every figure of filter f from the facts. It is a pure function: the
// tests check it against hand-computed fixtures.
func Compute(facts *Facts, f Filter) *Dashboard {
	d := &Dashboard{Filter: f, Generated: facts.At}
	d.Officials = officialsFigures(facts, f)
	d.Courses = coursesFigures(facts, f)
	d.Workshops = workshopsFigures(facts, f)
	d.Certificates = certificatesFigures(facts, f)
	d.Advisory = advisoryFigures(facts, f)
	return d
}

// countryKeys are the rows of a table by member state: the filter's country alone, or every
// member state with those that have figures (non-members, "" for none) after them.
func countryKeys(facts *Facts, f Filter, present map[string]bool) []string {
	if f.Country != "" {
		return []string{f.Country}
	}
	var keys []string
	seen := map[string]bool{}
	for _, c := range facts.Countries {
		if c.Member {
			keys = append(keys, c.ISO)
			seen[c.ISO] = true
		}
	}
	var extra []string
	for k := range present {
		if !seen[k] && k != NoCountry {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	keys = append(keys, extra...)
	if present[NoCountry] {
		keys = append(keys, NoCountry)
	}
	return keys
}

// sectorKeys are the sectors in their reference order, then "" when some account has none.
func sectorKeys(present map[string]bool) []string {
	keys := slices.Clone(officials.Sectors)
	var extra []string
	for k := range present {
		if k != NoSector && !slices.Contains(keys, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	keys = append(keys, extra...)
	if present[NoSector] {
		keys = append(keys, NoSector)
	}
	return keys
}

func genderKey(g string) string {
	if g == "female" || g == "male" {
		return g
	}
	return "unspecified"
}

// byCountFirst orders rows by a count, largest first; ties (and zeros) keep the given order,
// and "" stays last.
func byCountFirst[T any](rows []T, key func(T) string, n func(T) int) {
	sort.SliceStable(rows, func(i, j int) bool {
		ki, kj := key(rows[i]), key(rows[j])
		if (ki == "") != (kj == "") {
			return kj == ""
		}
		return n(rows[i]) > n(rows[j])
	})
}

func officialsFigures(facts *Facts, f Filter) OfficialsFigures {
	byCountry := map[string]*Group{}
	bySector := map[string]*Group{}
	presentC, presentS := map[string]bool{}, map[string]bool{}
	var out OfficialsFigures
	for _, o := range facts.Officials {
		if !Counted(o) || !f.HasTime(o.CreatedAt) || !f.HasCountry(o.Country) {
			continue
		}
		out.Registered++
		out.Gender.add(o.Gender)
		for _, m := range []struct {
			groups  map[string]*Group
			present map[string]bool
			key     string
		}{{byCountry, presentC, o.Country}, {bySector, presentS, o.Sector}} {
			g := m.groups[m.key]
			if g == nil {
				g = &Group{Key: m.key}
				m.groups[m.key] = g
			}
			g.Total++
			g.Gender.add(o.Gender)
			m.present[m.key] = true
		}
	}
	out.ByCountry = groups(countryKeys(facts, f, presentC), byCountry)
	byCountFirst(out.ByCountry, func(g Group) string { return g.Key }, func(g Group) int { return g.Total })
	out.BySector = groups(sectorKeys(presentS), bySector)
	return out
}

func groups(keys []string, m map[string]*Group) []Group {
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		if g := m[k]; g != nil {
			out = append(out, *g)
		} else {
			out = append(out, Group{Key: k})
		}
	}
	return out
}

func rate(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	r := float64(n) / float64(of)
	return &r
}

func (r *LearningRow) add(completed bool, attempts int, passed bool) {
	r.Enrolments++
	if completed {
		r.Completions++
	}
	if attempts > 0 {
		r.QuizTakers++
		if passed {
			r.QuizPassed++
		}
	}
}

func (r *LearningRow) finish() {
	r.CompletionRate = rate(r.Completions, r.Enrolments)
	r.PassRate = rate(r.QuizPassed, r.QuizTakers)
}

func learningRows(keys []string, m map[string]*LearningRow) []LearningRow {
	out := make([]LearningRow, 0, len(keys))
	for _, k := range keys {
		r := LearningRow{Key: k}
		if x := m[k]; x != nil {
			r = *x
		}
		r.finish()
		out = append(out, r)
	}
	return out
}

func coursesFigures(facts *Facts, f Filter) CoursesFigures {
	by := map[string]map[string]*LearningRow{"course": {}, "country": {}, "gender": {}, "sector": {}}
	present := map[string]map[string]bool{"course": {}, "country": {}, "sector": {}}
	var out CoursesFigures
	for _, e := range facts.Enrolments {
		p := person{country: e.Country, gender: e.Gender, sector: e.Sector}
		if !f.HasTime(e.EnrolledAt) || !f.HasCountry(p.country) {
			continue
		}
		out.Total.add(e.CompletedAt != nil, e.Attempts, e.Passed)
		for dim, key := range map[string]string{"course": e.Course, "country": p.country, "gender": genderKey(p.gender), "sector": p.sector} {
			r := by[dim][key]
			if r == nil {
				r = &LearningRow{Key: key}
				by[dim][key] = r
			}
			r.add(e.CompletedAt != nil, e.Attempts, e.Passed)
			if present[dim] != nil {
				present[dim][key] = true
			}
		}
	}
	out.Total.finish()
	courses := slices.Clone(facts.Courses)
	var gone []string
	for k := range present["course"] {
		if !slices.Contains(courses, k) {
			gone = append(gone, k)
		}
	}
	sort.Strings(gone)
	out.ByCourse = learningRows(append(courses, gone...), by["course"])
	out.ByCountry = learningRows(countryKeys(facts, f, present["country"]), by["country"])
	byCountFirst(out.ByCountry, func(r LearningRow) string { return r.Key }, func(r LearningRow) int { return r.Enrolments })
	out.ByGender = learningRows(Genders, by["gender"])
	out.BySector = learningRows(sectorKeys(present["sector"]), by["sector"])
	return out
}

// attendance accumulates an AttendanceRow.
type attendance struct {
	row AttendanceRow
	sum float64
}

func (a *attendance) add(r workshops.RegistrationFact) {
	a.row.Participants++
	if r.DaysAttended > 0 {
		a.row.Attended++
	}
	a.sum += r.Rate
}

func (a *attendance) result(key string) AttendanceRow {
	out := a.row
	out.Key = key
	if out.Participants > 0 {
		m := a.sum / float64(out.Participants)
		out.AttendanceRate = &m
	}
	return out
}

func attendanceRows(keys []string, m map[string]*attendance) []AttendanceRow {
	out := make([]AttendanceRow, 0, len(keys))
	for _, k := range keys {
		a := m[k]
		if a == nil {
			a = &attendance{}
		}
		out = append(out, a.result(k))
	}
	return out
}

func workshopsFigures(facts *Facts, f Filter) WorkshopsFigures {
	out := WorkshopsFigures{ByKind: map[string]int{}}
	for _, k := range workshops.Kinds {
		out.ByKind[k] = 0
	}
	held := map[int64]workshops.WorkshopFact{}
	hosts := map[string]*HostRow{}
	presentHost := map[string]bool{}
	isHeld := Held(facts)
	for _, w := range facts.Workshops {
		if !isHeld[w.ID] || !f.HasDay(w.StartDate) {
			continue
		}
		held[w.ID] = w
		if !f.HasCountry(w.HostCountry) {
			continue
		}
		out.Held++
		out.ByKind[w.Kind]++
		h := hosts[w.HostCountry]
		if h == nil {
			h = &HostRow{Country: w.HostCountry, Kinds: map[string]int{}}
			hosts[w.HostCountry] = h
		}
		h.Kinds[w.Kind]++
		h.Total++
		presentHost[w.HostCountry] = true
	}
	// Hosts are listed when they hosted something (or are the filter's country): unlike
	// people, most member states host nothing in a period.
	hostKeys := []string{}
	if f.Country != "" {
		hostKeys = append(hostKeys, f.Country)
	} else {
		for _, k := range countryKeys(facts, f, presentHost) {
			if presentHost[k] {
				hostKeys = append(hostKeys, k)
			}
		}
	}
	for _, k := range hostKeys {
		h := hosts[k]
		if h == nil {
			h = &HostRow{Country: k, Kinds: map[string]int{}}
		}
		for _, kind := range workshops.Kinds {
			h.Kinds[kind] += 0
		}
		out.ByHost = append(out.ByHost, *h)
	}
	byCountFirst(out.ByHost, func(h HostRow) string { return h.Country }, func(h HostRow) int { return h.Total })

	total := &attendance{}
	by := map[string]map[string]*attendance{"country": {}, "gender": {}, "sector": {}}
	presentC, presentS := map[string]bool{}, map[string]bool{}
	perWorkshop := map[int64]*attendance{}
	for _, r := range facts.Registrations {
		w, ok := held[r.WorkshopID]
		if !ok || r.Status != workshops.RegConfirmed {
			continue
		}
		p := person{country: r.Country, gender: r.Gender, sector: r.Sector}
		country := p.country
		if !f.HasCountry(country) {
			continue
		}
		total.add(r)
		a := perWorkshop[w.ID]
		if a == nil {
			a = &attendance{}
			perWorkshop[w.ID] = a
		}
		a.add(r)
		for dim, key := range map[string]string{"country": country, "gender": genderKey(p.gender), "sector": p.sector} {
			x := by[dim][key]
			if x == nil {
				x = &attendance{}
				by[dim][key] = x
			}
			x.add(r)
		}
		presentC[country] = true
		presentS[p.sector] = true
	}
	out.Participants = total.result("")
	out.ByCountry = attendanceRows(countryKeys(facts, f, presentC), by["country"])
	byCountFirst(out.ByCountry, func(r AttendanceRow) string { return r.Key }, func(r AttendanceRow) int { return r.Participants })
	out.ByGender = attendanceRows(Genders, by["gender"])
	out.BySector = attendanceRows(sectorKeys(presentS), by["sector"])
	for _, w := range facts.Workshops {
		if _, ok := held[w.ID]; !ok {
			continue
		}
		a := perWorkshop[w.ID]
		if !f.HasCountry(w.HostCountry) && a == nil {
			continue
		}
		if a == nil {
			a = &attendance{}
		}
		out.Workshops = append(out.Workshops, WorkshopRow{ID: w.ID, Title: w.Title, Kind: w.Kind, Phases: w.Phases,
			HostCountry: w.HostCountry, StartDate: w.StartDate, EndDate: w.EndDate, AttendanceRow: a.result("")})
	}
	sort.SliceStable(out.Workshops, func(i, j int) bool {
		if out.Workshops[i].StartDate != out.Workshops[j].StartDate {
			return out.Workshops[i].StartDate < out.Workshops[j].StartDate
		}
		return out.Workshops[i].ID < out.Workshops[j].ID
	})
	if out.Workshops == nil {
		out.Workshops = []WorkshopRow{}
	}
	return out
}

func certificatesFigures(facts *Facts, f Filter) CertificatesFigures {
	by := map[string]map[string]*CertificateRow{"country": {}, "gender": {}, "sector": {}}
	presentC, presentS := map[string]bool{}, map[string]bool{}
	var out CertificatesFigures
	count := func(p person, issued bool, kind string) {
		out.Total.tally(issued, kind)
		for dim, key := range map[string]string{"country": p.country, "gender": genderKey(p.gender), "sector": p.sector} {
			r := by[dim][key]
			if r == nil {
				r = &CertificateRow{Key: key}
				by[dim][key] = r
			}
			r.tally(issued, kind)
		}
		presentC[p.country] = true
		presentS[p.sector] = true
	}
	for _, c := range facts.Certificates {
		p := person{country: c.Country, gender: c.Gender, sector: c.Sector}
		if !f.HasCountry(p.country) {
			continue
		}
		if !c.Reissue && f.HasTime(c.IssuedAt) {
			count(p, true, c.Kind)
		}
		if c.RevokedAt != nil && f.HasTime(*c.RevokedAt) {
			count(p, false, c.Kind)
		}
	}
	rows := func(keys []string, m map[string]*CertificateRow) []CertificateRow {
		out := make([]CertificateRow, 0, len(keys))
		for _, k := range keys {
			if r := m[k]; r != nil {
				out = append(out, *r)
			} else {
				out = append(out, CertificateRow{Key: k})
			}
		}
		return out
	}
	out.ByCountry = rows(countryKeys(facts, f, presentC), by["country"])
	byCountFirst(out.ByCountry, func(r CertificateRow) string { return r.Key }, func(r CertificateRow) int { return r.Issued })
	out.ByGender = rows(Genders, by["gender"])
	out.BySector = rows(sectorKeys(presentS), by["sector"])
	return out
}

func (r *CertificateRow) tally(issued bool, kind string) {
	if !issued {
		r.Revoked++
		return
	}
	r.Issued++
	if kind == "workshop" {
		r.Workshop++
	} else {
		r.Course++
	}
}

// requests accumulates a RequestRow.
type requests struct {
	n    int
	days []float64
}

func (q *requests) add(r advisory.RequestFact) {
	q.n++
	if r.AcceptedAt != nil {
		q.days = append(q.days, r.AcceptedAt.Sub(r.SubmittedAt).Hours()/24)
	}
}

func (q *requests) result(key string) RequestRow {
	return RequestRow{Key: key, Requests: q.n, Accepted: len(q.days), MedianDaysToAcceptance: Median(q.days)}
}

// Median is the middle value (the mean of the two middle ones for an even count), rounded
// to a tenth; nil for no values.
func Median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	m = math.Round(m*10) / 10
	return &m
}

func advisoryFigures(facts *Facts, f Filter) AdvisoryFigures {
	var out AdvisoryFigures
	total := &requests{}
	states := map[string]*StateRow{}
	for _, st := range advisory.Statuses {
		states[st] = &StateRow{Status: st}
	}
	phases := map[int]*requests{1: {}, 2: {}, 3: {}, 4: {}}
	countries := map[string]*requests{}
	present := map[string]bool{}
	for _, r := range facts.Requests {
		if !f.HasTime(r.SubmittedAt) || !f.HasCountry(r.Country) {
			continue
		}
		total.add(r)
		st := states[r.Status]
		if st == nil {
			st = &StateRow{Status: r.Status}
			states[r.Status] = st
		}
		st.Total++
		for _, p := range r.Phases {
			if p >= 1 && p <= 4 {
				st.ByPhase[p-1]++
				phases[p].add(r)
			}
		}
		q := countries[r.Country]
		if q == nil {
			q = &requests{}
			countries[r.Country] = q
		}
		q.add(r)
		present[r.Country] = true
	}
	out.Total = total.result("")
	for _, st := range advisory.Statuses {
		out.ByState = append(out.ByState, *states[st])
	}
	for p := 1; p <= 4; p++ {
		out.ByPhase = append(out.ByPhase, phases[p].result(strconv.Itoa(p)))
	}
	for _, k := range countryKeys(facts, f, present) {
		q := countries[k]
		if q == nil {
			q = &requests{}
		}
		out.ByCountry = append(out.ByCountry, q.result(k))
	}
	byCountFirst(out.ByCountry, func(r RequestRow) string { return r.Key }, func(r RequestRow) int { return r.Requests })
	return out
}
