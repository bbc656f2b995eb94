package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"riverside/internal/mirror"
	"riverside/internal/queue"
	"riverside/internal/queue/redistest"
)

// watchedSite is a mirror with a bulk site of n articles on a host of its
// own, watched from the server side: how often each path was asked for,
// by which worker (the User-Agent), whether a request arrived while
// another was under way, and the gaps between one response and the next
// request. Each response is buffered whole and recorded as finished
// before its first byte leaves, so a client cannot start its next request
// before the server has counted the last one as done.
type watchedSite struct {
	srv *httptest.Server
	h   http.Handler
	n   int
	// open is closed when requests may be served (every worker joined).
	open chan struct{}

	mu       sync.Mutex
	hits     map[string]int
	byWorker map[string]int
	inFlight int
	overlaps []string
	lastEnd  time.Time
	gaps     []time.Duration // from the end of a response to the next request
	// hold, when set, is asked of every request; true keeps the request
	// waiting until release is closed (a worker to kill mid-request).
	hold    func(r *http.Request) bool
	held    chan string
	release chan struct{}
}

func newWatchedSite(t *testing.T, n int, crawlDelay, requestDelay time.Duration) *watchedSite {
	t.Helper()
	m, err := mirror.New(mirror.Options{Generate: n, GenerateDelay: requestDelay, Faults: mirror.Faults{CrawlDelay: crawlDelay}})
	if err != nil {
		t.Fatal(err)
	}
	s := &watchedSite{h: m.Handler(), n: n, open: make(chan struct{}), hits: map[string]int{}, byWorker: map[string]int{},
		held: make(chan string, 1), release: make(chan struct{})}
	s.srv = httptest.NewServer(s)
	t.Cleanup(func() {
		s.openOnce()
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
	return s
}

var openMu sync.Mutex

func (s *watchedSite) openOnce() {
	openMu.Lock()
	defer openMu.Unlock()
	select {
	case <-s.open:
	default:
		close(s.open)
	}
}

func (s *watchedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	worker := r.UserAgent()
	s.mu.Lock()
	s.inFlight++
	if s.inFlight > 1 {
		s.overlaps = append(s.overlaps, r.URL.Path+" by "+worker)
	}
	if !s.lastEnd.IsZero() {
		s.gaps = append(s.gaps, time.Since(s.lastEnd))
	}
	s.hits[r.URL.Path]++
	if strings.HasPrefix(r.URL.Path, "/bulk/art/") {
		s.byWorker[worker]++
	}
	hold := s.hold != nil && s.hold(r)
	if hold {
		s.hold = nil
	}
	s.mu.Unlock()
	<-s.open
	if hold {
		s.held <- r.URL.Path
		select {
		case <-s.release:
		case <-r.Context().Done(): // the worker gave up on it
		}
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	s.mu.Lock()
	s.inFlight--
	s.lastEnd = time.Now()
	s.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// sourceYAML is a sources entry for the site's bulk list; its schedule
// (once a year) leaves `crawler run` with its start-up pass only.
func (s *watchedSite) sourceYAML(id string) string {
	pages := (s.n + 99) / 100
	return fmt.Sprintf(`  - id: %s
    name: bulk %s
    district: binjiang
    lang: zh
    schedule: '0 4 1 1 *'
    delay: 0s
    max_pages: %d
    discovery:
      - kind: html-list
        url: %s/bulk/list/index.html
    article_url: '^%s/bulk/art/\d+\.html$'
`, id, id, pages, s.srv.URL, regexp.QuoteMeta(s.srv.URL))
}

// check reports paths asked for more (or less) than once, requests that
// overlapped, and gaps shorter than minGap; robots.txt is read by every
// worker (once per pass each) and left out of the count. twice may name
// one article allowed a second fetch (a killed worker's).
func (s *watchedSite) check(t *testing.T, name string, minGap time.Duration, twice string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for n := 1; n <= s.n; n++ {
		p := "/bulk/art/" + strconv.Itoa(n) + ".html"
		want := 1
		if p == twice {
			want = 2
		}
		if got := s.hits[p]; got != want {
			t.Errorf("%s: %s fetched %d times, want %d", name, p, got, want)
		}
	}
	for p, n := range s.hits {
		if p != "/robots.txt" && !strings.HasPrefix(p, "/bulk/art/") && n != 1 {
			t.Errorf("%s: %s fetched %d times, want once", name, p, n)
		}
	}
	// The page a worker abandoned (stopped or killed while the server
	// held its request) may be asked for again before the server sees
	// the connection gone: that one overlap is the test's doing.
	overlaps := s.overlaps[:0:0]
	for _, o := range s.overlaps {
		if twice == "" || !strings.HasPrefix(o, twice+" ") {
			overlaps = append(overlaps, o)
		}
	}
	if len(overlaps) > 0 {
		t.Errorf("%s: %d requests came while another was under way on the host: %v", name, len(overlaps), overlaps[:min(len(overlaps), 5)])
	}
	short := 0
	for _, g := range s.gaps {
		if g < minGap {
			short++
		}
	}
	if short > 0 {
		t.Errorf("%s: %d of %d requests came sooner than the Crawl-delay %v after the previous response", name, short, len(s.gaps), minGap)
	}
	t.Logf("%s: articles fetched by worker: %v", name, s.byWorker)
}

func writeSources(t *testing.T, dir string, sites map[string]*watchedSite) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("crawler:\n  timeout: 10s\nsources:\n")
	ids := make([]string, 0, len(sites))
	for id := range sites {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.WriteString(sites[id].sourceYAML(id))
	}
	path := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// worker is a `crawler once -queue` process.
type worker struct {
	cmd *exec.Cmd
	out bytes.Buffer // stdout: the summary
	err bytes.Buffer // stderr: logs
	// done is closed when the process has exited, with its error in exit.
	done chan struct{}
	exit error
}

// exited tells whether the worker exited already, and with what, for a
// test that waits on something else meanwhile.
func (w *worker) exited() (bool, error) {
	select {
	case <-w.done:
		return true, w.exit
	default:
		return false, nil
	}
}

func startWorker(t *testing.T, name, sources, data, redisURL string) *worker {
	t.Helper()
	return startWorkerCmd(t, "once", name, sources, data, redisURL)
}

// startWorkerCmd starts `crawler CMD -queue` (once or run).
func startWorkerCmd(t *testing.T, command, name, sources, data, redisURL string) *worker {
	t.Helper()
	w := &worker{cmd: exec.Command(filepath.Join(binDir, "crawler"), command, "-config", sources, "-data", data,
		"-queue", redisURL, "-user-agent", "RiversideBot/0.1 ("+name+")", "-log-level", "info")}
	w.cmd.Stdout, w.cmd.Stderr = &w.out, &w.err
	w.done = make(chan struct{})
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		w.exit = w.cmd.Wait()
		close(w.done)
	}()
	t.Cleanup(func() {
		w.cmd.Process.Kill()
		<-w.done
	})
	return w
}

// waitJoined opens the sites once every worker has joined the pass of
// each source (so that none finds the pass over before it starts).
func waitJoined(t *testing.T, redisURL string, sites map[string]*watchedSite, workers ...*worker) {
	t.Helper()
	ctx := context.Background()
	c, err := queue.Open(ctx, redisURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	f := c.Frontier()
	defer f.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for id, s := range sites {
		for {
			n, err := f.Workers(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if n >= len(workers) {
				break
			}
			for _, w := range workers {
				if done, err := w.exited(); done {
					t.Fatalf("a worker exited (%v) before all joined:\n%s", err, w.err.String())
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("source %s: %d of %d workers joined", id, n, len(workers))
			}
			time.Sleep(10 * time.Millisecond)
		}
		s.openOnce()
	}
}

// summaryFetched reads the total "fetched" column of a crawler summary.
func summaryFetched(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*total\s+(\d+)\s+(\d+)\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary:\n%s", out)
	}
	n, _ := strconv.Atoi(m[3])
	return n
}

// TestQueueTwoWorkers: two crawler processes share one pass over two
// hosts through Redis. Every page is fetched once between them, no host
// ever gets two requests at once, and one host's Crawl-delay holds across
// both workers.
func TestQueueTwoWorkers(t *testing.T) {
	redisURL := redistest.Start(t)
	dir := t.TempDir()
	const perSite = 150
	const crawlDelay = 20 * time.Millisecond
	sites := map[string]*watchedSite{
		// Requests that last make overlaps likely, were there no pacing.
		"bulk-a": newWatchedSite(t, perSite, 0, 3*time.Millisecond),
		"bulk-b": newWatchedSite(t, perSite, crawlDelay, 0),
	}
	sources := writeSources(t, dir, sites)
	data := filepath.Join(dir, "data")
	w1 := startWorker(t, "w1", sources, data, redisURL)
	w2 := startWorker(t, "w2", sources, data, redisURL)
	waitJoined(t, redisURL, sites, w1, w2)
	fetched := 0
	for _, w := range []*worker{w1, w2} {
		<-w.done
		if err := w.exit; err != nil {
			t.Fatalf("worker: %v\n%s\n%s", err, w.out.String(), w.err.String())
		}
		n := summaryFetched(t, w.out.String())
		if n == 0 {
			t.Errorf("a worker fetched nothing: the pass was not shared\n%s", w.out.String())
		}
		fetched += n
	}
	if fetched != 2*perSite {
		t.Errorf("the workers fetched %d articles between them, want %d", fetched, 2*perSite)
	}
	sites["bulk-a"].check(t, "bulk-a", 0, "")
	sites["bulk-b"].check(t, "bulk-b", crawlDelay, "")
	// The two hosts serve the same texts: one site's articles are stored,
	// the other's URLs as their duplicates.
	got, stats := storedArticles(t, data, true)
	if len(got) != perSite || stats.Versions != perSite || stats.Aliases != perSite {
		t.Errorf("stored %d articles (%+v), want %d, one version each, and %[3]d duplicate URLs", len(got), stats, perSite)
		for _, w := range []*worker{w1, w2} {
			t.Logf("worker summary:\n%s\nits warnings:\n%s", w.out.String(), warnings(w.err.String()))
		}
	}
}

// warnings keeps the WARN and ERROR lines of a crawler's log.
func warnings(log string) string {
	var b strings.Builder
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// TestQueueWorkerKilled: one of two workers is SIGKILLed in the middle of
// a request (the server holds it); the other waits out its leases — the
// host's and the article's — fetches that article itself and finishes the
// pass: every article stored, none fetched twice but the one in flight.
func TestQueueWorkerKilled(t *testing.T) {
	redisURL := redistest.Start(t) + "?lease=1s"
	dir := t.TempDir()
	const n = 120
	// No Crawl-delay: the workers take turns on the host all the same
	// (they wait in line for it, first come first served), so the doomed
	// one gets to its tenth article.
	site := newWatchedSite(t, n, 0, 0)
	// Hold the tenth article page the doomed worker asks for.
	holdArticle(site, "doomed", 10)
	sites := map[string]*watchedSite{"bulk": site}
	sources := writeSources(t, dir, sites)
	data := filepath.Join(dir, "data")
	doomed := startWorker(t, "doomed", sources, data, redisURL)
	survivor := startWorker(t, "survivor", sources, data, redisURL)
	waitJoined(t, redisURL, sites, doomed, survivor)

	inFlight := awaitHeld(t, site, survivor, "the doomed worker", "tenth")
	doomed.cmd.Process.Signal(syscall.SIGKILL)
	<-doomed.done
	close(site.release) // the server answers a dead connection
	t.Logf("killed the doomed worker while it fetched %s", inFlight)

	select {
	case <-survivor.done:
		if err := survivor.exit; err != nil {
			t.Fatalf("survivor: %v\n%s\n%s", err, survivor.out.String(), survivor.err.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("the survivor never finished: the dead worker's leases did not come back\n%s", survivor.err.String())
	}
	if !strings.Contains(survivor.err.String(), "expired leases back in the queue") {
		t.Errorf("the survivor never took back an expired lease:\n%s", survivor.err.String())
	}
	site.check(t, "bulk", 0, inFlight)
	got, stats := storedArticles(t, data, true)
	if len(got) != n || stats.Versions != n {
		t.Errorf("stored %d articles (%+v), want %d, one version each", len(got), stats, n)
	}
	// As an operator would after a crash: the dead worker's WARC file is
	// finished and every record reads.
	var out bytes.Buffer
	verify := exec.Command(filepath.Join(binDir, "crawler"), "verify", "-data", data, "-recover")
	verify.Stdout, verify.Stderr = &out, &out
	if err := verify.Run(); err != nil {
		t.Errorf("crawler verify -recover: %v\n%s", err, out.String())
	}
}

// TestQueueRunDaemons: two `crawler run` daemons share their start-up
// pass; SIGTERM stops both cleanly once the store holds every article.
func TestQueueRunDaemons(t *testing.T) {
	redisURL := redistest.Start(t)
	dir := t.TempDir()
	const n = 120
	sites := map[string]*watchedSite{"bulk": newWatchedSite(t, n, 0, 0)}
	sources := writeSources(t, dir, sites)
	data := filepath.Join(dir, "data")
	d1 := startWorkerCmd(t, "run", "d1", sources, data, redisURL)
	d2 := startWorkerCmd(t, "run", "d2", sources, data, redisURL)
	waitJoined(t, redisURL, sites, d1, d2)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		site := sites["bulk"]
		site.mu.Lock()
		served := len(site.byWorker) > 0 && site.byWorker["RiversideBot/0.1 (d1)"]+site.byWorker["RiversideBot/0.1 (d2)"] >= n
		site.mu.Unlock()
		if served {
			break
		}
		for _, d := range []*worker{d1, d2} {
			if done, err := d.exited(); done {
				t.Fatalf("a daemon exited (%v):\n%s", err, d.err.String())
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the daemons never fetched every article")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Every article was asked for; wait for the store to hold them all
	// (the last ones are being extracted and written).
	for {
		got, _ := storedArticles(t, data, false)
		if len(got) == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store holds %d articles, want %d", len(got), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, d := range []*worker{d1, d2} {
		d.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, d := range []*worker{d1, d2} {
		select {
		case <-d.done:
			if d.exit != nil {
				t.Errorf("daemon: %v\n%s", d.exit, d.err.String())
			}
		case <-time.After(time.Minute):
			t.Fatalf("a daemon did not stop on SIGTERM:\n%s", d.err.String())
		}
	}
	sites["bulk"].check(t, "bulk", 0, "")
	for _, d := range []*worker{d1, d2} {
		if !strings.Contains(d.err.String(), "pass done") {
			t.Errorf("a daemon logged no pass:\n%s", d.err.String())
		}
	}
}

// TestQueueWorkerStopped: a worker stopped with SIGTERM in the middle of
// a request hands its item and the host back at once: with hour-long
// leases, the other worker still finishes the pass (it would wait an
// hour for leases left to expire).
func TestQueueWorkerStopped(t *testing.T) {
	redisURL := redistest.Start(t) + "?lease=1h"
	dir := t.TempDir()
	const n = 60
	site := newWatchedSite(t, n, 0, 0) // turns: see TestQueueWorkerKilled
	holdArticle(site, "stopped", 5)
	sites := map[string]*watchedSite{"bulk": site}
	sources := writeSources(t, dir, sites)
	data := filepath.Join(dir, "data")
	stopped := startWorker(t, "stopped", sources, data, redisURL)
	survivor := startWorker(t, "survivor", sources, data, redisURL)
	waitJoined(t, redisURL, sites, stopped, survivor)
	inFlight := awaitHeld(t, site, survivor, "the worker to stop", "fifth")
	stopped.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-stopped.done:
	case <-time.After(time.Minute):
		t.Fatalf("the worker did not stop on SIGTERM:\n%s", stopped.err.String())
	}
	close(site.release)
	t.Logf("stopped a worker while it fetched %s", inFlight)
	select {
	case <-survivor.done:
		if survivor.exit != nil {
			t.Fatalf("survivor: %v\n%s\n%s", survivor.exit, survivor.out.String(), survivor.err.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("the survivor never finished: the stopped worker kept its item or the host\n%s", survivor.err.String())
	}
	site.check(t, "bulk", 0, inFlight)
	if got, _ := storedArticles(t, data, true); len(got) != n {
		t.Errorf("stored %d articles, want %d", len(got), n)
	}
}

// holdArticle makes site hold the nth article page that worker asks for
// (its name is in its User-Agent), until site.release is closed.
func holdArticle(site *watchedSite, worker string, nth int) {
	asked := 0
	site.hold = func(r *http.Request) bool {
		if !strings.Contains(r.UserAgent(), "("+worker+")") || !strings.HasPrefix(r.URL.Path, "/bulk/art/") {
			return false
		}
		asked++
		return asked == nth
	}
}

// awaitHeld waits for the page holdArticle holds and returns its path;
// the survivor finishing first, or nothing held within two minutes,
// fails the test.
func awaitHeld(t *testing.T, site *watchedSite, survivor *worker, who, nth string) string {
	t.Helper()
	select {
	case p := <-site.held:
		return p
	case <-survivor.done:
		t.Fatalf("the survivor finished (%v) before %s asked for its %s article:\n%s", survivor.exit, who, nth, survivor.out.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s never asked for a %s article", who, nth)
	}
	return ""
}
