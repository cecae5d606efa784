package web

import (
	"maps"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// propertyEnums are the API's closed lists whose JSON name means the same list wherever it
// appears, taken from the slices the features validate with, so that the document cannot
// drift from what the API accepts. A list-valued property ("phases", "languages") gets the
// enum on its items. Names that mean different lists in different places ("status",
// "kind") carry their enum where their schema is written.
var propertyEnums = map[string]any{
	"sector":         officials.Sectors,
	"gender":         officials.Genders,
	"role":           officials.Roles,
	"language":       i18n.Langs,
	"languages":      i18n.Langs,
	"interpretation": i18n.Langs,
	"phases":         workshops.Phases,
	"topics":         advisory.Topics,
	"support_kinds":  advisory.SupportKinds,
	"level":          courses.Levels,
}

// queryEnums are the closed lists of query parameters, by path and name.
var queryEnums = map[string]map[string]any{
	"/officials":                    {"role": officials.Roles},
	"/workshops":                    {"kind": workshops.Kinds, "status": workshops.Statuses, "phase": workshops.Phases},
	"/workshops/{id}/registrations": {"status": workshops.RegStatuses},
	"/advisory":                     {"status": advisory.Statuses, "phase": advisory.Phases},
	"/courses/{slug}/statistics":    {"attempts": courses.AttemptSets},
	"/certificates": {"kind": []string{certificates.KindCourse, certificates.KindWorkshop},
		"status": []string{certificates.StatusValid, certificates.StatusRevoked, certificates.StatusSuperseded}},
}

// addEnums puts the closed lists into the schemas of doc (walked all the way down) and into
// its query parameters.
func addEnums(doc map[string]any) {
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	for name, s := range schemas {
		schemas[name] = enumSchema(s)
	}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for _, op := range item.(map[string]any) {
			params, _ := op.(map[string]any)["parameters"].([]any)
			for i, p := range params {
				pm := p.(map[string]any)
				if list, ok := queryEnums[path][pm["name"].(string)]; ok {
					q := maps.Clone(pm)
					q["schema"] = enumOf(pm["schema"], list)
					params[i] = q
				}
			}
		}
	}
}

// enumSchema returns s with the property enums filled in, copying what it changes: the
// schema maps are package variables shared between schemas and must stay as written.
func enumSchema(s any) any {
	m, ok := s.(map[string]any)
	if !ok {
		return s
	}
	out := maps.Clone(m)
	if props, ok := m["properties"].(map[string]any); ok {
		np := map[string]any{}
		for k, v := range props {
			v = enumSchema(v)
			if list, ok := propertyEnums[k]; ok {
				v = enumOf(v, list)
			}
			np[k] = v
		}
		out["properties"] = np
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if sub, ok := m[k].(map[string]any); ok {
			out[k] = enumSchema(sub)
		}
	}
	return out
}

// enumOf gives schema s (a string or integer, or an array of them) the enum list, unless it
// has one already.
func enumOf(s any, list any) any {
	m, ok := s.(map[string]any)
	if !ok {
		return s
	}
	out := maps.Clone(m)
	switch m["type"] {
	case "array":
		if items, ok := m["items"].(map[string]any); ok {
			out["items"] = enumOf(items, list)
		}
	case "string", "integer":
		if _, has := m["enum"]; !has {
			out["enum"] = list
		}
	}
	return out
}
