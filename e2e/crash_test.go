package e2e

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"riverside/internal/export"
	"riverside/internal/news"
	"riverside/internal/store"
)

var (
	crashTrials = flag.Int("trials", 0, "crash trials of TestCrashTrials (default $RIVERSIDE_CRASH_TRIALS, else 20)")
	crashSeed   = flag.Uint64("seed", 0, "seed of TestCrashTrials' kill schedule (default $RIVERSIDE_CRASH_SEED; 0: random)")
)

// crashConfig reads the trial count and seed from the flags or the
// environment.
func crashConfig(t *testing.T) (int, uint64) {
	t.Helper()
	n, seed := *crashTrials, *crashSeed
	if n == 0 {
		n = 20
		if v := os.Getenv("RIVERSIDE_CRASH_TRIALS"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < 1 {
				t.Fatalf("RIVERSIDE_CRASH_TRIALS=%q: want a count", v)
			}
		}
	}
	if v := os.Getenv("RIVERSIDE_CRASH_SEED"); seed == 0 && v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("RIVERSIDE_CRASH_SEED=%q: want a number", v)
		}
	}
	if seed == 0 { // 0: a new schedule
		seed = uint64(time.Now().UnixNano())
	}
	return n, seed
}

// apiExport is an /api/export?format=jsonl read while searchd may die:
// either complete (a manifest line that counts the lines before it) or
// broken off with an error, never a short file that ends cleanly.
func apiExport(base string) (lines int, m *export.Manifest, err error) {
	resp, err := http.Get(base + "/api/export?format=jsonl")
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return jsonlExport(body)
}

// jsonlExport reads a complete JSONL export: its version lines and the
// manifest that ends it.
func jsonlExport(body []byte) (int, *export.Manifest, error) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 16<<20)
	var last []byte
	lines := 0
	for sc.Scan() {
		if last != nil {
			lines++
		}
		last = append(last[:0], sc.Bytes()...)
	}
	var m export.Manifest
	if err := json.Unmarshal(last, &m); err != nil || m.Manifest != export.ManifestTag {
		return lines, nil, fmt.Errorf("no manifest at the end (%d bytes): %.200q", len(body), last)
	}
	if m.Versions != lines {
		return lines, &m, fmt.Errorf("manifest counts %d versions, the export holds %d", m.Versions, lines)
	}
	return lines, &m, nil
}

// TestCrashTrials kills the crawler and searchd with SIGKILL at random
// moments, trial after trial, while the crawler crawls the mirror (with
// articles being published on it), searchd indexes, matches a
// subscription and delivers its webhooks to a loopback receiver (which
// fails now and then), and exports run through /api/export and `searchd
// export` (killed mid-stream too). After a final clean pass it checks the
// end state: every article once in the store, the index exactly the
// store's current versions, every match delivered under exactly one
// webhook-id, every WARC file valid, a full export as large as the store.
// -trials N or RIVERSIDE_CRASH_TRIALS sets the count (make soak runs a
// long one); -seed or RIVERSIDE_CRASH_SEED replays a schedule.
func TestCrashTrials(t *testing.T) {
	trials, seed := crashConfig(t)
	t.Logf("crash trials: %d, seed %d (replay: go test ./e2e -run TestCrashTrials -args -trials %d -seed %d)", trials, seed, trials, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	dir := t.TempDir()
	mirror, sources := startMirror(t, dir)
	data, idx := filepath.Join(dir, "data"), filepath.Join(dir, "index")
	rc := newHookReceiver(t)
	args := []string{"-addr", "127.0.0.1:0", "-data", data, "-index", idx,
		"-allow-private-webhooks", "-poll", "50ms", "-batch", "4", "-webhook-backoff", "50ms",
		"-webhook-max-backoff", "500ms", "-webhook-timeout", "1s", "-webhook-max-attempts", "100000"}

	// The subscription comes first, on an empty store: every stored
	// article that matches must reach the receiver.
	sd := start(t, "searchd", args...)
	base := "http://" + sd.listenAddr(t)
	sub := subscribeTo(t, base, rc, map[string]any{"name": "crash drills", "query": "断电演练", "webhook": rc.url})
	alive := true

	crawlerCmd := func() *exec.Cmd {
		return exec.Command(filepath.Join(binDir, "crawler"), "once", "-config", sources, "-data", data, "-log-level", "error")
	}
	var (
		published    = map[string]string{} // URL → title
		kills        = map[string]int{}
		exportsWhole int
		exportsCut   int
		cliWhole     int
		cliCut       int
		crawlsWhole  int
		// crawlTook is how long the last whole crawl took.
		crawlTook = 2 * time.Second
	)
	outDir := filepath.Join(dir, "exports")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for trial := range trials {
		// New articles on the mirror, some matching the subscription.
		for i := range rng.IntN(4) {
			title := fmt.Sprintf("第%d次试验第%d篇断电演练", trial, i)
			text := fmt.Sprintf("滨江区开展第%d次试验第%d次断电演练，检验应急预案。", trial, i)
			if rng.IntN(3) == 0 {
				title, text = fmt.Sprintf("第%d次试验第%d场社区运动会", trial, i), fmt.Sprintf("第%d次试验第%d场社区运动会今天开幕。", trial, i)
			}
			published[publish(t, mirror, "hhtz", title, text)] = title
		}
		if rng.IntN(4) == 0 {
			rc.setMode("fail")
		} else {
			rc.setMode("ok")
		}
		if !alive {
			sd = start(t, "searchd", args...)
			base = "http://" + sd.listenAddr(t)
			alive = true
		}
		crawler := crawlerCmd()
		if err := crawler.Start(); err != nil {
			t.Fatal(err)
		}
		crawlDone := make(chan error, 1)
		var crawlEnd time.Time
		go func() {
			err := crawler.Wait()
			crawlEnd = time.Now()
			crawlDone <- err
		}()

		// Exports in flight while things die.
		var wg sync.WaitGroup
		var apiErr error
		var apiLines int
		if rng.IntN(2) == 0 {
			wg.Go(func() { apiLines, _, apiErr = apiExport(base) })
		}
		var cli *exec.Cmd
		cliOut := filepath.Join(outDir, fmt.Sprintf("trial-%d.jsonl", trial))
		if rng.IntN(2) == 0 {
			cli = exec.Command(filepath.Join(binDir, "searchd"), "export", "-data", data, "-format", "jsonl", "-o", cliOut)
			if err := cli.Start(); err != nil {
				t.Fatal(err)
			}
		}

		// Kill moments, each at random within the time a crawl takes
		// (the last whole crawl's), so that kills land in discovery,
		// fetching, storing, indexing, matching and delivering alike.
		began := time.Now()
		span := max(crawlTook*13/10, 50*time.Millisecond)
		type kill struct {
			at   time.Duration
			what string
		}
		// Every third crawl is left to finish, as a daemon's passes do
		// between crashes: a site's list pages show its newest articles
		// only, and a crawler killed in every pass would see the older
		// of many new ones pushed off them.
		plan := []kill{{span, "crawler"}}
		if trial%3 != 2 {
			plan[0].at = time.Duration(rng.Int64N(int64(span)))
		}
		if rng.IntN(2) == 0 {
			plan = append(plan, kill{time.Duration(rng.Int64N(int64(span))), "searchd"})
		}
		if cli != nil && rng.IntN(3) != 0 {
			plan = append(plan, kill{time.Duration(rng.Int64N(int64(150 * time.Millisecond))), "searchd export"})
		}
		slices.SortFunc(plan, func(a, b kill) int { return cmp.Compare(a.at, b.at) })
		for _, k := range plan {
			time.Sleep(time.Until(began.Add(k.at)))
			switch k.what {
			case "crawler":
				select {
				case err := <-crawlDone:
					if err != nil {
						t.Fatalf("trial %d: crawler once: %v", trial, err)
					}
					crawlsWhole++
					crawlTook = crawlEnd.Sub(began)
					continue
				default:
				}
				if trial%3 == 2 {
					if err := <-crawlDone; err != nil {
						t.Fatalf("trial %d: crawler once: %v", trial, err)
					}
					crawlsWhole++
					crawlTook = crawlEnd.Sub(began)
					continue
				}
				crawler.Process.Signal(syscall.SIGKILL)
				<-crawlDone
			case "searchd":
				sd.cmd.Process.Signal(syscall.SIGKILL)
				sd.cmd.Wait()
				alive = false
			case "searchd export":
				cli.Process.Signal(syscall.SIGKILL)
			}
			kills[k.what]++
		}
		if cli != nil {
			cli.Wait()
			// The final name is never a partial file.
			if b, err := os.ReadFile(cliOut); err == nil {
				if _, _, err := jsonlExport(b); err != nil {
					t.Errorf("trial %d: searchd export left %s: %v", trial, cliOut, err)
				}
				cliWhole++
			} else {
				cliCut++
			}
		}
		wg.Wait()
		switch {
		case apiErr == nil && apiLines > 0:
			exportsWhole++
		case apiErr != nil && alive:
			t.Errorf("trial %d: /api/export with searchd alive: %v", trial, apiErr)
		case apiErr != nil:
			if strings.Contains(apiErr.Error(), "manifest counts") {
				t.Errorf("trial %d: /api/export: %v", trial, apiErr)
			}
			exportsCut++
		}
	}
	t.Logf("%d trials: kills %v; crawls whole %d; /api/export whole %d, cut %d; searchd export whole %d, cut %d",
		trials, kills, crawlsWhole, exportsWhole, exportsCut, cliWhole, cliCut)

	// The final clean pass and catch-up.
	rc.setMode("ok")
	crawlOnce(t, sources, data)
	if !alive {
		sd = start(t, "searchd", args...)
		base = "http://" + sd.listenAddr(t)
	}
	stored, stats := storedArticles(t, data, true) // every article once, every capture reads
	head := storeHead(t, data)
	waitUntil(t, "the index to reach the store's head", 90*time.Second, func() bool {
		var h health
		getJSON(t, base+"/healthz", &h)
		return h.IndexedSeq >= head
	})

	// 1. The store against the mirror: a clean crawl of what it serves now,
	// and everything it published during the trials.
	clean := filepath.Join(dir, "clean")
	crawlOnce(t, sources, clean)
	want, _ := storedArticles(t, clean, false)
	for u, h := range want {
		if stored[u] != h {
			t.Errorf("%s: hash %q after the trials, %q in a clean crawl", u, stored[u], h)
		}
	}
	for u, title := range published {
		if _, ok := stored[u]; !ok {
			t.Errorf("published %s (%s) is not in the store", u, title)
		}
	}
	// Published articles push older ones off the list pages a pass reads
	// (max_pages): those are still served, at their own URLs.
	offList := 0
	for u := range stored {
		if _, ok := want[u]; ok || published[u] != "" {
			continue
		}
		offList++
		if code := status(t, u); code != http.StatusOK {
			t.Errorf("%s is in the store but the mirror answers %d and never published it", u, code)
		}
	}
	if stats.Articles != len(stored) || stats.Versions != len(stored) {
		t.Errorf("store stats %+v for %d URLs", stats, len(stored))
	}

	// 2. The index holds exactly the store's current versions.
	current := storeCurrent(t, data)
	inIndex := map[string]string{}
	for page := 1; ; page++ {
		r := search(t, base, url.Values{"size": {"100"}, "page": {strconv.Itoa(page)}})
		if page == 1 && r.Total != len(current) {
			t.Errorf("index total %d, store holds %d articles", r.Total, len(current))
		}
		for _, h := range r.Hits {
			if _, dup := inIndex[h.ID]; dup {
				t.Errorf("index lists %s twice", h.ID)
			}
			inIndex[h.ID] = h.Title
		}
		if len(r.Hits) < 100 {
			break
		}
	}
	for id, a := range current {
		if got, ok := inIndex[id]; !ok || got != a.Title {
			t.Errorf("index: %s has title %q (present %v), store %q", id, got, ok, a.Title)
		}
	}
	if len(inIndex) != len(current) {
		t.Errorf("index lists %d articles, store %d", len(inIndex), len(current))
	}
	// A sample found by its title, as a user would.
	sample := 0
	for id, a := range current {
		if sample == 10 {
			break
		}
		if !strings.Contains(a.Title, "试验") {
			continue
		}
		sample++
		r := search(t, base, url.Values{"q": {`title:"` + a.Title + `"`}})
		found := false
		for _, h := range r.Hits {
			found = found || h.ID == id
		}
		if !found {
			t.Errorf("search for the title %q does not find %s", a.Title, id)
		}
	}

	// 3. Every match delivered, once per webhook-id, no match under two.
	wantHook := map[string]bool{}
	for _, a := range current {
		if strings.Contains(a.Title, "断电演练") {
			wantHook[a.Title] = true
		}
	}
	waitUntil(t, "every match at the receiver", 90*time.Second, func() bool {
		return len(rc.received()[sub.ID]) >= len(wantHook)
	})
	waitUntil(t, "every delivery delivered", 60*time.Second, func() bool {
		var s struct{ State string }
		getJSON(t, base+"/api/subscriptions/"+sub.ID, &s)
		return s.State == "delivered"
	})
	got := map[string]bool{}
	for art, ids := range rc.received()[sub.ID] {
		got[rc.titles[art]] = true
		if len(ids) != 1 {
			t.Errorf("article %q carried by %d webhook-ids %v, want 1", rc.titles[art], len(ids), ids)
		}
	}
	if !mapsEqual(got, wantHook) {
		t.Errorf("receiver has %d matches %v, want %d %v", len(got), keys(got), len(wantHook), keys(wantHook))
	}
	rc.mu.Lock()
	hookCalls, hookIDs := rc.calls, len(rc.byID)
	for _, b := range rc.bad {
		t.Error(b)
	}
	rc.mu.Unlock()

	// 4. Every WARC file validates, strictly and as `crawler verify` says.
	records := validateWARCs(t, filepath.Join(data, "warc"))
	var out bytes.Buffer
	verify := exec.Command(filepath.Join(binDir, "crawler"), "verify", "-data", data)
	verify.Stdout, verify.Stderr = &out, &out
	if err := verify.Run(); err != nil || !strings.Contains(out.String(), " 0 with faults") {
		t.Errorf("crawler verify: %v\n%s", err, out.String())
	}

	// 5. A final export of everything holds the store, through the API
	// and from the command line.
	lines, m, err := apiExport(base)
	if err != nil || lines != stats.Versions || m.Articles != stats.Articles || m.LastSeq != head {
		t.Errorf("final /api/export: %d versions, manifest %+v, %v; store %+v head %d", lines, m, err, stats, head)
	}
	final := filepath.Join(outDir, "final.jsonl")
	if out, err := runSearchd(t, "export", "-data", data, "-format", "jsonl", "-o", final); err != nil {
		t.Fatalf("searchd export: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(final)
	if n, _, err := jsonlExport(b); err != nil || n != stats.Versions {
		t.Errorf("final searchd export: %d versions, %v; store holds %d", n, err, stats.Versions)
	}
	t.Logf("checked after %d trials (seed %d): store %d articles / %d versions, each once, all %d published present, same as a clean crawl of %d (+%d off its list pages, still served); "+
		"index = store (%d ids and titles, %d found by title); %d matches delivered under %d webhook-ids in %d requests, each once, signatures valid; "+
		"%d WARC records valid, crawler verify clean; final exports %d versions",
		trials, seed, stats.Articles, stats.Versions, len(published), len(want), offList, len(inIndex), sample, len(got), hookIDs, hookCalls, records, lines)
}

// storeHead is the store's last sequence number.
func storeHead(t *testing.T, data string) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seq, err := st.MaxSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// storeCurrent is the newest version of every article, by id.
func storeCurrent(t *testing.T, data string) map[string]news.Article {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	arts, err := st.Since(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]news.Article{}
	for _, a := range arts {
		if prev, ok := out[a.ID]; !ok || a.Seq > prev.Seq {
			out[a.ID] = a
		}
	}
	return out
}
