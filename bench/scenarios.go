package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

var cities = map[string]string{"JO": "Amman", "TN": "Tunis", "MA": "Rabat", "EG": "Cairo", "LB": "Beirut", "OM": "Muscat", "QA": "Doha", "AE": "Dubai"}

// seedWorkshops schedules and publishes n workshops across eight host countries, each with a
// three-day agenda of six sessions.
func (r *rig) seedWorkshops(ctx context.Context, n int) error {
	hosts := []string{"JO", "TN", "MA", "EG", "LB", "OM", "QA", "AE"}
	kinds := []string{"regional", "national", "expert_meeting", "online"}
	actor := audit.Actor{Email: "bench"}
	base := time.Now().UTC().AddDate(0, 1, 0)
	return r.p.DB.Relaxed(ctx, func() error {
		for i := 0; i < n; i++ {
			host := hosts[i%len(hosts)]
			start := base.AddDate(0, 0, (i*3)%300-150)
			in := workshops.Input{
				Title:       map[string]string{"ar": fmt.Sprintf("ورشة عمل حول البيانات الحكومية المفتوحة %d", i+1), "en": fmt.Sprintf("Open government data workshop %d", i+1), "fr": fmt.Sprintf("Atelier sur les données publiques ouvertes %d", i+1)},
				Description: map[string]string{"ar": "ورشة تدريبية للمسؤولين الحكوميين.", "en": "A training workshop for public officials."},
				Kind:        kinds[i%len(kinds)], Phases: []int{i%4 + 1}, HostCountry: host, City: cities[host], Venue: "Conference centre",
				StartDate: start.Format(workshops.DateLayout), EndDate: start.AddDate(0, 0, 2).Format(workshops.DateLayout),
				Languages: []string{"ar", "en"}, Capacity: 40, Hours: 18,
			}
			if in.Kind == "online" {
				in.Venue, in.OnlineURL = "", "https://meet.example.org/masar"
			}
			for d := 0; d < 3; d++ {
				day := start.AddDate(0, 0, d).Format(workshops.DateLayout)
				for _, slot := range [][2]string{{"09:00", "12:00"}, {"13:30", "16:00"}} {
					in.Sessions = append(in.Sessions, workshops.SessionInput{StartsAt: day + "T" + slot[0], EndsAt: day + "T" + slot[1], Room: "A",
						Title: map[string]string{"ar": "جلسة عمل", "en": "Working session"}, Speaker: "Expert"})
				}
			}
			w, err := r.p.Workshops.Create(ctx, actor, in)
			if err != nil {
				return fmt.Errorf("seed workshop %d: %w", i, err)
			}
			if _, err := r.p.Workshops.SetStatus(ctx, actor, w.ID, workshops.StatusPublished); err != nil {
				return fmt.Errorf("publish workshop %d: %w", i, err)
			}
		}
		return nil
	})
}

// registration: 500 officials of the member states apply at once to a regional workshop of
// 30 seats with a quota of 3 per country, then staff approve all 500 at once (through every
// instance, when there are several). Exactly 30 may end confirmed, no country above 3: the
// over-allocation is read back from the database, not from any instance's memory.
func (r *rig) registration(ctx context.Context) (Scenario, error) {
	const seats, quota, people = 30, 3, 500
	actor := audit.Actor{Email: "bench"}
	start := time.Now().UTC().AddDate(0, 2, 0)
	w, err := r.p.Workshops.Create(ctx, actor, workshops.Input{
		Title: map[string]string{"ar": "ورشة إقليمية: إطار الحكومة المفتوحة", "en": "Regional workshop: the open-government framework"},
		Kind:  "regional", Phases: []int{1}, HostCountry: "JO", City: "Amman", Venue: "Le Royal",
		StartDate: start.Format(workshops.DateLayout), EndDate: start.AddDate(0, 0, 1).Format(workshops.DateLayout),
		Languages: []string{"ar"}, Capacity: seats, CountryQuota: quota, Hours: 12})
	if err != nil {
		return Scenario{}, err
	}
	if _, err := r.p.Workshops.SetStatus(ctx, actor, w.ID, workshops.StatusPublished); err != nil {
		return Scenario{}, err
	}
	staff, err := r.p.Officials.GetByEmail(ctx, "staff@bench.example")
	if err != nil {
		return Scenario{}, err
	}
	staffTok, err := r.p.Officials.CreateAPIToken(ctx, staff.ID, "bench")
	if err != nil {
		return Scenario{}, err
	}
	tokens := make([]string, people)
	for i := range tokens {
		o, err := r.p.Officials.GetByEmail(ctx, fmt.Sprintf("official%06d@gov.bench.example", i))
		if err != nil {
			return Scenario{}, err
		}
		if tokens[i], err = r.p.Officials.CreateAPIToken(ctx, o.ID, "bench"); err != nil {
			return Scenario{}, err
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: r.opts.Connections, MaxConnsPerHost: r.opts.Connections}}
	post := func(path, tok, body string) (int, []byte, time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+path, bytes.NewBufferString(body))
		if err != nil {
			return 0, nil, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, 0, err
		}
		defer res.Body.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(res.Body); err != nil {
			return 0, nil, 0, err
		}
		return res.StatusCode, b.Bytes(), time.Since(t0), nil
	}
	var (
		mu   sync.Mutex
		lat  []time.Duration
		ids  = make([]int64, people)
		errs atomic.Int64
		// The first failure, to say why when requests fail.
		firstErr atomic.Value
	)
	run := func(n int, do func(i int) (int, []byte, time.Duration, error), ok func(int, int, []byte) bool) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, r.opts.Connections)
		for i := 0; i < n; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer wg.Done()
				defer func() { <-sem }()
				status, body, d, err := do(i)
				if err != nil || !ok(i, status, body) {
					if errs.Add(1) == 1 {
						firstErr.Store(fmt.Sprintf("status %d, %v: %.300s", status, err, body))
					}
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}(i)
		}
		wg.Wait()
	}
	t0 := time.Now()
	run(people, func(i int) (int, []byte, time.Duration, error) {
		return post(fmt.Sprintf("/api/v1/workshops/%d/registrations", w.ID), tokens[i], `{"motivation": "Open data lead of my ministry."}`)
	}, func(i, status int, body []byte) bool {
		var res struct {
			Data struct {
				ID int64 `json:"id"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &res)
		ids[i] = res.Data.ID
		return status == http.StatusCreated
	})
	run(people, func(i int) (int, []byte, time.Duration, error) {
		return post(fmt.Sprintf("/api/v1/registrations/%d/approve", ids[i]), staffTok, "")
	}, func(_ int, status int, _ []byte) bool {
		return status == http.StatusOK || status == http.StatusConflict
	})
	elapsed := time.Since(t0)
	confirmed, over, err := overallocation(ctx, r.p.DB, w.ID, seats, quota)
	if err != nil {
		return Scenario{}, err
	}
	f := summarise(lat, elapsed)
	f.Errors = int(errs.Load())
	note := fmt.Sprintf("%d applications + %d approvals for %d seats, %d per country", people, people, seats, quota)
	if f.Errors > 0 {
		note += fmt.Sprintf("; first failure: %v", firstErr.Load())
	}
	return Scenario{Figures: f, Confirmed: &confirmed, Overallocated: &over,
		Note: note}, nil
}

// overallocation reads a workshop's confirmed registrations from the database: how many,
// and how many beyond its seats plus, for each country, beyond its quota.
func overallocation(ctx context.Context, db *store.DB, workshop int64, seats, quota int) (confirmed, over int, err error) {
	if err := db.W.QueryRowContext(ctx, `SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed'`, workshop).Scan(&confirmed); err != nil {
		return 0, 0, fmt.Errorf("count confirmed: %w", err)
	}
	over = max(0, confirmed-seats)
	var beyond int
	if err := db.W.QueryRowContext(ctx, `SELECT CAST(coalesce(sum(n - ?), 0) AS INTEGER) FROM (
			SELECT count(*) AS n FROM registrations WHERE workshop_id = ? AND status = 'confirmed' GROUP BY country) AS c
		WHERE n > ?`, quota, workshop, quota).Scan(&beyond); err != nil {
		return 0, 0, fmt.Errorf("count beyond the quota: %w", err)
	}
	return confirmed, over + beyond, nil
}

// certificate: PDF certificates issued one after another, then a background bulk of 200.
func (r *rig) certificate(ctx context.Context) (Scenario, error) {
	actor := audit.Actor{Email: "bench"}
	n := r.size(40, 10)
	co := r.p.Library.Catalogue().Courses()[0]
	t0 := time.Now()
	for i := 0; i < n; i++ {
		o, err := r.p.Officials.GetByEmail(ctx, fmt.Sprintf("official%06d@gov.bench.example", 1000+i))
		if err != nil {
			return Scenario{}, err
		}
		if _, err := r.p.Certificates.IssueByHand(ctx, actor, certificates.HandIssue{OfficialID: o.ID, Kind: "course", Course: co.Slug,
			Reason: "Benchmark: completion recorded on paper"}); err != nil {
			return Scenario{}, err
		}
	}
	ms := float64(time.Since(t0).Microseconds()) / 1000 / float64(n)
	ids := make([]int64, 200)
	for i := range ids {
		o, err := r.p.Officials.GetByEmail(ctx, fmt.Sprintf("official%06d@gov.bench.example", 2000+i))
		if err != nil {
			return Scenario{}, err
		}
		ids[i] = o.ID
	}
	award := certificates.WorkshopAward{WorkshopID: 1, Title: map[string]string{"ar": "ورشة عمل إقليمية حول البيانات الحكومية المفتوحة", "en": "Regional workshop on open government data"},
		HostCountry: "JO", City: "Amman", Start: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), Hours: 18}
	t1 := time.Now()
	job, err := r.p.Certificates.StartWorkshopJob(ctx, actor, award, ids)
	if err != nil {
		return Scenario{}, err
	}
	for {
		j, err := r.p.Certificates.Job(ctx, job)
		if err != nil {
			return Scenario{}, err
		}
		if j.Status != "running" {
			if j.Issued != len(ids) {
				return Scenario{}, fmt.Errorf("bulk issued %d of %d", j.Issued, len(ids))
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	bulk := time.Since(t1).Seconds()
	return Scenario{MsPerCert: &ms, BulkSeconds: &bulk, Note: fmt.Sprintf("%d issued one by one, then 200 in bulk", n)}, nil
}

// summarise turns latencies into figures.
func summarise(lat []time.Duration, elapsed time.Duration) Figures {
	if len(lat) == 0 {
		return Figures{}
	}
	sortDurations(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	return Figures{Requests: len(lat), RPS: float64(len(lat)) / elapsed.Seconds(), P50ms: pct(0.5), P99ms: pct(0.99)}
}
