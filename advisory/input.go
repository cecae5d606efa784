package advisory

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
)

// Input is what a country (or staff on its behalf) types into a new request.
type Input struct {
	Country           string   `json:"country"` // ignored for a focal point: their own country
	RequestingBody    string   `json:"requesting_body"`
	Phases            []int    `json:"phases"`
	Topics            []string `json:"topics"`
	TopicsOther       string   `json:"topics_other"` // required when topics holds TopicOther
	StartDepartments  string   `json:"start_departments"`
	ExtendDepartments string   `json:"extend_departments"`
	Needs             string   `json:"needs"`
	SupportKinds      []string `json:"support_kinds"`
	PreferredStart    string   `json:"preferred_start"` // YYYY-MM-DD, optional
	PreferredEnd      string   `json:"preferred_end"`
	Language          string   `json:"language"`
	// Letter is the ministry's official letter asking for the support, required to submit.
	Letter LetterInput `json:"letter"`
}

// Clean trims and normalises the typed values and drops repeated codes.
func (in *Input) Clean() {
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.RequestingBody = cleanLine(in.RequestingBody)
	in.TopicsOther = cleanLine(in.TopicsOther)
	in.StartDepartments = cleanText(in.StartDepartments)
	in.ExtendDepartments = cleanText(in.ExtendDepartments)
	in.Needs = cleanText(in.Needs)
	in.PreferredStart = strings.TrimSpace(in.PreferredStart)
	in.PreferredEnd = strings.TrimSpace(in.PreferredEnd)
	in.Language = strings.TrimSpace(in.Language)
	slices.Sort(in.Phases)
	in.Phases = slices.Compact(in.Phases)
	in.Topics = dedupe(in.Topics)
	in.SupportKinds = dedupe(in.SupportKinds)
}

func dedupe(codes []string) []string {
	var out []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Validate checks the request and returns each field's problem as a catalogue key. today
// (YYYY-MM-DD) bounds the preferred period: it may not lie in the past.
func (in *Input) Validate(today string) problem.Fields {
	f := problem.Fields{}
	if in.Country == "" {
		f.Add("country", "field.country.required")
	}
	textProblem(f, "requesting_body", in.RequestingBody, MaxBody, true)
	if len(in.Phases) == 0 {
		f.Add("phases", "advisory.field.phases.required")
	}
	for _, p := range in.Phases {
		if !slices.Contains(Phases, p) {
			f.Add("phases", "field.choose")
		}
	}
	if len(in.Topics) == 0 {
		f.Add("topics", "advisory.field.topics.required")
	}
	for _, t := range in.Topics {
		if !slices.Contains(Topics, t) {
			f.Add("topics", "field.choose")
		}
	}
	if slices.Contains(in.Topics, TopicOther) && in.TopicsOther == "" {
		f.Add("topics_other", "advisory.field.topics_other.required")
	}
	textProblem(f, "topics_other", in.TopicsOther, MaxBody, false)
	textProblem(f, "start_departments", in.StartDepartments, MaxDepartments, false)
	textProblem(f, "extend_departments", in.ExtendDepartments, MaxDepartments, false)
	textProblem(f, "needs", in.Needs, MaxNeeds, true)
	if f["needs"] == "" && utf8.RuneCountInString(in.Needs) < 20 {
		f.Add("needs", "advisory.field.needs.short")
	}
	if len(in.SupportKinds) == 0 {
		f.Add("support_kinds", "advisory.field.support_kinds.required")
	}
	for _, k := range in.SupportKinds {
		if !slices.Contains(SupportKinds, k) {
			f.Add("support_kinds", "field.choose")
		}
	}
	if in.PreferredStart != "" {
		if !validDate(in.PreferredStart) {
			f.Add("preferred_start", "advisory.field.date.invalid")
		} else if in.PreferredStart < today {
			f.Add("preferred_start", "advisory.field.date.past")
		}
	}
	if in.PreferredEnd != "" {
		if !validDate(in.PreferredEnd) {
			f.Add("preferred_end", "advisory.field.date.invalid")
		} else if in.PreferredEnd < today {
			f.Add("preferred_end", "advisory.field.date.past")
		} else if in.PreferredStart != "" && f["preferred_start"] == "" && in.PreferredEnd < in.PreferredStart {
			f.Add("preferred_end", "advisory.field.date.before_start")
		}
	}
	if in.Language == "" {
		f.Add("language", "field.required")
	} else if !i18n.Supported(in.Language) {
		f.Add("language", "field.choose")
	}
	return f
}

// cleanLine normalises a one-line text: NFC, single spaces.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// cleanText normalises a multi-line text: NFC, Unix line breaks, no trailing spaces, at
// most one blank line in a row.
func cleanText(s string) string {
	s = strings.ReplaceAll(norm.NFC.String(s), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if strings.TrimSpace(l) == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// textProblem checks a typed text: required, not too long, no control characters other
// than line breaks and tabs.
func textProblem(f problem.Fields, field, s string, maxRunes int, required bool) {
	switch {
	case s == "" && required:
		f.Add(field, "field.required")
	case utf8.RuneCountInString(s) > maxRunes:
		f.Add(field, "field.too_long")
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		f.Add(field, "field.control")
	}
}

// validDate reports whether s is a real calendar date written YYYY-MM-DD, between the years
// 1900 and 2100. Whether a date may lie in the past is each field's own rule: a country's
// self-assessment may describe a year long gone, and was wrongly refused before 2000.
func validDate(s string) bool {
	t, err := time.Parse(DateLayout, s)
	return err == nil && t.Format(DateLayout) == s && t.Year() >= 1900 && t.Year() <= 2100
}
