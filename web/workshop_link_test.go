package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestOnlineLinkOnlyForThoseWhoMayJoin: the meeting link of an online session, passcode and
// all, reaches staff, its trainer and confirmed participants, in the page and the API; it
// reaches no one else, and never the public calendar feeds.
func TestOnlineLinkOnlyForThoseWhoMayJoin(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	staff, so := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	trainer, to := account(t, p, "trainer@masar.test", officials.RoleTrainer, "LB")
	confirmed, co := account(t, p, "confirmed@gov.jo", officials.RoleOfficial, "JO")
	pending, po := account(t, p, "pending@gov.ma", officials.RoleOfficial, "MA")
	tok := map[string]string{}
	for name, o := range map[string]*officials.Official{"staff": so, "trainer": to, "confirmed": co, "pending": po} {
		k, err := p.Officials.CreateAPIToken(ctx, o.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		tok[name] = k
	}
	w := createWorkshop(t, staff, tok["staff"], strings.Replace(kindJSON[workshops.KindOnline], `"hours": 3`,
		fmt.Sprintf(`"hours": 3, "trainers": [%d]`, to.ID), 1))
	patchWorkshop(t, staff, tok["staff"], w.ID, `{"status": "published"}`)
	for _, o := range []*officials.Official{co, po} {
		if _, err := p.Workshops.Apply(ctx, o, w.ID, "I run the open data portal of my ministry."); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := p.Workshops.RegistrationFor(ctx, w.ID, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.Transition(ctx, so, reg.ID, workshops.ActApprove); err != nil {
		t.Fatal(err)
	}
	const secret = "s3cretPass"
	anon := newClient(t, p)
	clients := map[string]*client{"anonymous": anon, "pending": pending, "confirmed": confirmed, "staff": staff, "trainer": trainer}
	sees := map[string]bool{"anonymous": false, "pending": false, "confirmed": true, "staff": true, "trainer": true}
	for who, c := range clients {
		for _, l := range []string{"ar", "en", "fr"} {
			page := c.get(fmt.Sprintf("/%s/workshops/%d", l, w.ID))
			if page.Status != 200 || strings.Contains(page.Body, secret) != sees[who] {
				t.Errorf("%s, page in %s: status %d, shows the link: %v", who, l, page.Status, strings.Contains(page.Body, secret))
			}
		}
		for _, path := range []string{"/api/v1/workshops", fmt.Sprintf("/api/v1/workshops/%d", w.ID), "/api/v1/workshops?kind=online"} {
			r := newClient(t, p).api("GET", path, tok[who], "")
			if r.Status != 200 || strings.Contains(r.Body, secret) != sees[who] || strings.Contains(r.Body, `"online_url"`) != sees[who] {
				t.Errorf("%s, %s: status %d, carries the link: %v", who, path, r.Status, strings.Contains(r.Body, secret))
			}
		}
		// The public feeds carry it for no one, whoever asks.
		for _, path := range []string{"/workshops.ics?lang=ar", fmt.Sprintf("/workshops/%d.ics?lang=en", w.ID)} {
			if r := c.get(path); r.Status != 200 || strings.Contains(r.Body, secret) || !strings.Contains(r.Body, "BEGIN:VEVENT") {
				t.Errorf("%s, %s: status %d, carries the link: %v", who, path, r.Status, strings.Contains(r.Body, secret))
			}
		}
	}
	// Their own registrations: the confirmed participant has the link, the pending one not.
	for who, want := range map[string]bool{"confirmed": true, "pending": false} {
		r := newClient(t, p).api("GET", "/api/v1/me/registrations", tok[who], "")
		if r.Status != 200 || strings.Contains(r.Body, secret) != want {
			t.Errorf("%s, /api/v1/me/registrations: status %d, carries the link: %v", who, r.Status, strings.Contains(r.Body, secret))
		}
		if exp := clients[who].get("/ar/me/export"); strings.Contains(exp.Body, secret) != want {
			t.Errorf("%s, personal-data export carries the link: %v", who, !want)
		}
	}
	// The confirmation e-mail, a personal message, carries the calendar entry with the link.
	var ics string
	p.DB.R.QueryRow(`SELECT a.data FROM outbox o JOIN outbox_attachments a ON a.outbox_id = o.id
		WHERE o.to_email = ? AND o.template = 'workshop_confirmed'`, co.Email).Scan(&ics)
	if !strings.Contains(ics, secret) {
		t.Error("the confirmed participant's calendar entry lacks the meeting link")
	}
}
