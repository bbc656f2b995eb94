package index_test

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/web"
)

// The load benchmark of issue #10: Riverside's /api/search over loopback
// HTTP beside plain Bleve (default mapping, highlighting on, no facets) on
// the same generated documents with the same queries, in one run. It is a
// test behind a flag, not part of make test:
//
//	go test -run TestSearchLoad -searchload 100000 -timeout 3h -v ./internal/index/
//
// (make bench-search). It prints the indexing rate, the index size, and
// p50, p99 and queries/s with 1 and 4 clients of each. -searchload.mix
// picks the corpus and queries: analyst (loadmix_test.go, the default) or
// heavy (loadgen_test.go).
var (
	loadDocs      = flag.Int("searchload", 0, "articles of the search load benchmark (0: skip it)")
	loadQueryN    = flag.Int("searchload.queries", 1000, "queries in the load benchmark's mix")
	loadBatch     = flag.Int("searchload.batch", 500, "Riverside's base batch (searchd's -batch): Follow grows it while behind")
	loadFixed     = flag.Bool("searchload.fixed", false, "index Riverside in fixed batches of -searchload.batch (Apply), not as Follow does")
	loadIndexOnly = flag.Bool("searchload.indexonly", false, "build both indexes and report indexing only, no queries")
	loadKeepDir   = flag.String("searchload.dir", "", "directory for the two indexes (default: a temporary one)")
	loadTailProf  = flag.String("searchload.tailprofile", "", "write a CPU profile of Riverside's slowest 1% of queries (1 client), run again 5 times, to this file")
	loadCompare   = flag.Bool("searchload.compare", false, "also run Riverside's /api/search with Bleve's searchers only (no lean evaluator)")
	loadMixName   = flag.String("searchload.mix", "analyst", "corpus and query mix: analyst (analysts' words, loadmix_test.go) or heavy (a few hundred words, loadgen_test.go)")
)

// loadMix is a corpus and a query mix of the load benchmark.
type loadMix struct {
	name    string
	corpus  func(n int) []news.Article
	queries func(n int, corpus []news.Article) []loadQuery
}

var loadMixes = map[string]loadMix{
	"analyst": {"analyst", analystCorpus, analystQueries},
	"heavy":   {"heavy", loadCorpus, loadQueries},
}

func TestSearchLoad(t *testing.T) {
	if *loadDocs <= 0 {
		t.Skip("set -searchload N to run the load benchmark")
	}
	dir := *loadKeepDir
	if dir == "" {
		dir = t.TempDir()
	}
	mix, ok := loadMixes[*loadMixName]
	if !ok {
		t.Fatalf("-searchload.mix %q: want analyst or heavy", *loadMixName)
	}
	clients := []int{1, 4}
	if *loadIndexOnly {
		clients = nil
	}
	report := runLoad(t, dir, mix, *loadDocs, *loadQueryN, *loadBatch, clients)
	report.print(os.Stdout)
}

// loadReport holds the figures of one run.
type loadReport struct {
	mix                  string
	docs, queries, batch int
	fixed                bool
	rows                 []loadRow
	index                []indexRow
	tokens               []string
}

type indexRow struct {
	name    string
	rate    float64 // articles/s
	bytes   int64
	elapsed time.Duration
	// cpu is the process's CPU time while indexing: on a shared machine
	// a steadier measure than the wall clock.
	cpu time.Duration
}

type loadRow struct {
	name     string
	clients  int
	p50, p99 time.Duration
	qps      float64
	hits     int64 // summed totals, to check both sides found things
	// lat is each query's latency, in the order of the mix.
	lat []time.Duration
	// medianTotal and p90Total are the median and 90th percentile of
	// the queries' totals: how broad the mix is.
	medianTotal, p90Total int64
	cpu                   time.Duration
}

func (r *loadReport) print(w io.Writer) {
	how := fmt.Sprintf("Riverside as Follow indexes a backlog (batches from %d growing to %d)", r.batch, index.CatchUpBatch)
	if r.fixed {
		how = fmt.Sprintf("Riverside in fixed batches of %d", r.batch)
	}
	fmt.Fprintf(w, "\n%s mix: %d articles (half zh, half en, 2–3 KB), %d queries; %s, plain Bleve in batches of %d\n\n",
		r.mix, r.docs, r.queries, how, plainBatch)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "index\tarticles/s\tsize MB\ttime\tCPU s\tarticles per CPU s\t")
	for _, x := range r.index {
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%s\t%.1f\t%.0f\t\n", x.name, x.rate, float64(x.bytes)/1e6, x.elapsed.Round(time.Second),
			x.cpu.Seconds(), float64(r.docs)/x.cpu.Seconds())
	}
	tw.Flush()
	fmt.Fprintf(w, "\nRiverside's text field, %s\n\n", strings.Join(r.tokens, "; "))
	if len(r.rows) == 0 {
		return
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "search\tclients\tp50 ms\tp99 ms\tqueries/s\tCPU ms/query\tsum of totals\tmedian total\tp90 total\t")
	for _, x := range r.rows {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.0f\t%.2f\t%d\t%d\t%d\t\n", x.name, x.clients, ms(x.p50), ms(x.p99), x.qps,
			ms(x.cpu)/float64(r.queries), x.hits, x.medianTotal, x.p90Total)
	}
	tw.Flush()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runLoad builds both indexes of n generated articles in dir and runs the
// query mix against each over loopback HTTP.
func runLoad(t testing.TB, dir string, mix loadMix, n, nq, batch int, clientCounts []int) *loadReport {
	corpus := mix.corpus(n)
	queries := mix.queries(nq, corpus)
	rep := &loadReport{mix: mix.name, docs: n, queries: nq, batch: batch, fixed: *loadFixed}

	// Riverside: the index as searchd builds it from an imported corpus,
	// by following the log (or, with -searchload.fixed, in fixed batches).
	ourDir := filepath.Join(dir, "riverside")
	idx, err := index.Open(ourDir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	start, cpu0 := time.Now(), cpuTime()
	if *loadFixed {
		for i := 0; i < len(corpus); i += batch {
			if err := idx.Apply(context.Background(), corpus[i:min(i+batch, len(corpus))]); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		followCorpus(t, idx, corpus, batch)
	}
	settle(t, idx.StatsMap)
	el := time.Since(start)
	rep.index = append(rep.index, indexRow{"riverside", float64(n) / el.Seconds(), dirSize(ourDir), el, cpuTime() - cpu0})

	// Plain Bleve: the default mapping (standard analyzer, dynamic fields,
	// the composite _all field), the same documents, in batches of
	// plainBatch whatever Riverside's.
	plainDir := filepath.Join(dir, "bleve")
	plain, err := bleve.New(plainDir, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	start, cpu0 = time.Now(), cpuTime()
	for i := 0; i < len(corpus); i += plainBatch {
		b := plain.NewBatch()
		for _, a := range corpus[i:min(i+plainBatch, len(corpus))] {
			if err := b.Index(a.ID, plainDoc(a)); err != nil {
				t.Fatal(err)
			}
		}
		if err := plain.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, plain.StatsMap)
	el = time.Since(start)
	rep.index = append(rep.index, indexRow{"plain bleve", float64(n) / el.Seconds(), dirSize(plainDir), el, cpuTime() - cpu0})

	// Tokens per article of each language, Riverside's text analyzer
	// against Bleve's standard one, over a sample of the corpus.
	std := plain.Mapping().AnalyzerNamed("standard")
	for _, lang := range []string{"zh", "en"} {
		var ourToks, stdToks, docs int
		for _, a := range corpus[:min(len(corpus), 400)] {
			if a.Lang == lang {
				ourToks += idx.TextTokens(a.Text)
				stdToks += len(std.Analyze([]byte(a.Text)))
				docs++
			}
		}
		if docs > 0 {
			rep.tokens = append(rep.tokens, fmt.Sprintf("%s: %d tokens per article (standard analyzer: %d)", lang, ourToks/docs, stdToks/docs))
		}
	}

	ours := httptest.NewServer(web.New(web.Deps{Searcher: idx, Indexed: idx}))
	defer ours.Close()
	theirs := httptest.NewServer(plainHandler(plain))
	defer theirs.Close()

	ourURLs := make([]string, len(queries))
	plainURLs := make([]string, len(queries))
	for i, q := range queries {
		ourURLs[i] = ours.URL + "/api/search?" + q.params.Encode()
		plainURLs[i] = theirs.URL + "/search?q=" + urlQueryEscape(q.bleve)
	}
	for _, clients := range clientCounts {
		sides := []struct {
			name      string
			urls      []string
			bleveOnly bool
		}{{"riverside /api/search", ourURLs, false}, {"plain bleve", plainURLs, false}}
		if *loadCompare {
			sides = append(sides, struct {
				name      string
				urls      []string
				bleveOnly bool
			}{"riverside, Bleve's searchers", ourURLs, true})
		}
		for _, side := range sides {
			idx.SetBleveOnly(side.bleveOnly)
			// Warm caches and connections with a tenth of the mix.
			drive(t, side.urls[:len(side.urls)/10], clients)
			row := drive(t, side.urls, clients)
			row.name = side.name
			rep.rows = append(rep.rows, row)
			if *loadTailProf != "" && clients == 1 {
				profileTail(t, side.name, side.urls, row.lat, *loadTailProf)
			}
			idx.SetBleveOnly(false)
		}
	}
	return rep
}

// plainBatch is plain Bleve's batch in the load benchmark: a fixed size,
// as an application indexing with Bleve's defaults would use.
const plainBatch = 500

// corpusLog is the article log of a generated corpus (Seq 1..n, in
// order), read as searchd reads the store's.
type corpusLog []news.Article

func (l corpusLog) Since(_ context.Context, afterSeq int64, limit int) ([]news.Article, error) {
	i := sort.Search(len(l), func(i int) bool { return l[i].Seq > afterSeq })
	return l[i:min(i+limit, len(l))], nil
}

// followCorpus indexes corpus as searchd indexes an imported backlog:
// Follow with base batch, until the log's last version is in the index.
func followCorpus(t testing.TB, idx *index.Index, corpus []news.Article, batch int) {
	t.Helper()
	last := corpus[len(corpus)-1].Seq
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- idx.Follow(ctx, corpusLog(corpus), batch, 10*time.Millisecond, logger,
			func(_ context.Context, b []news.Article) {
				if b[len(b)-1].Seq >= last {
					cancel()
				}
			})
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if seq, err := idx.Checkpoint(); err != nil || seq != last {
		t.Fatalf("followed the corpus to seq %d (%v), want %d", seq, err, last)
	}
}

// drive sends every URL once from the given number of concurrent clients
// and measures each response.
func drive(t testing.TB, urls []string, clients int) loadRow {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, len(urls))
	totals := make([]int64, len(urls))
	var next, hits atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start, cpu0 := time.Now(), cpuTime()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(urls) {
					return
				}
				t0 := time.Now()
				res, err := client.Get(urls[i])
				if err != nil {
					failed.Store(err.Error())
					return
				}
				var body struct {
					Total int64 `json:"total"`
				}
				err = json.NewDecoder(res.Body).Decode(&body)
				res.Body.Close()
				lat[i] = time.Since(t0)
				if res.StatusCode != http.StatusOK || err != nil {
					failed.Store(fmt.Sprintf("%s: status %d, %v", urls[i], res.StatusCode, err))
					return
				}
				hits.Add(body.Total)
				totals[i] = body.Total
			}
		})
	}
	wg.Wait()
	el, cpu := time.Since(start), cpuTime()-cpu0
	if f := failed.Load(); f != nil {
		t.Fatal(f)
	}
	byQuery := slices.Clone(lat)
	slices.Sort(lat)
	slices.Sort(totals)
	return loadRow{
		lat:         byQuery,
		medianTotal: totals[len(totals)/2],
		p90Total:    totals[len(totals)*9/10],
		clients:     clients,
		p50:         lat[len(lat)/2],
		p99:         lat[min(len(lat)-1, len(lat)*99/100)],
		qps:         float64(len(urls)) / el.Seconds(),
		hits:        hits.Load(),
		cpu:         cpu,
	}
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// plainDoc is an article as a plain Bleve user would index it.
func plainDoc(a news.Article) map[string]any {
	return map[string]any{
		"title": a.Title, "text": a.Text, "url": a.URL, "source": a.SourceID,
		"district": a.Districts[0], "lang": a.Lang, "published": a.Published,
	}
}

// plainHandler answers /search?q= with a Bleve query-string search: 20
// hits, the hit fields Riverside shows, highlighting on, no facets.
func plainHandler(b bleve.Index) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := bleve.NewSearchRequestOptions(bleve.NewQueryStringQuery(r.URL.Query().Get("q")), 20, 0, false)
		req.Fields = []string{"url", "title", "published", "source", "district", "lang"}
		req.Highlight = bleve.NewHighlight()
		res, err := b.SearchInContext(r.Context(), req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"total": res.Total, "hits": res.Hits})
	})
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// BenchmarkSearchLoad is the load benchmark at a size that fits make
// bench (2,000 articles of the analysts' mix, 200 queries, one client): the full run is
// TestSearchLoad with -searchload (make bench-search).
func BenchmarkSearchLoad(b *testing.B) {
	var rep *loadReport
	for b.Loop() {
		rep = runLoad(b, b.TempDir(), loadMixes["analyst"], 2000, 200, 500, []int{1})
	}
	b.ReportMetric(rep.index[0].rate/rep.index[1].rate, "index-rate-vs-bleve")
	for _, r := range rep.rows {
		name := "riverside"
		if r.name == "plain bleve" {
			name = "bleve"
		}
		b.ReportMetric(ms(r.p50), name+"-p50-ms")
		b.ReportMetric(ms(r.p99), name+"-p99-ms")
		b.ReportMetric(r.qps, name+"-q/s")
	}
	b.ReportMetric(0, "ns/op")
}

// settle waits until an index has persisted what it was given and merged
// its segments: the indexing times include the background work each index
// needs, and one index's merging does not run into the other's timing.
func settle(t testing.TB, stats func() map[string]any) {
	t.Helper()
	busy := func() bool {
		s, _ := stats()["index"].(map[string]any)
		if s == nil {
			return false
		}
		n := func(k string) uint64 {
			v, _ := s[k].(uint64)
			return v
		}
		return n("TotItemsToPersist") > 0 || n("TotMemorySegmentsAtRoot") > 0 ||
			n("TotFileMergePlanTasks") != n("TotFileMergePlanTasksDone")
	}
	deadline := time.Now().Add(10 * time.Minute)
	for quiet := 0; quiet < 5 && time.Now().Before(deadline); {
		if busy() {
			quiet = 0
		} else {
			quiet++
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// profileTail runs the slowest 1% of urls (by their latency in lat) again,
// five times each from one client, under the CPU profiler, and writes the
// profile to file with the side's name in it. It prints those queries.
func profileTail(t testing.TB, side string, urls []string, lat []time.Duration, file string) {
	order := make([]int, len(urls))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(lat[b], lat[a]) })
	tail := order[:max(1, len(order)/100)]
	var slow []string
	for _, i := range tail {
		u, _ := url.Parse(urls[i])
		fmt.Printf("slow (%s): %.1f ms  %s\n", side, ms(lat[i]), u.RawQuery)
		for range 5 {
			slow = append(slow, urls[i])
		}
	}
	tag := strings.Join(strings.FieldsFunc(side, func(r rune) bool { return !unicode.IsLetter(r) }), "-")
	name := strings.TrimSuffix(file, filepath.Ext(file)) + "-" + tag + filepath.Ext(file)
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	drive(t, slow, 1)
	pprof.StopCPUProfile()
}
