package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// The DCAT-AP shapes the open-data catalogue is checked against, written in Go: for each
// class, the properties DCAT-AP 2/3 makes mandatory or recommended that apply to Masar's
// catalogue, with how many values each must have and of which kind. (DCAT-AP publishes its
// rules as SHACL; this is the part of them a JSON-LD document in compacted form can be
// checked for without an RDF library.)

type nodeKind int

const (
	iri      nodeKind = iota // {"@id": "http…"}
	langText                 // [{"@language": "ar", "@value": "…"}, …] in ar, en and fr
	date                     // {"@type": "xsd:date", "@value": "YYYY-MM-DD"}
	node                     // an embedded resource of the class named by class
	plain                    // a plain string
)

type propShape struct {
	path     string
	min, max int // max 0: unbounded
	kind     nodeKind
	class    string // for node: the @type the value must have
	prefix   string // for iri: what the IRI must start with ("" any http(s) IRI)
}

var dcatShapes = map[string][]propShape{
	"dcat:Catalog": {
		{path: "dct:title", min: 1, kind: langText},
		{path: "dct:description", min: 1, kind: langText},
		{path: "dct:publisher", min: 1, max: 1, kind: node, class: "foaf:Organization"},
		{path: "dcat:dataset", min: 1, kind: node, class: "dcat:Dataset"},
		{path: "dct:issued", min: 1, max: 1, kind: date},
		{path: "dct:modified", min: 1, max: 1, kind: date},
		{path: "dct:language", min: 1, kind: iri, prefix: "http://id.loc.gov/vocabulary/iso639-1/"},
		{path: "dct:license", min: 1, max: 1, kind: iri},
		{path: "dct:spatial", min: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/country/"},
		{path: "dcat:themeTaxonomy", min: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/data-theme"},
		{path: "foaf:homepage", min: 1, max: 1, kind: iri},
		{path: "dcat:contactPoint", min: 1, kind: node, class: "vcard:Organization"},
	},
	"dcat:Dataset": {
		{path: "dct:title", min: 1, kind: langText},
		{path: "dct:description", min: 1, kind: langText},
		{path: "dct:identifier", min: 1, kind: plain},
		{path: "dcat:contactPoint", min: 1, kind: node, class: "vcard:Organization"},
		{path: "dcat:distribution", min: 1, kind: node, class: "dcat:Distribution"},
		{path: "dcat:keyword", min: 1, kind: langText},
		{path: "dct:publisher", min: 1, max: 1, kind: iri},
		{path: "dct:spatial", min: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/country/"},
		{path: "dct:temporal", min: 1, kind: node, class: "dct:PeriodOfTime"},
		{path: "dcat:theme", min: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/data-theme/"},
		{path: "dct:issued", min: 1, max: 1, kind: date},
		{path: "dct:modified", min: 1, max: 1, kind: date},
		{path: "dct:accessRights", min: 1, max: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/access-right/"},
		{path: "dct:accrualPeriodicity", min: 1, max: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/frequency/"},
		{path: "dcat:landingPage", min: 1, kind: iri},
		{path: "dct:language", min: 1, kind: iri, prefix: "http://id.loc.gov/vocabulary/iso639-1/"},
	},
	"dcat:Distribution": {
		{path: "dcat:accessURL", min: 1, kind: iri},
		{path: "dcat:downloadURL", min: 1, kind: iri},
		{path: "dct:format", min: 1, max: 1, kind: iri, prefix: "http://publications.europa.eu/resource/authority/file-type/"},
		{path: "dcat:mediaType", min: 1, max: 1, kind: iri, prefix: "https://www.iana.org/assignments/media-types/"},
		{path: "dct:license", min: 1, max: 1, kind: iri},
		{path: "dct:modified", min: 1, max: 1, kind: date},
		{path: "dct:title", min: 1, kind: langText},
	},
	"dct:PeriodOfTime": {
		{path: "dcat:startDate", min: 1, max: 1, kind: date},
		{path: "dcat:endDate", min: 1, max: 1, kind: date},
	},
	"vcard:Organization": {
		{path: "vcard:fn", min: 1, kind: langText},
		{path: "vcard:hasURL", min: 1, max: 1, kind: iri},
	},
	"foaf:Organization": {
		{path: "foaf:name", min: 1, kind: langText},
	},
}

// checkDCATAP returns what in the resource r (a decoded JSON-LD object) breaks the shapes,
// one line per fault, each naming where it is.
func checkDCATAP(r map[string]any, where string) []string {
	typ, _ := r["@type"].(string)
	shape, ok := dcatShapes[typ]
	if !ok {
		return []string{fmt.Sprintf("%s: no shape for @type %q", where, typ)}
	}
	var faults []string
	bad := func(p propShape, format string, args ...any) {
		faults = append(faults, fmt.Sprintf("%s (%s) %s: %s", where, typ, p.path, fmt.Sprintf(format, args...)))
	}
	for _, p := range shape {
		v, present := r[p.path]
		var values []any
		switch x := v.(type) {
		case nil:
		case []any:
			values = x
		default:
			values = []any{x}
		}
		if p.kind == langText {
			// A language-tagged text is a list of one value per language: count the languages.
			langs := map[string]bool{}
			for _, x := range values {
				m, ok := x.(map[string]any)
				s, _ := m["@value"].(string)
				if !ok || strings.TrimSpace(s) == "" {
					bad(p, "not a language-tagged text: %v", x)
					continue
				}
				l, _ := m["@language"].(string)
				langs[l] = true
			}
			if present && p.path != "dcat:keyword" && !(langs["ar"] && langs["en"] && langs["fr"]) {
				bad(p, "not in ar, en and fr: %v", values)
			}
			if len(values) == 0 && p.min > 0 {
				bad(p, "missing")
			}
			continue
		}
		if len(values) < p.min {
			bad(p, "%d values, at least %d needed", len(values), p.min)
		}
		if p.max > 0 && len(values) > p.max {
			bad(p, "%d values, at most %d allowed", len(values), p.max)
		}
		for i, x := range values {
			at := fmt.Sprintf("%s[%d]", where, i)
			switch p.kind {
			case plain:
				if s, ok := x.(string); !ok || s == "" {
					bad(p, "not a plain text: %v", x)
				}
			case iri:
				m, _ := x.(map[string]any)
				id, _ := m["@id"].(string)
				if !strings.HasPrefix(id, "http://") && !strings.HasPrefix(id, "https://") && !strings.HasPrefix(id, "mailto:") {
					bad(p, "not an IRI: %v", x)
				} else if p.prefix != "" && !strings.HasPrefix(id, p.prefix) {
					bad(p, "%s is not from %s", id, p.prefix)
				}
			case date:
				m, _ := x.(map[string]any)
				s, _ := m["@value"].(string)
				if m["@type"] != "xsd:date" || len(s) != 10 || s[4] != '-' || s[7] != '-' {
					bad(p, "not an xsd:date: %v", x)
				}
			case node:
				m, ok := x.(map[string]any)
				if !ok {
					bad(p, "not a resource: %v", x)
					continue
				}
				if m["@type"] != p.class {
					bad(p, "@type %v, want %s", m["@type"], p.class)
					continue
				}
				if id, _ := m["@id"].(string); id != "" {
					at = id
				}
				if len(m) > 1 || p.class != "foaf:Organization" {
					faults = append(faults, checkDCATAP(m, at)...)
				}
			}
		}
	}
	return faults
}

// TestDCATShapesCatchFaults: the checker itself sees a missing property, a literal where
// an IRI belongs, a date that is not one and a title in one language only.
func TestDCATShapesCatchFaults(t *testing.T) {
	tagged := func(s string) []any {
		return []any{map[string]any{"@language": "ar", "@value": s}, map[string]any{"@language": "en", "@value": s},
			map[string]any{"@language": "fr", "@value": s}}
	}
	dist := map[string]any{"@type": "dcat:Distribution", "dcat:accessURL": map[string]any{"@id": "https://x.example/a"},
		"dcat:downloadURL": map[string]any{"@id": "https://x.example/a.csv"}, "dct:format": "CSV",
		"dcat:mediaType": map[string]any{"@id": "https://www.iana.org/assignments/media-types/text/csv"},
		"dct:license":    map[string]any{"@id": "https://creativecommons.org/licenses/by/4.0/"},
		"dct:modified":   map[string]any{"@type": "xsd:date", "@value": "2026-13"}, "dct:title": tagged("t")[:1]}
	faults := strings.Join(checkDCATAP(dist, "d"), "\n")
	for _, want := range []string{"dct:format: not an IRI", "dct:modified: not an xsd:date", "dct:title: not in ar, en and fr"} {
		if !strings.Contains(faults, want) {
			t.Errorf("the checker missed %q in:\n%s", want, faults)
		}
	}
	delete(dist, "dcat:accessURL")
	if faults := strings.Join(checkDCATAP(dist, "d"), "\n"); !strings.Contains(faults, "dcat:accessURL: 0 values") {
		t.Errorf("a missing accessURL not seen:\n%s", faults)
	}
}

// TestMarkupFaultsAreSeen: the check every fetched page goes through (client.do) sees an id
// used twice and a name on an element that takes none, and passes a named role.
func TestMarkupFaultsAreSeen(t *testing.T) {
	got := markupFaults(`<h2 id="h-attachments">A</h2><p class="hint" id="h-attachments">B</p>` +
		`<span class="ok" aria-label="present">✓</span><span role="img" aria-label="absent">–</span>`)
	if len(got) != 2 || !strings.Contains(got[0], `"h-attachments" is used twice`) || !strings.Contains(got[1], "<span") {
		t.Errorf("faults %q", got)
	}
}
