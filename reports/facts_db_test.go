package reports_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/store/storetest"
)

// TestFiguresFromTheDatabase reads the figures through the features' Facts queries from a
// real database, on the backend storetest chooses (MASAR_TEST_DATABASE=postgres runs it on
// PostgreSQL): attempts counted, best score and pass as stored, an official without an
// attempt without a best score, a request's acceptance date from its history and its
// phases; then the dashboard's totals and rates from them.
func TestFiguresFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	offs := officials.New(db, 4, nil)
	cat, ps := courses.Load(os.DirFS("../courses/testdata/catalogue"))
	if len(ps) > 0 {
		t.Fatalf("fixture: %v", ps)
	}
	const slug = "fixture-course"
	crs := courses.NewService(db, func() *courses.Catalogue { return cat }, nil)
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	adv, err := advisory.New(db, offs, m, "https://masar.test")
	if err != nil {
		t.Fatal(err)
	}
	person := func(n int, country, gender, role string) *officials.Official {
		o, err := offs.Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: fmt.Sprintf("p%d@gov.example", n),
			NameAr: "سارة خالد", NameLatin: "Sara Khaled", JobTitle: "Analyst", Organisation: "Ministry", Country: country,
			Sector: "central_government", Gender: gender, Language: "ar"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	passer := person(1, "JO", "female", officials.RoleOfficial)
	idle := person(2, "EG", "male", officials.RoleOfficial)
	staff := person(3, "", "female", officials.RoleStaff)
	fp := person(4, "JO", "male", officials.RoleFocalPoint)

	wrong := map[string][]string{"q1": {"a"}}
	right := map[string][]string{"q1": {"b"}, "q2": {"c", "a"}, "q3": {"false"}, "q4": {"a"}}
	for _, answers := range []map[string][]string{wrong, right} {
		if _, err := crs.SubmitQuiz(ctx, passer.ID, slug, answers, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := crs.Enrol(ctx, idle.ID, slug); err != nil {
		t.Fatal(err)
	}
	r, err := adv.Create(ctx, fp, advisory.Input{RequestingBody: "Ministry of Planning", Phases: []int{2, 4},
		Topics: []string{"e_participation"}, Needs: "An e-participation platform for the national budget.",
		SupportKinds: []string{"advisory_mission"}, Language: "ar",
		Letter: advisory.LetterInput{Reference: "MoP/2026/7", Date: adv.Today(), SignatoryName: "Dr Sami Haddad", SignatoryTitle: "Minister",
			File: &advisory.File{Name: "letter.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{advisory.StatusUnderReview, advisory.StatusAccepted} {
		if _, err := adv.Transition(ctx, staff, r.ID, to, ""); err != nil {
			t.Fatal(err)
		}
	}

	rep, err := reports.New(reports.Options{Officials: offs, Courses: crs, Catalogue: func() *courses.Catalogue { return cat }, Advisory: adv})
	if err != nil {
		t.Fatal(err)
	}
	facts, err := rep.LoadFacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(facts.Enrolments) != 2 {
		t.Fatalf("%d enrolments, want 2: %+v", len(facts.Enrolments), facts.Enrolments)
	}
	for _, e := range facts.Enrolments {
		switch e.OfficialID {
		case passer.ID:
			if e.Attempts != 2 || e.BestScore == nil || *e.BestScore != 100 || !e.Passed || e.Country != "JO" || e.Gender != "female" {
				t.Errorf("the learner who passed: %+v", e)
			}
		case idle.ID:
			if e.Attempts != 0 || e.BestScore != nil || e.Passed || e.Country != "EG" {
				t.Errorf("the learner without an attempt: %+v", e)
			}
		default:
			t.Errorf("enrolment of an unknown official: %+v", e)
		}
	}
	if len(facts.Requests) != 1 {
		t.Fatalf("%d requests, want 1", len(facts.Requests))
	}
	q := facts.Requests[0]
	if q.Country != "JO" || q.Status != advisory.StatusAccepted || q.AcceptedAt == nil || q.CompletedAt != nil ||
		len(q.Phases) != 2 || q.Phases[0] != 2 || q.Phases[1] != 4 {
		t.Errorf("request: %+v", q)
	}

	d := reports.Compute(facts, reports.Filter{})
	c := d.Courses.Total
	if c.Enrolments != 2 || c.QuizTakers != 1 || c.QuizPassed != 1 || c.PassRate == nil || *c.PassRate != 1 {
		t.Errorf("course totals: %+v", c)
	}
	if a := d.Advisory.Total; a.Requests != 1 || a.Accepted != 1 {
		t.Errorf("advisory totals: %+v", a)
	}
}
