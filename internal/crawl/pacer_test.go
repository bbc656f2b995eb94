package crawl

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingPacer lets every request through at once and records what the
// session asked of it.
type recordingPacer struct {
	mu       sync.Mutex
	held     int
	acquired []string
	pauses   []time.Duration
}

func (p *recordingPacer) Acquire(_ context.Context, host string) (func(time.Duration), error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held++
	p.acquired = append(p.acquired, host)
	return func(pause time.Duration) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.held--
		p.pauses = append(p.pauses, pause)
	}, nil
}

// Every request, robots.txt and failed ones included, takes the host from
// the pacer and gives it back with the host's pause, Crawl-delay included
// from the robots.txt request on (the other workers wait on that pause).
func TestPacerAskedForEveryRequest(t *testing.T) {
	site := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/robots.txt": func(w http.ResponseWriter, _ *http.Request, _ int) {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.05\n")
		},
		"/gone": func(w http.ResponseWriter, _ *http.Request, _ int) { http.Error(w, "gone", http.StatusNotFound) },
	})
	p := &recordingPacer{}
	ctx := context.Background()
	s, err := NewSession(ctx, quick(Options{Pacer: p, Delay: 10 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/a", "/b", "/gone"} {
		_, _ = s.Get(ctx, site.srv.URL+path)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	host := strings.TrimPrefix(site.srv.URL, "http://")
	if len(p.acquired) != 4 {
		t.Fatalf("pacer asked %d times (%v), want 4: robots.txt, /a, /b, /gone", len(p.acquired), p.acquired)
	}
	for _, h := range p.acquired {
		if h != host {
			t.Errorf("pacer asked for %q, want %q", h, host)
		}
	}
	if p.held != 0 {
		t.Errorf("%d hosts never released", p.held)
	}
	for i, pause := range p.pauses {
		if pause < 50*time.Millisecond {
			t.Errorf("request %d released with a pause of %v, want at least the Crawl-delay 50ms", i, pause)
		}
	}
}

// A 429 slows every worker down: the pause left with the pacer is what
// the server's Retry-After asked.
func TestPacerPauseAfterTooManyRequests(t *testing.T) {
	site := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/busy": func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "3")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		},
	})
	p := &recordingPacer{}
	ctx := context.Background()
	s, err := NewSession(ctx, quick(Options{Pacer: p, IgnoreRobots: true, Retries: -1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, site.srv.URL+"/busy"); err == nil {
		t.Fatal("a 429 answered without error")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pauses) != 1 || p.pauses[0] < 3*time.Second {
		t.Errorf("pauses %v, want one of at least the 3s Retry-After", p.pauses)
	}
}
