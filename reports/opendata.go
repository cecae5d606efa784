package reports

import (
	"context"
	"encoding/json"
	"io"
	"sort"
	"time"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/i18n"
)

// License is the licence of the open data: Creative Commons Attribution 4.0.
const License = "https://creativecommons.org/licenses/by/4.0/"

// Field is a column of an open dataset, as its data dictionary describes it.
type Field struct {
	Name string  // stable code: the CSV header and the JSON key
	Type string  // integer, text, code, date or list (of integers)
	Kind ColKind // how a value is written
	// Count marks a count of people: it is empty (null in JSON) when suppressed.
	Count bool
}

// Dataset is one open dataset: aggregates only, small counts suppressed.
type Dataset struct {
	ID         string
	Fields     []Field
	Records    [][]any // in field order; nil in a count field means suppressed
	Modified   time.Time
	Suppressed int // cells suppressed
}

// OpenData is the platform's open data at one moment.
type OpenData struct {
	Datasets  []*Dataset
	Generated time.Time
	// Members are the member states (ISO 3166-1 alpha-2), the datasets' spatial coverage.
	Members []string
}

// DatasetIDs are the stable names of the open datasets (their addresses).
var DatasetIDs = []string{"workshops", "course-completions", "certificates"}

// Dataset returns the dataset with an id, or nil.
func (od *OpenData) Dataset(id string) *Dataset {
	for _, d := range od.Datasets {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// Modified is when the newest dataset last changed.
func (od *OpenData) Modified() time.Time {
	var m time.Time
	for _, d := range od.Datasets {
		if d.Modified.After(m) {
			m = d.Modified
		}
	}
	if m.IsZero() {
		return od.Generated
	}
	return m
}

// OpenData returns the open datasets, computed again when older than Options.OpenDataTTL.
func (s *Service) OpenData(ctx context.Context) (*OpenData, error) {
	s.mu.Lock()
	od := s.open
	s.mu.Unlock()
	now := s.Now()
	if od != nil && s.opt.OpenDataTTL > 0 && now.Sub(od.Generated) < s.opt.OpenDataTTL {
		return od, nil
	}
	facts, err := s.LoadFacts(ctx)
	if err != nil {
		return nil, err
	}
	od = BuildOpenData(facts)
	s.mu.Lock()
	s.open = od
	s.mu.Unlock()
	return od, nil
}

// BuildOpenData computes the open datasets from the facts: the workshops held with their
// participants, course completions per member state and year, and certificates per year.
// Every count of people is suppressed under Threshold, with complementary suppression (see
// Grid.Suppress) so that no suppressed count can be worked out from the rest — by totals,
// other cells, other datasets' totals, or a focal point's knowledge of their own country.
func BuildOpenData(facts *Facts) *OpenData {
	od := &OpenData{Generated: facts.At, Datasets: []*Dataset{
		workshopsDataset(facts), completionsDataset(facts), certificatesDataset(facts),
	}}
	for _, c := range facts.Countries {
		if c.Member {
			od.Members = append(od.Members, c.ISO)
		}
	}
	return od
}

func workshopsDataset(facts *Facts) *Dataset {
	d := &Dataset{ID: "workshops", Fields: []Field{
		{Name: "id", Type: "integer", Kind: Int}, {Name: "title_ar", Type: "text", Kind: Text},
		{Name: "title_en", Type: "text", Kind: Text}, {Name: "title_fr", Type: "text", Kind: Text},
		{Name: "kind", Type: "code", Kind: Text}, {Name: "phases", Type: "list", Kind: List},
		{Name: "host_country", Type: "code", Kind: Text}, {Name: "city", Type: "text", Kind: Text},
		{Name: "start_date", Type: "date", Kind: Date}, {Name: "end_date", Type: "date", Kind: Date},
		{Name: "days", Type: "integer", Kind: Int},
		{Name: "participants", Type: "integer", Kind: Int, Count: true},
		{Name: "participants_female", Type: "integer", Kind: Int, Count: true},
		{Name: "participants_male", Type: "integer", Kind: Int, Count: true},
		{Name: "participants_unspecified", Type: "integer", Kind: Int, Count: true},
	}}
	counts := map[int64]*GenderCounts{}
	for _, r := range facts.Registrations {
		if r.Status != "confirmed" {
			continue
		}
		g := counts[r.WorkshopID]
		if g == nil {
			g = &GenderCounts{}
			counts[r.WorkshopID] = g
		}
		g.add(genderKey(r.Gender)) // as registered: an erased account keeps its place
	}
	var held []int
	isHeld := Held(facts)
	for i, w := range facts.Workshops {
		if isHeld[w.ID] {
			held = append(held, i)
		}
	}
	sort.SliceStable(held, func(a, b int) bool {
		wa, wb := facts.Workshops[held[a]], facts.Workshops[held[b]]
		if wa.StartDate != wb.StartDate {
			return wa.StartDate < wb.StartDate
		}
		return wa.ID < wb.ID
	})
	// The grid: a row per workshop, a column per gender. A workshop's number of confirmed
	// participants is public (its page shows the seats taken), so row totals are Known; the
	// totals per gender are published nowhere (Hidden). A focal point may know a whole row
	// (a national workshop of their country), hence InsiderRows.
	cells := make([][]int, len(held))
	for i, k := range held {
		g := counts[facts.Workshops[k].ID]
		if g == nil {
			g = &GenderCounts{}
		}
		cells[i] = []int{g.Female, g.Male, g.Unspecified}
	}
	grid := NewGrid(cells, Known, Hidden, Known)
	grid.InsiderRows = true
	mask := grid.Suppress(Threshold)
	cols := len(Genders)
	for i, k := range held {
		w := facts.Workshops[k]
		rec := []any{int(w.ID), w.Title["ar"], w.Title["en"], w.Title["fr"], w.Kind, w.Phases, w.HostCountry, w.City,
			w.StartDate, w.EndDate, w.Days}
		rec = append(rec, d.cell(grid, mask, i, cols))
		for j := 0; j < cols; j++ {
			rec = append(rec, d.cell(grid, mask, i, j))
		}
		d.Records = append(d.Records, rec)
		m := w.UpdatedAt
		if end, err := time.Parse(DateLayout, w.EndDate); err == nil && end.AddDate(0, 0, 1).After(m) {
			m = end.AddDate(0, 0, 1)
		}
		if m.After(d.Modified) {
			d.Modified = m
		}
	}
	if d.Modified.After(facts.At) {
		d.Modified = facts.At
	}
	return d
}

// cell is a published count, or nil when suppressed (counted in d.Suppressed).
func (d *Dataset) cell(g *Grid, mask [][]bool, i, j int) any {
	if mask[i][j] {
		d.Suppressed++
		return nil
	}
	return g.Values[i][j]
}

func completionsDataset(facts *Facts) *Dataset {
	d := &Dataset{ID: "course-completions", Fields: []Field{
		{Name: "year", Type: "integer", Kind: Int}, {Name: "country", Type: "code", Kind: Text},
		{Name: "completions", Type: "integer", Kind: Int, Count: true},
	}}
	byCell := map[string]map[int]int{}
	years := map[int]bool{}
	for _, e := range facts.Enrolments {
		c := e.Country // as enrolled: an erased account keeps its place
		if e.CompletedAt == nil || c == NoCountry {
			continue
		}
		y := e.CompletedAt.UTC().Year()
		if byCell[c] == nil {
			byCell[c] = map[int]int{}
		}
		byCell[c][y]++
		years[y] = true
		if e.CompletedAt.After(d.Modified) {
			d.Modified = *e.CompletedAt
		}
	}
	countries := make([]string, 0, len(byCell))
	for c := range byCell {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	ys := yearRange(years)
	// The grid: a row per member state, a column per year. The yearly totals can be told
	// from the certificates issued per year (Known); a country's total over the years is
	// published nowhere (Hidden). A focal point knows their own country's row.
	cells := make([][]int, len(countries))
	for i, c := range countries {
		cells[i] = make([]int, len(ys))
		for j, y := range ys {
			cells[i][j] = byCell[c][y]
		}
	}
	grid := NewGrid(cells, Hidden, Known, Known)
	grid.InsiderRows = true
	mask := grid.Suppress(Threshold)
	for j, y := range ys {
		for i, c := range countries {
			d.Records = append(d.Records, []any{y, c, d.cell(grid, mask, i, j)})
		}
	}
	return d
}

func certificatesDataset(facts *Facts) *Dataset {
	d := &Dataset{ID: "certificates", Fields: []Field{
		{Name: "year", Type: "integer", Kind: Int},
		{Name: "issued_course", Type: "integer", Kind: Int, Count: true},
		{Name: "issued_workshop", Type: "integer", Kind: Int, Count: true},
		{Name: "issued", Type: "integer", Kind: Int, Count: true},
		{Name: "revoked", Type: "integer", Kind: Int, Count: true},
	}}
	issued := map[int]*[2]int{}
	revoked := map[int]int{}
	years := map[int]bool{}
	seen := func(t time.Time) {
		if t.After(d.Modified) {
			d.Modified = t
		}
	}
	for _, c := range facts.Certificates {
		if !c.Reissue {
			y := c.IssuedAt.UTC().Year()
			if issued[y] == nil {
				issued[y] = &[2]int{}
			}
			if c.Kind == certificates.KindWorkshop {
				issued[y][1]++
			} else {
				issued[y][0]++
			}
			years[y] = true
			seen(c.IssuedAt)
		}
		if c.RevokedAt != nil {
			y := c.RevokedAt.UTC().Year()
			revoked[y]++
			years[y] = true
			seen(*c.RevokedAt)
		}
	}
	ys := yearRange(years)
	// Issued by kind: a row per year, the year's total published (Normal); totals per kind
	// over the years are published nowhere (Hidden).
	kinds := make([][]int, len(ys))
	// Revoked: one column; its total over the years can be counted from the public status
	// lists of the credentials (Known), so a small year needs another year hidden with it.
	rev := make([][]int, len(ys))
	for i, y := range ys {
		kinds[i] = []int{0, 0}
		if x := issued[y]; x != nil {
			kinds[i] = []int{x[0], x[1]}
		}
		rev[i] = []int{revoked[y]}
	}
	kg := NewGrid(kinds, Normal, Hidden, Hidden)
	km := kg.Suppress(Threshold)
	rg := NewGrid(rev, Hidden, Known, Known)
	rm := rg.Suppress(Threshold)
	for i, y := range ys {
		d.Records = append(d.Records, []any{y, d.cell(kg, km, i, 0), d.cell(kg, km, i, 1), d.cell(kg, km, i, 2),
			d.cell(rg, rm, i, 0)})
	}
	return d
}

// yearRange lists the years from the first to the last one present.
func yearRange(years map[int]bool) []int {
	if len(years) == 0 {
		return nil
	}
	lo, hi := 0, 0
	for y := range years {
		if lo == 0 || y < lo {
			lo = y
		}
		if y > hi {
			hi = y
		}
	}
	var out []int
	for y := lo; y <= hi; y++ {
		out = append(out, y)
	}
	return out
}

// WriteCSV writes the dataset as CSV: UTF-8 with a byte order mark, a header of the field
// names, suppressed counts as empty fields.
func (d *Dataset) WriteCSV(w io.Writer) error {
	cols := make([]Column, len(d.Fields))
	for i, f := range d.Fields {
		cols[i] = Column{Key: f.Name, Label: f.Name, Kind: f.Kind}
	}
	return WriteCSV(w, cols, RowsOf(d.Records), nil)
}

// langText is a text in every language, keyed by language.
func (s *Service) langText(key string, args ...any) map[string]string {
	m := map[string]string{}
	for _, l := range i18n.Langs {
		m[l] = s.cat.T(l, key, args...)
	}
	return m
}

// langCount is a counted message in every language, keyed by language.
func (s *Service) langCount(key string, n int) map[string]string {
	m := map[string]string{}
	for _, l := range i18n.Langs {
		m[l] = s.cat.N(l, key, n)
	}
	return m
}

// FieldMeaning is the data dictionary's meaning of a field in lang.
func (s *Service) FieldMeaning(d *Dataset, f Field, lang string) string {
	return s.cat.T(lang, "opendata.field."+d.ID+"."+f.Name)
}

// DatasetJSON is the dataset as a JSON document: its metadata (titles, licence, last
// change, suppression rule, data dictionary in the three languages) and its records as
// objects, with null for a suppressed count.
func (s *Service) DatasetJSON(d *Dataset) map[string]any {
	fields := make([]map[string]any, len(d.Fields))
	for i, f := range d.Fields {
		desc := map[string]string{}
		for _, l := range i18n.Langs {
			desc[l] = s.FieldMeaning(d, f, l)
		}
		fields[i] = map[string]any{"name": f.Name, "type": f.Type, "description": desc, "suppressible": f.Count}
	}
	records := make([]map[string]any, len(d.Records))
	for i, r := range d.Records {
		rec := make(map[string]any, len(d.Fields))
		for j, f := range d.Fields {
			v := r[j]
			if ns, ok := v.([]int); ok && ns == nil {
				v = []int{}
			}
			rec[f.Name] = v
		}
		records[i] = rec
	}
	return map[string]any{
		"id":          d.ID,
		"title":       s.langText("opendata." + d.ID + ".title"),
		"description": s.langText("opendata." + d.ID + ".desc"),
		"license":     License,
		"modified":    dateOr(d.Modified),
		"suppression": map[string]any{"threshold": Threshold, "marker": nil, "rule": s.langCount("opendata.rule.short", Threshold)},
		"fields":      fields,
		"records":     records,
	}
}

// WriteJSON writes DatasetJSON.
func (s *Service) WriteJSON(w io.Writer, d *Dataset) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(s.DatasetJSON(d))
}

func dateOr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(DateLayout)
}

// Media types of the distributions, as DCAT wants them (IANA URIs), and their formats in
// the EU Publications Office's file-type vocabulary, which DCAT-AP asks dct:format to use.
const (
	mediaCSV  = "https://www.iana.org/assignments/media-types/text/csv"
	mediaJSON = "https://www.iana.org/assignments/media-types/application/json"
	formatCSV = "http://publications.europa.eu/resource/authority/file-type/CSV"
	formatJSN = "http://publications.europa.eu/resource/authority/file-type/JSON"
	// The vocabularies the catalogue's themes, places and languages come from.
	themeTaxonomy = "http://publications.europa.eu/resource/authority/data-theme"
	countryAuth   = "http://publications.europa.eu/resource/authority/country/"
)

// alpha3 gives the ISO 3166-1 alpha-3 code of each Arab state, by its alpha-2 code: the
// EU country vocabulary names countries by alpha-3.
var alpha3 = map[string]string{
	"DZ": "DZA", "BH": "BHR", "KM": "COM", "DJ": "DJI", "EG": "EGY", "IQ": "IRQ", "JO": "JOR",
	"KW": "KWT", "LB": "LBN", "LY": "LBY", "MR": "MRT", "MA": "MAR", "OM": "OMN", "PS": "PSE",
	"QA": "QAT", "SA": "SAU", "SO": "SOM", "SD": "SDN", "SY": "SYR", "TN": "TUN", "AE": "ARE",
	"YE": "YEM",
}

// coverage returns the first and last day a dataset's records are about: the span of its
// date fields, or of its years (1 January of the first to 31 December of the last).
func coverage(d *Dataset) (from, to time.Time) {
	widen := func(a, b time.Time) {
		if a.IsZero() {
			return
		}
		if from.IsZero() || a.Before(from) {
			from = a
		}
		if b.After(to) {
			to = b
		}
	}
	for j, f := range d.Fields {
		for _, rec := range d.Records {
			if j >= len(rec) {
				continue
			}
			switch {
			case f.Kind == Date:
				if v, ok := rec[j].(string); ok {
					if t, err := time.Parse(DateLayout, v); err == nil {
						widen(t, t)
					}
				}
			case f.Name == "year":
				if y, ok := rec[j].(int); ok && y > 0 {
					widen(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))
				}
			}
		}
	}
	return from, to
}

// tagged is an RDF literal in each language: [{"@language": "ar", "@value": …}, …].
func (s *Service) tagged(key string, args ...any) []map[string]string {
	var out []map[string]string
	for _, l := range i18n.Langs {
		out = append(out, map[string]string{"@language": l, "@value": s.cat.T(l, key, args...)})
	}
	return out
}

func xsdDate(t time.Time) map[string]string {
	return map[string]string{"@type": "xsd:date", "@value": t.UTC().Format(DateLayout)}
}

// Catalog is the DCAT catalogue of the open data as JSON-LD: a dcat:Catalog whose
// dcat:dataset entries each have a title and description in the three languages, a licence,
// a last-modified date, keywords, a landing page, and a CSV and a JSON dcat:Distribution
// with their download URL and media type.
func (s *Service) Catalog(od *OpenData) map[string]any {
	base := s.opt.BaseURL
	license := map[string]string{"@id": License}
	var spatial []map[string]string
	for _, iso := range od.Members {
		if a3, ok := alpha3[iso]; ok {
			spatial = append(spatial, map[string]string{"@id": countryAuth + a3})
		}
	}
	contact := map[string]any{"@type": "vcard:Organization", "vcard:fn": s.tagged("opendata.publisher"),
		"vcard:hasURL": map[string]string{"@id": base + "/en/open-data"}}
	if s.opt.ContactEmail != "" {
		contact["vcard:hasEmail"] = map[string]string{"@id": "mailto:" + s.opt.ContactEmail}
	}
	var issuedFirst time.Time
	var datasets []any
	for _, d := range od.Datasets {
		mod := d.Modified
		if mod.IsZero() {
			mod = od.Generated
		}
		var dists []any
		for _, f := range []struct{ ext, media, format, formatIRI string }{{"csv", mediaCSV, "CSV", formatCSV}, {"json", mediaJSON, "JSON", formatJSN}} {
			url := base + "/open-data/" + d.ID + "." + f.ext
			dists = append(dists, map[string]any{
				"@id":              url,
				"@type":            "dcat:Distribution",
				"dct:title":        s.tagged("opendata."+d.ID+".title_format", "format", f.format),
				"dcat:downloadURL": map[string]string{"@id": url},
				"dcat:accessURL":   map[string]string{"@id": base + "/en/open-data#" + d.ID},
				"dcat:mediaType":   map[string]string{"@id": f.media},
				"dct:format":       map[string]string{"@id": f.formatIRI},
				"dct:license":      license,
				"dct:modified":     xsdDate(mod),
			})
		}
		var keywords []map[string]string
		for _, l := range i18n.Langs {
			keywords = append(keywords, map[string]string{"@language": l, "@value": s.cat.T(l, "opendata.keyword.open_government")},
				map[string]string{"@language": l, "@value": s.cat.T(l, "opendata."+d.ID+".keyword")})
		}
		from, to := coverage(d)
		issued := od.Generated
		if !from.IsZero() && from.Before(issued) {
			issued = from
		}
		if to.IsZero() || to.After(od.Generated) {
			to = od.Generated
		}
		temporal := map[string]any{"@type": "dct:PeriodOfTime", "dcat:endDate": xsdDate(to)}
		if !from.IsZero() {
			temporal["dcat:startDate"] = xsdDate(from)
		}
		datasets = append(datasets, map[string]any{
			"@id":                    base + "/open-data/" + d.ID,
			"dct:issued":             xsdDate(issued),
			"dct:temporal":           temporal,
			"dct:spatial":            spatial,
			"dcat:contactPoint":      contact,
			"@type":                  "dcat:Dataset",
			"dct:identifier":         d.ID,
			"dct:title":              s.tagged("opendata." + d.ID + ".title"),
			"dct:description":        s.tagged("opendata." + d.ID + ".desc"),
			"dct:license":            license,
			"dct:modified":           xsdDate(mod),
			"dct:publisher":          map[string]string{"@id": base + "/"},
			"dct:language":           []map[string]string{{"@id": "http://id.loc.gov/vocabulary/iso639-1/ar"}, {"@id": "http://id.loc.gov/vocabulary/iso639-1/en"}, {"@id": "http://id.loc.gov/vocabulary/iso639-1/fr"}},
			"dcat:keyword":           keywords,
			"dcat:theme":             map[string]string{"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"},
			"dcat:landingPage":       map[string]string{"@id": base + "/en/open-data#" + d.ID},
			"dct:conformsTo":         map[string]string{"@id": base + "/en/open-data#" + d.ID + "-dictionary"},
			"dct:accessRights":       map[string]string{"@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
			"dct:accrualPeriodicity": map[string]string{"@id": "http://publications.europa.eu/resource/authority/frequency/CONT"},
			"dcat:distribution":      dists,
		})
		if issuedFirst.IsZero() || issued.Before(issuedFirst) {
			issuedFirst = issued
		}
	}
	if issuedFirst.IsZero() {
		issuedFirst = od.Generated
	}
	return map[string]any{
		"@context": map[string]string{
			"dcat":  "http://www.w3.org/ns/dcat#",
			"dct":   "http://purl.org/dc/terms/",
			"foaf":  "http://xmlns.com/foaf/0.1/",
			"vcard": "http://www.w3.org/2006/vcard/ns#",
			"xsd":   "http://www.w3.org/2001/XMLSchema#",
		},
		"@id":             base + "/open-data/catalog.json",
		"@type":           "dcat:Catalog",
		"dct:title":       s.tagged("opendata.catalog.title"),
		"dct:description": s.tagged("opendata.catalog.desc"),
		"dct:publisher": map[string]any{"@id": base + "/", "@type": "foaf:Organization",
			"foaf:name": s.tagged("opendata.publisher")},
		"dct:license":        license,
		"dct:modified":       xsdDate(od.Modified()),
		"dct:issued":         xsdDate(issuedFirst),
		"dct:spatial":        spatial,
		"dcat:themeTaxonomy": map[string]string{"@id": themeTaxonomy},
		"dcat:contactPoint":  contact,
		"dct:language":       []map[string]string{{"@id": "http://id.loc.gov/vocabulary/iso639-1/ar"}, {"@id": "http://id.loc.gov/vocabulary/iso639-1/en"}, {"@id": "http://id.loc.gov/vocabulary/iso639-1/fr"}},
		"foaf:homepage":      map[string]string{"@id": base + "/en/open-data"},
		"dcat:dataset":       datasets,
	}
}
