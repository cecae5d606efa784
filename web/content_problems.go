package web

import (
	"github.com/masar-platform/masar/courses"
)

// problemText is how a content problem is said in the reader's language: a catalogue key
// (content_check.json) and the names its placeholders give to the problem's values, in order
// ("" for a value the sentence does not use).
type problemText struct {
	key   string
	names []string
}

// problemTexts are the problems an author meets when editing lessons and course files in the
// browser, by the format `masar content check` writes them from. Others keep the English of
// the command line.
var problemTexts = map[string]problemText{
	"lesson %s is missing in %s: no file %s.%s.md":                                                            {"content_check.missing_language", []string{"lesson", "lang", "", ""}},
	"lesson not listed under lessons in course.yaml":                                                          {"content_check.not_listed", nil},
	"not a lesson file name: expected NN-lessonslug.LANG.md (e.g. 01-why-open-government.ar.md)":              {"content_check.bad_file_name", nil},
	"unknown language %q: lessons are written in ar, en or fr":                                                {"content_check.unknown_language", []string{"lang"}},
	"missing: every course needs a quiz.yaml":                                                                 {"content_check.no_quiz", nil},
	"slug %q is already used by %s":                                                                           {"content_check.slug_taken", []string{"slug", "file"}},
	"raw HTML is not rendered (it is shown as text): use Markdown":                                            {"content_check.raw_html", nil},
	"raw HTML %q is not rendered (it is shown as text): use Markdown":                                         {"content_check.raw_html", []string{""}},
	"level-1 heading (#): the title comes from the front matter; start sections at ##":                        {"content_check.h1", nil},
	"link to lesson %s: no such lesson in this course":                                                        {"content_check.broken_lesson_link", []string{"lesson"}},
	"link to %s: file not found in %s/images/":                                                                {"content_check.link_file_missing", []string{"file", "folder"}},
	"link to %q: a relative link must name a lesson (NN-lessonslug.md) or a file in images/":                  {"content_check.bad_relative_link", []string{"link"}},
	"image %s has no alt text: describe the picture in ![…](…)":                                               {"content_check.no_alt", []string{"image"}},
	"image %s: images must be files in the course's images/ folder (images/name.png)":                         {"content_check.image_outside", []string{"image"}},
	"image %s: use PNG, JPEG or SVG":                                                                          {"content_check.image_type", []string{"image"}},
	"image %s not found in %s/images/":                                                                        {"content_check.image_missing", []string{"image", "folder"}},
	"unknown callout [!%s]: use [!NOTE], [!EXAMPLE], [!TIP] or [!WARNING]":                                    {"content_check.callout", []string{"name"}},
	"missing front matter: a lesson starts with a --- line, title:, then a --- line":                          {"content_check.no_front_matter", nil},
	"missing title in the front matter":                                                                       {"content_check.no_title", nil},
	"YAML syntax error: %s":                                                                                   {"content_check.yaml_syntax", []string{"detail"}},
	"lesson %s has %d question(s); at least %d needed (2 × questions_per_lesson %d), so that attempts differ": {"content_check.too_few_questions", []string{"lesson", "count", "needed", "per"}},
	"question %s: lesson %q is not a lesson of the course (see lessons in course.yaml)":                       {"content_check.question_lesson", []string{"question", "lesson"}},
	"%s: missing explanation (shown after the quiz is submitted)":                                             {"content_check.no_explanation", []string{"where"}},
}

// localProblems returns the problems with their messages in lang where the catalogue has
// them.
func (h *handler) localProblems(lang string, ps []courses.Problem) []courses.Problem {
	out := make([]courses.Problem, len(ps))
	for i, p := range ps {
		out[i] = p
		pt, ok := problemTexts[p.Format]
		if !ok || len(pt.names) != len(p.Args) {
			continue
		}
		var args []any
		for j, name := range pt.names {
			if name != "" {
				args = append(args, name, p.Args[j])
			}
		}
		out[i].Message = h.cat.T(lang, pt.key, args...)
	}
	return out
}
