package web

import "strings"

// The course editor's API (web/api_content.go), added to apiOps (openapi.go) at start, with
// its schemas (addContentSchemas) and the answers that are not the document's defaults.
func init() {
	const who, staffOnly = "staff, admin, trainer (a trainer: only the courses assigned to them; other courses 403)", "staff, admin"
	const c = "/content/courses/{course}"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/content/courses", Summary: "The course folders the caller may edit (staff and admins all, a trainer those assigned to them), with their titles from course.yaml, the served course's slug (empty while never published) and how many files are drafts or in review", Role: who,
			Result: "ContentCourses"},
		apiOp{Method: "GET", Path: c + "/files", Summary: "Every file of a course folder with its latest revision (head_id, state draft|review|published, origin, author, time, deleted) and its published revision (published_id, 0 when never published); no text", Role: who,
			Result: "ContentRevisions"},
		apiOp{Method: "POST", Path: c + "/publish", Summary: "Publish every file of the course that is in review, after checking the course as `masar content check` does; learners, the search and the certificates then follow the published text. Answers 200 with the published paths. 422 publish_refused with error.problems (file, line, message) and nothing published; 409 nothing_to_publish when no file is in review; 403 for trainers", Role: staffOnly,
			Result: "ContentPublished"},
		apiOp{Method: "GET", Path: c + "/translations", Summary: "Each lesson in each of the course's languages (course.yaml's languages; the first is the source): status source|current|outdated|missing, the translation's latest revision, the source revision it should follow (source_id) and the one it was translated from (translated_from); for an outdated one the source's changed lines since (changes: op, text)", Role: who,
			Result: "ContentTranslations"},
		apiOp{Method: "GET", Path: c + "/trainers", Summary: "The trainers assigned to the course", Role: staffOnly, Result: "ContentTrainers"},
		apiOp{Method: "POST", Path: c + "/trainers", Summary: "Assign a trainer to the course, by e-mail address or account id (idempotent); answers 201 with the course's trainers. 422 names email or id: no such account, or an account whose role is not trainer (code not_trainer)", Role: staffOnly,
			Body: "ContentTrainerInput", Result: "ContentTrainers"},
		apiOp{Method: "DELETE", Path: c + "/trainers/{official}", Summary: "Take the course away from a trainer (the account's id); answers the course's trainers. 404 when the account is not a trainer of the course", Role: staffOnly,
			Result: "ContentTrainers"},
		apiOp{Method: "GET", Path: "/content/revisions/{id}", Summary: "One revision with its text (data in base64 for an image), head_id and published_id of its file; 403 when the caller may not edit its course", Role: who,
			Result: "ContentRevision"},
		apiOp{Method: "POST", Path: "/content/revisions/{id}/restore", Summary: "Bring a revision's text back as a new draft on top of its file's latest revision: 201 with the new revision; 200 with unchanged=true when the latest revision already holds that text. 403 when the caller may not edit its course", Role: who,
			Result: "ContentRevision"},
	)
	for _, f := range []struct{ path, what string }{
		{c + "/files/{file}", "a file of the course folder named {file}: a lesson in one language (02-four-phases.ar.md), course.yaml or quiz.yaml"},
		{c + "/files/images/{image}", "an image of the course (images/{image}), its content in base64 under data"},
	} {
		apiOps = append(apiOps,
			apiOp{Method: "GET", Path: f.path, Summary: "The latest revision of " + f.what + ", with its state, id, head_id and published_id; revision=published gives the one learners are served (404 not_published when none)", Role: who,
				Result: "ContentRevision", Query: []string{"revision"}},
			apiOp{Method: "PUT", Path: f.path, Summary: "Save " + f.what + " as a new draft revision on top of base_id, the revision the text was based on (0 for a new file). " +
				"Only lesson files of lessons the course knows (add a new lesson to course.yaml first), course.yaml, quiz.yaml and images may be written (422 not_writable). " +
				"The course's settings and question bank are edited by PUTting course.yaml or quiz.yaml text, checked when publishing, as the settings and quiz pages' files are. " +
				"A text file's content is text (CRLF line ends stored as LF, 2 MB at most); an image's is data, base64 of a PNG, JPEG or SVG figure checked as the images page checks an upload, and it must be stored under the name of the address (an SVG figure's language is in its name: x.ar.svg). " +
				"A translation records the source revision it was translated from: source_id when it is a revision of the source file, else the one it should follow now. " +
				"201 with the new revision; 200 with the latest revision and unchanged=true when the text is the latest revision's (nothing saved). " +
				"409 conflict when someone saved a revision after base_id: nothing is saved, the message names who and when, and error.head is that revision (its id is the base_id to save on). " +
				"422 validation names text, data, message (500 characters at most), file or base_id; 413 file_too_large for an image over 2 MB", Role: who,
				Body: "ContentPut", Result: "ContentRevision"},
			apiOp{Method: "POST", Path: f.path + "/submit", Summary: "Submit the file's latest revision, a draft, for review (head_id: its id); answers 200 with the revision, now in review. 409 not_submittable when head_id is not the latest revision or it is not a draft", Role: who,
				Body: "ContentSubmit", Result: "ContentRevision"},
			apiOp{Method: "GET", Path: f.path + "/history", Summary: "The file's revisions, newest first, without their text, with head_id and published_id", Role: who,
				Result: "ContentHistory"},
		)
	}
}

// contentAnswers are the operations whose success is not the document's default status
// (201 for a POST with a result, 200 otherwise): method and path → the statuses.
var contentAnswers = map[string][]string{
	"post /content/courses/{course}/publish":                     {"200"},
	"post /content/courses/{course}/files/{file}/submit":         {"200"},
	"post /content/courses/{course}/files/images/{image}/submit": {"200"},
	"put /content/courses/{course}/files/{file}":                 {"201", "200"},
	"put /content/courses/{course}/files/images/{image}":         {"201", "200"},
	"post /content/revisions/{id}/restore":                       {"201", "200"},
	"post /content/courses/{course}/trainers":                    {"201"},
	"delete /content/courses/{course}/trainers/{official}":       {"200"},
}

// addContentSchemas adds the course editor's schemas to the document, and sets the success
// statuses of its operations as they answer.
func addContentSchemas(doc map[string]any) {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	state := map[string]any{"type": "string", "enum": []string{"draft", "review", "published"}}
	revision := map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "path": map[string]any{"type": "string", "description": "course folder / file"}, "file": str, "state": state,
		"origin":  map[string]any{"type": "string", "enum": []string{"shipped", "folder", "import", "editor", "restore"}},
		"deleted": boolean, "base_id": integer, "source_id": integer, "author_id": integer,
		"author":  map[string]any{"type": "string", "description": "the author's name for the request's language; empty for the system"},
		"message": map[string]any{"type": "string", "description": "the author's description of the change (the system's own in the request's language)"},
		"at":      dateTime,
		"text":    map[string]any{"type": "string", "description": "a text file's content (not in lists)"},
		"data":    map[string]any{"type": "string", "format": "byte", "description": "an image's content in base64 (not in lists)"},
		"head_id": integer, "published_id": map[string]any{"type": "integer", "description": "0 or absent: never published"},
		"unchanged": map[string]any{"type": "boolean", "description": "a save or restore that changed nothing: this is the latest revision"}}}
	diffLine := map[string]any{"type": "object", "properties": map[string]any{
		"op":  map[string]any{"type": "string", "enum": []string{"=", "-", "+", "…"}, "description": "kept, removed, added, lines left out"},
		"old": integer, "new": integer, "text": str}}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, s := range map[string]any{
		"ContentCourses": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"folder": str, "slug": str, "title": map[string]any{"type": "object", "additionalProperties": str}, "drafts": integer, "reviews": integer}}},
		"ContentRevision":  revision,
		"ContentRevisions": map[string]any{"type": "array", "items": revision},
		"ContentHistory": map[string]any{"type": "object", "properties": map[string]any{"head_id": integer, "published_id": integer,
			"revisions": map[string]any{"type": "array", "items": revision}}},
		"ContentPut": map[string]any{"type": "object", "required": []string{"base_id"}, "properties": map[string]any{
			"text":      map[string]any{"type": "string", "description": "a text file's new content (lessons, course.yaml, quiz.yaml)"},
			"data":      map[string]any{"type": "string", "format": "byte", "description": "an image's content in base64: PNG, JPEG or SVG, 2 MB at most"},
			"base_id":   map[string]any{"type": "integer", "description": "the revision the text is based on; 0 for a new file"},
			"source_id": map[string]any{"type": "integer", "description": "a translation: the source-language revision it was translated from"},
			"message":   map[string]any{"type": "string", "maxLength": maxChangeMessage}}},
		"ContentSubmit":    map[string]any{"type": "object", "required": []string{"head_id"}, "properties": map[string]any{"head_id": integer}},
		"ContentPublished": map[string]any{"type": "object", "properties": map[string]any{"published": map[string]any{"type": "array", "items": str}}},
		"ContentTranslations": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"lesson": str, "lang": str, "file": str,
			"status":  map[string]any{"type": "string", "enum": []string{"source", "current", "outdated", "missing"}},
			"head_id": integer, "source_file": str, "source_id": integer, "translated_from": integer, "author": str, "at": dateTime,
			"changes": map[string]any{"type": "array", "items": diffLine}}}},
		"ContentTrainers":     map[string]any{"type": "array", "items": ref("Official")},
		"ContentTrainerInput": map[string]any{"type": "object", "description": "email or id", "properties": map[string]any{"email": str, "id": integer}},
		"ContentConflict": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
			"code": str, "message": str, "fields": map[string]any{"type": "object", "additionalProperties": str}, "head": revision}}}},
		"ContentPublishRefused": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
			"code": str, "message": str, "problems": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
				"file": str, "line": integer, "message": map[string]any{"type": "string", "description": "in the request's language (the page's, or Accept-Language) for the problems an editor meets; others as `masar content check` says them (English)"}}}}}}}},
	} {
		schemas[name] = s
	}
	setAnswers(doc, contentAnswers, func(method, p string, responses map[string]any) {
		switch {
		case method == "put":
			responses["409"] = map[string]any{"description": "Conflict: a revision was saved after base_id", "content": jsonContent(ref("ContentConflict"))}
		case strings.HasSuffix(p, "/publish"):
			responses["422"] = map[string]any{"description": "Refused: the course's problems", "content": jsonContent(ref("ContentPublishRefused"))}
		}
	})
}

// setAnswers gives each operation of answers (method and path → status codes) its success
// answer under those codes instead of the document's default one, then lets more add the
// operation's other answers (nil: none). An operation the document does not have is skipped.
func setAnswers(doc map[string]any, answers map[string][]string, more func(method, path string, responses map[string]any)) {
	paths := doc["paths"].(map[string]any)
	for key, codes := range answers {
		method, p, _ := strings.Cut(key, " ")
		item, _ := paths[p].(map[string]any)
		op, ok := item[method].(map[string]any)
		if !ok {
			continue
		}
		responses := op["responses"].(map[string]any)
		var ok200 any
		for _, code := range []string{"200", "201"} {
			if r, found := responses[code]; found {
				ok200 = r
				delete(responses, code)
			}
		}
		for _, code := range codes {
			responses[code] = ok200
		}
		if more != nil {
			more(method, p, responses)
		}
	}
}
