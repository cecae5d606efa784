package web_test

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// question returns the bank's question id of course co.
func question(co *courses.Course, id string) *courses.Question {
	for _, q := range co.Quiz.Questions {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// wrongAnswers answers every drawn question wrong: a wrong option, or the wrong truth.
func wrongAnswers(co *courses.Course, draw []courses.DrawnQuestion) map[string][]string {
	out := map[string][]string{}
	for _, d := range draw {
		q := question(co, d.ID)
		if q.Type == courses.TrueFalse {
			out[q.ID] = []string{strconv.FormatBool(!q.Answer)}
			continue
		}
		for _, o := range q.Options {
			if !o.Correct {
				out[q.ID] = []string{o.ID}
				break
			}
		}
	}
	return out
}

// drawnRight returns the texts (in lang, escaped as a page shows them) of the right options
// of the drawn choice questions.
func drawnRight(co *courses.Course, draw []courses.DrawnQuestion, lang string) []string {
	var out []string
	for _, d := range draw {
		for _, o := range question(co, d.ID).Options {
			if o.Correct {
				out = append(out, template.HTMLEscapeString(o.Text[lang]))
			}
		}
	}
	return out
}

func form(answers map[string][]string, extra ...string) url.Values {
	f := url.Values{}
	for id, a := range answers {
		f["q_"+id] = a
	}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// answerKeys lists the JSON fields of an API answer that would give a quiz's key away (any
// field named "correct…"), by path. It reads the fields, not the text: a French option may
// well say « correction ».
func answerKeys(t *testing.T, body string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	var found []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if strings.HasPrefix(k, "correct") {
					found = append(found, path+"."+k)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"["+strconv.Itoa(i)+"]", x)
			}
		}
	}
	walk("", v)
	return found
}

// openDraw is the learner's open attempt, as the quiz page shows it.
func openDraw(t *testing.T, p *platform.Platform, id int64, slug string) []courses.DrawnQuestion {
	t.Helper()
	open, err := p.Courses.OpenQuiz(context.Background(), id, slug)
	if err != nil {
		t.Fatal(err)
	}
	return open.Questions
}

// A failed attempt of a course not passed, with attempts left, shows which questions were
// wrong and why, but no right option of the questions it asked — in the page and in the API.
// Once the attempts are used up, the right options are shown.
func TestFailedAttemptRevealsNoRightOption(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	clock := time.Now().UTC()
	p.Courses.SetClock(func() time.Time { return clock })
	slug := "open-government-data"
	co, _ := p.Library.Catalogue().Course(slug)

	c, o := account(t, p, "wrong@example.org", officials.RoleOfficial, "JO")
	readAll(t, p, o.ID, slug) // the quiz opens once every lesson counts as read
	page := c.get("/ar/courses/" + slug + "/quiz")
	draw := openDraw(t, p, o.ID, slug)
	right := drawnRight(co, draw, "ar")
	if page.Status != 200 || len(right) == 0 {
		t.Fatalf("quiz page %d, %d right options drawn", page.Status, len(right))
	}
	r := c.post("/ar/courses/"+slug+"/quiz", form(wrongAnswers(co, draw)))
	if r.Status != 200 || !strings.Contains(r.Body, "✗") {
		t.Fatalf("failed attempt: %d", r.Status)
	}
	for _, text := range right {
		if strings.Contains(r.Body, text) {
			t.Errorf("the failed attempt's page shows a right option: %q", text)
		}
	}
	if !strings.Contains(r.Body, template.HTMLEscapeString(question(co, draw[0].ID).Explanation["ar"])) {
		t.Error("the failed attempt's page lacks the explanations")
	}
	if strings.Contains(r.Body, "الإجابة الصحيحة") {
		t.Error("the failed attempt's page has a 'correct answer' line")
	}
	// Coming back during the cool-down: the same review, still without the right options.
	back := c.get("/ar/courses/" + slug + "/quiz")
	if back.Status != 200 || !strings.Contains(back.Body, "تُفتح المحاولة التالية") ||
		!strings.Contains(back.Body, template.HTMLEscapeString(question(co, draw[0].ID).Explanation["ar"])) {
		t.Errorf("quiz page in the cool-down: %d, without the time or the review", back.Status)
	}
	for _, text := range right {
		if strings.Contains(back.Body, text) {
			t.Errorf("the quiz page in the cool-down shows a right option: %q", text)
		}
	}
	// The attempt keeps the draw it answered, every asked question in its answers.
	hist, err := p.Courses.AttemptHistory(ctx, o.ID, slug)
	if err != nil || len(hist) != 1 || !slices.EqualFunc(hist[0].Questions, draw, func(a, b courses.DrawnQuestion) bool {
		return a.ID == b.ID && slices.Equal(a.Options, b.Options)
	}) || len(hist[0].Answers) != len(draw) {
		t.Fatalf("stored attempt: %+v %v", hist, err)
	}

	// The API, the same way; and an empty submission returns no key either.
	_, o2 := account(t, p, "wrong-api@example.org", officials.RoleOfficial, "TN")
	readAll(t, p, o2.ID, slug) // the quiz opens once every lesson counts as read
	tok, _ := p.Officials.CreateAPIToken(ctx, o2.ID, "t")
	ac := newClient(t, p)
	g := ac.api("GET", "/api/v1/courses/"+slug+"/quiz", tok, "")
	if keys := answerKeys(t, g.Body); g.Status != 200 || len(keys) > 0 {
		t.Fatalf("open attempt: %d, answer keys %v: %s", g.Status, keys, g.Body)
	}
	draw2 := openDraw(t, p, o2.ID, slug)
	if r := ac.api("POST", "/api/v1/courses/"+slug+"/quiz", tok, `{"answers": {}}`); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "quiz_unanswered") || !strings.Contains(r.Body, `"answers.`+draw2[0].ID+`"`) || len(answerKeys(t, r.Body)) > 0 {
		t.Errorf("empty answers without confirm: %d %s", r.Status, r.Body)
	}
	body, _ := json.Marshal(map[string]any{"answers": wrongAnswers(co, draw2), "confirm": true})
	r = ac.api("POST", "/api/v1/courses/"+slug+"/quiz", tok, string(body))
	if r.Status != 200 || !strings.Contains(r.Body, `"passed":false`) || !strings.Contains(r.Body, `"revealed":false`) {
		t.Fatalf("failed attempt through the API: %d %s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, "correct_options") {
		t.Errorf("the failed attempt's API result gives the key: %s", r.Body)
	}

	// The next attempts, after the cool-down, until none is left: then the key is shown.
	for i := 2; i <= co.MaxAttempts; i++ {
		clock = clock.Add(co.QuizCooldown + time.Second)
		c.get("/ar/courses/" + slug + "/quiz")
		draw = openDraw(t, p, o.ID, slug)
		r = c.post("/ar/courses/"+slug+"/quiz", form(wrongAnswers(co, draw)))
	}
	if r.Status != 200 || !strings.Contains(r.Body, "الإجابة الصحيحة") || !strings.Contains(r.Body, drawnRight(co, draw, "ar")[0]) {
		t.Errorf("the last attempt does not reveal the right options: %d", r.Status)
	}
}

// Each attempt asks its own draw: stable while open (reloading the page changes nothing),
// new after a submission; an answer to a question not asked is refused, naming it.
func TestAttemptsDrawAndKeepTheirQuestions(t *testing.T) {
	p := newPlatform(t)
	clock := time.Now().UTC()
	p.Courses.SetClock(func() time.Time { return clock })
	slug := "citizen-participation"
	co, _ := p.Library.Catalogue().Course(slug)
	c, o := account(t, p, "draw@example.org", officials.RoleOfficial, "JO")
	readAll(t, p, o.ID, slug) // the quiz opens once every lesson counts as read
	first := c.get("/en/courses/" + slug + "/quiz")
	again := c.get("/en/courses/" + slug + "/quiz")
	if first.Status != 200 || strings.Contains(first.Header.Get("Cache-Control"), "public") {
		t.Fatalf("quiz page: %d, Cache-Control %q", first.Status, first.Header.Get("Cache-Control"))
	}
	form1 := regexpAll(`name="q_([^"]+)" value="([^"]+)"`, first.Body)
	if form1 == "" || form1 != regexpAll(`name="q_([^"]+)" value="([^"]+)"`, again.Body) {
		t.Error("reloading the quiz page changed the questions or their order")
	}
	draw := openDraw(t, p, o.ID, slug)
	var notAsked string
	for _, q := range co.Quiz.Questions {
		if !slices.ContainsFunc(draw, func(d courses.DrawnQuestion) bool { return d.ID == q.ID }) {
			notAsked = q.ID
		}
	}
	if notAsked != "" {
		if r := c.post("/en/courses/"+slug+"/quiz", url.Values{"q_" + notAsked: {"true"}, "confirm": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("answer to a question not asked: %d", r.Status)
		}
	}
	// Options are shuffled: over a few learners, some question shows its options in
	// another order than written.
	shuffled := false
	for i := 0; i < 8 && !shuffled; i++ {
		_, oi := account(t, p, "draw"+strconv.Itoa(i)+"@example.org", officials.RoleOfficial, "JO")
		for _, d := range openDraw(t, p, oi.ID, slug) {
			q := question(co, d.ID)
			for k, op := range q.Options {
				if d.Options[k] != op.ID {
					shuffled = true
				}
			}
		}
	}
	if !shuffled {
		t.Error("no learner saw options in another order than written")
	}
}

func regexpAll(expr, s string) string {
	var b strings.Builder
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(s, -1) {
		b.WriteString(m[1] + "=" + m[2] + ";")
	}
	return b.String()
}

// A half-answered submission comes back once, with the unanswered questions marked and a
// confirmation; it uses no attempt until confirmed.
func TestUnansweredQuestionsAskForConfirmation(t *testing.T) {
	p := newPlatform(t)
	slug := "engaged-governance"
	co, _ := p.Library.Catalogue().Course(slug)
	c, o := account(t, p, "half@example.org", officials.RoleOfficial, "JO")
	readAll(t, p, o.ID, slug) // the quiz opens once every lesson counts as read
	c.get("/ar/courses/" + slug + "/quiz")
	draw := openDraw(t, p, o.ID, slug)
	answers := wrongAnswers(co, draw)
	delete(answers, draw[0].ID)
	delete(answers, draw[1].ID)
	r := c.post("/ar/courses/"+slug+"/quiz", form(answers))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "بقي سؤالان بلا إجابة") ||
		!strings.Contains(r.Body, `name="confirm" value="1"`) || strings.Count(r.Body, `class="question unanswered"`) != 2 {
		t.Fatalf("half-answered: %d", r.Status)
	}
	// What was answered stays checked.
	for id, a := range answers {
		if !strings.Contains(r.Body, `name="q_`+id+`" value="`+a[0]+`" checked`) {
			t.Errorf("answer to %s not kept", id)
			break
		}
	}
	if prog, _ := p.Courses.Progress(context.Background(), o.ID, slug); prog.AttemptsUsed != 0 {
		t.Errorf("an unconfirmed submission used an attempt")
	}
	if r := c.post("/ar/courses/"+slug+"/quiz", form(answers, "confirm", "1")); r.Status != 200 {
		t.Errorf("confirmed: %d", r.Status)
	}
}

// After a failed attempt the page says when the next one opens and the API answers 429 with
// Retry-After; after a pass the page says so and links the certificate, also later.
func TestCooldownAndPass(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	clock := time.Now().UTC()
	p.Courses.SetClock(func() time.Time { return clock })
	slug := "collaboration-co-creation"
	co, _ := p.Library.Catalogue().Course(slug)
	c, o := account(t, p, "cool@example.org", officials.RoleOfficial, "JO")
	readAll(t, p, o.ID, slug) // the quiz opens once every lesson counts as read
	tok, _ := p.Officials.CreateAPIToken(ctx, o.ID, "t")
	c.get("/en/courses/" + slug + "/quiz")
	if r := c.post("/en/courses/"+slug+"/quiz", form(wrongAnswers(co, openDraw(t, p, o.ID, slug)))); r.Status != 200 || !strings.Contains(r.Body, "The next attempt opens at") {
		t.Fatalf("failed attempt: %d", r.Status)
	}
	if r := c.get("/en/courses/" + slug + "/quiz"); r.Status != 200 || !strings.Contains(r.Body, "The next attempt opens at") || strings.Contains(r.Body, `name="q_`) {
		t.Errorf("quiz page in the cool-down: %d", r.Status)
	}
	r := c.api("GET", "/api/v1/courses/"+slug+"/quiz", tok, "")
	if wait, _ := strconv.Atoi(r.Header.Get("Retry-After")); r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "quiz_cooldown") ||
		wait < int(co.QuizCooldown/time.Second)-60 || wait > int(co.QuizCooldown/time.Second) {
		t.Errorf("API in the cool-down: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	// Past the cool-down, lessons done, a pass.
	clock = clock.Add(co.QuizCooldown + time.Second)
	for _, l := range co.Lessons {
		if _, err := p.Courses.MarkDone(ctx, o.ID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
	c.get("/en/courses/" + slug + "/quiz")
	draw := openDraw(t, p, o.ID, slug)
	right := map[string][]string{}
	for id, a := range rightAnswers(co.Quiz) {
		if slices.ContainsFunc(draw, func(d courses.DrawnQuestion) bool { return d.ID == id }) {
			right[id] = a
		}
	}
	if r := c.post("/en/courses/"+slug+"/quiz", form(right)); r.Status != 200 || !strings.Contains(r.Body, `href="/en/me/certificates"`) {
		t.Fatalf("pass: %d", r.Status)
	}
	r = c.get("/en/courses/" + slug + "/quiz")
	if r.Status != 200 || !strings.Contains(r.Body, "You passed this quiz") || !strings.Contains(r.Body, `href="/en/me/certificates"`) || strings.Contains(r.Body, `name="q_`) {
		t.Errorf("quiz page after the pass: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/courses/"+slug+"/quiz", tok, ""); r.Status != http.StatusConflict || !strings.Contains(r.Body, "quiz_passed") {
		t.Errorf("API after the pass: %d %s", r.Status, r.Body)
	}
}
