package web_test

import (
	"fmt"
	"strconv"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// surveyFixture adds to the route fixture what the survey routes name: a satisfaction
// template ({surveyTpl}) and a test ({testTpl}); a published satisfaction survey on the
// live workshop, where the subject holds a confirmed seat ({survey}); and fresh ones: a
// workshop with a published survey the subject may answer ({freshSurvey}), a workshop with a
// draft survey ({draftSurveyW} then {draftSurvey}), a draft survey by itself
// ({newDraftSurvey}) and a template with one question ({freshTpl}).
func (f *routeFixture) surveyFixture() {
	f.t.Helper()
	p, ctx := f.p, f.ctx
	staff := f.actors[roleStaff].o
	trainer := f.actors[roleTrainer].o
	sys := audit.Actor{Email: "fixture"}
	satisfaction := surveys.Input{Kind: surveys.TemplateSatisfaction, Title: map[string]string{"ar": "تقييم الورشة", "en": "Workshop evaluation"},
		Questions: []surveys.Question{{Kind: surveys.QRating, Text: map[string]string{"ar": "ما تقييمك العام للورشة؟", "en": "Overall, how was the workshop?"}}}}
	tpl, err := p.Surveys.CreateTemplate(ctx, sys, satisfaction)
	f.must(err, "survey template")
	f.vars["surveyTpl"] = fmt.Sprint(tpl.ID)
	test, err := p.Surveys.CreateTemplate(ctx, sys, surveys.Input{Kind: surveys.TemplateTest, Title: map[string]string{"ar": "اختبار البيانات المفتوحة"},
		Questions: []surveys.Question{{Kind: surveys.QSingle, Text: map[string]string{"ar": "ما البيانات المفتوحة؟"},
			Options: []surveys.Option{{Text: map[string]string{"ar": "بيانات متاحة للجميع بترخيص مفتوح"}, Correct: true}, {Text: map[string]string{"ar": "بيانات سرية"}}}}}})
	f.must(err, "test template")
	f.vars["testTpl"] = fmt.Sprint(test.ID)
	publish := func(wid int64) int64 {
		sv, err := p.Surveys.Attach(ctx, wid, surveys.AttachInput{Kind: surveys.KindSatisfaction, TemplateID: tpl.ID, Anonymous: true})
		f.must(err, "attach survey")
		_, err = p.Surveys.Publish(ctx, sys, sv.ID)
		f.must(err, "publish survey")
		return sv.ID
	}
	live, _ := strconv.ParseInt(f.vars["live"], 10, 64)
	f.vars["survey"] = fmt.Sprint(publish(live))
	f.fresh["freshSurvey"] = func() string {
		w := f.workshop("2026-01-31", "2026-02-02", trainer.ID)
		r, err := p.Workshops.Nominate(ctx, staff, w.ID, f.subject, "")
		f.must(err, "nominate")
		_, err = p.Workshops.Transition(ctx, staff, r.ID, workshops.ActApprove)
		f.must(err, "approve")
		return fmt.Sprint(publish(w.ID))
	}
	draft := func() (int64, int64) {
		w := f.workshop("2026-04-14", "2026-04-15", trainer.ID)
		sv, err := p.Surveys.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindPreTest, TemplateID: test.ID})
		f.must(err, "draft survey")
		return w.ID, sv.ID
	}
	var lastDraft string
	f.fresh["draftSurveyW"] = func() string {
		w, s := draft()
		lastDraft = fmt.Sprint(s)
		return fmt.Sprint(w)
	}
	f.fresh["draftSurvey"] = func() string { return lastDraft }
	f.fresh["newDraftSurvey"] = func() string { _, s := draft(); return fmt.Sprint(s) }
	f.fresh["freshTpl"] = func() string {
		t, err := p.Surveys.CreateTemplate(ctx, sys, satisfaction)
		f.must(err, "fresh template")
		return fmt.Sprint(t.ID)
	}
}
