package mail

import (
	"context"
	"fmt"
	"testing"
)

func TestZZDebug(t *testing.T) {
	db := openDB(t)
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", BaseURL: "https://masar.test"})
	for _, n := range []string{"welcome_claim", "notice"} {
		for _, l := range []string{"ar", "fr"} {
			r, err := m.tmpls.render(n, l, "https://masar.test", sampleData[n].data)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("=== %s.%s\nSUBJECT: %s\n%s\n", n, l, r.subject, r.text)
			if n == "notice" && l == "ar" {
				fmt.Println(r.html)
			}
		}
	}
	ctx := context.Background()
	m.Enqueue(ctx, db.W, Message{To: "a@b.test", Name: "أمينة", Lang: "ar", Template: "reset", Data: map[string]any{"Link": "https://masar.test/r?t=1"},
		Attachments: []Attachment{{Filename: "دعوة.ics", ContentType: "text/calendar", Data: []byte("BEGIN:VCALENDAR")}}})
	m.DeliverPending(ctx)
	fmt.Println(string(srv.received()[0].data))
}
