package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/courses"
)

// apiOp describes one API operation for the OpenAPI document.
type apiOp struct {
	Method, Path, Summary, Role string
	Body                        string // schema name of the JSON body, if any
	Result                      string // schema name of the data, if any
	Query                       []string
}

// apiOps is the API as documented. A test checks it against the routes actually registered,
// so that the document stays true.
var apiOps = []apiOp{
	{Method: "GET", Path: "/openapi.json", Summary: "This document", Role: "public"},
	{Method: "GET", Path: "/me", Summary: "The account the token belongs to", Role: "any", Result: "Official"},
	{Method: "GET", Path: "/me/export", Summary: "Everything the platform holds about the caller (format masar-personal-data/1); no secrets: sessions and tokens by their dates, one-time links in mails masked", Role: "any", Result: "PersonalData"},
	{Method: "POST", Path: "/me/delete", Summary: "Delete one's own account, confirmed with the password (422 when wrong): it is suspended at once, the token included, and erased when the grace period (MASAR_ERASURE_GRACE) ends; a mail carries the link that undoes it. Answers 202 with the date of the erasure (null: erased at once)", Role: "any",
		Body: "DeleteAccountInput", Result: "ErasureScheduled"},
	{Method: "GET", Path: "/officials", Summary: "List accounts (a focal point sees only their country)", Role: "staff, admin, focal_point",
		Result: "OfficialPage", Query: []string{"q", "country", "role", "limit", "offset"}},
	{Method: "POST", Path: "/officials", Summary: "Create an account for someone (staff give official, focal_point or trainer; admins any role); its holder is e-mailed a link to choose the password, which nobody else sets (a password in the body is a 422)", Role: "staff, admin",
		Body: "OfficialInput", Result: "Official"},
	{Method: "GET", Path: "/officials/{id}", Summary: "One account", Role: "staff, admin, focal_point", Result: "Official"},
	{Method: "PATCH", Path: "/officials/{id}", Summary: "Change an account's profile fields or role (staff: not of staff or admin accounts, nor to staff or admin)", Role: "staff, admin",
		Body: "OfficialPatch", Result: "Official"},
	{Method: "POST", Path: "/officials/{id}/erase", Summary: "Erase an account at once at its holder's request, with the reason (kept in the audit log); only an admin erases staff or admin accounts; 409 erase_self for one's own account. Answers 200 with the account's id", Role: "staff, admin",
		Body: "EraseInput", Result: "Erased"},
	{Method: "GET", Path: "/courses", Summary: "The course catalogue", Role: "public", Result: "Courses"},
	{Method: "GET", Path: "/courses/{slug}", Summary: "One course with its outcomes and lessons", Role: "public", Result: "Course"},
	{Method: "POST", Path: "/courses/{slug}/enrol", Summary: "Enrol in a course (idempotent); 403 email_unconfirmed until the caller's e-mail address is confirmed", Role: "any", Result: "Progress"},
	{Method: "POST", Path: "/courses/{slug}/lessons/{lesson}/done", Summary: "Mark a lesson as done: accepted once the lesson has been open its reading time (min_reading_minutes) since the caller first opened it; earlier 409 lesson_not_read, with the time left in the message and, in seconds, in Retry-After (a lesson never opened starts its reading time then). 403 email_unconfirmed when it would enrol an unconfirmed account", Role: "any", Result: "Progress"},
	{Method: "GET", Path: "/courses/{slug}/quiz", Summary: "Open the caller's attempt (or reopen the open one): its own questions, drawn per lesson, options in the order drawn, no answers (409 quiz_not_open until every lesson counts as read; 409 quiz_passed or attempts_exhausted; 429 quiz_cooldown with Retry-After after a failed attempt)", Role: "any",
		Result: "QuizAttempt"},
	{Method: "POST", Path: "/courses/{slug}/quiz", Summary: "Submit the answers to the open attempt; scored on the server, attempts limited (409 quiz_not_open until every lesson counts as read; 409 attempts_exhausted or quiz_passed; 422 quiz_tampered naming a question not asked; 422 quiz_unanswered naming the unanswered questions unless confirm is true; 429 quiz_cooldown with Retry-After). correct_options only once revealed (passed or no attempt left)", Role: "any",
		Body: "QuizAnswers", Result: "QuizResult"},
	{Method: "GET", Path: "/courses/{slug}/statistics", Summary: "Item analysis of the course's quiz from its submitted attempts: per question times asked, facility (share right), discrimination (upper-lower index: facility in the top third of attempts by score minus the bottom third; null below min_attempts), option choice counts and flags; per course learners, pass rate, mean and median score and the score distribution in ten bands (0-9 … 90-100), for all attempts and first attempts. Questions no longer in the bank are listed as retired. attempts=first computes the questions' figures from each learner's first attempt only (default all; another value is a 422 naming attempts)", Role: "staff, admin",
		Result: "CourseStatistics", Query: []string{"attempts"}},
	{Method: "GET", Path: "/me/progress", Summary: "The caller's progress in every course they are enrolled in", Role: "any", Result: "ProgressList"},
	{Method: "GET", Path: "/countries", Summary: "Member states (all Arab states with ?all=1)", Role: "public", Result: "Countries", Query: []string{"all"}},
	// Advisory services. Roles as on the pages: other roles get 403; another country's request or country 404.
	{Method: "GET", Path: "/advisory", Summary: "List advisory requests, newest first (a focal point sees only their country's)", Role: "staff, admin, focal_point",
		Result: "AdvisoryRequestPage", Query: []string{"country", "status", "phase", "overdue", "limit", "offset"}},
	{Method: "POST", Path: "/advisory", Summary: "Submit an advisory request, with files in base64 (a focal point for their country; staff name the country); the country's focal points are e-mailed", Role: "staff, admin, focal_point",
		Body: "AdvisoryInput", Result: "AdvisoryRequestDetail"},
	{Method: "GET", Path: "/advisory/queue", Summary: "The staff's work queue of open requests, due first: view mine (owned by the caller), team (the caller is on the team), unassigned, overdue, or all (the default); filtered by country, status and owner (a staff account's id, or none); counts per view under the same filters", Role: "staff, admin",
		Result: "AdvisoryQueue", Query: []string{"view", "country", "status", "owner", "limit", "offset"}},
	{Method: "PUT", Path: "/advisory/{id}/staff", Summary: "Set the owner (owner_id, 0 for nobody) and team of a request among staff accounts; changes are audited and the people given the request are e-mailed (422 naming owner_id or team for an account that is not staff; 409 request_closed)", Role: "staff, admin",
		Body: "AdvisoryStaffing", Result: "AdvisoryRequestDetail"},
	{Method: "GET", Path: "/advisory/{id}", Summary: "One request with its history, messages, files and the moves open to the caller (internal notes for staff only)", Role: "staff, admin, focal_point",
		Result: "AdvisoryRequestDetail"},
	{Method: "PATCH", Path: "/advisory/{id}", Summary: "Set the lead expert and the due dates; the country is e-mailed (409 request_closed once the request has ended)", Role: "staff, admin",
		Body: "AdvisoryPatch", Result: "AdvisoryRequestDetail"},
	{Method: "POST", Path: "/advisory/{id}/transition", Summary: "Move a request to another state; answers 200 with the request (AdvisoryRequestDetail). 409 transition_forbidden: the workflow has no such move from the current state (whoever asks); 403 transition_not_allowed: the move belongs to the other party (staff triage, accept, decline, plan, start and complete; the country withdraws); 422 when declining without a reason; 409 lead_expert_required before planning. The requester and the country's focal points are e-mailed", Role: "staff, admin, focal_point",
		Body: "AdvisoryTransition"},
	{Method: "POST", Path: "/advisory/{id}/comments", Summary: "Add a message to the thread (e-mailed to the country), or with internal=true a staff-only note (403 for focal points)", Role: "staff, admin, focal_point",
		Body: "AdvisoryCommentInput", Result: "AdvisoryComment"},
	{Method: "POST", Path: "/advisory/{id}/attachments", Summary: "Attach PDF, DOCX or XLSX files, checked by content, within the configured limits (8 MB each and 32 MB in all by default, MASAR_UPLOAD_FILE_MB and MASAR_UPLOAD_TOTAL_MB), 10 per request, all or none (422 validation naming the file; 413 file_too_large or files_too_large naming it; 409 request_closed)", Role: "staff, admin, focal_point",
		Body: "AdvisoryFiles", Result: "AdvisoryAttachments"},
	{Method: "GET", Path: "/advisory/{id}/attachments/{aid}", Summary: "Download an attached file (its content, not JSON)", Role: "staff, admin, focal_point"},
	{Method: "DELETE", Path: "/advisory/{id}/attachments/{aid}", Summary: "Remove an attached file (its uploader or staff, while the request is open; audited); answers the remaining files. 403 not_uploader, 409 request_closed", Role: "staff, admin, focal_point",
		Result: "AdvisoryAttachments"},
	{Method: "POST", Path: "/advisory/{id}/rating", Summary: "Rate a completed request, once (a focal point of its country); answers 200 with the request. 409 not_completed, 409 already_rated", Role: "focal_point",
		Body: "AdvisoryRating"},
	{Method: "POST", Path: "/advisory/{id}/workshop", Summary: "Create the national workshop of an accepted, planned or in-progress request, as a draft pre-filled from it (what the body leaves out comes from the request), and link it; 409 workshop_not_possible", Role: "staff, admin",
		Body: "AdvisoryWorkshopInput", Result: "AdvisoryWorkshop"},
	{Method: "GET", Path: "/countries/{iso}/assessments", Summary: "A country's self-assessments, newest first", Role: "staff, admin, focal_point", Result: "Assessments"},
	{Method: "POST", Path: "/countries/{iso}/assessments", Summary: "Record a new self-assessment of a country (every cell of the 4 × 6 grid required): by its focal points, or by staff on its behalf (by names who entered it); earlier ones are kept", Role: "staff, admin, focal_point",
		Body: "AssessmentInput", Result: "Assessment"},
	{Method: "PUT", Path: "/countries/{iso}/assessments/{aid}", Summary: "Correct a self-assessment (its date, note and grid): a focal point of the country or staff; the correction is kept with who made it, when, and the assessment before and after", Role: "staff, admin, focal_point",
		Body: "AssessmentInput", Result: "Assessment"},
	{Method: "GET", Path: "/countries/{iso}/assessments/changes", Summary: "The corrections of a country's self-assessments, newest first: who, when, before and after", Role: "staff, admin, focal_point",
		Result: "AssessmentChanges"},
	// Certificates. The files are outside the API: /certificates/{code}.pdf, .png, .json (Open Badges 3.0
	// credential, a VC-JWT in an EnvelopedVerifiableCredential), .jwt; /.well-known/jwks.json;
	// /.well-known/did.json (did:web document, the keys the kid of a VC-JWT resolves to); /issuer;
	// /credentials/status/{n} (Bitstring Status List, VC-JWT).
	{Method: "GET", Path: "/me/certificates", Summary: "The caller's certificates, newest first (superseded ones included), with the addresses of their files", Role: "any", Result: "CertificateList"},
	{Method: "GET", Path: "/certificates", Summary: "List certificates, newest first; q searches names and codes", Role: "staff, admin",
		Result: "CertificatePage", Query: []string{"q", "kind", "status", "course", "workshop_id", "limit", "offset"}},
	{Method: "POST", Path: "/certificates", Summary: "Issue a certificate by hand, with a reason (official by id or e-mail; 409 already_issued names the certificate held)", Role: "staff, admin",
		Body: "CertificateIssue", Result: "Certificate"},
	{Method: "GET", Path: "/certificates/{code}", Summary: "One certificate (its holder or staff; 404 for anyone else)", Role: "any", Result: "Certificate"},
	{Method: "POST", Path: "/certificates/{code}/revoke", Summary: "Revoke a valid certificate with a reason; it stays on record and verifies as revoked (409 not_valid); answers 200 with the certificate", Role: "staff, admin",
		Body: "CertificateRevoke"},
	{Method: "POST", Path: "/certificates/{code}/reissue", Summary: "Reissue a valid certificate with corrected names: a new certificate that supersedes it (409 not_valid)", Role: "staff, admin",
		Body: "CertificateReissue", Result: "Certificate"},
	{Method: "POST", Path: "/certificates/jobs", Summary: "Issue a workshop's attendance certificates to everyone who qualifies, in the background, once its last session has ended (before: 409 workshop_not_over, the message saying from when)", Role: "staff, admin",
		Body: "CertificateJobStart", Result: "CertificateJob"},
	{Method: "GET", Path: "/certificates/jobs/{id}", Summary: "A bulk issuing job's progress", Role: "staff, admin", Result: "CertificateJob"},
	{Method: "GET", Path: "/certificate-templates", Summary: "The certificate templates (issuer, wording, signatories, logos by image hash), each with its latest version; the default first", Role: "staff, admin", Result: "CertificateTemplates"},
	{Method: "GET", Path: "/certificate-templates/{id}/versions", Summary: "A template's versions, newest first, with who saved each and when; certificates name the version they were issued with (template_version)", Role: "staff, admin", Result: "CertificateTemplateVersions"},
	// Workshops (web/api_workshops.go). Times without an offset are the host's local time.
	{Method: "GET", Path: "/workshops", Summary: "The workshop calendar: published, cancelled and completed workshops, soonest first (drafts with status=draft, staff only); when=upcoming|past", Role: "public",
		Result: "Workshops", Query: []string{"country", "kind", "phase", "month", "status", "when"}},
	{Method: "POST", Path: "/workshops", Summary: "Schedule a workshop (a draft until published)", Role: "staff, admin", Body: "WorkshopInput", Result: "Workshop"},
	{Method: "GET", Path: "/workshops/{id}", Summary: "One workshop with its agenda and seats", Role: "public", Result: "Workshop"},
	{Method: "PATCH", Path: "/workshops/{id}", Summary: "Change the fields present (title.fr alone changes only the French title; sessions replace the agenda, keeping those named by id); status publishes, cancels or completes; SEQUENCE goes up", Role: "staff, admin",
		Body: "WorkshopPatch", Result: "Workshop"},
	{Method: "GET", Path: "/workshops/{id}/conflicts", Summary: "Warnings: double-booked trainers or venue, sessions outside the workshop's days", Role: "staff, admin", Result: "Warnings"},
	{Method: "GET", Path: "/workshops/{id}/registrations", Summary: "Registrations: all for staff and the workshop's trainers, a focal point's country, an official's own", Role: "any",
		Result: "Registrations", Query: []string{"status", "country", "q"}},
	{Method: "POST", Path: "/workshops/{id}/registrations", Summary: "Apply (an official, with a motivation) or nominate (a focal point for their country, or staff: official_id, or email, with a profile to create the account); 409 registration_closed, already_registered, wrong_country; 403 email_unconfirmed for an application from an unconfirmed account (a nomination does not wait for the nominee's confirmation)", Role: "any",
		Body: "RegistrationInput", Result: "Registration"},
	{Method: "GET", Path: "/workshops/{id}/attendance", Summary: "Days attended and attendance rate of each confirmed participant", Role: "staff, admin, trainer", Result: "Attendance"},
	{Method: "POST", Path: "/workshops/{id}/attendance", Summary: "Mark participants present (or absent) on a day, by registration id or ticket code, all or none; answers 200 with the attendance", Role: "staff, admin, trainer",
		Body: "AttendanceInput"},
	{Method: "GET", Path: "/workshops/{id}/participants.xlsx", Summary: "The participant list as an Excel workbook (in the request's language; right to left in Arabic)", Role: "staff, admin"},
	{Method: "POST", Path: "/workshops/{id}/participants", Summary: "Import a participant list (staff) or a delegation (a focal point) from an .xlsx request body, all rows or none; answers 200 with the report, or 422 import_invalid with error.fields rows.N.field", Role: "staff, admin, focal_point"},
	{Method: "GET", Path: "/workshops/{id}/letters/{country}", Summary: "A delegation's nomination letter (PDF): staff and that country's focal points", Role: "staff, admin, focal_point"},
	{Method: "PUT", Path: "/workshops/{id}/letters/{country}", Summary: "Store a delegation's nomination letter from a PDF request body (at most 5 MB; ?filename=)", Role: "staff, admin, focal_point", Result: "Letter"},
	// The documents of the workshop's days (web/workshop_documents.go): PDF/A files drawn with the
	// certificates' engine; lang (ar, en, fr) sets their language, else Accept-Language.
	{Method: "GET", Path: "/workshops/{id}/badges", Summary: "Who gets a name badge — the workshop's trainers, then its confirmed participants by country — with the address of each badge's PDF", Role: "staff, admin, trainer",
		Result: "Badges", Query: []string{"lang"}},
	{Method: "GET", Path: "/workshops/{id}/badges.pdf", Summary: "Every badge as one PDF of A4 sheets, eight badges of 90 × 55 mm with cut marks to a sheet: the name in Arabic and Latin script, the country and the role in Arabic and English (French when lang=fr or the workshop is held in French and not English), and for a participant the QR code that opens the check-in page with the ticket; 404 no_badges when nobody has one; 409 workshop_cancelled for a cancelled workshop", Role: "staff, admin, trainer",
		Query: []string{"lang"}},
	{Method: "GET", Path: "/workshops/{id}/badges.zip", Summary: "A ZIP of one badge PDF per person (badge-participant-{registration}-{name}.pdf, badge-trainer-{account}-{name}.pdf); 404 no_badges when nobody has one; 409 workshop_cancelled for a cancelled workshop", Role: "staff, admin, trainer",
		Query: []string{"lang"}},
	{Method: "GET", Path: "/workshops/{id}/badges/registrations/{rid}", Summary: "One confirmed participant's badge (PDF); 404 no_badge for a registration that is not a confirmed seat of this workshop; 409 workshop_cancelled for a cancelled workshop", Role: "staff, admin, trainer",
		Query: []string{"lang"}},
	{Method: "GET", Path: "/workshops/{id}/badges/trainers/{oid}", Summary: "One trainer's badge (PDF), without a QR code; 404 no_badge for an account that is not a trainer of this workshop; 409 workshop_cancelled for a cancelled workshop", Role: "staff, admin, trainer",
		Query: []string{"lang"}},
	{Method: "GET", Path: "/workshops/{id}/signin-sheets", Summary: "The days that have a sign-in sheet (the host-local dates of the agenda's sessions, or every day of a workshop without an agenda), with the address of each sheet", Role: "staff, admin, trainer",
		Result: "SignInSheets"},
	{Method: "GET", Path: "/workshops/{id}/signin-sheets/{day}", Summary: "A day's sign-in sheet (PDF, A4): the confirmed participants by country, columns number, name in both scripts, organisation, country and signature, right to left in Arabic, the header row on every page and page n of m at the foot; 404 no_such_day for a day without a sheet; 409 workshop_cancelled for a cancelled workshop", Role: "staff, admin, trainer",
		Query: []string{"lang"}},
	{Method: "GET", Path: "/workshops/{id}/signin-sheets.zip", Summary: "A ZIP of every day's sign-in sheet (signin-YYYY-MM-DD.pdf); 409 workshop_cancelled for a cancelled workshop", Role: "staff, admin, trainer",
		Query: []string{"lang"}},
	{Method: "GET", Path: "/registrations/{id}", Summary: "One registration (staff, the person, their focal point, the workshop's trainers)", Role: "any", Result: "Registration"},
	{Method: "POST", Path: "/registrations/{id}/approve", Summary: "Give a seat; answers 200 with the registration, or 409 capacity_full or quota_full", Role: "staff, admin"},
	{Method: "POST", Path: "/registrations/{id}/reject", Summary: "Reject; a freed seat is offered to the waiting list. Answers 200 with the registration", Role: "staff, admin"},
	{Method: "POST", Path: "/registrations/{id}/waitlist", Summary: "Put on the waiting list; answers 200 with the registration", Role: "staff, admin"},
	{Method: "POST", Path: "/registrations/{id}/cancel", Summary: "Cancel (staff, the person, their country's focal point); a freed seat is offered to the waiting list. Answers 200 with the registration", Role: "any"},
	{Method: "POST", Path: "/registrations/{id}/accept", Summary: "Accept an offered seat before its deadline (the person); 409 offer_expired. Answers 200 with the registration", Role: "any"},
	{Method: "GET", Path: "/me/registrations", Summary: "The caller's workshop registrations with their workshops", Role: "any", Result: "MyRegistrations"},
	{Method: "GET", Path: "/verify/{code}", Summary: "Verify a certificate (public, rate-limited): its status and what it printed; 404 not_found, 404 code_mistyped when the check symbol shows a typing mistake", Role: "public",
		Result: "Verification"},
	{Method: "GET", Path: "/search", Summary: "Search lessons, courses and workshops (Arabic-aware: diacritics, hamza and ta marbuta forms, prefixes and Arabic-Indic digits do not matter); results in lang first, then the others; 10 a page; 422 query_empty or query_too_long (over 200 characters or 12 words)", Role: "public",
		Result: "SearchResults", Query: []string{"q", "lang", "page"}},
	// Reports and open data (web/api_reports.go). Dates are YYYY-MM-DD, UTC days, both ends included.
	{Method: "GET", Path: "/reports", Summary: "The dashboard's figures for a period and a member state: officials registered, course enrolments, completions and quiz pass rates, workshops held and their attendance, certificates issued and revoked, advisory requests by state and phase with the median days to acceptance; split by country, gender and sector. A focal point gets their own country (another country: 404); 422 names a bad date or country", Role: "staff, admin, focal_point",
		Result: "ReportDashboard", Query: []string{"from", "to", "country"}},
	{Method: "GET", Path: "/reports/{table}", Summary: "One table of the dashboard as a file, as the page downloads it (not JSON): format=xlsx (default; \"all\" gives every table in one workbook) or csv (UTF-8 with BOM); same roles and country rule; 404 for an unknown table", Role: "staff, admin, focal_point",
		Query: []string{"from", "to", "country", "format"}},
	{Method: "GET", Path: "/open-data", Summary: "The open datasets (aggregates, CC BY 4.0) with their addresses; the DCAT catalogue is /open-data/catalog.json and the files /open-data/{dataset}.csv and .json", Role: "public", Result: "OpenDataList"},
	{Method: "GET", Path: "/open-data/{dataset}", Summary: "One open dataset (workshops, course-completions, certificates) with its data dictionary; counts of fewer than 5 people, and the cells hidden with them, are null", Role: "public", Result: "OpenDataset"},
}

// openAPI serves the API's description, built once at start-up: it depends only on the
// routes and the base URL.
func (h *handler) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(h.openapiJSON)
}

func openAPIDocument(base string) map[string]any {
	paths := map[string]any{}
	for _, op := range apiOps {
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		o := map[string]any{
			"summary":     op.Summary,
			"description": "Allowed roles: " + op.Role + ".",
			"responses": map[string]any{
				"default": map[string]any{"description": "Error", "content": jsonContent(ref("Error"))},
			},
		}
		if op.Role != "public" {
			o["security"] = []any{map[string]any{"bearer": []any{}}}
		}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range op.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": jsonContent(ref(op.Body))}
		}
		ok := map[string]any{"description": "Success"}
		if op.Result != "" {
			ok["content"] = jsonContent(map[string]any{"type": "object", "properties": map[string]any{"data": ref(op.Result)}})
		}
		code := "200"
		if op.Method == "POST" && op.Result != "" {
			code = "201"
		}
		o["responses"].(map[string]any)[code] = ok
		item[strings.ToLower(op.Method)] = o
	}
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	strArray := map[string]any{"type": "array", "items": str}
	intArray := map[string]any{"type": "array", "items": integer}
	langMap := map[string]any{"type": "object", "description": "texts keyed by language (ar, en, fr)", "additionalProperties": str}
	official := map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "email": str, "name_ar": str, "name_latin": str, "job_title": str,
		"organisation": str, "country": str, "sector": str, "gender": str, "language": str, "role": str,
		"email_confirmed": map[string]any{"type": "boolean"}, "created_at": map[string]any{"type": "string", "format": "date-time"},
	}}
	input := map[string]any{"type": "object", "required": []string{"email", "name_ar", "name_latin", "job_title", "organisation", "country", "sector", "gender", "language"},
		"properties": map[string]any{"email": str, "name_ar": str, "name_latin": str, "job_title": str,
			"organisation": str, "country": str, "sector": str, "gender": str, "language": str, "role": str}}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Masar API", "version": "1", "description": "Errors are {\"error\": {\"code\", \"message\", \"fields\"}}; success is {\"data\": …}. Messages follow Accept-Language (ar, en, fr)."},
		"servers": []any{map[string]any{"url": base + "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Error": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
					"code": str, "message": str, "fields": map[string]any{"type": "object", "additionalProperties": str}}}}},
				"Official":           official,
				"OfficialInput":      input,
				"OfficialPatch":      map[string]any{"type": "object", "properties": input["properties"]},
				"EraseInput":         map[string]any{"type": "object", "required": []string{"reason"}, "properties": map[string]any{"reason": str}},
				"DeleteAccountInput": map[string]any{"type": "object", "required": []string{"password"}, "properties": map[string]any{"password": map[string]any{"type": "string", "description": "the account's current password"}}},
				"ErasureScheduled":   map[string]any{"type": "object", "properties": map[string]any{"erasure_due": map[string]any{"type": "string", "format": "date-time", "nullable": true}}},
				"Erased":             map[string]any{"type": "object", "properties": map[string]any{"id": map[string]any{"type": "integer"}, "erased": boolean}},
				"OfficialPage": map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": ref("Official")},
					"total": map[string]any{"type": "integer"}, "limit": map[string]any{"type": "integer"}, "offset": map[string]any{"type": "integer"}}},
				"Courses":          map[string]any{"type": "array", "items": ref("Course")},
				"Course":           map[string]any{"type": "object", "properties": map[string]any{"slug": str, "title": langMap, "summary": langMap, "phases": intArray, "level": str, "hours": map[string]any{"type": "number", "description": "study hours computed from the content: reading time, one quiz attempt and the lessons' exercises"}, "study_minutes": integer, "languages": strArray, "pass_mark": integer, "max_attempts": integer, "quiz_questions": integer, "lessons": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"slug": str, "number": integer, "title": langMap, "languages": strArray, "reading_minutes": map[string]any{"type": "object", "additionalProperties": integer}, "min_reading_minutes": integer, "exercise_minutes": integer}}}}},
				"Progress":         map[string]any{"type": "object", "properties": map[string]any{"course": str, "enrolled": boolean, "last_lesson": str, "done": strArray, "lessons_done": integer, "lessons_total": integer, "percent": integer, "attempts_used": integer, "attempts_left": integer, "best_score": integer, "passed": boolean, "completed_at": map[string]any{"type": "string", "format": "date-time", "nullable": true}, "opened": map[string]any{"type": "object", "description": "when each lesson was first opened (its reading time runs from then)", "additionalProperties": map[string]any{"type": "string", "format": "date-time"}}}},
				"ProgressList":     map[string]any{"type": "array", "items": ref("Progress")},
				"CourseStatistics": schemaCourseStatistics,
				"QuizAnswers":      map[string]any{"type": "object", "properties": map[string]any{"answers": map[string]any{"type": "object", "additionalProperties": strArray}, "confirm": boolean}},
				"QuizAttempt": map[string]any{"type": "object", "properties": map[string]any{"attempt": integer, "attempts_left": integer, "pass_mark": integer, "opened_at": dateTime,
					"questions": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"id": str, "type": str, "multiple": boolean, "prompt": langMap,
						"options": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"id": str, "text": langMap}}}}}}}},
				"QuizResult": map[string]any{"type": "object", "properties": map[string]any{"score": integer, "passed": boolean, "pass_mark": integer, "right": integer, "total": integer, "attempt": integer, "attempts_left": integer, "completed": boolean, "revealed": boolean, "next_attempt_at": dateTime, "questions": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"id": str, "correct": boolean, "chosen": strArray, "correct_options": strArray, "explanation": langMap}}}}},
				"Countries": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"iso2": str, "name_ar": str, "name_en": str, "name_fr": str, "timezone": str, "member": map[string]any{"type": "boolean"}}}},
				"AdvisoryRequest":             schemaAdvisoryRequest,
				"AdvisoryRequestPage":         schemaAdvisoryPage,
				"AdvisoryRequestDetail":       schemaAdvisoryDetail,
				"AdvisoryInput":               schemaAdvisoryInput,
				"AdvisoryPatch":               schemaAdvisoryPatch,
				"AdvisoryTransition":          schemaAdvisoryTransition,
				"AdvisoryComment":             schemaAdvisoryComment,
				"AdvisoryCommentInput":        schemaAdvisoryCommentInput,
				"AdvisoryAttachment":          schemaAdvisoryAttachment,
				"AdvisoryAttachments":         schemaAdvisoryAttachments,
				"AdvisoryFiles":               schemaAdvisoryFiles,
				"AdvisoryRating":              schemaAdvisoryRating,
				"Assessment":                  schemaAssessment,
				"Assessments":                 schemaAssessments,
				"AssessmentInput":             schemaAssessmentInput,
				"AdvisoryWorkshopInput":       schemaAdvisoryWorkshopInput,
				"AdvisoryWorkshop":            schemaAdvisoryWorkshop,
				"AdvisoryQueue":               schemaAdvisoryQueue,
				"AssessmentChanges":           schemaAssessmentChanges,
				"AdvisoryStaffing":            schemaAdvisoryStaffing,
				"Certificate":                 schemaCertificate,
				"CertificateList":             map[string]any{"type": "array", "items": ref("Certificate")},
				"CertificatePage":             schemaPage("Certificate"),
				"CertificateIssue":            schemaCertificateIssue,
				"CertificateRevoke":           schemaCertificateRevoke,
				"CertificateReissue":          schemaCertificateReissue,
				"CertificateJob":              schemaCertificateJob,
				"CertificateJobStart":         schemaCertificateJobStart,
				"Verification":                schemaVerification,
				"CertificateTemplates":        map[string]any{"type": "array", "items": schemaCertificateTemplate},
				"CertificateTemplateVersions": map[string]any{"type": "array", "items": schemaCertificateTemplateVersion},
				"Workshop":                    schemaWorkshop,
				"Workshops":                   map[string]any{"type": "array", "items": ref("Workshop")},
				"WorkshopInput":               schemaWorkshopInput,
				"WorkshopPatch":               schemaWorkshopPatch,
				"Warnings":                    schemaWarnings,
				"Registration":                schemaRegistration,
				"Registrations":               map[string]any{"type": "array", "items": ref("Registration")},
				"RegistrationInput":           schemaRegistrationInput,
				"MyRegistrations":             schemaMyRegistrations,
				"Attendance":                  schemaAttendance,
				"AttendanceInput":             schemaAttendanceInput,
				"Letter":                      schemaLetter,
				"Badges":                      schemaBadges,
				"SignInSheets":                schemaSignInSheets,
				"SearchResults":               schemaSearchResults,
				"ReportDashboard":             schemaReportDashboard,
				"OpenDataList":                schemaOpenDataList,
				"OpenDataset":                 schemaOpenDataset,
				"PersonalData":                schemaPersonalData,
			},
		},
	}
	addLifecycleSchemas(doc)
	addContentSchemas(doc)
	addSurveySchemas(doc)
	addQuestionSchemas(doc)
	addWorkshopMaterialSchemas(doc)
	addSessionSchemas(doc)
	addEnums(doc)
	return doc
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// schemaCourseStatistics is the item analysis of a course's quiz (courses.Statistics).
var schemaCourseStatistics = func() map[string]any {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	share := map[string]any{"type": "number", "nullable": true, "minimum": 0, "maximum": 1}
	langMap := map[string]any{"type": "object", "additionalProperties": str}
	summary := map[string]any{"type": "object", "properties": map[string]any{
		"attempts": integer, "passed": integer, "pass_rate": share,
		"mean_score": map[string]any{"type": "number", "nullable": true}, "median_score": map[string]any{"type": "number", "nullable": true},
		"distribution": map[string]any{"type": "array", "items": integer, "minItems": courses.ScoreBands, "maxItems": courses.ScoreBands,
			"description": "attempts per score band: 0-9, 10-19, … 90-100"}}}
	option := map[string]any{"type": "object", "properties": map[string]any{
		"id": str, "text": langMap, "correct": boolean, "chosen": integer, "share": share}}
	question := map[string]any{"type": "object", "properties": map[string]any{
		"id": str, "type": map[string]any{"type": "string", "enum": append([]string{""}, courses.QuestionTypes...), "description": "empty for a retired question"},
		"retired": boolean, "prompt": langMap, "asked": integer, "right": integer, "unanswered": integer, "facility": share,
		"discrimination": map[string]any{"type": "number", "nullable": true, "minimum": -1, "maximum": 1},
		"options":        map[string]any{"type": "array", "items": option},
		"flags":          map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": courses.Flags}}}}
	return map[string]any{"type": "object", "properties": map[string]any{
		"course": str, "title": langMap, "pass_mark": integer, "min_attempts": integer, "attempts": map[string]any{"type": "string", "enum": courses.AttemptSets}, "learners": integer, "learners_passed": integer,
		"pass_rate": share, "all_attempts": summary, "first_attempts": summary,
		"questions": map[string]any{"type": "array", "items": question}}}
}()

// schemaBadges lists who gets a name badge (eventdocs.Person), with the badge's address.
var schemaBadges = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
	"role":            map[string]any{"type": "string", "enum": []string{"participant", "trainer"}},
	"registration_id": map[string]any{"type": "integer", "description": "participants only"},
	"official_id":     map[string]any{"type": "integer"},
	"name_ar":         map[string]any{"type": "string"},
	"name_latin":      map[string]any{"type": "string"},
	"organisation":    map[string]any{"type": "string"},
	"country":         map[string]any{"type": "string"},
	"url":             map[string]any{"type": "string", "description": "the badge's PDF"},
}}}

// schemaSignInSheets lists the days that have a sign-in sheet.
var schemaSignInSheets = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
	"day": map[string]any{"type": "string", "format": "date"},
	"url": map[string]any{"type": "string", "description": "the day's sign-in sheet (PDF)"},
}}}
