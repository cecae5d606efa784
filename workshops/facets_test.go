package workshops_test

import (
	"context"
	"slices"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestFacetsWithAnOnlineSession: an online session has no host country (NULL); the
// calendar's filters still load, list the hosts that exist and the session's month.
func TestFacetsWithAnOnlineSession(t *testing.T) {
	e := newEnv(t)
	e.published(input(10, 0))
	in := input(10, 0)
	in.Kind, in.HostCountry, in.City, in.Venue = workshops.KindOnline, "", "", ""
	in.OnlineURL, in.Timezone = "https://meet.example.org/masar?pwd=s3cret", "Asia/Beirut"
	in.StartDate, in.EndDate = "2026-04-02", "2026-04-02"
	online := e.published(in)
	if online.HostCountry != "" {
		t.Fatalf("online session hosted by %q", online.HostCountry)
	}
	if _, err := e.ws.SetStatus(context.Background(), e.actor(), online.ID, workshops.StatusCancelled); err != nil {
		t.Fatal(err)
	}
	f, err := e.ws.Facets(context.Background())
	if err != nil {
		t.Fatalf("facets with an online session: %v", err)
	}
	if !slices.Equal(f.Hosts, []string{input(1, 0).HostCountry}) || !slices.Contains(f.Months, "2026-04") {
		t.Errorf("facets: %+v", f)
	}
}

// TestLinkVisibleTo: the online link is for staff, the workshop's trainers and confirmed
// participants; WithoutLink leaves the workshop it copies untouched.
func TestLinkVisibleTo(t *testing.T) {
	trainer := &officials.Official{ID: 7, Role: officials.RoleTrainer}
	w := &workshops.Workshop{ID: 3, Kind: workshops.KindOnline, OnlineURL: "https://meet.example.org/x", Trainers: []int64{7}}
	me := &officials.Official{ID: 9, Role: officials.RoleOfficial}
	reg := func(status string) *workshops.Registration {
		return &workshops.Registration{WorkshopID: 3, OfficialID: 9, Status: status}
	}
	for _, c := range []struct {
		name string
		who  *officials.Official
		mine *workshops.Registration
		want bool
	}{
		{"anonymous", nil, nil, false},
		{"staff", &officials.Official{ID: 1, Role: officials.RoleStaff}, nil, true},
		{"admin", &officials.Official{ID: 2, Role: officials.RoleAdmin}, nil, true},
		{"trainer", trainer, nil, true},
		{"other trainer", &officials.Official{ID: 8, Role: officials.RoleTrainer}, nil, false},
		{"focal point", &officials.Official{ID: 4, Role: officials.RoleFocalPoint, Country: "JO"}, nil, false},
		{"confirmed", me, reg(workshops.RegConfirmed), true},
		{"pending", me, reg(workshops.RegPending), false},
		{"offered", me, reg(workshops.RegOffered), false},
		{"waitlisted", me, reg(workshops.RegWaitlisted), false},
		{"cancelled", me, reg(workshops.RegCancelled), false},
		{"someone else's seat", &officials.Official{ID: 10, Role: officials.RoleOfficial}, reg(workshops.RegConfirmed), false},
	} {
		if got := w.LinkVisibleTo(c.who, c.mine); got != c.want {
			t.Errorf("%s: sees the link %v, want %v", c.name, got, c.want)
		}
	}
	if c := w.WithoutLink(); c.OnlineURL != "" || w.OnlineURL == "" || c.ID != w.ID {
		t.Errorf("WithoutLink: copy %q, original %q", c.OnlineURL, w.OnlineURL)
	}
}
