package web

import "github.com/masar-platform/masar/workshops"

// The registration questions and visa letters in the API (web/api_questions.go), added to
// apiOps at start, with their schemas (addQuestionSchemas).
func init() {
	const staff = "staff, admin"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/workshops/{id}/questions", Summary: "The workshop's registration questions in their order (labels and a choice's options by language, required, purpose); staff add archived ones with ?all=1 and see how many registrations answered each", Role: "any",
			Result: "Questions", Query: []string{"all"}},
		apiOp{Method: "POST", Path: "/workshops/{id}/questions", Summary: "Add a registration question: kind text|choice|yesno|date|file, label.ar required, options (at least two, each with ar) for a choice, required, position, purpose (one live question per purpose; passport_name is text, visa_needed yesno, arrival_date and departure_date date). 422 naming the field; 409 too_many_questions beyond 30. Audited", Role: staff,
			Body: "QuestionInput", Result: "Question"},
		apiOp{Method: "PUT", Path: "/workshops/{id}/questions/{qid}", Summary: "Change a question (the whole question, as for POST). Answers are kept by question id and option key: once answered, the kind cannot change (422 kind) and a choice's options can be relabelled and added at the end but not removed (422 options). Audited", Role: staff,
			Body: "QuestionInput", Result: "Question"},
		apiOp{Method: "DELETE", Path: "/workshops/{id}/questions/{qid}", Summary: "Delete a question nobody answered; an answered one is archived instead (no longer asked, its answers kept, shown and exported): archived says which. Audited", Role: staff,
			Result: "QuestionDeleted"},
		apiOp{Method: "GET", Path: "/registrations/{id}/answers/{qid}", Summary: "The file a registration answered a file question with (its content, PDF, JPEG or PNG): staff, the person and their country's focal point", Role: "any"},
		apiOp{Method: "GET", Path: "/workshops/{id}/invitation-letter-template", Summary: "The wording of the workshop's visa invitation letters by language (empty: the platform's wording, given in default), with the placeholders it may use", Role: staff,
			Result: "VisaTemplate"},
		apiOp{Method: "PUT", Path: "/workshops/{id}/invitation-letter-template", Summary: "Set the wording of the visa invitation letters by language, one paragraph a line, with placeholders such as {passport_name}, {workshop}, {dates}, {venue}, {country}, {arrival_date}, {departure_date}; an unknown placeholder is a 422 naming it. Audited", Role: staff,
			Body: "VisaTemplateInput", Result: "VisaTemplate"},
		apiOp{Method: "GET", Path: "/workshops/{id}/invitation-letters.zip", Summary: "Every visa invitation letter issued for the workshop's participants, one PDF each, as a ZIP archive", Role: staff},
		apiOp{Method: "GET", Path: "/registrations/{id}/invitation-letter", Summary: "The visa invitation letter issued for a registration (PDF): staff and the person; 404 when none was issued", Role: "any"},
		apiOp{Method: "POST", Path: "/registrations/{id}/invitation-letter", Summary: "Issue (again) a registration's visa invitation letter in lang (ar, en or fr; empty: the person's language), set with the certificates' engine and the letterhead of the workshop's certificate template; answers 201 with its record. Staff for any confirmed participant; the person when they answered yes to the visa_needed question. 409 not_confirmed, visa_not_needed, workshop_online or passport_name_not_asked; 422 passport_name_missing naming the question. Audited", Role: "any",
			Body: "VisaLetterInput", Result: "VisaLetter"},
	)
}

// addQuestionSchemas adds the schemas of the questions' operations, and the answers to the
// registration's schema and its input.
func addQuestionSchemas(doc map[string]any) {
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	langMap := map[string]any{"type": "object", "description": "texts keyed by language (ar, en, fr)", "additionalProperties": str}
	kind := map[string]any{"type": "string", "enum": workshops.QuestionKinds}
	purpose := map[string]any{"type": "string", "enum": append([]string{""}, workshops.Purposes...)}
	question := map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "workshop_id": integer, "kind": kind, "label": langMap,
		"options": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"key": map[string]any{"type": "string", "description": "what an answer holds; never changes"}, "label": langMap}}},
		"required": boolean, "position": integer, "purpose": purpose, "archived": boolean,
		"answered": map[string]any{"type": "integer", "description": "registrations that answered it (staff; 0 for others)"}}}
	schemas["Question"] = question
	schemas["Questions"] = map[string]any{"type": "array", "items": ref("Question")}
	schemas["QuestionInput"] = map[string]any{"type": "object", "required": []string{"kind", "label"}, "properties": map[string]any{
		"kind": kind, "label": langMap, "options": map[string]any{"type": "array", "items": langMap}, "required": boolean,
		"position": integer, "purpose": purpose}}
	schemas["QuestionDeleted"] = map[string]any{"type": "object", "properties": map[string]any{"id": integer, "archived": boolean}}
	schemas["VisaTemplate"] = map[string]any{"type": "object", "properties": map[string]any{"workshop_id": integer, "body": langMap,
		"default": langMap, "placeholders": map[string]any{"type": "array", "items": str},
		"updated_at": map[string]any{"type": "string", "format": "date-time", "nullable": true}}}
	schemas["VisaTemplateInput"] = map[string]any{"type": "object", "properties": map[string]any{"body": langMap}}
	schemas["VisaLetterInput"] = map[string]any{"type": "object", "properties": map[string]any{"lang": map[string]any{"type": "string", "enum": []string{"", "ar", "en", "fr"}}}}
	schemas["VisaLetter"] = map[string]any{"type": "object", "properties": map[string]any{"registration_id": integer, "lang": str,
		"sha256": str, "size": integer, "issued_by": integer, "issued_at": map[string]any{"type": "string", "format": "date-time"}}}
	answer := map[string]any{"type": "object", "properties": map[string]any{"question_id": integer, "kind": kind, "purpose": str,
		"value":     map[string]any{"type": "string", "description": "the text, the option's key, yes or no, a date (YYYY-MM-DD) or a file's name"},
		"file_type": str, "file_size": integer}}
	if reg, ok := schemas["Registration"].(map[string]any); ok {
		props := mergeProps(reg["properties"].(map[string]any), map[string]any{"answers": map[string]any{"type": "array", "items": answer,
			"description": "answers to the registration questions (not shown to trainers)"}})
		schemas["Registration"] = mergeProps(reg, map[string]any{"properties": props})
	}
	if in, ok := schemas["RegistrationInput"].(map[string]any); ok {
		props := mergeProps(in["properties"].(map[string]any), map[string]any{"answers": map[string]any{"type": "object",
			"description":          "answers by question id: a string, or for a file question {\"filename\", \"content_base64\"} (PDF, JPEG or PNG, 5 MB at most); a required question left empty is a 422 whose message names it (error.fields keys each question at fault as q{id}), and nothing is saved",
			"additionalProperties": map[string]any{"oneOf": []any{str, map[string]any{"type": "object", "properties": map[string]any{"filename": str, "content_base64": str}}}}}})
		schemas["RegistrationInput"] = mergeProps(in, map[string]any{"properties": props})
	}
}
