package web_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestOpenAPIEnums: every closed list of the API is an enum in /api/v1/openapi.json, equal
// to the list the validation uses; no property of a closed kind is left a bare string.
func TestOpenAPIEnums(t *testing.T) {
	p := newPlatform(t)
	r := newClient(t, p).get("/api/v1/openapi.json")
	var doc struct {
		Paths      map[string]map[string]struct{ Parameters []map[string]any }
		Components struct{ Schemas map[string]any }
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	// Walk every schema: property path → its schema.
	props := map[string]map[string]any{}
	var walk func(path string, s any)
	walk = func(path string, s any) {
		m, ok := s.(map[string]any)
		if !ok {
			return
		}
		if ps, ok := m["properties"].(map[string]any); ok {
			for k, v := range ps {
				if vm, ok := v.(map[string]any); ok {
					props[path+"."+k] = vm
				}
				walk(path+"."+k, v)
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			walk(path, m[k])
		}
	}
	for name, s := range doc.Components.Schemas {
		walk(name, s)
	}
	enum := func(s map[string]any) []string {
		if s["type"] == "array" {
			s, _ = s["items"].(map[string]any)
		}
		var out []string
		list, _ := s["enum"].([]any)
		for _, v := range list {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	strs := func(v []string) []string { return v }
	ints := func(v []int) []string {
		var out []string
		for _, n := range v {
			out = append(out, fmt.Sprint(n))
		}
		return out
	}
	for path, want := range map[string][]string{
		"Official.sector": strs(officials.Sectors), "Official.gender": strs(officials.Genders), "Official.role": strs(officials.Roles),
		"Official.language": strs(i18n.Langs), "OfficialInput.sector": strs(officials.Sectors), "OfficialInput.gender": strs(officials.Genders),
		"OfficialInput.language": strs(i18n.Langs), "OfficialInput.role": strs(officials.Roles),
		"Workshop.kind": strs(workshops.Kinds), "Workshop.status": strs(workshops.Statuses), "Workshop.phases": ints(workshops.Phases),
		"Workshop.languages": strs(i18n.Langs), "WorkshopInput.kind": strs(workshops.Kinds), "WorkshopInput.phases": ints(workshops.Phases),
		"WorkshopPatch.status": strs(workshops.Statuses), "Registration.status": strs(workshops.RegStatuses),
		"Registration.sector": strs(officials.Sectors), "RegistrationInput.gender": strs(officials.Genders),
		"AdvisoryRequest.status": strs(advisory.Statuses), "AdvisoryInput.topics": strs(advisory.Topics),
		"AdvisoryInput.support_kinds": strs(advisory.SupportKinds), "AdvisoryInput.phases": ints(advisory.Phases),
	} {
		s, ok := props[path]
		if !ok {
			t.Errorf("%s: no such property", path)
			continue
		}
		if got := enum(s); !slices.Equal(got, want) {
			t.Errorf("%s: enum %v, want %v", path, got, want)
		}
	}
	// No property of a closed kind is a bare string anywhere.
	var bare []string
	for path, s := range props {
		name := path[strings.LastIndex(path, ".")+1:]
		switch name {
		case "sector", "gender", "role", "language", "languages", "interpretation", "phases", "kind", "status", "topics", "support_kinds", "level":
			if len(enum(s)) == 0 && (s["type"] == "string" || s["type"] == "integer" || s["type"] == "array") {
				bare = append(bare, path)
			}
		}
	}
	sort.Strings(bare)
	if len(bare) > 0 {
		t.Errorf("closed lists without enum: %v", bare)
	}
	// Query parameters of closed lists too.
	for _, q := range []struct{ path, name string }{{"/workshops", "kind"}, {"/workshops", "status"}, {"/officials", "role"}, {"/advisory", "status"}} {
		found := false
		for _, prm := range doc.Paths[q.path]["get"].Parameters {
			if prm["name"] == q.name {
				found = true
				if s, _ := prm["schema"].(map[string]any); len(enum(s)) == 0 {
					t.Errorf("query %s?%s has no enum", q.path, q.name)
				}
			}
		}
		if !found {
			t.Errorf("query %s?%s not described", q.path, q.name)
		}
	}
}
