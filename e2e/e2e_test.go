// Package e2e runs Riverside's three programs as real processes on loopback
// — the offline mirror, the crawler and searchd — and checks the contracts
// of DESIGN.md from outside: what a newcomer sees after `make demo`.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"riverside/internal/store"
)

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "riverside-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "../cmd/mirror", "../cmd/crawler", "../cmd/searchd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running program whose stderr is kept for messages.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	addr chan string
}

var listenRE = regexp.MustCompile(`addr=(\S+)`)

func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(filepath.Join(binDir, name), args...), addr: make(chan string, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = io.Discard
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listenRE.FindStringSubmatch(line); m != nil && !sent && strings.Contains(line, "listening") {
				p.addr <- strings.Trim(m[1], `"`)
				sent = true
			}
		}
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("%s stderr (tail):\n%s", name, p.tail())
		}
	})
	return p
}

func (p *proc) tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.logs.String()
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return s
}

func (p *proc) listenAddr(t *testing.T) string {
	t.Helper()
	select {
	case a := <-p.addr:
		return a
	case <-time.After(30 * time.Second):
		t.Fatalf("no listening address logged:\n%s", p.tail())
	}
	return ""
}

// startMirror runs the mirror on a free port and returns its base URL and
// the sources file it wrote.
func startMirror(t *testing.T, dir string) (string, string) {
	t.Helper()
	sources := filepath.Join(dir, "mirror-sources.yaml")
	m := start(t, "mirror", "-addr", "127.0.0.1:0", "-sources", sources)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(sources); err == nil && fi.Size() > 0 {
			b, _ := os.ReadFile(sources)
			u := regexp.MustCompile(`url: (http://127\.0\.0\.1:\d+)/`).FindSubmatch(b)
			if u == nil {
				t.Fatalf("no URL in the mirror's sources:\n%s", b)
			}
			return string(u[1]), sources
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the mirror wrote no sources file:\n%s", m.tail())
	return "", ""
}

func crawlOnce(t *testing.T, sources, data string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "crawler"), "once", "-config", sources, "-data", data)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("crawler once: %v\n%s\n%s", err, out.String(), errb.String())
	}
	return out.String()
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %d %v: %s", u, resp.StatusCode, err, b)
	}
	return resp.StatusCode
}

type health struct {
	Status     string `json:"status"`
	IndexedSeq int64  `json:"indexed_seq"`
}

type searchResult struct {
	Total  int `json:"total"`
	TookMS int `json:"took_ms"`
	Hits   []struct {
		ID, URL, Title, Published, Source, District, Lang, Snippet string
		Score                                                      float64
	} `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

func search(t *testing.T, base string, params url.Values) searchResult {
	t.Helper()
	var r searchResult
	if code := getJSON(t, base+"/api/search?"+params.Encode(), &r); code != 200 {
		t.Fatalf("search %v: HTTP %d", params, code)
	}
	return r
}

// waitIndexed waits until searchd has indexed at least n articles.
func waitIndexed(t *testing.T, base string, n int) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		r := search(t, base, url.Values{"size": {"1"}})
		if r.Total >= n {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("searchd did not index %d articles in time", n)
}

type seedTruth struct {
	Seed        string   `json:"seed"`
	Title       string   `json:"title"`
	Published   string   `json:"published"`
	Author      string   `json:"author"`
	Source      string   `json:"source"`
	Lang        string   `json:"lang"`
	Body        []string `json:"body"`
	Boilerplate []string `json:"boilerplate"`
}

func loadTruth(t *testing.T) []seedTruth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "mirror", "content", "seeds", "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth []seedTruth
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	return truth
}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// wordCoverage is the share of the truth's words (as a multiset) that the
// text carries.
func wordCoverage(truth, text string) float64 {
	have := map[string]int{}
	for _, w := range wordRE.FindAllString(text, -1) {
		have[w]++
	}
	total, found := 0, 0
	for _, w := range wordRE.FindAllString(truth, -1) {
		total++
		if have[w] > 0 {
			have[w]--
			found++
		}
	}
	if total == 0 {
		return 1
	}
	return float64(found) / float64(total)
}

// TestDemo is the newcomer's first minute: the mirror crawled, indexed and
// searchable, every seed recovered from its full page.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	mirrorURL, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	summary := crawlOnce(t, sources, data)
	t.Logf("crawl summary:\n%s", summary)

	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"))
	base := "http://" + sd.listenAddr(t)
	waitIndexed(t, base, 60)

	t.Run("Binjiang", func(t *testing.T) {
		if r := search(t, base, url.Values{"q": {"Binjiang"}}); r.Total < 3 {
			t.Errorf("Binjiang: %d hits, want at least 3", r.Total)
		}
	})
	for _, q := range []string{"滨江", "萧山"} {
		t.Run(q, func(t *testing.T) {
			r := search(t, base, url.Values{"q": {q}, "lang": {"zh"}})
			if r.Total < 5 {
				t.Errorf("%s: %d Chinese hits, want at least 5", q, r.Total)
			}
			for _, h := range r.Hits {
				if h.Lang != "zh" || !strings.Contains(h.Snippet, "<mark>") {
					t.Errorf("%s: hit %s lang %q snippet %q", q, h.ID, h.Lang, h.Snippet)
				}
			}
		})
	}
	for _, seed := range loadTruth(t) {
		t.Run("seed "+seed.Seed, func(t *testing.T) {
			r := search(t, base, url.Values{"q": {`"` + seed.Title + `"`}})
			var id string
			for _, h := range r.Hits {
				if h.Title == seed.Title {
					id = h.ID
				}
			}
			if id == "" {
				t.Fatalf("%q not found by its title in quotes: %+v", seed.Title, r.Hits)
			}
			var a struct {
				Title, Published, Author, Source, Lang, Text, URL string
				Duplicates                                        []string
			}
			if code := getJSON(t, base+"/api/articles/"+id, &a); code != 200 {
				t.Fatalf("GET /api/articles/%s: %d", id, code)
			}
			if !strings.HasPrefix(a.URL, mirrorURL) {
				t.Errorf("url %q is not on the mirror", a.URL)
			}
			body := strings.Join(seed.Body, "\n")
			if c := wordCoverage(body, a.Text); c < 0.97 {
				t.Errorf("text carries %.3f of the seed's words, want ≥ 0.97:\n%s", c, a.Text)
			}
			for _, bp := range seed.Boilerplate {
				if strings.Contains(a.Text, bp) {
					t.Errorf("text keeps boilerplate %q", bp)
				}
			}
			if seed.Published != "" && a.Published != seed.Published {
				t.Errorf("published %q, want %q", a.Published, seed.Published)
			}
			if seed.Author != "" && a.Author != seed.Author {
				t.Errorf("author %q, want %q", a.Author, seed.Author)
			}
			if a.Lang != seed.Lang {
				t.Errorf("lang %q, want %q", a.Lang, seed.Lang)
			}
		})
	}
	t.Run("sources health and metrics", func(t *testing.T) {
		var srcs []struct {
			ID                  string  `json:"id"`
			LastSuccess         *string `json:"last_success"`
			ConsecutiveFailures int     `json:"consecutive_failures"`
			ArticlesTotal       int     `json:"articles_total"`
			Articles7d          int     `json:"articles_7d"`
		}
		if code := getJSON(t, base+"/api/sources", &srcs); code != 200 || len(srcs) < 7 {
			t.Fatalf("GET /api/sources: %d, %d sources", code, len(srcs))
		}
		for _, s := range srcs {
			if s.LastSuccess == nil || s.ConsecutiveFailures != 0 || s.ArticlesTotal == 0 || s.Articles7d != s.ArticlesTotal {
				t.Errorf("source %+v", s)
			}
		}
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"riverside_source_articles{source=", "riverside_index_sequence ", `riverside_http_requests_total{code="200",route="GET /api/search"}`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
	})
	t.Run("bad query is a 400 with a position", func(t *testing.T) {
		var e struct {
			Error string `json:"error"`
		}
		if code := getJSON(t, base+"/api/search?q="+url.QueryEscape(`"unclosed`), &e); code != 400 || e.Error == "" {
			t.Errorf("got %d %q, want 400 with an error", code, e.Error)
		}
	})
	t.Run("second crawl adds nothing", func(t *testing.T) {
		out := crawlOnce(t, sources, data)
		if !regexp.MustCompile(`(?m)^\s*total\s+\d+\s+\d+\s+0\s+0\s`).MatchString(out) {
			t.Errorf("second pass fetched or added articles:\n%s", out)
		}
	})
	t.Run("published article arrives", func(t *testing.T) {
		resp, err := http.Post(mirrorURL+"/_mirror/publish", "application/json",
			strings.NewReader(`{"site":"hhtz","title":"滨江区举办端到端测试发布会","text":"滨江区今天举办端到端测试发布会，介绍了新建的江南大道智慧公交站。\n\n发布会上，区交通局负责人表示，新站将于下月投入使用。"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("publish: HTTP %d", resp.StatusCode)
		}
		crawlOnce(t, sources, data)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if r := search(t, base, url.Values{"q": {"端到端测试发布会"}}); r.Total == 1 {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Error("the published article was not found after a crawl")
	})
}

// TestKillDuringIndexing kills searchd with SIGKILL while it indexes, more
// than once, and checks that the index ends up with every article once.
func TestKillDuringIndexing(t *testing.T) {
	dir := t.TempDir()
	_, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	index := filepath.Join(dir, "index")

	for round := range 3 {
		sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", index, "-batch", "3")
		base := "http://" + sd.listenAddr(t)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			var h health
			getJSON(t, base+"/healthz", &h)
			if h.IndexedSeq > int64(round*10) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		sd.cmd.Process.Kill()
		sd.cmd.Wait()
	}
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", index)
	base := "http://" + sd.listenAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	articles := countArticles(t, data)
	for ctx.Err() == nil {
		r := search(t, base, url.Values{"size": {"100"}})
		if r.Total >= articles {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	seen := map[string]bool{}
	total := 0
	for page := 1; ; page++ {
		r := search(t, base, url.Values{"size": {"100"}, "page": {fmt.Sprint(page)}})
		total = r.Total
		if len(r.Hits) == 0 {
			break
		}
		for _, h := range r.Hits {
			if seen[h.ID] {
				t.Errorf("article %s indexed twice", h.ID)
			}
			seen[h.ID] = true
		}
	}
	if total != articles || len(seen) != articles {
		t.Errorf("index holds %d (%d listed), store holds %d articles", total, len(seen), articles)
	}
}

// countArticles reads the store the crawler filled.
func countArticles(t *testing.T, data string) int {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return stats.Articles
}
