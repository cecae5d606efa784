package workshops_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// pngBytes is the start of a PNG file, as a browser would upload one.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func (e *env) question(wid int64, in workshops.QuestionInput) *workshops.Question {
	e.t.Helper()
	q, err := e.ws.SaveQuestion(context.Background(), e.staff, wid, 0, in)
	if err != nil {
		e.t.Fatalf("save question %v: %v", in.Label, err)
	}
	return q
}

func qlabel(ar, en string) map[string]string { return map[string]string{"ar": ar, "en": en} }

// visaQuestions gives w the questions of a typical regional workshop.
func (e *env) visaQuestions(wid int64) (passport, visa, arrival, diet, scan *workshops.Question) {
	passport = e.question(wid, workshops.QuestionInput{Kind: workshops.QuestionText, Label: qlabel("الاسم كما في جواز السفر", "Name as in the passport"),
		Required: true, Position: 1, Purpose: workshops.PurposePassportName})
	visa = e.question(wid, workshops.QuestionInput{Kind: workshops.QuestionYesNo, Label: qlabel("هل تحتاج إلى تأشيرة؟", "Do you need a visa?"),
		Required: true, Position: 2, Purpose: workshops.PurposeVisaNeeded})
	arrival = e.question(wid, workshops.QuestionInput{Kind: workshops.QuestionDate, Label: qlabel("تاريخ الوصول", "Arrival date"),
		Position: 3, Purpose: workshops.PurposeArrivalDate})
	diet = e.question(wid, workshops.QuestionInput{Kind: workshops.QuestionChoice, Label: qlabel("النظام الغذائي", "Dietary needs"),
		Position: 4, Options: []map[string]string{qlabel("لا شيء", "None"), qlabel("نباتي", "Vegetarian")}})
	scan = e.question(wid, workshops.QuestionInput{Kind: workshops.QuestionFile, Label: qlabel("صورة الجواز", "Passport scan"), Position: 5})
	return
}

func TestRegistrationQuestionsAnsweredWithTheApplication(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(10, 0))
	passport, visa, arrival, diet, scan := e.visaQuestions(w.ID)
	o := e.official("MA")
	answers := func(vals map[*workshops.Question]workshops.AnswerInput) workshops.Answers {
		a := workshops.Answers{Lang: "en", Values: map[int64]workshops.AnswerInput{}}
		for q, v := range vals {
			a.Values[q.ID] = v
		}
		return a
	}

	// The required passport name left empty: refused, naming it, and nothing saved.
	_, err := e.ws.ApplyAnswered(ctx, o, w.ID, "I run our data portal.", answers(map[*workshops.Question]workshops.AnswerInput{visa: {Value: "yes"}}))
	p, ok := problem.As(err)
	if !ok || p.Status != 422 || p.Fields[passport.Field()] != "workshops.questions.error.required" {
		t.Fatalf("missing passport name: %v (%+v)", err, p)
	}
	if p.Key != "workshops.questions.error.missing" || len(p.Args) != 2 || !strings.Contains(p.Args[1].(string), "Name as in the passport") {
		t.Fatalf("the refusal does not name the question: %s %v", p.Key, p.Args)
	}
	if n := e.count("SELECT count(*) FROM registrations WHERE workshop_id = ?", w.ID); n != 0 {
		t.Fatalf("%d registrations saved by a refused application", n)
	}

	// Wrong values of each kind are refused by name.
	for name, c := range map[string]struct {
		q  *workshops.Question
		in workshops.AnswerInput
	}{
		"date":   {arrival, workshops.AnswerInput{Value: "2026-02-30"}},
		"choice": {diet, workshops.AnswerInput{Value: "7"}},
		"yesno":  {visa, workshops.AnswerInput{Value: "maybe"}},
		"file":   {scan, workshops.AnswerInput{Filename: "scan.png", Data: []byte("MZ this is a program, named .png")}},
	} {
		vals := map[*workshops.Question]workshops.AnswerInput{passport: {Value: "HASSAN Layla"}, visa: {Value: "no"}, c.q: c.in}
		_, err := e.ws.ApplyAnswered(ctx, o, w.ID, "I run our data portal.", answers(vals))
		if p, ok := problem.As(err); !ok || p.Fields[c.q.Field()] == "" || p.Key != "workshops.questions.error.invalid" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := e.count("SELECT count(*) FROM registration_answers"); n != 0 {
		t.Fatalf("%d answers saved by refused applications", n)
	}

	r, err := e.ws.ApplyAnswered(ctx, o, w.ID, "I run our data portal.", answers(map[*workshops.Question]workshops.AnswerInput{
		passport: {Value: "  HASSAN Layla "}, visa: {Value: "yes"}, arrival: {Value: "2026-03-09"}, diet: {Value: "2"},
		scan: {Filename: `C:\docs\scan.PNG`, Data: pngBytes}}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.ws.Registration(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := got.AnswerFor(workshops.PurposePassportName); !ok || a.Value != "HASSAN Layla" {
		t.Fatalf("passport answer = %+v", got.Answers)
	}
	if a, _ := got.AnswerTo(diet.ID); e.ws.AnswerText(diet, a, "ar") != "نباتي" {
		t.Fatalf("choice answer reads %q", e.ws.AnswerText(diet, a, "ar"))
	}
	f, err := e.ws.AnswerFileOf(ctx, e.staff, r.ID, scan.ID)
	if err != nil || f.Type != "image/png" || f.Name != "scan.png" || !bytes.Equal(f.Data, pngBytes) {
		t.Fatalf("file answer: %v %+v", err, f)
	}
	if _, err := e.ws.AnswerFileOf(ctx, e.official("MA"), r.ID, scan.ID); !errors.Is(err, problem.NotFound) {
		t.Fatalf("another official reads the file: %v", err)
	}

	// Once answered: the kind is fixed, options cannot be removed, relabelling keeps answers.
	in := workshops.InputOf(diet)
	in.Kind = workshops.QuestionText
	if _, err := e.ws.SaveQuestion(ctx, e.staff, w.ID, diet.ID, in); err == nil {
		t.Fatal("an answered question changed kind")
	}
	in = workshops.InputOf(diet)
	in.Options = in.Options[1:]
	if _, err := e.ws.SaveQuestion(ctx, e.staff, w.ID, diet.ID, in); err == nil {
		t.Fatal("an answered choice lost an option")
	}
	in = workshops.InputOf(diet)
	in.Options = []map[string]string{qlabel("لا شيء", "Nothing special"), qlabel("طعام نباتي", "Vegetarian food"), qlabel("حلال", "Halal")}
	diet2, err := e.ws.SaveQuestion(ctx, e.staff, w.ID, diet.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = e.ws.Registration(ctx, r.ID)
	if a, _ := got.AnswerTo(diet.ID); e.ws.AnswerText(diet2, a, "en") != "Vegetarian food" || diet2.Options[2].Key != "3" {
		t.Fatalf("after relabelling: %q, options %+v", e.ws.AnswerText(diet2, a, "en"), diet2.Options)
	}
	// A second question for the same purpose is refused.
	if _, err := e.ws.SaveQuestion(ctx, e.staff, w.ID, 0, workshops.QuestionInput{Kind: workshops.QuestionText, Label: qlabel("الاسم", "Name"),
		Purpose: workshops.PurposePassportName}); err == nil {
		t.Fatal("two questions for the passport name")
	}

	// Deleting: an answered question is archived, its answer kept and exported; an unanswered one goes.
	if archived, err := e.ws.DeleteQuestion(ctx, e.staff, w.ID, diet.ID); err != nil || !archived {
		t.Fatalf("delete answered: %v %v", archived, err)
	}
	fresh := e.question(w.ID, workshops.QuestionInput{Kind: workshops.QuestionText, Label: qlabel("ملاحظات", "Notes"), Position: 9})
	if archived, err := e.ws.DeleteQuestion(ctx, e.staff, w.ID, fresh.ID); err != nil || archived {
		t.Fatalf("delete unanswered: %v %v", archived, err)
	}
	live, _ := e.ws.Questions(ctx, w.ID, false)
	all, _ := e.ws.Questions(ctx, w.ID, true)
	if len(live) != 4 || len(all) != 5 {
		t.Fatalf("%d live and %d in all after deleting and archiving", len(live), len(all))
	}

	var buf bytes.Buffer
	if err := e.ws.WriteParticipantsXLSX(ctx, &buf, w.ID, "en"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	col := map[string]string{}
	for i, h := range rows[0] {
		if i < len(rows[1]) {
			col[h] = rows[1][i]
		}
	}
	if col["Name as in the passport"] != "HASSAN Layla" || col["Do you need a visa?"] != "Yes" || col["Dietary needs"] != "Vegetarian food" || col["Passport scan"] != "scan.png" {
		t.Fatalf("answers in the workbook: %v", col)
	}
}

func TestVisaLetters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(10, 0))
	o := e.official("MA")
	var rendered []workshops.LetterPage
	render := func(_ context.Context, p workshops.LetterPage) ([]byte, error) {
		rendered = append(rendered, p)
		return []byte("%PDF-1.7 letter of " + strings.Join(p.Paragraphs, " ")), nil
	}
	r := e.apply(o, w)
	e.must(r, e.staff, workshops.ActApprove)
	if _, err := e.ws.IssueVisaLetter(ctx, e.staff, r.ID, "en", render); !errors.Is(err, workshops.ErrNoPassportAsked) {
		t.Fatalf("without a passport question: %v", err)
	}
	passport, visa, _, _, _ := e.visaQuestions(w.ID)
	_, err := e.ws.IssueVisaLetter(ctx, e.staff, r.ID, "en", render)
	if p, ok := problem.As(err); !ok || p.Code != "passport_name_missing" || !strings.Contains(p.Args[1].(string), "Name as in the passport") {
		t.Fatalf("without the answer: %v", err)
	}
	// The person without "yes" to the visa question may not ask; staff may issue for them.
	o2 := e.official("TN")
	r2, err := e.ws.ApplyAnswered(ctx, o2, w.ID, "Our ministry opens data.", workshops.Answers{Values: map[int64]workshops.AnswerInput{
		passport.ID: {Value: "BEN ALI Sami"}, visa.ID: {Value: "no"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ws.IssueVisaLetter(ctx, o2, r2.ID, "", render); !errors.Is(err, workshops.ErrVisaNotConfirmed) {
		t.Fatalf("pending registration: %v", err)
	}
	e.must(r2, e.staff, workshops.ActApprove)
	if _, err := e.ws.IssueVisaLetter(ctx, o2, r2.ID, "", render); !errors.Is(err, workshops.ErrVisaNotNeeded) {
		t.Fatalf("no visa needed: %v", err)
	}
	l, err := e.ws.IssueVisaLetter(ctx, e.staff, r2.ID, "fr", render)
	if err != nil {
		t.Fatal(err)
	}
	last := rendered[len(rendered)-1]
	body := strings.Join(last.Paragraphs, "\n")
	if last.Lang != "fr" || !strings.Contains(body, "BEN ALI Sami") || !strings.Contains(body, "10–12 mars 2026") {
		t.Fatalf("letter: %+v", last)
	}
	if got, err := e.ws.VisaLetterOf(ctx, o2, r2.ID); err != nil || got.SHA256 != l.SHA256 {
		t.Fatalf("the person's download: %v", err)
	}
	if _, err := e.ws.VisaLetterOf(ctx, o, r2.ID); !errors.Is(err, problem.NotFound) {
		t.Fatalf("another participant reads the letter: %v", err)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = 'registration.visa_letter' AND subject = ?", "registration:"+strconv.FormatInt(r2.ID, 10)); n != 1 {
		t.Fatalf("%d audit entries for the letter", n)
	}
	var zipBuf bytes.Buffer
	if n, err := e.ws.WriteVisaLettersZIP(ctx, e.staff, w.ID, &zipBuf); err != nil || n != 1 {
		t.Fatalf("zip: %d %v", n, err)
	}
	// A placeholder the letters do not know is refused by name.
	_, err = e.ws.SaveVisaTemplate(ctx, e.staff, w.ID, map[string]string{"en": "Dear {consul}, {passport_name} comes."})
	if p, ok := problem.As(err); !ok || p.Fields["body_en"] == "" || p.Args[1] != "{consul}" {
		t.Fatalf("unknown placeholder: %v", err)
	}
}

// TestReopenedRegistrationIsAnsweredAfresh: a person who withdraws and applies again is
// registered with the new application's answers only; a new registration saves its answers
// without any left from elsewhere.
func TestReopenedRegistrationIsAnsweredAfresh(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(10, 0))
	notes := e.question(w.ID, workshops.QuestionInput{Kind: workshops.QuestionText, Label: qlabel("ملاحظات", "Notes"), Position: 1})
	diet := e.question(w.ID, workshops.QuestionInput{Kind: workshops.QuestionText, Label: qlabel("الطعام", "Food"), Position: 2})
	o := e.official("TN")
	apply := func(vals map[int64]workshops.AnswerInput) *workshops.Registration {
		t.Helper()
		r, err := e.ws.ApplyAnswered(ctx, o, w.ID, "Open budgets.", workshops.Answers{Lang: "ar", Values: vals})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := apply(map[int64]workshops.AnswerInput{notes.ID: {Value: "first"}, diet.ID: {Value: "none"}})
	if _, err := e.ws.Transition(ctx, o, r.ID, workshops.ActCancel); err != nil {
		t.Fatal(err)
	}
	again := apply(map[int64]workshops.AnswerInput{notes.ID: {Value: "second"}})
	if again.ID != r.ID {
		t.Fatalf("the reapplication is registration %d, want %d reopened", again.ID, r.ID)
	}
	got, err := e.ws.Registration(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Answers) != 1 {
		t.Fatalf("the reopened registration has %d answers, want the new one only: %+v", len(got.Answers), got.Answers)
	}
	if a, ok := got.AnswerTo(notes.ID); !ok || a.Value != "second" {
		t.Fatalf("notes answer %+v", a)
	}
	if n := e.count("SELECT count(*) FROM registration_answers WHERE registration_id = ?", r.ID); n != 1 {
		t.Fatalf("%d answers stored for the reopened registration", n)
	}
	other := e.official("TN")
	r2, err := e.ws.ApplyAnswered(ctx, other, w.ID, "Open budgets.", workshops.Answers{Lang: "ar", Values: map[int64]workshops.AnswerInput{diet.ID: {Value: "halal"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.ws.Registration(ctx, r2.ID); len(got.Answers) != 1 || got.Answers[0].Value != "halal" {
		t.Fatalf("a new registration's answers: %+v", got.Answers)
	}
}
