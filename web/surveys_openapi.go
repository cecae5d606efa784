package web

import (
	"github.com/masar-platform/masar/surveys"
)

// The surveys' API (web/surveys_api.go), added to apiOps (openapi.go) at start, with its
// schemas (addSurveySchemas).
func init() {
	const staff, readers = "staff, admin", "staff, admin, trainer (a trainer: only the workshops they train at; others 404)"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/survey-templates", Summary: "The reusable survey templates, newest first: satisfaction questionnaires and knowledge tests (with their right answers)", Role: staff,
			Result: "SurveyTemplates"},
		apiOp{Method: "POST", Path: "/survey-templates", Summary: "Create a template: kind satisfaction (questions rating 1–5, single, multiple, text) or test (single and multiple questions, each with its right options marked correct); every text in ar (required), en and fr. Questions are numbered q1, q2…, options o1, o2…. 422 names the field: title_ar, kind, q2_text_ar, q2_options_en, q2_correct…", Role: staff,
			Body: "SurveyTemplateInput", Result: "SurveyTemplate"},
		apiOp{Method: "GET", Path: "/survey-templates/{id}", Summary: "One template", Role: staff, Result: "SurveyTemplate"},
		apiOp{Method: "PUT", Path: "/survey-templates/{id}", Summary: "Replace a template's title and questions (its kind stays); the surveys already attached keep their own copy. 422 as for POST", Role: staff,
			Body: "SurveyTemplateInput", Result: "SurveyTemplate"},
		apiOp{Method: "GET", Path: "/workshops/{id}/surveys", Summary: "A workshop's surveys (pre_test, post_test, satisfaction) with their questions and how many responses each has", Role: readers,
			Result: "Surveys"},
		apiOp{Method: "POST", Path: "/workshops/{id}/surveys", Summary: "Attach to a workshop a copy of a template as its satisfaction survey (a satisfaction template) or its pre_test or post_test (a test), as a draft: anonymous or named, optionally holding the attendance certificates until the satisfaction survey is answered (certificate_gate), with optional opens_at and closes_at. 409 survey_kind_taken when the workshop has one of that kind; 422 names kind, template_id, certificate_gate or closes_at", Role: staff,
			Body: "SurveyAttach", Result: "Survey"},
		apiOp{Method: "POST", Path: "/surveys/{id}/publish", Summary: "Publish a draft survey (written to the audit log): participants may answer it and the invitations go out by mail — the pre-test from a week before the start until its first session ends, the satisfaction survey and the post-test after the last session, with one reminder three days later. 409 survey_published when it is not a draft", Role: staff,
			Result: "Survey"},
		apiOp{Method: "DELETE", Path: "/surveys/{id}", Summary: "Remove a draft survey; 409 survey_published once published", Role: staff, Result: "SurveyRemoved"},
		apiOp{Method: "GET", Path: "/surveys/{id}", Summary: "A survey to answer, for a participant with a confirmed seat at its workshop (published surveys only; others 404), its trainers and staff; the right answers of a test only for staff. open: it takes answers now; answered: the caller has answered it", Role: "any",
			Result: "SurveyToAnswer"},
		apiOp{Method: "POST", Path: "/surveys/{id}/responses", Summary: "Answer a survey, once: answers by question id — a rating [\"1\"…\"5\"], the chosen option ids, or [text]; every question but free text is required. An anonymous survey keeps the answers without the person. 201 with the score in percent for a test. 403 not_participant, 409 already_answered or survey_closed, 422 names the questions (q1, q3…)", Role: "any",
			Body: "SurveyAnswers", Result: "SurveyAnswered"},
		apiOp{Method: "GET", Path: "/workshops/{id}/survey-results", Summary: "The results of a workshop's surveys: per question the answers counted (ratings 1–5, options), the mean rating, how many answered a test question right and the free-text answers; the paired learning gain (participants who took both tests: pairs, mean pre, mean post and mean gain in percentage points)", Role: readers,
			Result: "SurveyResults"},
		apiOp{Method: "GET", Path: "/survey-report", Summary: "The programme's evaluation across the workshops with a published survey: satisfaction (mean rating 1–5) and learning gain by workshop, by host country (anonymous answers carry no participant's country) and by phase (a workshop serving several phases counts under each), and in total", Role: staff,
			Result: "SurveyReport"},
	)
}

// surveyAnswers are the operations whose success is not the document's default status.
var surveyAnswers = map[string][]string{
	"post /surveys/{id}/publish": {"200"},
}

// addSurveySchemas adds the surveys' schemas to the document.
func addSurveySchemas(doc map[string]any) {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	number := map[string]any{"type": "number", "nullable": true}
	dateTime := map[string]any{"type": "string", "format": "date-time", "nullable": true}
	texts := map[string]any{"type": "object", "description": "texts keyed by language (ar required, en, fr)", "additionalProperties": str}
	option := map[string]any{"type": "object", "properties": map[string]any{"id": str, "text": texts, "correct": boolean}}
	question := map[string]any{"type": "object", "properties": map[string]any{"id": str,
		"kind": map[string]any{"type": "string", "enum": surveys.QuestionKinds}, "text": texts,
		"options": map[string]any{"type": "array", "items": option}}}
	questions := map[string]any{"type": "array", "items": question}
	template := map[string]any{"type": "object", "properties": map[string]any{"id": integer,
		"kind": map[string]any{"type": "string", "enum": surveys.TemplateKinds}, "title": texts, "questions": questions,
		"created_at": dateTime, "updated_at": dateTime}}
	survey := map[string]any{"type": "object", "properties": map[string]any{"id": integer, "workshop_id": integer,
		"kind": map[string]any{"type": "string", "enum": surveys.Kinds}, "template_id": integer, "title": texts, "questions": questions,
		"anonymous": boolean, "certificate_gate": boolean, "status": map[string]any{"type": "string", "enum": []string{surveys.StatusDraft, surveys.StatusPublished}},
		"opens_at": dateTime, "closes_at": dateTime, "published_at": dateTime, "created_at": dateTime, "responses": integer}}
	toAnswer := map[string]any{"type": "object", "properties": map[string]any{}}
	for k, v := range survey["properties"].(map[string]any) {
		toAnswer["properties"].(map[string]any)[k] = v
	}
	toAnswer["properties"].(map[string]any)["open"] = boolean
	toAnswer["properties"].(map[string]any)["answered"] = boolean
	figure := map[string]any{"type": "object", "properties": map[string]any{"workshop_id": integer, "country": str, "phase": map[string]any{"type": "integer", "enum": []int{1, 2, 3, 4}},
		"satisfaction_responses": integer, "ratings": integer, "satisfaction": number, "pairs": integer,
		"mean_pre": number, "mean_post": number, "mean_gain": number}}
	figures := map[string]any{"type": "array", "items": figure}
	qResult := map[string]any{"type": "object", "properties": map[string]any{"question": question, "answered": integer,
		"counts": map[string]any{"type": "array", "items": integer, "description": "a rating: how many chose 1…5; a choice: how many chose each option, in order"},
		"mean":   number, "right": integer, "texts": map[string]any{"type": "array", "items": str}}}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, s := range map[string]any{
		"SurveyTemplate":  template,
		"SurveyTemplates": map[string]any{"type": "array", "items": template},
		"SurveyTemplateInput": map[string]any{"type": "object", "required": []string{"kind", "title"}, "properties": map[string]any{
			"kind": map[string]any{"type": "string", "enum": surveys.TemplateKinds}, "title": texts, "questions": questions}},
		"Survey":  survey,
		"Surveys": map[string]any{"type": "array", "items": survey},
		"SurveyAttach": map[string]any{"type": "object", "required": []string{"kind", "template_id"}, "properties": map[string]any{
			"kind": map[string]any{"type": "string", "enum": surveys.Kinds}, "template_id": integer, "anonymous": boolean,
			"certificate_gate": boolean, "opens_at": dateTime, "closes_at": dateTime}},
		"SurveyRemoved":  map[string]any{"type": "object", "properties": map[string]any{"id": integer, "removed": boolean}},
		"SurveyToAnswer": toAnswer,
		"SurveyAnswers": map[string]any{"type": "object", "required": []string{"answers"}, "properties": map[string]any{
			"answers": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": str}}}},
		"SurveyAnswered": map[string]any{"type": "object", "properties": map[string]any{"survey_id": integer, "answered": boolean,
			"score": map[string]any{"type": "number", "nullable": true, "description": "a test: the share of questions answered right, in percent"}}},
		"SurveyResults": map[string]any{"type": "object", "properties": map[string]any{"workshop_id": integer,
			"surveys": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
				"survey": survey, "responses": integer, "mean_score": number, "questions": map[string]any{"type": "array", "items": qResult}}}},
			"gain": map[string]any{"type": "object", "nullable": true, "properties": map[string]any{"pairs": integer, "mean_pre": number,
				"mean_post": number, "mean_gain": number, "pre_responses": integer, "post_responses": integer}}}},
		"SurveyReport": map[string]any{"type": "object", "properties": map[string]any{"by_workshop": figures, "by_country": figures,
			"by_phase": figures, "total": figure}},
	} {
		schemas[name] = s
	}
	setAnswers(doc, surveyAnswers, nil)
}
