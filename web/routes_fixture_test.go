package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/workshops"
)

// This file builds the world that the route tests (the authorization table and the marker
// test) run against: one platform with two member states, one person of every role, and one
// of each thing a route can name — a workshop, a registration, a course and lesson, a
// certificate, an advisory request with an attachment, a nomination letter, an outbox mail —
// plus generators of fresh ones for the routes that change or use them up.

// The roles of the route tests, in the order of the table's columns.
const (
	roleAnon    = iota // no session, no token
	roleOff            // the subject: an official of country A
	roleFpA            // a focal point of country A (the subject's)
	roleFpB            // a focal point of country B
	roleTrainer        // a trainer of the fixture's workshops (from country B)
	roleStaff          // programme staff
	roleAdmin          // an administrator
	nRoles
)

var roleNames = [nRoles]string{"anonymous", "official", "focal point of the same country", "focal point of another country",
	"trainer", "staff", "admin"}

const (
	countryA = "JO"
	countryB = "TN"
	// rfPassword is every fixture account's password.
	rfPassword = "correct horse battery"
)

// Texts of the fixture that only some roles may read.
const (
	rfDraftTitle    = "Draft workshop on open budgets"
	rfAdvisoryNeeds = "Country A asks for a review of its open-data licence."
	rfInternalNote  = "Internal: the ministry's budget for this is not confirmed."
	rfPassportName  = "SUBJECTPASSPORT Rania"
)

// rfSamplePDF is the smallest file that is a PDF by its content.
var rfSamplePDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// rfActor is one role's person and credentials.
type rfActor struct {
	o       *officials.Official // nil for anonymous
	session string              // the session cookie's value
	token   string              // an API bearer token
}

// routeFixture is the platform and the things its routes name.
type routeFixture struct {
	t      testing.TB
	p      *platform.Platform
	ctx    context.Context
	actors [nRoles]*rfActor
	// csrfSeed is the CSRF cookie every browser of the tests carries; csrfToken its form token.
	csrfSeed, csrfToken string
	// vars are the values of the placeholders of the route patterns ({workshop}, {cert}, …).
	vars map[string]string
	// fresh makes a new value for a placeholder at each use ({newReg}, {resetToken}, …).
	fresh map[string]func() string
	n     int
	// subject is the official of country A whose data the other roles try to reach; other
	// is another official of A, registered to the same workshop.
	subject, other *officials.Official
	// adminResetToken is the admin's password-reset link, waiting in the outbox.
	adminResetToken string
	// requests counts the requests sent.
	requests int
}

func (f *routeFixture) must(err error, what string) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("fixture: %s: %v", what, err)
	}
}

// newRouteFixture opens a platform and fills it.
func newRouteFixture(t testing.TB) *routeFixture {
	t.Helper()
	p := newPlatform(t)
	wsClock(p)
	f := &routeFixture{t: t, p: p, ctx: context.Background(), vars: map[string]string{}, fresh: map[string]func() string{},
		csrfSeed: "route-tests-csrf-seed-0123456789"}
	ctx := f.ctx
	sys := audit.Actor{Email: "fixture"}

	// A form token for the CSRF seed, read from a page as a browser would.
	req := httptest.NewRequest(http.MethodGet, "/ar/login", nil)
	req.AddCookie(&http.Cookie{Name: "masar_csrf", Value: f.csrfSeed})
	r := f.send(req)
	m := csrfRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("fixture: no form token on /ar/login (%d)", r.Status)
	}
	f.csrfToken = m[1]

	// The people.
	f.actors[roleAnon] = &rfActor{}
	f.subject = f.account("rania.subject@jo.authz.test", "رانيا حداد", "Rania Haddad", officials.RoleOfficial, countryA)
	f.actors[roleOff] = f.login(f.subject)
	f.vars["official"] = fmt.Sprint(f.subject.ID)
	// A second session and a second API token of the official, for the rows that end and
	// revoke them: only their owner may.
	_, err := p.Officials.NewSession(ctx, f.subject.ID, officials.SessionMeta{UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", IP: "203.0.113.9"})
	f.must(err, "second session")
	subjectSessions, err := p.Officials.Sessions(ctx, f.subject.ID, f.actors[roleOff].session)
	f.must(err, "sessions")
	for _, s := range subjectSessions {
		if !s.Current {
			f.vars["offSession"] = s.ID
		}
	}
	_, err = p.Officials.NewSession(ctx, f.subject.ID, officials.SessionMeta{})
	f.must(err, "third session")
	subjectSessions, err = p.Officials.Sessions(ctx, f.subject.ID, f.actors[roleOff].session)
	f.must(err, "sessions")
	for _, s := range subjectSessions {
		if !s.Current && s.ID != f.vars["offSession"] {
			f.vars["offApiSession"] = s.ID
		}
	}
	for _, v := range []string{"offToken", "offApiToken"} {
		_, err = p.Officials.CreateAPIToken(ctx, f.subject.ID, "spare token")
		f.must(err, "spare token")
		subjectTokens, err := p.Officials.APITokens(ctx, f.subject.ID)
		f.must(err, "tokens")
		f.vars[v] = fmt.Sprint(subjectTokens[0].ID)
	}
	f.actors[roleFpA] = f.login(f.account("focal.a@jo.authz.test", "سلمى يوسف", "Salma Youssef", officials.RoleFocalPoint, countryA))
	f.actors[roleFpB] = f.login(f.account("focal.b@tn.authz.test", "هالة بن علي", "Hala Ben Ali", officials.RoleFocalPoint, countryB))
	f.actors[roleTrainer] = f.login(f.account("trainer@tn.authz.test", "كريم منصور", "Karim Mansour", officials.RoleTrainer, countryB))
	f.actors[roleStaff] = f.login(f.account("staff@authz.test", "نور سالم", "Nour Salem", officials.RoleStaff, ""))
	f.actors[roleAdmin] = f.login(f.account("admin@authz.test", "عمر فاروق", "Omar Farouk", officials.RoleAdmin, ""))
	staff := f.actors[roleStaff].o
	fpA := f.actors[roleFpA].o
	trainer := f.actors[roleTrainer].o
	f.vars["trainer"] = fmt.Sprint(trainer.ID)

	// Countries, course and lesson from the shipped content.
	f.vars["A"], f.vars["B"] = countryA, countryB
	// No OpenID Connect provider is configured: its routes answer 404 for any id.
	f.vars["provider"] = "ministry"
	var course string
	for _, co := range p.Library.Catalogue().Courses() {
		if len(co.Lessons) > 0 && co.Quiz != nil {
			course = co.Slug
			f.vars["slug"], f.vars["lesson"] = co.Slug, co.Lessons[0].Slug
			break
		}
	}
	if course == "" {
		t.Fatal("fixture: no shipped course with lessons and a quiz")
	}
	// Everyone logged in has read every lesson of it, so that its quiz is open to them.
	for _, a := range f.actors {
		if a.o != nil {
			readAll(t, p, a.o.ID, course)
		}
	}

	// The workshop: national, in A, published, open for registration (the clock is pinned
	// to 1 February 2026), with the trainer; the subject applied.
	w := f.workshop("2026-03-10", "2026-03-12", trainer.ID)
	f.vars["workshop"] = fmt.Sprint(w.ID)
	reg, err := p.Workshops.Apply(ctx, f.subject, w.ID, "I run our ministry's open data portal.")
	f.must(err, "apply")
	f.vars["reg"] = fmt.Sprint(reg.ID)
	f.vars["ticket"] = reg.Ticket
	// Another official of A applied too.
	f.other = f.freshOfficial("")
	reg2, err := p.Workshops.Apply(ctx, f.other, w.ID, "I lead the statistics office.")
	f.must(err, "second registration")
	f.vars["reg2"] = fmt.Sprint(reg2.ID)
	// A draft, which only staff and its trainer may see.
	draft, err := p.Workshops.Create(ctx, sys, workshops.Input{Title: map[string]string{"ar": "مسودة ورشة الميزانيات", "en": rfDraftTitle},
		Kind: workshops.KindNational, Phases: []int{2}, HostCountry: countryA, City: "Aqaba", StartDate: "2026-09-01", EndDate: "2026-09-02",
		Languages: []string{"ar"}, Capacity: 20, Trainers: []int64{trainer.ID}})
	f.must(err, "draft workshop")
	f.vars["draft"] = fmt.Sprint(draft.ID)
	// A workshop under way (31 January – 2 February) where the subject holds a confirmed
	// seat: attendance can be taken today.
	live := f.workshop("2026-01-31", "2026-02-02", trainer.ID)
	f.vars["live"] = fmt.Sprint(live.ID)
	// Its registration questions: the name as in the passport, the visa, a file.
	passportQ, err := p.Workshops.SaveQuestion(ctx, staff, live.ID, 0, workshops.QuestionInput{Kind: workshops.QuestionText,
		Label: map[string]string{"ar": "الاسم كما في جواز السفر", "en": "Name as in the passport"}, Position: 1, Purpose: workshops.PurposePassportName})
	f.must(err, "passport question")
	f.vars["liveQ"] = fmt.Sprint(passportQ.ID)
	visaQ, err := p.Workshops.SaveQuestion(ctx, staff, live.ID, 0, workshops.QuestionInput{Kind: workshops.QuestionYesNo,
		Label: map[string]string{"ar": "هل تحتاج إلى تأشيرة؟"}, Position: 2, Purpose: workshops.PurposeVisaNeeded})
	f.must(err, "visa question")
	fileQ, err := p.Workshops.SaveQuestion(ctx, staff, live.ID, 0, workshops.QuestionInput{Kind: workshops.QuestionFile,
		Label: map[string]string{"ar": "صورة الجواز"}, Position: 3})
	f.must(err, "file question")
	f.vars["liveFileQ"] = fmt.Sprint(fileQ.ID)
	lr, err := p.Workshops.NominateAnswered(ctx, staff, live.ID, f.subject, "", workshops.Answers{Values: map[int64]workshops.AnswerInput{
		passportQ.ID: {Value: rfPassportName}, visaQ.ID: {Value: "yes"}, fileQ.ID: {Filename: "passport.pdf", Data: rfSamplePDF}}})
	f.must(err, "nominate to the live workshop")
	_, err = p.Workshops.Transition(ctx, staff, lr.ID, workshops.ActApprove)
	f.must(err, "approve on the live workshop")
	f.vars["liveReg"] = fmt.Sprint(lr.ID)
	_, err = p.Workshops.IssueVisaLetter(ctx, staff, lr.ID, "en", func(context.Context, workshops.LetterPage) ([]byte, error) { return rfSamplePDF, nil })
	f.must(err, "visa letter")
	for _, day := range []string{"2026-01-31", "2026-02-01"} {
		f.must(p.Workshops.RecordAttendance(ctx, staff, live.ID, day, []int64{lr.ID}, true), "attendance")
	}
	f.vars["liveDay"] = "2026-02-01"
	// Country A's nomination letter.
	_, err = p.Workshops.SaveLetter(ctx, fpA, w.ID, countryA, "letter.pdf", rfSamplePDF)
	f.must(err, "letter")
	// Speakers and materials of the live workshop (workshop_materials_test.go).
	addMaterialsFixture(f, live.ID, w.ID)

	// The subject's certificate, and a job of workshop certificates.
	cert, err := p.Certificates.IssueByHand(ctx, sys, certificates.HandIssue{OfficialID: f.subject.ID, Kind: certificates.KindCourse,
		Course: course, Reason: "Completion recorded on paper."})
	f.must(err, "certificate")
	f.vars["cert"] = cert.Code
	other, err := p.Certificates.IssueByHand(ctx, sys, certificates.HandIssue{OfficialID: f.freshOfficial("").ID, Kind: certificates.KindCourse,
		Course: course, Reason: "Completion recorded on paper."})
	f.must(err, "another certificate")
	f.vars["otherCert"] = other.Code
	job, err := p.Certificates.IssueWorkshopByID(ctx, sys, live.ID)
	f.must(err, "certificate job")
	p.Certificates.Wait()
	f.vars["job"] = fmt.Sprint(job)
	tpl, err := p.Certificates.SaveTemplate(ctx, sys, 0, certificates.TemplateContent{Name: "Programme template", Issuer: p.Certificates.DefaultIssuer()})
	f.must(err, "a certificate template")
	f.vars["template"] = fmt.Sprint(tpl.TemplateID)

	// Country A's advisory request, with an attachment.
	adv := f.advisory()
	f.vars["advisory"] = fmt.Sprint(adv.ID)
	atts, err := p.Advisory.Attachments(ctx, fpA, adv.ID)
	f.must(err, "attachments")
	if len(atts) == 0 {
		t.Fatal("fixture: the advisory request has no attachment")
	}
	f.vars["attachment"] = fmt.Sprint(atts[0].ID)
	_, err = p.Advisory.AddComment(ctx, staff, adv.ID, rfInternalNote, true)
	f.must(err, "internal note")
	// Country B's request.
	advB, err := p.Advisory.Create(ctx, f.actors[roleFpB].o, advisory.Input{Country: countryB, RequestingBody: "Presidency of the Government",
		Phases: []int{2}, Topics: []string{"action_plan"}, Needs: "A review of our consultation portal.", SupportKinds: []string{"policy_review"},
		Language: "fr", Letter: advLetter()}, nil)
	f.must(err, "advisory request of B")
	f.vars["advisoryB"] = fmt.Sprint(advB.ID)

	// An outbox mail (the registrations queued some).
	items, _, err := p.Mailer.List(ctx, 1, 0)
	f.must(err, "outbox")
	if len(items) == 0 {
		t.Fatal("fixture: the outbox is empty")
	}
	f.vars["mail"] = fmt.Sprint(items[0].ID)

	// Someone asked for a new password for the admin's account: the link waits in the outbox.
	req = httptest.NewRequest(http.MethodPost, "/ar/forgot", strings.NewReader(url.Values{"email": {f.actors[roleAdmin].o.Email},
		"_csrf": {f.csrfToken}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "masar_csrf", Value: f.csrfSeed})
	if r := f.send(req); r.Status != http.StatusSeeOther {
		t.Fatalf("fixture: forgot for the admin: %d", r.Status)
	}
	items, _, err = p.Mailer.List(ctx, 1, 0)
	f.must(err, "outbox")
	if m := resetLinkRe.FindStringSubmatch(recipientText(t, p, items[0].ID)); items[0].To != f.actors[roleAdmin].o.Email || m == nil {
		t.Fatalf("fixture: no reset link for the admin in %+v", items[0])
	} else {
		f.vars["adminMail"], f.adminResetToken = fmt.Sprint(items[0].ID), m[1]
	}

	// Fixed names the routes take.
	f.vars["asset"] = "style.css"
	f.vars["image"] = "diagram.png" // no shipped course has images: the route answers 404 to all
	f.vars["dataset"] = "workshops"
	f.vars["table"] = "officials-country"
	f.vars["statusList"] = "1"
	f.vars["pdf64"] = base64.StdEncoding.EncodeToString(rfSamplePDF)

	// Fresh things, one per use.
	f.fresh["newEmail"] = func() string { f.n++; return fmt.Sprintf("new%d@jo.authz.test", f.n) }
	f.fresh["newOfficial"] = func() string { return fmt.Sprint(f.freshOfficial("").ID) }
	// Outbox messages for resend (one that went out) and discard (one still queued), and
	// the token of an unsubscribe link.
	freshMail := func() int64 {
		f.n++
		id, err := p.Mailer.Enqueue(ctx, p.DB.W, mail.Message{To: fmt.Sprintf("mail%d@jo.authz.test", f.n), Lang: "en", Template: "notice",
			Data: map[string]any{"Title": "Notice", "Body": "A notice.", "Link": "https://masar.test/en/"}})
		f.must(err, "fresh mail")
		return id
	}
	f.fresh["sentMail"] = func() string {
		id := freshMail()
		_, err := p.DB.W.ExecContext(ctx, "UPDATE outbox SET status = 'sent', sent_at = next_attempt_at, next_attempt_at = NULL WHERE id = ?", id)
		f.must(err, "mark mail sent")
		return fmt.Sprint(id)
	}
	f.fresh["queuedMail"] = func() string { return fmt.Sprint(freshMail()) }
	f.fresh["unsubToken"] = func() string {
		f.n++
		return p.Mailer.UnsubscribeToken(fmt.Sprintf("unsub%d@jo.authz.test", f.n), mail.CategoryReminders)
	}
	f.fresh["newOfficialEmail"] = func() string { return f.freshOfficial("").Email }
	// A fresh staff account, which only an admin may edit or demote.
	f.fresh["newStaff"] = func() string {
		o := f.freshOfficial("")
		f.must(p.Officials.SetRole(ctx, sys, o.ID, officials.RoleStaff), "fresh staff")
		return fmt.Sprint(o.ID)
	}
	f.fresh["loginEmail"] = func() string { return f.freshOfficial(rfPassword).Email }
	f.fresh["newReg"] = func() string {
		r, err := p.Workshops.Apply(ctx, f.freshOfficial(""), w.ID, "Our ministry publishes budgets.")
		f.must(err, "fresh registration")
		return fmt.Sprint(r.ID)
	}
	// A fresh question of the draft workshop, to delete.
	f.fresh["draftQuestion"] = func() string {
		q, err := p.Workshops.SaveQuestion(ctx, staff, draft.ID, 0, workshops.QuestionInput{Kind: workshops.QuestionText,
			Label: map[string]string{"ar": "ملاحظات"}})
		f.must(err, "fresh question")
		return fmt.Sprint(q.ID)
	}
	f.fresh["newWorkshop"] = func() string { return fmt.Sprint(f.workshop("2026-04-14", "2026-04-15", trainer.ID).ID) }
	// A fresh workshop where the subject has applied (for the subject's own actions).
	f.fresh["subjectWorkshop"] = func() string {
		w := f.workshop("2026-05-05", "2026-05-06", trainer.ID)
		_, err := p.Workshops.Apply(ctx, f.subject, w.ID, "Again, for our portal.")
		f.must(err, "subject applies")
		return fmt.Sprint(w.ID)
	}
	f.fresh["newAdvisory"] = func() string { return fmt.Sprint(f.advisory().ID) }
	// A fresh request of country A ({attRequest}) and the file its focal point attached
	// ({attFile}, to be named after it in a route).
	var lastFile string
	f.fresh["attRequest"] = func() string {
		r := f.advisory()
		as, err := p.Advisory.Attachments(ctx, fpA, r.ID)
		f.must(err, "attachments of a fresh request")
		lastFile = fmt.Sprint(as[0].ID)
		return fmt.Sprint(r.ID)
	}
	f.fresh["attFile"] = func() string { return lastFile }
	// A self-assessment of country A, entered by its focal point.
	f.fresh["assessmentA"] = func() string {
		in := advisory.AssessmentInput{Note: "Baseline.", Levels: map[string]map[string]int{}}
		for ph := 1; ph <= 4; ph++ {
			in.Levels[fmt.Sprint(ph)] = map[string]int{}
			for _, o := range advisory.Objectives {
				in.Levels[fmt.Sprint(ph)][o] = 2
			}
		}
		a, err := p.Advisory.SaveAssessment(ctx, fpA, countryA, in)
		f.must(err, "self-assessment of A")
		return fmt.Sprint(a.ID)
	}
	// An accepted request, from which a workshop can be made.
	f.fresh["acceptedAdvisory"] = func() string {
		r := f.advisory()
		for _, to := range []string{advisory.StatusUnderReview, advisory.StatusAccepted} {
			_, err := p.Advisory.Transition(ctx, staff, r.ID, to, "")
			f.must(err, "advisory to "+to)
		}
		return fmt.Sprint(r.ID)
	}
	f.fresh["completedAdvisory"] = func() string {
		r := f.advisory()
		for _, to := range []string{advisory.StatusUnderReview, advisory.StatusAccepted, advisory.StatusPlanned, advisory.StatusInProgress, advisory.StatusCompleted} {
			if to == advisory.StatusPlanned {
				_, err := p.Advisory.Assign(ctx, staff, r.ID, advisory.Assignment{LeadExpert: "Dr Amal Nasser"})
				f.must(err, "assign")
			}
			advStepsBefore(t, p, staff, f.actors[roleFpA].o, r.ID, to)
			_, err := p.Advisory.Transition(ctx, staff, r.ID, to, "")
			f.must(err, "advisory to "+to)
		}
		return fmt.Sprint(r.ID)
	}
	// The lifecycle's steps (advisory_lifecycle.go): a version of the terms of reference waiting
	// for the country, a delivered deliverable, a follow-up survey sent and waiting.
	var lastTor, lastDeliverable string
	f.fresh["torAdvisory"] = func() string {
		r := f.advisory()
		for _, to := range []string{advisory.StatusUnderReview, advisory.StatusAccepted} {
			_, err := p.Advisory.Transition(ctx, staff, r.ID, to, "")
			f.must(err, "advisory to "+to)
		}
		v, err := p.Advisory.ProposeTor(ctx, staff, r.ID, "Draft.", &advisory.File{Name: "tor.pdf", Data: rfSamplePDF})
		f.must(err, "terms of reference")
		lastTor = fmt.Sprint(v.ID)
		return fmt.Sprint(r.ID)
	}
	f.fresh["torVersion"] = func() string { return lastTor }
	f.fresh["workAdvisory"] = func() string {
		r := f.advisory()
		for _, to := range []string{advisory.StatusUnderReview, advisory.StatusAccepted} {
			_, err := p.Advisory.Transition(ctx, staff, r.ID, to, "")
			f.must(err, "advisory to "+to)
		}
		d, err := p.Advisory.AddDeliverable(ctx, staff, r.ID, advisory.DeliverableInput{Title: "Roadmap", DueDate: advDay(20)})
		f.must(err, "deliverable")
		_, err = p.Advisory.SetDeliverableStatus(ctx, staff, r.ID, d.ID, advisory.DeliverableDelivered, &advisory.File{Name: "roadmap.pdf", Data: rfSamplePDF})
		f.must(err, "deliver")
		lastDeliverable = fmt.Sprint(d.ID)
		return fmt.Sprint(r.ID)
	}
	f.fresh["workDeliverable"] = func() string { return lastDeliverable }
	f.fresh["followUpAdvisory"] = func() string {
		id := f.fresh["completedAdvisory"]()
		_, err := p.DB.W.ExecContext(ctx, "UPDATE advisory_followups SET due_on = '2000-01-01' WHERE request_id = ?", id)
		f.must(err, "follow-up due")
		_, err = p.Advisory.SendDueFollowUps(ctx)
		f.must(err, "send follow-ups")
		return id
	}
	letter, err := p.Advisory.LetterOf(ctx, fpA, adv.ID)
	f.must(err, "letter")
	f.vars["letterFile"] = fmt.Sprint(letter.File.ID)
	f.fresh["newCert"] = func() string {
		c, err := p.Certificates.IssueByHand(ctx, sys, certificates.HandIssue{OfficialID: f.freshOfficial("").ID, Kind: certificates.KindCourse,
			Course: course, Reason: "Completion recorded on paper."})
		f.must(err, "fresh certificate")
		return c.Code
	}
	f.fresh["confirmToken"] = func() string {
		tok, err := p.Officials.NewEmailToken(ctx, f.freshOfficial(rfPassword).ID, officials.PurposeConfirm)
		f.must(err, "confirm token")
		return tok
	}
	// Accounts of staff and admins, for erasure on request (only an admin erases them).
	f.fresh["newStaff"] = func() string {
		f.n++
		return fmt.Sprint(f.account(fmt.Sprintf("staff%d@authz.test", f.n), "نور سالم", "Nour Salem", officials.RoleStaff, "").ID)
	}
	f.fresh["newAdmin"] = func() string {
		f.n++
		return fmt.Sprint(f.account(fmt.Sprintf("admin%d@authz.test", f.n), "عمر فاروق", "Omar Farouk", officials.RoleAdmin, "").ID)
	}
	// The undo link of a fresh official's own request to delete their account.
	f.fresh["undoToken"] = func() string {
		var tok string
		_, err := p.Officials.ScheduleErasure(ctx, f.freshOfficial(rfPassword).ID, 14*24*time.Hour,
			func(_ *sql.Tx, _ *officials.Official, token string, _ time.Time) error { tok = token; return nil })
		f.must(err, "schedule erasure")
		return tok
	}
	f.fresh["resetToken"] = func() string {
		tok, err := p.Officials.NewEmailToken(ctx, f.freshOfficial(rfPassword).ID, officials.PurposeReset)
		f.must(err, "reset token")
		return tok
	}
	f.surveyFixture()
	return f
}

// account creates a person with a password.
func (f *routeFixture) account(email, nameAr, nameLatin, role, country string) *officials.Official {
	f.t.Helper()
	in := officials.Input{Email: email, Password: rfPassword, NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Director",
		Organisation: "Ministry of Planning", Country: country, Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := f.p.Officials.Create(f.ctx, audit.Actor{Email: "fixture"}, in, role)
	f.must(err, "create "+email)
	confirmAddress(f.t, f.p, o)
	return o
}

// login opens a session and an API token for o.
func (f *routeFixture) login(o *officials.Official) *rfActor {
	f.t.Helper()
	s, err := f.p.Officials.NewSession(f.ctx, o.ID, officials.SessionMeta{})
	f.must(err, "session")
	tok, err := f.p.Officials.CreateAPIToken(f.ctx, o.ID, "route tests")
	f.must(err, "token")
	return &rfActor{o: o, session: s, token: tok}
}

// freshOfficial creates another official of country A (with a password if one is given).
func (f *routeFixture) freshOfficial(password string) *officials.Official {
	f.t.Helper()
	f.n++
	in := officials.Input{Email: fmt.Sprintf("fresh%d@jo.authz.test", f.n), Password: password, NameAr: "ليلى حسن", NameLatin: "Layla Hassan",
		JobTitle: "Analyst", Organisation: "Ministry of Finance", Country: countryA, Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := f.p.Officials.Create(f.ctx, audit.Actor{Email: "fixture"}, in, officials.RoleOfficial)
	f.must(err, "fresh official")
	return o
}

// workshop creates and publishes a national workshop in country A.
func (f *routeFixture) workshop(start, end string, trainer int64) *workshops.Workshop {
	f.t.Helper()
	sys := audit.Actor{Email: "fixture"}
	half := 50 // two days of three earn the certificate
	in := workshops.Input{Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, Kind: workshops.KindNational,
		Phases: []int{1}, HostCountry: countryA, City: "Amman", Venue: "Ministry of Digital Economy", StartDate: start, EndDate: end,
		Languages: []string{"ar"}, Capacity: 200, Hours: 12, Trainers: []int64{trainer}, AttendanceThreshold: &half}
	w, err := f.p.Workshops.Create(f.ctx, sys, in)
	f.must(err, "workshop")
	w, err = f.p.Workshops.SetStatus(f.ctx, sys, w.ID, workshops.StatusPublished)
	f.must(err, "publish workshop")
	return w
}

// advisory submits a request of country A, with a PDF attached, as its focal point.
func (f *routeFixture) advisory() *advisory.Request {
	f.t.Helper()
	in := advisory.Input{Country: countryA, RequestingBody: "Ministry of Planning", Phases: []int{1, 3}, Topics: []string{"action_plan"},
		Needs: rfAdvisoryNeeds, SupportKinds: []string{"policy_review"}, Language: "en", Letter: advLetter()}
	r, err := f.p.Advisory.Create(f.ctx, f.actors[roleFpA].o, in, []advisory.File{{Name: "plan.pdf", Data: rfSamplePDF}})
	f.must(err, "advisory request")
	return r
}

var resetLinkRe = regexp.MustCompile(`/reset/([A-Za-z0-9_-]{20,})`)

var placeholderRe = regexp.MustCompile(`\{[A-Za-z0-9]+\}`)

// expand fills the placeholders of s; a fresh placeholder gets one new value per call, the
// same wherever it appears in s.
func (f *routeFixture) expand(s string, made map[string]string) string {
	f.t.Helper()
	return placeholderRe.ReplaceAllStringFunc(s, func(ph string) string {
		name := ph[1 : len(ph)-1]
		if v, ok := f.vars[name]; ok {
			return v
		}
		if v, ok := made[name]; ok {
			return v
		}
		if gen, ok := f.fresh[name]; ok {
			v := gen()
			made[name] = v
			return v
		}
		f.t.Fatalf("unknown placeholder %s in %q", ph, s)
		return ""
	})
}

// request builds a request of role: pages get the session cookie and the CSRF cookie (and
// the form token in a form), the API gets the bearer token. A body is a form for the pages
// (url-encoded; a value "@pdf" makes it multipart with that field a PDF file) and JSON for
// the API ("@pdf": the PDF itself). session overrides the role's session when not empty.
func (f *routeFixture) request(role int, method, path, body, session string) *http.Request {
	a := f.actors[role]
	api := strings.HasPrefix(path, "/api/")
	// "@bearer" sends a page's or file's request the way an API client does: with the role's
	// bearer token and no cookies.
	if body == "@bearer" {
		api, body = true, ""
	}
	var rd io.Reader
	ctype := ""
	switch {
	case body == "" && (api || method == http.MethodGet):
	case api && body == "@pdf":
		rd, ctype = bytes.NewReader(rfSamplePDF), "application/pdf"
	case api:
		rd, ctype = strings.NewReader(body), "application/json"
	default:
		form, err := url.ParseQuery(body)
		if err != nil {
			f.t.Fatalf("body %q: %v", body, err)
		}
		form.Set("_csrf", f.csrfToken)
		rd, ctype = encodeForm(form)
	}
	req := httptest.NewRequest(method, path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept-Language", "ar")
	if api {
		if a.token != "" {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
		return req
	}
	req.AddCookie(&http.Cookie{Name: "masar_csrf", Value: f.csrfSeed})
	if session == "" {
		session = a.session
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "masar_session", Value: session})
	}
	return req
}

// encodeForm encodes a form, as multipart when a value asks for a file ("@pdf").
func encodeForm(form url.Values) (io.Reader, string) {
	multi := false
	for _, vs := range form {
		for _, v := range vs {
			multi = multi || v == "@pdf"
		}
	}
	if !multi {
		return strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range form[k] {
			if v == "@pdf" {
				fw, _ := w.CreateFormFile(k, "document.pdf")
				_, _ = fw.Write(rfSamplePDF)
				continue
			}
			_ = w.WriteField(k, v)
		}
	}
	_ = w.Close()
	return &b, w.FormDataContentType()
}

// send runs a request through the application.
func (f *routeFixture) send(req *http.Request) response {
	f.t.Helper()
	f.requests++
	res, err := f.p.App.Test(req, -1)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: string(b), Header: res.Header, Location: res.Header.Get("Location")}
}

// throwawaySession opens another session for role, for a request that ends it.
func (f *routeFixture) throwawaySession(role int) string {
	a := f.actors[role]
	if a.o == nil {
		return ""
	}
	s, err := f.p.Officials.NewSession(f.ctx, a.o.ID, officials.SessionMeta{})
	f.must(err, "session")
	return s
}

// appRoute is a route of the application: method and path as registered.
type appRoute struct {
	method, path string
	re           *regexp.Regexp
}

func (r appRoute) String() string { return r.method + " " + r.path }

// appRoutes lists the application's routes in the order Fiber matches them, without the HEAD
// twins Fiber adds to every GET and without the middleware (USE) entries.
func appRoutes(p *platform.Platform) []appRoute {
	var out []appRoute
	seen := map[string]bool{}
	for _, rt := range p.App.GetRoutes(true) {
		if rt.Method == http.MethodHead || rt.Method == "USE" {
			continue
		}
		key := rt.Method + " " + rt.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, appRoute{method: rt.Method, path: rt.Path, re: routeRegexp(rt.Path)})
	}
	return out
}

var paramRe = regexp.MustCompile(`:[A-Za-z_]+|\*`)

// routeRegexp matches the paths that a Fiber route pattern matches (parameters are one
// segment or less; * is anything; a trailing slash is optional).
func routeRegexp(pattern string) *regexp.Regexp {
	p := pattern
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range paramRe.FindAllStringIndex(p, -1) {
		b.WriteString(regexp.QuoteMeta(p[last:loc[0]]))
		if p[loc[0]] == '*' {
			b.WriteString(".*")
		} else {
			b.WriteString("[^/]+?")
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(p[last:]))
	b.WriteString("/?$")
	return regexp.MustCompile(b.String())
}

// matchRoute returns the route that Fiber runs for method and path: the first registered
// that matches.
func matchRoute(routes []appRoute, method, path string) (appRoute, bool) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, r := range routes {
		if r.method == method && r.re.MatchString(path) {
			return r, true
		}
	}
	return appRoute{}, false
}

// excerpt is the start of a body for a failure message.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}
