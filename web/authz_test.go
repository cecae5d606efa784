package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/masar-platform/masar/advisory"
)

// authzRow is a route of the application and what each role gets from it. The route is a
// method and a path with placeholders that the fixture fills ({workshop}, {cert}; {new…}
// ones are made afresh for every request, so that what one role does to them does not
// change what the next one meets). The body is a form for the pages and JSON for the API.
type authzRow struct {
	route string
	body  string
	want  [nRoles]int
}

// by lists the statuses in the order of the columns: anonymous, official (the subject, of
// country A), focal point of A, focal point of B, trainer (of the fixture's workshops),
// staff, admin.
func by(anon, off, fpA, fpB, trainer, staff, admin int) [nRoles]int {
	return [nRoles]int{anon, off, fpA, fpB, trainer, staff, admin}
}

// all is one status for every role.
func all(status int) [nRoles]int { return by(status, status, status, status, status, status, status) }

// Forms and bodies the rows send.
const (
	azAccountForm = "email={newEmail}&name_ar=ليلى حسن&name_latin=Layla Hassan&job_title=Analyst&organisation=Ministry of Finance" +
		"&country=JO&sector=central_government&gender=female&language=ar"
	azProfileForm = "name_ar=ليلى حسن&name_latin=Layla Hassan&job_title=Analyst&organisation=Ministry of Finance" +
		"&country=JO&sector=central_government&gender=female&language=ar"
	azWorkshopForm = "title_ar=ورشة البيانات المفتوحة&title_en=Open data workshop&kind=national&phases=1&host_country=JO&city=Irbid" +
		"&venue=Town hall&start_date=2026-06-02&end_date=2026-06-03&languages=ar&capacity=25&hours=12"
	azAdvisoryForm = "country=JO&requesting_body=وزارة الاقتصاد الرقمي والريادة&phases=1&topics=open_data_portal" +
		"&needs=نحتاج إلى دعم في إطلاق بوابة وطنية للبيانات المفتوحة وتدريب فرق الوزارات.&support_kinds=advisory_mission&language=ar" +
		"&letter_reference=MoDEE/2026/118&letter_date=2026-01-15&letter_signatory_name=د. سامي حداد&letter_signatory_title=الأمين العام&letter_file=@pdf"
	azAdvisoryJSON = `{"country": "JO", "requesting_body": "Ministry of Planning", "phases": [1], "topics": ["action_plan"],` +
		` "needs": "We need help drafting the national open-government action plan.", "support_kinds": ["policy_review"], "language": "en", ` + advLetterJSON + `}`
	azWorkshopJSON = `{"title": {"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, "kind": "national", "phases": [1],` +
		` "host_country": "JO", "city": "Irbid", "start_date": "2026-06-02", "end_date": "2026-06-03", "languages": ["ar"], "capacity": 25, "hours": 12}`
	azOfficialJSON = `{"email": "{newEmail}", "name_ar": "ليلى حسن", "name_latin": "Layla Hassan", "job_title": "Analyst",` +
		` "organisation": "Ministry of Finance", "country": "JO", "sector": "central_government", "gender": "female", "language": "ar"}`
	azEraseForm          = "reason=Written request received by the secretariat on 3 December.&confirm=1"
	azTemplateForm       = "name=Ministry template&issuer_ar=الإسكوا&issuer_en=ESCWA&issuer_fr=CESAO&sig1_name_ar=رولا دشتي&sig1_name_en=Rola Dashti"
	azSurveyTemplateJSON = `{"kind": "test", "title": {"ar": "اختبار البيانات المفتوحة"}, "questions": [{"kind": "single", "text": {"ar": "ما البيانات المفتوحة؟"},` +
		` "options": [{"text": {"ar": "بيانات متاحة للجميع"}, "correct": true}, {"text": {"ar": "بيانات سرية"}}]}]}`
	azSpawnForm = "title_ar=ورشة وطنية&title_en=National workshop&city=Amman&start_date=2026-07-07&end_date=2026-07-08&capacity=30&languages=ar"
)

// azRoutes is the authorization table: every route of the application (the pages in one
// language, ar, standing for the three) and what every role gets, written from DESIGN.md's
// account of who may do what, from the user's side:
//
//   - anonymous: a page that needs an account sends to the login page (303); a form or an
//     API call answers 401;
//   - a role that may not use a route at all: 403;
//   - a role that may use the route but not on this thing (another country's person or
//     request, someone else's registration or certificate): 404, as if it did not exist;
//   - allowed: 200 for a page, 201 for what the API creates, 303 after a form.
//
// Forms that would change what every row shares (one's own password, account or profile)
// are sent with a value that fails validation: 422 shows that the role got through to the
// form's rules. A few 409s are the platform's rules meeting a role that was let through
// (staff have no country to apply with; a pending registration cannot be accepted).
var azRoutes = []authzRow{
	//                                                                               anon off  fpA  fpB  trn  staff admin
	// Outside the language prefix: health, static files, certificate files, keys, feeds.
	{"GET /healthz", "", all(200)},
	{"GET /robots.txt", "", all(200)},
	{"GET /static/{asset}", "", all(200)},
	{"GET /", "", all(302)},
	{"GET /content/{slug}/images/{image}", "", all(404)},
	{"GET /certificates/{cert}.pdf", "", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{cert}.png", "", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{cert}.json", "", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{cert}.jwt", "", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{otherCert}.pdf", "", by(303, 404, 404, 404, 404, 200, 200)},
	// The same files fetched with the API's bearer token (body "@bearer": token, no cookies).
	{"GET /certificates/{cert}.pdf", "@bearer", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{cert}.png", "@bearer", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{cert}.json", "@bearer", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{cert}.jwt", "@bearer", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /certificates/{otherCert}.pdf", "@bearer", by(303, 404, 404, 404, 404, 200, 200)},
	{"GET /verify", "", all(302)},
	{"GET /verify/{cert}", "", all(302)},
	{"GET /.well-known/jwks.json", "", all(200)},
	{"GET /.well-known/did.json", "", all(200)},
	{"GET /issuer", "", all(200)},
	{"GET /credentials/status/{statusList}.json", "", all(200)},
	{"GET /credentials/status/{statusList}", "", all(200)},
	{"GET /workshops.ics", "", all(200)},
	{"GET /workshops/{workshop}.ics", "", all(200)},
	{"GET /workshops/{draft}.ics", "", all(404)},
	{"GET /open-data/catalog.json", "", all(200)},
	{"GET /open-data/{dataset}.csv", "", all(200)},
	{"GET /open-data/{dataset}.json", "", all(200)},

	// The API: accounts.
	{"GET /api/v1/openapi.json", "", all(200)},
	{"GET /api/v1/me", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"GET /api/v1/me/export", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"GET /api/v1/me/sessions", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"DELETE /api/v1/me/sessions/{offApiSession}", "", by(401, 200, 404, 404, 404, 404, 404)},
	{"GET /api/v1/me/tokens", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"POST /api/v1/me/tokens/{offApiToken}/revoke", "", by(401, 200, 404, 404, 404, 404, 404)},
	{"GET /api/v1/officials", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"POST /api/v1/officials", azOfficialJSON, by(401, 403, 403, 403, 403, 201, 201)},
	{"GET /api/v1/officials/{official}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/officials?country={A}&q=Rania", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"POST /api/v1/officials", strings.Replace(azOfficialJSON, "{", `{"role": "admin", `, 1), by(401, 403, 403, 403, 403, 403, 201)},
	{"PATCH /api/v1/officials/{newOfficial}", `{"job_title": "Head of data"}`, by(401, 403, 403, 403, 403, 200, 200)},
	// Only an admin makes, edits or demotes staff; nobody chooses the password of an account made for someone else.
	{"POST /api/v1/officials", strings.Replace(azOfficialJSON, "{", `{"role": "staff", `, 1), by(401, 403, 403, 403, 403, 403, 201)},
	{"POST /api/v1/officials", strings.Replace(azOfficialJSON, "{", `{"password": "a password I chose myself", `, 1), by(401, 403, 403, 403, 403, 422, 422)},
	{"PATCH /api/v1/officials/{newOfficial}", `{"role": "staff"}`, by(401, 403, 403, 403, 403, 403, 200)},
	{"PATCH /api/v1/officials/{newStaff}", `{"job_title": "Head of data"}`, by(401, 403, 403, 403, 403, 403, 200)},
	{"GET /api/v1/officials/{newStaff}/second-factor", "", by(401, 403, 403, 403, 403, 403, 200)},
	{"POST /api/v1/officials/{newStaff}/second-factor/reset", "", by(401, 403, 403, 403, 403, 403, 200)},
	{"PATCH /api/v1/officials/{newStaff}", `{"role": "official"}`, by(401, 403, 403, 403, 403, 403, 200)},
	{"POST /api/v1/officials/{newOfficial}/erase", `{"reason": "Written request received on 3 December."}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/officials/{newStaff}/erase", `{"reason": "Written request received on 3 December."}`, by(401, 403, 403, 403, 403, 403, 200)},
	{"POST /api/v1/officials/{newOfficial}/erase", `{"reason": " "}`, by(401, 403, 403, 403, 403, 422, 422)},
	{"POST /api/v1/me/delete", `{"password": "not my password"}`, by(401, 422, 422, 422, 422, 422, 422)},
	{"GET /api/v1/countries", "", all(200)},
	// Courses.
	{"GET /api/v1/courses", "", all(200)},
	{"GET /api/v1/courses/{slug}", "", all(200)},
	{"GET /api/v1/me/progress", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"POST /api/v1/courses/{slug}/enrol", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"POST /api/v1/courses/{slug}/lessons/{lesson}/done", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"GET /api/v1/courses/{slug}/quiz", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"POST /api/v1/courses/{slug}/quiz", `{"answers": {}, "confirm": true}`, by(401, 200, 200, 200, 200, 200, 200)},
	{"GET /api/v1/courses/{slug}/statistics", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/courses/no-such-course/statistics", "", by(401, 403, 403, 403, 403, 404, 404)},
	// Workshops.
	{"GET /api/v1/workshops", "", all(200)},
	{"GET /api/v1/workshops?status=draft", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{workshop}", "", all(200)},
	{"GET /api/v1/workshops/{draft}", "", by(404, 404, 404, 404, 200, 200, 200)},
	{"POST /api/v1/workshops", azWorkshopJSON, by(401, 403, 403, 403, 403, 201, 201)},
	{"PATCH /api/v1/workshops/{workshop}", `{"venue": "Ministry of Digital Economy"}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{workshop}/conflicts", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{workshop}/registrations", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"GET /api/v1/workshops/{workshop}/registrations?country={A}", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"POST /api/v1/workshops/{workshop}/registrations", `{"official_id": {newOfficial}}`, by(401, 403, 201, 404, 403, 201, 201)},
	{"GET /api/v1/workshops/{live}/attendance", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"POST /api/v1/workshops/{live}/attendance", `{"day": "{liveDay}", "registration_id": {liveReg}}`, by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{workshop}/participants.xlsx", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{live}/badges", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/badges.pdf", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/badges.zip", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/badges/registrations/{liveReg}", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/badges/trainers/{trainer}", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/signin-sheets", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/signin-sheets/{liveDay}", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/signin-sheets.zip", "", by(401, 403, 403, 403, 200, 200, 200)},
	// A registration that is not a confirmed seat, a trainer of another workshop's badge, a day off the agenda: no document.
	{"GET /api/v1/workshops/{live}/badges/registrations/{reg}", "", by(401, 403, 403, 403, 404, 404, 404)},
	{"GET /api/v1/workshops/{live}/badges/trainers/{official}", "", by(401, 403, 403, 403, 404, 404, 404)},
	{"GET /api/v1/workshops/{live}/signin-sheets/2026-02-03", "", by(401, 403, 403, 403, 404, 404, 404)},
	{"POST /api/v1/workshops/{workshop}/participants", "@pdf", by(401, 403, 422, 422, 403, 422, 422)},
	{"GET /api/v1/workshops/{workshop}/letters/{A}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"PUT /api/v1/workshops/{workshop}/letters/{A}", "@pdf", by(401, 403, 200, 404, 403, 200, 200)},
	// Registration questions and visa letters.
	{"GET /api/v1/workshops/{live}/questions", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"POST /api/v1/workshops/{live}/questions", `{"kind": "text", "label": {"ar": "ملاحظات"}}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"PUT /api/v1/workshops/{live}/questions/{liveQ}", `{"kind": "text", "label": {"ar": "الاسم كما في جواز السفر", "en": "Name as in the passport"}, "purpose": "passport_name", "position": 1}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"DELETE /api/v1/workshops/{draft}/questions/{draftQuestion}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/registrations/{liveReg}/answers/{liveFileQ}", "", by(401, 200, 200, 404, 404, 200, 200)},
	{"GET /api/v1/workshops/{live}/invitation-letter-template", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"PUT /api/v1/workshops/{live}/invitation-letter-template", `{"body": {"en": "Dear consul, the bearer is invited."}}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{live}/invitation-letters.zip", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/registrations/{liveReg}/invitation-letter", "", by(401, 200, 404, 404, 404, 200, 200)},
	{"POST /api/v1/registrations/{liveReg}/invitation-letter", `{"lang": "en"}`, by(401, 201, 403, 404, 403, 201, 201)},
	{"POST /api/v1/registrations/{reg}/invitation-letter", `{"lang": "en"}`, by(401, 409, 403, 404, 403, 409, 409)},
	// A workshop's speakers and materials: a material for participants is read by staff, the
	// trainer and the subject (confirmed on {live}); anyone else is told it does not exist.
	{"GET /api/v1/workshops/{live}/speakers", "", all(200)},
	{"POST /api/v1/workshops/{workshop}/speakers", `{"name": {"en": "Guest speaker"}}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"DELETE /api/v1/workshops/{workshop}/speakers/{newSpeaker}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{live}/speakers/{liveSpeaker}/photo", "", all(200)},
	{"GET /api/v1/workshops/{live}/materials", "", all(200)},
	{"POST /api/v1/workshops/{workshop}/materials", `{"title": {"en": "Agenda"}, "url": "https://example.org/agenda"}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"PATCH /api/v1/workshops/{workshop}/materials/{newMaterial}", `{"visibility": "public"}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"DELETE /api/v1/workshops/{workshop}/materials/{newMaterial}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{live}/materials/{liveMaterial}/file", "", by(404, 200, 404, 404, 200, 200, 200)},
	{"GET /api/v1/workshops/{live}/materials/{livePublic}/file", "", all(200)},
	{"GET /api/v1/registrations/{reg}", "", by(401, 200, 200, 404, 200, 200, 200)},
	{"GET /api/v1/registrations/{reg2}", "", by(401, 404, 200, 404, 200, 200, 200)},
	{"POST /api/v1/registrations/{newReg}/approve", "", by(401, 404, 403, 404, 403, 200, 200)},
	{"POST /api/v1/registrations/{newReg}/reject", "", by(401, 404, 403, 404, 403, 200, 200)},
	{"POST /api/v1/registrations/{newReg}/waitlist", "", by(401, 404, 403, 404, 403, 200, 200)},
	{"POST /api/v1/registrations/{newReg}/cancel", "", by(401, 404, 200, 404, 403, 200, 200)},
	{"POST /api/v1/registrations/{newReg}/accept", "", by(401, 404, 403, 404, 403, 403, 403)},
	{"POST /api/v1/registrations/{reg}/accept", "", by(401, 409, 403, 404, 403, 403, 403)},
	{"GET /api/v1/me/registrations", "", by(401, 200, 200, 200, 200, 200, 200)},
	// Advisory requests and country self-assessments.
	{"GET /api/v1/advisory", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"GET /api/v1/advisory?country={A}", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"POST /api/v1/advisory", azAdvisoryJSON, by(401, 403, 201, 201, 403, 201, 201)},
	{"GET /api/v1/advisory/{advisory}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"PATCH /api/v1/advisory/{newAdvisory}", `{"lead_expert": "Dr Amal Nasser"}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/advisory/queue", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/advisory/queue?view=unassigned&country={A}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"PUT /api/v1/advisory/{newAdvisory}/staff", `{"owner_id": 0, "team": []}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/advisory/{newAdvisory}/transition", `{"to": "under_review"}`, by(401, 403, 403, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{newAdvisory}/transition", `{"to": "withdrawn", "reason": "Covered by another donor."}`, by(401, 403, 200, 404, 403, 403, 403)},
	{"POST /api/v1/advisory/{advisory}/comments", `{"body": "Here is the ministry's draft."}`, by(401, 403, 201, 404, 403, 201, 201)},
	{"POST /api/v1/advisory/{advisory}/attachments", `{"attachments": [{"filename": "annex.pdf", "data": "{pdf64}"}]}`, by(401, 403, 201, 404, 403, 201, 201)},
	{"GET /api/v1/advisory/{advisory}/attachments/{attachment}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/advisory/{advisoryB}/attachments/{attachment}", "", by(401, 403, 404, 404, 403, 404, 404)},
	{"POST /api/v1/advisory/{completedAdvisory}/rating", `{"rating": 5, "feedback": "Very useful."}`, by(401, 403, 200, 404, 403, 403, 403)},
	// The lifecycle: letter and step files, terms of reference, missions, deliverables, closing report, tags, follow-up, outcomes.
	{"GET /api/v1/advisory/outcomes", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"GET /api/v1/advisory/{advisory}/timeline", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/advisory/{advisory}/files/{letterFile}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/advisory/{advisoryB}/files/{letterFile}", "", by(401, 403, 404, 404, 403, 404, 404)},
	{"GET /api/v1/advisory/{advisory}/tor", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{acceptedAdvisory}/tor", `{"summary": "Scope and calendar.", "file": {"filename": "tor.pdf", "data": "{pdf64}"}}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"POST /api/v1/advisory/{torAdvisory}/tor/{torVersion}/decision", `{"decision": "agree"}`, by(401, 403, 200, 404, 403, 403, 403)},
	{"GET /api/v1/advisory/{advisory}/missions", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{acceptedAdvisory}/missions", `{"start_date": "` + advDay(30) + `", "end_date": "` + advDay(31) + `", "city": "Amman"}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"GET /api/v1/advisory/{advisory}/deliverables", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{acceptedAdvisory}/deliverables", `{"title": "Roadmap", "due_date": "` + advDay(40) + `"}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"POST /api/v1/advisory/{workAdvisory}/deliverables/{workDeliverable}/status", `{"status": "accepted"}`, by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/advisory/{advisory}/closing-report", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{completedAdvisory}/closing-report", `{"summary": "Done.", "file": {"filename": "closing.pdf", "data": "{pdf64}"}}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"PUT /api/v1/advisory/{newAdvisory}/tags", `{"sdg_targets": ["16.6"], "objectives": ["policy_strategy"]}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/advisory/{advisory}/follow-up", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{followUpAdvisory}/follow-up", `{"rating": 4, "used": "partly", "changes": "The portal is live."}`, by(401, 403, 200, 404, 403, 403, 403)},
	{"GET /api/v1/countries/{A}/assessments", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/countries/{B}/assessments", "", by(401, 403, 404, 200, 403, 200, 200)},
	{"POST /api/v1/countries/{A}/assessments", azAssessmentJSON, by(401, 403, 201, 404, 403, 201, 201)},
	{"PUT /api/v1/countries/{A}/assessments/{assessmentA}", azAssessmentJSON, by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/countries/{A}/assessments/changes", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"DELETE /api/v1/advisory/{attRequest}/attachments/{attFile}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"POST /api/v1/advisory/{acceptedAdvisory}/workshop", `{"title": {"ar": "ورشة وطنية", "en": "National workshop"}, "city": "Amman", "start_date": "2026-07-07", "end_date": "2026-07-08"}`,
		by(401, 403, 403, 403, 403, 201, 201)},
	// Certificates.
	{"GET /api/v1/me/certificates", "", by(401, 200, 200, 200, 200, 200, 200)},
	{"GET /api/v1/certificates", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/certificates", `{"official_id": {newOfficial}, "kind": "course", "course": "{slug}", "reason": "Completion recorded on paper."}`,
		by(401, 403, 403, 403, 403, 201, 201)},
	{"POST /api/v1/certificates/jobs", `{"workshop_id": {live}}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"GET /api/v1/certificates/jobs/{job}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/certificates/{cert}", "", by(401, 200, 404, 404, 404, 200, 200)},
	{"GET /api/v1/certificates/{otherCert}", "", by(401, 404, 404, 404, 404, 200, 200)},
	{"POST /api/v1/certificates/{newCert}/revoke", `{"reason": "Issued in error."}`, by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/certificates/{newCert}/reissue", `{"name_ar": "ليلى حسين", "name_latin": "Laila Hussein", "reason": "Name corrected."}`,
		by(401, 403, 403, 403, 403, 201, 201)},
	{"GET /api/v1/verify/{cert}", "", all(200)},
	{"GET /api/v1/certificate-templates", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/certificate-templates/{template}/versions", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/templates/", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/templates/new", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/templates/new", azTemplateForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/certificates/templates/{template}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/templates/{template}", azTemplateForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/certificates/templates/{template}/default", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/certificates/templates/preview", azTemplateForm, by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/templates/uses", "kind=course&course={slug}&template_id={template}&wording_en=for completing the course",
		by(401, 403, 403, 403, 403, 303, 303)},
	// Workshop surveys: templates, a workshop's surveys and the report for staff; the results
	// for staff and the workshop's trainers; answering for its participants with a seat.
	{"GET /ar/surveys/{survey}", "", by(303, 200, 404, 404, 200, 200, 200)},
	{"POST /ar/surveys/{freshSurvey}", "q1=4", by(401, 303, 404, 404, 403, 403, 403)},
	{"GET /ar/admin/surveys/templates", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/surveys/templates", "kind=satisfaction&title_ar=تقييم الورشة", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/surveys/templates/{surveyTpl}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/surveys/templates/{surveyTpl}", "title_ar=تقييم الورشة&title_en=Workshop evaluation", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/surveys/templates/{freshTpl}/questions", "kind=text&text_ar=ما الذي نحسّنه؟", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/surveys/templates/{freshTpl}/questions/q1/delete", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/surveys/report", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/surveys/report.xlsx", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/workshops/{live}/surveys", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{newWorkshop}/surveys", "kind=satisfaction&template_id={surveyTpl}&anonymous=1", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{draftSurveyW}/surveys/{draftSurvey}/publish", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{draftSurveyW}/surveys/{draftSurvey}/delete", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{live}/surveys/results", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/surveys/results.xlsx", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{draft}/surveys/results", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/survey-templates", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/survey-templates", azSurveyTemplateJSON, by(401, 403, 403, 403, 403, 201, 201)},
	{"GET /api/v1/survey-templates/{surveyTpl}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"PUT /api/v1/survey-templates/{freshTpl}", azSurveyTemplateJSON, by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/survey-report", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/workshops/{live}/surveys", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"POST /api/v1/workshops/{newWorkshop}/surveys", `{"kind": "satisfaction", "template_id": {surveyTpl}, "anonymous": true}`, by(401, 403, 403, 403, 403, 201, 201)},
	{"GET /api/v1/workshops/{live}/survey-results", "", by(401, 403, 403, 403, 200, 200, 200)},
	{"GET /api/v1/surveys/{survey}", "", by(401, 200, 404, 404, 200, 200, 200)},
	{"DELETE /api/v1/surveys/{newDraftSurvey}", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/surveys/{newDraftSurvey}/publish", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /api/v1/surveys/{freshSurvey}/responses", `{"answers": {"q1": ["5"]}}`, by(401, 201, 404, 404, 403, 403, 403)},
	// Figures, open data, search.
	{"GET /api/v1/reports", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"GET /api/v1/reports?country={A}", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/reports/{table}", "", by(401, 403, 200, 200, 403, 200, 200)},
	{"GET /api/v1/reports/{table}?country={A}&format=csv", "", by(401, 403, 200, 404, 403, 200, 200)},
	{"GET /api/v1/open-data", "", all(200)},
	{"GET /api/v1/open-data/{dataset}", "", all(200)},
	{"GET /api/v1/search?q=data", "", all(200)},

	// Pages: home and accounts.
	{"GET /ar/", "", all(200)},
	{"GET /ar/register", "", by(200, 303, 303, 303, 303, 303, 303)},
	{"POST /ar/register", azAccountForm + "&password=another long password&password_confirm=another long password", all(303)},
	{"GET /ar/confirm/{confirmToken}", "", all(303)},
	{"GET /ar/login", "", all(200)},
	{"POST /ar/login", "email={loginEmail}&password=" + rfPassword, all(303)},
	// Sign-in through an OpenID Connect provider: the fixture configures none, so every
	// provider is unknown (oidc_test.go drives a configured one).
	{"GET /ar/login/oidc/{provider}", "", all(404)},
	{"GET /login/oidc/{provider}/callback?state=forged&code=stolen", "", all(404)},
	{"POST /ar/logout", "", all(303)},
	{"GET /ar/forgot", "", all(200)},
	{"POST /ar/forgot", "email={newOfficialEmail}", all(303)},
	{"GET /ar/reset/{resetToken}", "", all(200)},
	{"POST /ar/reset/{resetToken}", "password=another long password&password_confirm=another long password", all(303)},
	// The official's own space.
	{"GET /ar/me", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"GET /ar/me/edit", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/edit", "name_ar=Latin letters&country=JO", by(401, 422, 422, 422, 422, 422, 422)},
	{"GET /ar/me/password", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/password", "current_password=not my password&password=another long password&password_confirm=another long password",
		by(401, 422, 422, 422, 422, 422, 422)},
	{"GET /ar/me/export", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"GET /ar/me/data", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"GET /ar/me/delete", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/delete", "password=not my password", by(401, 422, 422, 422, 422, 422, 422)},
	{"POST /ar/me/confirm", "", by(401, 303, 303, 303, 303, 303, 303)},
	{"GET /ar/me/certificates", "", by(303, 200, 200, 200, 200, 200, 200)},
	// One's own sessions and API tokens: only their owner ends or revokes them.
	{"GET /ar/me/sessions", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/sessions/{offSession}/end", "", by(401, 303, 404, 404, 404, 404, 404)},
	{"POST /ar/me/sessions/end-others", "", by(401, 303, 303, 303, 303, 303, 303)},
	{"GET /ar/me/tokens", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/tokens/{offToken}/revoke", "", by(401, 303, 404, 404, 404, 404, 404)},
	// The second step of signing in answers only a browser whose password step started one
	// (its cookie): without it, everyone is sent back to the login form.
	{"GET /ar/login/second-factor", "", all(303)},
	{"POST /ar/login/second-factor", "code=123456", all(303)},
	{"GET /ar/login/enrol", "", all(303)},
	{"POST /ar/login/enrol", "secret=v1.forged&code=123456", all(303)},
	{"POST /ar/login/enrol/done", "", all(303)},
	{"POST /ar/login/enrol/passkey", "passkey_token=forged&passkey_name=Laptop&passkey={}", all(303)},
	{"POST /ar/login/second-factor", "passkey_token=forged&passkey={}", all(303)},
	// Sign-in security: one's own second factor.
	{"GET /ar/me/security", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/security/totp", "secret=v1.forged&code=123456", by(401, 422, 422, 422, 422, 422, 422)},
	{"POST /ar/me/security/totp/remove", "password=not my password", by(401, 422, 422, 422, 422, 422, 422)},
	{"POST /ar/me/security/recovery-codes", "codes_password=not my password", by(401, 422, 422, 422, 422, 422, 422)},
	{"POST /ar/me/security/passkeys", "passkey_token=forged&passkey_name=Laptop&passkey={}", by(401, 422, 422, 422, 422, 422, 422)},
	{"POST /ar/me/security/passkeys/remove", "passkey_id=1&passkey_password=not my password", by(401, 422, 422, 422, 422, 422, 422)},
	// Accounts administration.
	{"GET /ar/admin/", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/admin/officials", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/admin/officials?country={A}&q=Rania", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/admin/officials/new", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/officials/new", azAccountForm + "&role=official", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/officials/{official}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"POST /ar/admin/officials/{newOfficial}", azProfileForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/officials/{newOfficial}/role", "role=focal_point", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/officials/{newOfficial}/role", "role=admin", by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/new", azAccountForm + "&role=admin", by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/new", azAccountForm + "&role=staff", by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/{newOfficial}/role", "role=staff", by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/{newStaff}/role", "role=official", by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/{newStaff}/second-factor/reset", "", by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/{newStaff}", azProfileForm, by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/{newOfficial}/erase", azEraseForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/officials/{newOfficial}/erase", "reason=&confirm=1", by(401, 403, 403, 403, 403, 422, 422)},
	{"POST /ar/admin/officials/{newStaff}/erase", azEraseForm, by(401, 403, 403, 403, 403, 403, 303)},
	{"POST /ar/admin/officials/{newAdmin}/erase", azEraseForm, by(401, 403, 403, 403, 403, 403, 303)},
	// Privacy: the notice, and the undo link of one's own deletion (the link is the key).
	{"GET /ar/privacy", "", all(200)},
	{"GET /ar/accessibility", "", all(200)},
	{"GET /ar/contact", "", all(200)},
	{"GET /ar/manifest.webmanifest", "", all(200)},
	{"GET /favicon.ico", "", all(200)},
	{"GET /ar/erasure/undo/{undoToken}", "", all(200)},
	{"POST /ar/erasure/undo/{undoToken}", "", all(303)},
	{"GET /ar/admin/outbox", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/outbox/{mail}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/outbox/{adminMail}", "", by(303, 403, 403, 403, 403, 404, 200)},
	{"POST /ar/admin/outbox/{sentMail}/resend", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/outbox/{queuedMail}/discard", "", by(401, 403, 403, 403, 403, 303, 303)},
	// Notification preferences: one's own, logged in; or by the token of a mail's link.
	{"GET /ar/me/notifications", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/me/notifications", "reminders=on&advisory=on", by(401, 303, 303, 303, 303, 303, 303)},
	{"GET /unsubscribe/{unsubToken}", "", all(302)},
	{"POST /unsubscribe/{unsubToken}", "List-Unsubscribe=One-Click", all(200)},
	{"GET /ar/unsubscribe/{unsubToken}", "", all(200)},
	{"POST /ar/unsubscribe/{unsubToken}", "", all(303)},
	{"GET /ar/admin/audit", "", by(303, 403, 403, 403, 403, 403, 200)},
	{"GET /ar/admin/security-log", "", by(303, 403, 403, 403, 403, 403, 200)},
	{"GET /ar/admin/security-log?action=auth.login&from=2026-01-01&to=2099-12-31", "", by(303, 403, 403, 403, 403, 403, 200)},
	{"GET /ar/admin/security-log?person=nobody@authz.test", "", by(303, 403, 403, 403, 403, 403, 422)},
	{"GET /ar/admin/security-log.xlsx", "", by(303, 403, 403, 403, 403, 403, 200)},
	{"GET /ar/admin/countries", "", by(303, 403, 403, 403, 403, 403, 200)},
	{"POST /ar/admin/countries/{A}", "member=1", by(401, 403, 403, 403, 403, 403, 303)},
	// Courses.
	{"GET /ar/courses", "", all(200)},
	{"GET /ar/courses/{slug}", "", all(200)},
	{"POST /ar/courses/{slug}/enrol", "", by(401, 303, 303, 303, 303, 303, 303)},
	{"GET /ar/courses/{slug}/quiz", "", by(303, 200, 200, 200, 200, 200, 200)},
	{"POST /ar/courses/{slug}/quiz", "confirm=1", by(401, 303, 303, 303, 303, 303, 303)}, // the API attempt above failed: the cool-down sends back to the quiz page
	{"GET /ar/courses/{slug}/{lesson}", "", all(200)},
	{"POST /ar/courses/{slug}/{lesson}/done", "", by(401, 303, 303, 303, 303, 303, 303)},
	{"GET /ar/admin/courses", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/admin/courses?country={A}", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/admin/courses/export.xlsx", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"POST /ar/admin/content/reload", "", by(401, 403, 403, 403, 403, 303, 303)},
	// Item analysis: learners' answers are the secretariat's, not trainers' nor focal points'.
	{"GET /ar/admin/courses/{slug}/statistics", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/courses/{slug}/statistics.xlsx", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/courses/no-such-course/statistics", "", by(303, 403, 403, 403, 403, 404, 404)},
	// Workshops: calendar, one's own registration, delegations.
	{"GET /ar/workshops", "", all(200)},
	{"GET /ar/workshops/{workshop}", "", all(200)},
	{"GET /ar/workshops/{draft}", "", by(404, 404, 404, 404, 200, 200, 200)},
	{"GET /ar/workshops/{draft}/nominate", "", by(303, 403, 404, 404, 403, 404, 404)},
	{"POST /ar/workshops/{newWorkshop}/apply", "motivation=Our ministry publishes budgets.", by(401, 303, 303, 409, 409, 409, 409)},
	{"POST /ar/workshops/{subjectWorkshop}/withdraw", "", by(401, 303, 404, 404, 404, 404, 404)},
	{"POST /ar/workshops/{subjectWorkshop}/accept", "", by(401, 409, 404, 404, 404, 404, 404)},
	{"GET /ar/workshops/{workshop}/ticket", "", by(303, 200, 404, 404, 404, 404, 404)},
	{"GET /ar/workshops/{live}/materials/{liveMaterial}", "", by(404, 200, 404, 404, 200, 200, 200)},
	{"GET /ar/workshops/{live}/materials/{livePublic}", "", all(200)},
	{"GET /ar/workshops/{live}/speakers/{liveSpeaker}/photo", "", all(200)},
	{"GET /ar/admin/workshops/{live}/materials", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{workshop}/materials", "title_en=Agenda&url=https://example.org/agenda", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{live}/materials/{liveMaterial}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{workshop}/materials/{newMaterial}", "title_en=Agenda&visibility=public", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{workshop}/materials/{newMaterial}/delete", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{workshop}/speakers", "name_en=Guest speaker", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{live}/speakers/{liveSpeaker}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{workshop}/speakers/{newSpeaker}", "name_en=Guest speaker", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{workshop}/speakers/{newSpeaker}/delete", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/workshops/{workshop}/nominate", "", by(303, 403, 200, 403, 403, 200, 200)},
	{"POST /ar/workshops/{workshop}/nominate", "email={newOfficialEmail}&motivation=Leads the open data unit.", by(401, 403, 303, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{workshop}/questions", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{live}/questions", "kind=text&label_ar=ملاحظات&position=9", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{live}/questions", "kind=choice&label_ar=ملاحظات&options=واحد", by(401, 403, 403, 403, 403, 422, 422)},
	{"GET /ar/admin/workshops/{live}/questions/{liveQ}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{live}/questions/{liveQ}", "kind=text&label_ar=الاسم كما في جواز السفر&purpose=passport_name&position=1", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{draft}/questions/{draftQuestion}/delete", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/registrations/{liveReg}/answers/{liveFileQ}", "", by(303, 200, 200, 404, 404, 200, 200)},
	{"GET /ar/admin/workshops/{live}/visa", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{live}/visa", "body_en=Dear consul, the bearer is invited.", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{live}/visa-letters.zip", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{live}/visa/{liveReg}", "lang=en", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/workshops/{live}/visa-letter", "lang=ar", by(401, 303, 404, 404, 404, 404, 404)},
	{"GET /ar/registrations/{liveReg}/visa-letter.pdf", "", by(303, 200, 404, 404, 404, 200, 200)},
	{"POST /ar/workshops/{workshop}/letter", "country=JO&letter=@pdf", by(401, 403, 303, 303, 403, 303, 303)},
	{"GET /ar/workshops/{workshop}/letter/{A}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"POST /ar/workshops/{workshop}/import", "file=@pdf", by(401, 403, 422, 422, 403, 422, 422)},
	{"POST /ar/registrations/{newReg}/approve", "", by(401, 404, 403, 404, 403, 303, 303)},
	{"POST /ar/registrations/{newReg}/cancel", "", by(401, 404, 303, 404, 403, 303, 303)},
	// Workshops: programme staff, and attendance (staff and the workshop's trainers).
	{"GET /ar/admin/workshops", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/admin/workshops/new", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/new", azWorkshopForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{workshop}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/workshops/{draft}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/workshops/{newWorkshop}", azWorkshopForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/workshops/{newWorkshop}/status", "status=cancelled", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/workshops/{workshop}/registrations", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/workshops/{workshop}/export.xlsx", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/workshops/{live}/checkin", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"POST /ar/admin/workshops/{live}/checkin", "registration_id={liveReg}&day={liveDay}", by(401, 403, 403, 403, 303, 303, 303)},
	{"GET /ar/admin/workshops/{live}/attendance", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/documents", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/badges.pdf", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/badges.zip", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/badges/registrations/{liveReg}", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/badges/trainers/{trainer}", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/signin-sheets/{liveDay}", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/signin-sheets.zip", "", by(303, 403, 403, 403, 200, 200, 200)},
	{"GET /ar/admin/workshops/{live}/badges/registrations/{reg}", "", by(303, 403, 403, 403, 404, 404, 404)},
	// Advisory requests and country pages.
	{"GET /ar/advisory", "", all(200)},
	{"GET /ar/advisory?country={A}", "", all(200)},
	{"GET /ar/advisory/new", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"POST /ar/advisory/new", azAdvisoryForm, by(401, 403, 303, 303, 403, 303, 303)},
	{"GET /ar/advisory/export.xlsx", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/advisory/{advisory}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"POST /ar/advisory/{newAdvisory}/transition", "to=under_review", by(401, 403, 403, 404, 403, 303, 303)},
	{"POST /ar/advisory/{newAdvisory}/transition", "to=withdrawn&reason=Covered by another donor.", by(401, 403, 303, 404, 403, 403, 403)},
	{"POST /ar/advisory/{newAdvisory}/assign", "lead_expert=Dr Amal Nasser&due_note=The ministry asked to wait for its new minister.", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/advisory/queue", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/advisory/queue?view=overdue&country={A}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/advisory/{newAdvisory}/staff", "owner_id=0", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/advisory/{advisory}/comments", "body=Here is the ministry's draft.", by(401, 403, 303, 404, 403, 303, 303)},
	{"POST /ar/advisory/{advisory}/attachments", "attachments=@pdf", by(401, 403, 303, 404, 403, 303, 303)},
	{"GET /ar/advisory/{advisory}/attachments/{attachment}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"GET /ar/advisory/{advisoryB}/attachments/{attachment}", "", by(303, 403, 404, 404, 403, 404, 404)},
	{"POST /ar/advisory/{completedAdvisory}/rating", "rating=5&feedback=Very useful.", by(401, 403, 303, 404, 403, 403, 403)},
	{"GET /ar/advisory/outcomes", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/advisory/{advisory}/files/{letterFile}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"GET /ar/advisory/{advisoryB}/files/{letterFile}", "", by(303, 403, 404, 404, 403, 404, 404)},
	{"POST /ar/advisory/{acceptedAdvisory}/tor", "tor_summary=Scope.&tor_file=@pdf", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/advisory/{torAdvisory}/tor/{torVersion}/decision", "decision=agree", by(401, 403, 303, 404, 403, 403, 403)},
	{"POST /ar/advisory/{acceptedAdvisory}/missions", "mission_start=" + advDay(30) + "&mission_end=" + advDay(31) + "&mission_city=Amman", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/advisory/{acceptedAdvisory}/deliverables", "deliverable_title=Roadmap&deliverable_due=" + advDay(40), by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/advisory/{workAdvisory}/deliverables/{workDeliverable}/status", "status=accepted", by(401, 403, 303, 404, 403, 303, 303)},
	{"POST /ar/advisory/{completedAdvisory}/closing-report", "closing_summary=Done.&closing_file=@pdf", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/advisory/{newAdvisory}/tags", "sdg_targets=16.6&objectives=policy_strategy", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/advisory/{advisory}/follow-up", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"POST /ar/advisory/{followUpAdvisory}/follow-up", "rating=4&used=partly&changes=The portal is live.", by(401, 403, 303, 404, 403, 403, 403)},
	{"POST /ar/advisory/{acceptedAdvisory}/workshop", azSpawnForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/countries", "", by(303, 403, 303, 303, 403, 200, 200)},
	{"GET /ar/countries/{A}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"GET /ar/countries/{B}", "", by(303, 403, 404, 200, 403, 200, 200)},
	{"GET /ar/countries/{A}/assessment", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"GET /ar/countries/{A}/assessment?correct={assessmentA}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"POST /ar/countries/{A}/assessment", azAssessmentForm, by(401, 403, 303, 404, 403, 303, 303)},
	{"POST /ar/countries/{A}/assessment", azAssessmentForm + "&assessment_id={assessmentA}", by(401, 403, 303, 404, 403, 303, 303)},
	{"POST /ar/advisory/{attRequest}/attachments/{attFile}/delete", "", by(401, 403, 303, 404, 403, 303, 303)},
	// Certificates: one's own, public verification, administration.
	{"GET /ar/certificates/{cert}", "", by(303, 200, 404, 404, 404, 200, 200)},
	{"GET /ar/certificates/{otherCert}", "", by(303, 404, 404, 404, 404, 200, 200)},
	{"GET /ar/verify", "", all(200)},
	{"GET /ar/verify/{cert}", "", all(200)},
	{"POST /ar/verify/{cert}", "file=@pdf", all(200)},
	{"GET /ar/admin/certificates/", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/new", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/new", "official={newOfficial}&kind=course&course={slug}&reason=Completion recorded on paper.",
		by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/certificates/workshops", "workshop_id={live}", by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/certificates/jobs/{job}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/jobs/{job}/certificates.zip", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/{cert}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/{newCert}/revoke", "reason=Issued in error.", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/certificates/{newCert}/reissue", "name_ar=ليلى حسين&name_latin=Laila Hussein&reason=Name corrected.",
		by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /api/v1/certificate-templates", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /api/v1/certificate-templates/{template}/versions", "", by(401, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/templates/", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"GET /ar/admin/certificates/templates/new", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/templates/new", azTemplateForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"GET /ar/admin/certificates/templates/{template}", "", by(303, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/templates/{template}", azTemplateForm, by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/certificates/templates/{template}/default", "", by(401, 403, 403, 403, 403, 303, 303)},
	{"POST /ar/admin/certificates/templates/preview", azTemplateForm, by(401, 403, 403, 403, 403, 200, 200)},
	{"POST /ar/admin/certificates/templates/uses", "kind=course&course={slug}&template_id={template}&wording_en=for completing the course",
		by(401, 403, 403, 403, 403, 303, 303)},
	// Figures, open data, search.
	{"GET /ar/reports", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/reports?country={A}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"GET /ar/reports/{table}.xlsx", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/reports/{table}.csv", "", by(303, 403, 200, 200, 403, 200, 200)},
	{"GET /ar/reports/{table}.csv?country={A}", "", by(303, 403, 200, 404, 403, 200, 200)},
	{"GET /ar/open-data", "", all(200)},
	{"GET /ar/search?q=data", "", all(200)},
	{"GET /ar/search?q=budgets", "", all(200)},
}

// azEndsSession are the routes that end the session they are sent with: each role sends
// them with a session of its own for the one request.
var azEndsSession = map[string]bool{"POST /ar/logout": true, "POST /ar/login": true}

// TestAuthzTable sends every route of the application as every role and compares the
// status with the table; a route without a row, or a row without a route, fails it. Pages
// and API answers to anonymous visitors and to the other country's focal point must never
// carry the subject's e-mail address.
func TestAuthzTable(t *testing.T) {
	f := newRouteFixture(t)
	routes := appRoutes(f.p)
	// What a role must never read, whatever the route (public: except on routes whose
	// pattern holds this, where showing it is the point).
	type secret struct{ what, value, public string }
	var secrets [nRoles][]secret
	subject := []secret{{"the subject's e-mail", f.subject.Email, ""}, {"the subject's name", f.subject.NameLatin, "verify"},
		{"the subject's ticket", f.vars["ticket"], ""},
		{"country A's advisory request", rfAdvisoryNeeds, ""}}
	draft := secret{"the draft workshop", rfDraftTitle, ""}
	passport := secret{"the subject's passport name", rfPassportName, ""}
	note := secret{"staff's internal note on A's request", rfInternalNote, ""}
	secrets[roleAnon] = append(subject, draft, note, passport)
	secrets[roleFpB] = append(subject, draft, note, passport)
	secrets[roleOff] = []secret{draft, note, {"country A's advisory request", rfAdvisoryNeeds, ""}, {"another official's e-mail", f.other.Email, ""}}
	secrets[roleFpA] = []secret{draft, note, {"the subject's ticket", f.vars["ticket"], ""}}
	secrets[roleTrainer] = []secret{note, {"country A's advisory request", rfAdvisoryNeeds, ""}, passport}
	// Staff read the outbox, but a link that sets the password of an admin's account would
	// make them admins; no one reads one-time links there (admins included: see powers_test.go).
	secrets[roleStaff] = []secret{{"the admin's password-reset link", f.adminResetToken, ""}}
	secrets[roleAdmin] = []secret{{"the admin's password-reset link", f.adminResetToken, ""}}
	// Each secret must show somewhere to a role allowed to read it, or hiding it proves
	// nothing.
	seen := map[string]bool{}
	for _, ss := range secrets {
		for _, s := range ss {
			seen[s.value] = false
		}
	}
	covered := map[string]bool{}
	var failures []string
	for _, row := range azRoutes {
		method, pattern, _ := strings.Cut(row.route, " ")
		// The pattern matched against the routes, with sample values in the placeholders.
		sample := placeholderRe.ReplaceAllString(pattern, "x1")
		rt, ok := matchRoute(routes, method, sample)
		if !ok {
			t.Errorf("row %q names no route of the application", row.route)
			continue
		}
		covered[rt.String()] = true
		for role := range nRoles {
			made := map[string]string{}
			path := f.expand(pattern, made)
			body := f.expand(row.body, made)
			session := ""
			if azEndsSession[row.route] {
				session = f.throwawaySession(role)
			}
			r := f.send(f.request(role, method, path, body, session))
			if r.Status != row.want[role] || r.Status >= 500 {
				failures = append(failures, fmt.Sprintf("%-58s %-32s got %d, want %d  (%s %s → %s %s)", row.route, roleNames[role], r.Status, row.want[role],
					method, path, r.Location, excerpt(r.Body)))
			}
			for v := range seen {
				if strings.Contains(r.Body, v) {
					seen[v] = true
				}
			}
			for _, s := range secrets[role] {
				if strings.Contains(r.Body, s.value) && !(s.public != "" && strings.Contains(row.route, s.public)) {
					failures = append(failures, fmt.Sprintf("%-58s %-32s the answer shows %s (%s %s)", row.route, roleNames[role], s.what, method, path))
				}
			}
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
	for v, ok := range seen {
		// The admin's reset link is the one secret no page shows at all: it reaches the admin's
		// mailbox only (the fixture read it from the recipient's copy of the message).
		if !ok && v != f.adminResetToken {
			t.Errorf("%q shows on no page at all: the check that hides it tests nothing", v)
		}
	}
	var missing []string
	for _, rt := range routes {
		key := rt.String()
		// A page in English or French has the row of its Arabic twin.
		if strings.HasPrefix(rt.path, "/en/") || strings.HasPrefix(rt.path, "/fr/") {
			key = rt.method + " /ar/" + rt.path[4:]
		}
		if !covered[key] {
			missing = append(missing, rt.String())
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("route %s has no row in the authorization table", m)
	}
	t.Logf("%d routes (ar standing for en and fr), %d rows, %d requests", len(covered), len(azRoutes), f.requests)
}

// azAssessmentJSON and azAssessmentForm are a full self-assessment grid: level 1 everywhere.
var azAssessmentJSON, azAssessmentForm = func() (string, string) {
	levels := map[string]map[string]int{}
	form := url.Values{"note": {"First assessment."}}
	for p := 1; p <= 4; p++ {
		row := map[string]int{}
		for _, code := range advisory.Objectives {
			row[code] = 1
			form.Set(advisory.CellField(p, code), "1")
		}
		levels[strconv.Itoa(p)] = row
	}
	b, _ := json.Marshal(map[string]any{"note": "First assessment.", "levels": levels})
	return string(b), form.Encode()
}()
