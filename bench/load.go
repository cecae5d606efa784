// Package bench measures Masar under load on this machine: it starts the platform in
// process on a temporary data directory, seeds realistic data, drives HTTP load over
// loopback and compares every page with a bare Fiber route serving the same bytes — the
// limit of the stack itself.
package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Load is one run of a load generator against one URL.
type Load struct {
	URL         string
	Connections int
	Duration    time.Duration
	// Request, when set, builds each request (to add cookies or vary the URL).
	Request func(i int) (*http.Request, error)
}

// Figures are what a load run measured.
type Figures struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Bytes    int     `json:"bytes_per_response"`
}

// Run drives the load: each connection sends requests back to back for the duration.
func (l Load) Run(ctx context.Context) (Figures, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: l.Connections, MaxConnsPerHost: l.Connections, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     atomic.Int64
		bytes    atomic.Int64
		seq      atomic.Int64
		deadline = time.Now().Add(l.Duration)
		wg       sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < l.Connections; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := int(seq.Add(1))
				var req *http.Request
				var err error
				if l.Request != nil {
					req, err = l.Request(i)
				} else {
					req, err = http.NewRequest(http.MethodGet, l.URL, nil)
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				t0 := time.Now()
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					errs.Add(1)
					continue
				}
				n, _ := io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				local = append(local, time.Since(t0))
				if res.StatusCode >= 400 {
					errs.Add(1)
				}
				bytes.Store(n)
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(lat) == 0 {
		return Figures{}, fmt.Errorf("bench: no request to %s completed", l.URL)
	}
	sortDurations(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	return Figures{Requests: len(lat), Errors: int(errs.Load()), RPS: float64(len(lat)) / elapsed.Seconds(),
		P50ms: pct(0.50), P99ms: pct(0.99), Bytes: int(bytes.Load())}, nil
}

// Baseline serves fixed bytes from a bare Fiber route: the most the stack can do for a
// response of that size on this machine.
type Baseline struct {
	app  *fiber.App
	ln   net.Listener
	body []byte
	ct   string
}

// StartBaseline listens on a loopback port with one route returning body.
func StartBaseline(body []byte, contentType string) (*Baseline, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &Baseline{ln: ln, body: body, ct: contentType}
	b.app = fiber.New(fiber.Config{DisableStartupMessage: true})
	b.app.Get("/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, b.ct)
		return c.Send(b.body)
	})
	go func() { _ = b.app.Listener(ln) }()
	return b, nil
}

// URL is the baseline route's address.
func (b *Baseline) URL() string { return "http://" + b.ln.Addr().String() + "/" }

// Close stops the baseline server.
func (b *Baseline) Close() error { return b.app.Shutdown() }

// fetch gets a URL once and returns its body and content type.
func fetch(req *http.Request) ([]byte, string, int, error) {
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		return nil, "", 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return b, res.Header.Get("Content-Type"), res.StatusCode, err
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
