package web

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// PersonalDataFormat names the layout of the personal-data export; it changes only when a
// key is renamed or removed (keys are added freely).
const PersonalDataFormat = "masar-personal-data/1"

// personalData is everything the platform holds about one person, as they download it
// (JSON, from /{lang}/me/export and GET /api/v1/me/export) and read it (/{lang}/me/data).
// Each part comes from the feature that owns it. Secrets never appear: sessions and API
// tokens are listed by their dates only, and one-time links in mails are masked.
type personalData struct {
	Format     string              `json:"format"`
	ExportedAt time.Time           `json:"exported_at"`
	Profile    *officials.Official `json:"profile"`
	// Sessions are the logins not yet expired; the platform records no device or address.
	Sessions  []officials.SessionInfo `json:"sessions"`
	APITokens []officials.TokenInfo   `json:"api_tokens"`
	// Courses is the progress in each course enrolled in; QuizAttempts every attempt with
	// the options chosen.
	Courses      []*courses.Progress         `json:"courses"`
	QuizAttempts []courses.AttemptRecord     `json:"quiz_attempts"`
	Workshops    []workshops.Mine            `json:"workshops"` // own registrations: motivation, nominated_by, attendance
	Nominations  []workshops.Nomination      `json:"nominations_made"`
	Letters      []workshops.UploadedLetter  `json:"nomination_letters"`
	Certificates []*certificates.Certificate `json:"certificates"`
	Requests     []*advisory.Request         `json:"advisory_requests"`
	Comments     []advisory.AuthoredComment  `json:"advisory_comments"`
	Files        []advisory.UploadedFile     `json:"advisory_attachments"`
	Mails        []mail.Received             `json:"mails"`
	// SurveyAnswers are the workshop surveys answered: a named one's answers, an anonymous
	// one's only that it was answered.
	SurveyAnswers []surveys.MyAnswer `json:"survey_answers"`
	// Notifications says, for each kind of notice that is not transactional, whether the
	// person receives it by e-mail.
	Notifications map[string]bool `json:"notifications"`
	// ChangesByStaff are the audit entries about the account (whoever acted); MyActions the
	// entries where the person acted (values of other people's accounts left out).
	ChangesByStaff []audit.Entry `json:"changes_by_staff"`
	MyActions      []audit.Entry `json:"my_actions"`
}

// exportMyData sends everything the platform holds about the official, as JSON.
func (h *handler) exportMyData(c *fiber.Ctx) error {
	tok, _ := c.Locals(keySession).(string)
	d, err := h.personalData(c.UserContext(), user(c), tok)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="masar-my-data-%s.json"`, d.ExportedAt.Format("2006-01-02")))
	return c.JSON(d)
}

// apiMyData is the personal-data export through the API.
func (h *handler) apiMyData(c *fiber.Ctx) error {
	d, err := h.personalData(c.UserContext(), user(c), "")
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

// showMyData is the personal data as a page to read and print.
func (h *handler) showMyData(c *fiber.Ctx) error {
	tok, _ := c.Locals(keySession).(string)
	d, err := h.personalData(c.UserContext(), user(c), tok)
	if err != nil {
		return err
	}
	v := h.view(c, "mydata.title")
	page := myDataPage{P: d, Courses: map[string]string{}}
	if d.Profile.Country != "" {
		if cn, err := h.Officials.Country(c.UserContext(), d.Profile.Country); err == nil {
			page.Country = cn.Name(v.Lang)
		}
	}
	cat := h.Library.Catalogue()
	for _, p := range d.Courses {
		page.Courses[p.Course] = p.Course
		if co, err := cat.Course(p.Course); err == nil {
			page.Courses[p.Course] = co.TitleIn(v.Lang)
		}
	}
	for _, a := range d.QuizAttempts {
		if _, ok := page.Courses[a.Course]; !ok {
			page.Courses[a.Course] = a.Course
		}
	}
	v.Data = page
	return h.render(c, fiber.StatusOK, "me_data", v)
}

func (h *handler) personalData(ctx context.Context, u *officials.Official, session string) (*personalData, error) {
	d := &personalData{Format: PersonalDataFormat, ExportedAt: time.Now().UTC().Truncate(time.Second), Profile: u}
	var err error
	steps := []func() error{
		func() (err error) { d.Sessions, err = h.Officials.Sessions(ctx, u.ID, session); return },
		func() (err error) { d.APITokens, err = h.Officials.APITokens(ctx, u.ID); return },
		func() (err error) { d.Courses, err = h.Courses.MyProgress(ctx, u.ID); return },
		func() (err error) { d.QuizAttempts, err = h.Courses.Attempts(ctx, u.ID); return },
		func() (err error) {
			mine, err := h.Workshops.MyRegistrations(ctx, u.ID)
			d.Workshops = withVisibleLinks(u, mine)
			return err
		},
		func() (err error) { d.Nominations, err = h.Workshops.NominationsBy(ctx, u.ID); return },
		func() (err error) { d.Letters, err = h.Workshops.LettersBy(ctx, u.ID); return },
		func() (err error) { d.Certificates, err = h.Certificates.ForOfficial(ctx, u.ID); return },
		func() (err error) { d.Requests, err = h.myAdvisoryRequests(ctx, u); return },
		func() (err error) { d.Comments, err = h.Advisory.CommentsBy(ctx, u.ID); return },
		func() (err error) { d.Files, err = h.Advisory.FilesBy(ctx, u.ID); return },
		func() (err error) { d.Mails, err = h.Mailer.SentTo(ctx, u.Email); return },
		func() (err error) {
			d.SurveyAnswers = []surveys.MyAnswer{}
			if h.Surveys != nil {
				d.SurveyAnswers, err = h.Surveys.AnswersBy(ctx, u.ID)
			}
			return
		},
		func() (err error) { d.Notifications, err = h.Mailer.Preferences(ctx, u.Email); return },
		func() (err error) {
			d.ChangesByStaff, _, err = audit.List(ctx, h.DB, audit.Filter{Subject: "official:" + strconv.FormatInt(u.ID, 10), Limit: 500})
			return
		},
		func() (err error) { d.MyActions, err = audit.ActedBy(ctx, h.DB, u.ID, 1000); return },
	}
	for _, step := range steps {
		if err = step(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// myDataPage is what the personal-data page shows: the data, with the names of the
// country and the courses in the page's language.
type myDataPage struct {
	P       *personalData
	Country string
	Courses map[string]string // course slug → title
}

// schemaPersonalData documents the personal-data export's stable keys.
var schemaPersonalData = func() map[string]any {
	str := map[string]any{"type": "string"}
	when := map[string]any{"type": "string", "format": "date-time"}
	whenOrNull := map[string]any{"type": "string", "format": "date-time", "nullable": true}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	obj := func(props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props}
	}
	list := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	audit := list(obj(map[string]any{"id": integer, "at": when, "actor_id": integer, "actor": str, "action": str,
		"subject": str, "field": str, "from": str, "to": str}))
	return obj(map[string]any{
		"format":      map[string]any{"type": "string", "enum": []string{PersonalDataFormat}},
		"exported_at": when,
		"profile":     ref("Official"),
		"sessions": list(obj(map[string]any{"id": str, "created_at": when, "last_seen_at": when, "expires_at": when,
			"user_agent": str, "network": str, "method": str, "current": boolean})),
		"api_tokens": list(obj(map[string]any{"id": integer, "name": str, "created_at": when, "last_used_at": whenOrNull,
			"revoked_at": whenOrNull})),
		"courses": ref("ProgressList"),
		"quiz_attempts": list(obj(map[string]any{"course": str, "attempt": integer, "score": integer, "passed": boolean,
			"answers": map[string]any{"type": "object", "additionalProperties": list(str)}, "submitted_at": when})),
		"workshops": ref("MyRegistrations"),
		"nominations_made": list(obj(map[string]any{"registration_id": integer, "workshop_id": integer,
			"workshop_title": map[string]any{"type": "object", "additionalProperties": str},
			"status":         map[string]any{"type": "string", "enum": workshops.RegStatuses}, "created_at": when})),
		"nomination_letters": list(obj(map[string]any{"workshop_id": integer, "country": str, "filename": str, "size": integer,
			"sha256": str, "uploaded_at": when})),
		"certificates":      ref("CertificateList"),
		"advisory_requests": list(ref("AdvisoryRequest")),
		"advisory_comments": list(obj(map[string]any{"id": integer, "request_id": integer, "internal": boolean, "body": str,
			"created_at": when})),
		"advisory_attachments": list(obj(map[string]any{"id": integer, "request_id": integer, "filename": str,
			"kind": map[string]any{"type": "string", "enum": []string{advisory.KindPDF, advisory.KindDOCX, advisory.KindXLSX}},
			"size": integer, "sha256": str, "created_at": when,
			"purpose": map[string]any{"type": "string", "enum": []string{"attachment", "letter", "tor", "deliverable", "closing"}}})),
		"mails": list(obj(map[string]any{"id": integer, "template": str, "lang": str, "subject": str,
			"text":        map[string]any{"type": "string", "description": "the text version; one-time links masked"},
			"attachments": list(str), "created_at": when, "sent_at": whenOrNull,
			"status": map[string]any{"type": "string", "enum": mail.Statuses}})),
		"notifications": map[string]any{"type": "object", "description": "for each category of notice that is not transactional, whether it is received",
			"additionalProperties": boolean},
		"survey_answers": list(obj(map[string]any{"survey_id": integer, "workshop_id": integer,
			"kind": map[string]any{"type": "string", "enum": surveys.Kinds}, "title": map[string]any{"type": "object", "additionalProperties": str},
			"anonymous": boolean, "answers": map[string]any{"type": "object", "additionalProperties": list(str), "description": "a named survey's answers by question; absent for an anonymous one"},
			"score": map[string]any{"type": "number"}, "submitted_on": str})),
		"changes_by_staff": audit,
		"my_actions":       audit,
	})
}()
