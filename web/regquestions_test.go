package web_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
)

// TestNominationAnswersRegistrationQuestions: the focal point's nomination form asks the
// workshop's questions; a required one left empty is refused, naming it, with nothing saved
// (no account, no registration, no mail); answered, the delegate's answers are saved with the
// registration and the API shows them to staff, not to the workshop's trainer.
func TestNominationAnswersRegistrationQuestions(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 10, 0)
	r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/questions", wid), staffTok,
		`{"kind": "text", "label": {"ar": "الاسم كما في جواز السفر", "en": "Name as in the passport", "fr": "Nom sur le passeport"}, "required": true, "purpose": "passport_name"}`)
	var q struct {
		Data struct{ ID int64 } `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &q); r.Status != 201 || err != nil {
		t.Fatalf("add question: %d %s", r.Status, r.Body)
	}
	field := fmt.Sprintf("q%d", q.Data.ID)
	focal, _ := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	page := focal.get(fmt.Sprintf("/fr/workshops/%d/nominate", wid))
	if !strings.Contains(page.Body, `name="`+field+`"`) || !strings.Contains(page.Body, "Nom sur le passeport") {
		t.Fatalf("the nomination form does not ask the question: %.300s", page.Body)
	}
	v := url.Values{"email": {"salma@gov.tn"}, "name_ar": {"سلمى بن علي"}, "name_latin": {"Salma Ben Ali"}, "job_title": {"Cheffe de service"},
		"organisation": {"Présidence du gouvernement"}, "sector": {"central_government"}, "gender": {"female"}, "language": {"fr"}}
	focal.lang = "fr"
	r = focal.post(fmt.Sprintf("/fr/workshops/%d/nominate", wid), v)
	if r.Status != 422 || !strings.Contains(r.Body, "Rien n’a été enregistré") || !strings.Contains(r.Body, "Nom sur le passeport") {
		t.Fatalf("empty required answer: %d %.600s", r.Status, r.Body)
	}
	if a, g, m := traces(t, p, "salma@gov.tn"); a+g+m != 0 {
		t.Fatalf("refused nomination left %d account(s), %d registration(s), %d mail(s)", a, g, m)
	}
	v.Set(field, "BEN ALI Salma")
	if r = focal.post(fmt.Sprintf("/fr/workshops/%d/nominate", wid), v); r.Status != 303 {
		t.Fatalf("nomination: %d %.400s", r.Status, r.Body)
	}
	r = c.api("GET", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), staffTok, "")
	if !strings.Contains(r.Body, `"value":"BEN ALI Salma"`) || !strings.Contains(r.Body, `"purpose":"passport_name"`) {
		t.Fatalf("staff's API list lacks the answer: %s", r.Body)
	}

	// Through the API: the refusal names the question in the request's language.
	_, offTok := person(t, p, "official@gov.tn", officials.RoleOfficial, "TN")
	req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), strings.NewReader(`{"motivation": "I run the portal."}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+offTok)
	req.Header.Set("Accept-Language", "en")
	r = c.do(req)
	if r.Status != 422 || !strings.Contains(r.Body, `please answer the required questions: “Name as in the passport”`) || !strings.Contains(r.Body, `"`+field+`"`) {
		t.Fatalf("API without the answer: %d %s", r.Status, r.Body)
	}
	r = c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), offTok, fmt.Sprintf(`{"motivation": "I run the portal.", "answers": {"%d": "TRABELSI Amine"}}`, q.Data.ID))
	if r.Status != 201 || !strings.Contains(r.Body, "TRABELSI Amine") {
		t.Fatalf("API with the answer: %d %s", r.Status, r.Body)
	}
}
