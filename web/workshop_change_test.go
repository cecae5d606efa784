package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// Saving the edit form or PATCHing the API without a change leaves SEQUENCE alone and tells
// nobody; a real change tells the confirmed participant in their language; an agenda sent
// again without ids keeps its items' ids.
func TestWorkshopEditNoticeOverHTTP(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	staff, staffO := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	_, tok := person(t, p, "api@masar.test", officials.RoleStaff, "")
	form := url.Values{
		"title_ar": {"ورشة المشاركة العامة"}, "title_en": {"Public participation workshop"}, "kind": {"regional"},
		"phases": {"2"}, "host_country": {"JO"}, "city": {"Amman"}, "venue": {"Dead Sea centre"},
		"start_date": {"2026-03-10"}, "end_date": {"2026-03-11"}, "languages": {"ar", "en"}, "capacity": {"25"},
		"country_quota": {"3"}, "hours": {"12.5"}, "attendance_threshold": {"50"}, "offer_hours": {"48"}, "reminder_days": {"7"},
		"registration_opens": {"2026-02-01T08:00"}, "registration_closes": {"2026-03-01T17:00"},
		"description_ar": {"سطر أول\r\nسطر ثانٍ"}, "online_url": {"https://meet.test/room"},
		"s0_starts_at": {"2026-03-10T09:00"}, "s0_ends_at": {"2026-03-10T10:30"}, "s0_title_ar": {"الافتتاح"}, "s0_title_en": {"Opening"},
		"s0_room": {"Hall A"}, "s0_speaker": {"Dr Rania"}, "s0_id": {""}, "s0_trainer_id": {""},
	}
	r := staff.post("/ar/admin/workshops/new", form)
	if r.Status != 303 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	wid := strings.TrimPrefix(r.Location, "/ar/admin/workshops/")
	staff.post("/ar/admin/workshops/"+wid+"/status", url.Values{"status": {"published"}})
	var id int64
	fmt.Sscan(wid, &id)
	w, err := p.Workshops.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	_, off := account(t, p, "huda@gov.bh", officials.RoleOfficial, "BH")
	reg, err := p.Workshops.Apply(ctx, off, id, "I lead our portal.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.Transition(ctx, staffO, reg.ID, workshops.ActApprove); err != nil {
		t.Fatal(err)
	}
	seq := func() int {
		w, err := p.Workshops.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return w.Sequence
	}
	notices := func() []string {
		rows, err := p.DB.R.Query("SELECT text_body FROM outbox WHERE to_email = ? AND template = 'workshop_changed' ORDER BY id", off.Email)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	start := seq()
	form.Set("s0_id", fmt.Sprint(w.Sessions[0].ID))
	if r := staff.post("/ar/admin/workshops/"+wid, form); r.Status != 303 {
		t.Fatalf("save form: %d", r.Status)
	}
	if r := staff.api("PATCH", "/api/v1/workshops/"+wid, tok, `{"city": "Amman", "venue": "Dead Sea centre"}`); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if got := seq(); got != start || len(notices()) != 0 {
		t.Fatalf("no-op saves: sequence %d → %d, notices %q", start, got, notices())
	}
	// A real change, through the form, then through the API.
	form.Set("venue", "Kempinski")
	staff.post("/ar/admin/workshops/"+wid, form)
	if got, n := seq(), notices(); got != start+1 || len(n) != 1 || !strings.Contains(n[0], "مقر الانعقاد: كان Dead Sea centre، وأصبح Kempinski") {
		t.Fatalf("venue change: sequence %d, notices %q", got, n)
	}
	r = staff.api("PATCH", "/api/v1/workshops/"+wid, tok, `{"sessions": [{"starts_at": "2026-03-10T09:30", "ends_at": "2026-03-10T10:30", "title": {"ar": "الافتتاح"}, "room": "Hall A"}]}`)
	if r.Status != 200 {
		t.Fatalf("replace agenda: %d %s", r.Status, r.Body)
	}
	after, _ := p.Workshops.Get(ctx, id)
	if len(after.Sessions) != 1 || after.Sessions[0].ID != w.Sessions[0].ID {
		t.Errorf("agenda replaced through the API lost its id: %+v", after.Sessions)
	}
	if n := notices(); len(n) != 2 || !strings.Contains(n[1], "09:00–10:30") || !strings.Contains(n[1], "09:30–10:30") {
		t.Errorf("agenda change notice: %q", n)
	}
}
