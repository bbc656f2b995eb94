package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"text/tabwriter"
	"time"

	"riverside/internal/capture"
	"riverside/internal/crawl"
	"riverside/internal/ingest"
	"riverside/internal/news"
	"riverside/internal/source"
	"riverside/internal/store"
)

// commonFlags are the flags of once and run.
type commonFlags struct {
	config, data, userAgent, logLevel string
	parallel                          int
	queue                             string
	store                             string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "sources.yaml", "sources file")
	fs.StringVar(&c.data, "data", "data", "data directory (store and captures)")
	fs.StringVar(&c.userAgent, "user-agent", "", "User-Agent header (default identifies Riverside)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.IntVar(&c.parallel, "parallel", 4, "sources crawled at once")
	fs.StringVar(&c.store, "store", "", "the store: a SQLite `file` or a postgres:// URL (default DATA/"+store.FileName+")")
	fs.StringVar(&c.queue, "queue", "", "share passes and host pacing with other workers through Redis at `URL` (redis://host:port/db[?lease=30s])")
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func openStore(ctx context.Context, cf commonFlags) (*store.Store, error) {
	return store.Open(ctx, store.Location(cf.data, cf.store))
}

// openCaptures opens the WARC writer under DATA/warc and returns the
// ingest hook that records every response.
func openCaptures(dataDir string, logger *slog.Logger) (*capture.Writer, func(*crawl.Response) (news.Capture, error), error) {
	w, err := capture.Open(filepath.Join(dataDir, "warc"), capture.Options{Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	record := func(r *crawl.Response) (news.Capture, error) {
		return w.Write(capture.Exchange{
			Method: r.Method, URL: r.URL, RequestHeader: r.RequestHeader, RequestBody: r.RequestBody,
			Proto: r.Proto, Status: r.Status, ResponseHeader: r.Header, Body: r.Body,
			Fetched: r.Fetched, Duration: r.Elapsed,
			RawRequest: r.RawRequest, RawResponse: r.RawResponse, IP: r.RemoteIP, Notes: r.Notes,
		})
	}
	return w, record, nil
}

// newIngester wires a pass runner from the sources file's crawler block
// and the flags; the -user-agent flag wins over the file.
func newIngester(cfg *source.Config, cf commonFlags, st *store.Store, logger *slog.Logger,
	record func(*crawl.Response) (news.Capture, error)) *ingest.Ingester {
	ua := cf.userAgent
	if ua == "" {
		ua = cfg.Crawler.Agent(crawl.DefaultUserAgent)
	}
	return &ingest.Ingester{Store: st, Logger: logger, UserAgent: ua, Record: record,
		Fetch: crawl.Options{Timeout: cfg.Crawler.Timeout, MaxBodySize: cfg.Crawler.MaxBody, Gate: crawl.NewHostGate()}}
}

func cmdOnce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("once", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf commonFlags
	cf.register(fs)
	only := fs.String("source", "", "crawl only the source with this id")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	cfg, err := loadConfig(cf.config)
	if err != nil {
		return exitError{code: 1, msg: err.Error()}
	}
	srcs := cfg.Sources
	if *only != "" {
		srcs = pick(srcs, *only)
		if len(srcs) == 0 {
			return exitError{code: 1, msg: fmt.Sprintf("no source %q in %s", *only, cf.config)}
		}
	}
	st, err := openStore(ctx, cf)
	if err != nil {
		return err
	}
	defer st.Close()

	logger := newLogger(stderr, cf.logLevel)
	caps, record, err := openCaptures(cf.data, logger)
	if err != nil {
		return err
	}
	defer caps.Close()

	prog := newProgress(stderr)
	in := newIngester(cfg, cf, st, logger, record)
	in.Progress = prog.update
	closeQueue, err := shareQueue(ctx, in, cf.queue, logger)
	if err != nil {
		return exitError{code: 1, msg: err.Error()}
	}
	defer closeQueue()
	results := passAll(ctx, in, srcs, cf.parallel)
	prog.done()

	printSummary(stdout, results)
	crawled := false
	for _, r := range results {
		// A worker of a shared pass may find nothing left to do: the
		// others crawled it.
		if r.Fetched > 0 || r.Known > 0 || r.Shared && r.Err == nil {
			crawled = true
		}
	}
	if !crawled {
		return exitError{code: 1, msg: "nothing could be crawled"}
	}
	return nil
}

func pick(srcs []news.Source, id string) []news.Source {
	for _, s := range srcs {
		if s.ID == id {
			return []news.Source{s}
		}
	}
	return nil
}

// passAll crawls every source once, parallel sources at a time, and returns
// the stats in the order of srcs.
func passAll(ctx context.Context, in *ingest.Ingester, srcs []news.Source, parallel int) []ingest.Stats {
	results := make([]ingest.Stats, len(srcs))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = in.Pass(ctx, src)
		}()
	}
	wg.Wait()
	return results
}

func printSummary(w io.Writer, results []ingest.Stats) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	// traps: links left alone as crawler traps; lists304: list pages
	// unchanged since the last pass; capped: links left for the next pass
	// past max_articles.
	fmt.Fprintln(tw, "source\tdiscovered\tknown\tfetched\tnew\tupdated\tunchanged\tduplicate\tfiltered\tfailed\tskipped\ttraps\tlists304\tcapped\ttime\t")
	var tot ingest.Stats
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", r.Source, r.Discovered, r.Known, r.Fetched,
			r.New, r.Updated, r.Unchanged, r.Duplicate, r.Filtered, r.Failed, r.Skipped, r.Traps, r.ListsUnchanged, r.Capped,
			r.Elapsed.Round(10*time.Millisecond))
		tot.Discovered += r.Discovered
		tot.Known += r.Known
		tot.Fetched += r.Fetched
		tot.New += r.New
		tot.Updated += r.Updated
		tot.Unchanged += r.Unchanged
		tot.Duplicate += r.Duplicate
		tot.Filtered += r.Filtered
		tot.Failed += r.Failed
		tot.Skipped += r.Skipped
		tot.Traps += r.Traps
		tot.ListsUnchanged += r.ListsUnchanged
		tot.Capped += r.Capped
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\t\n", tot.Discovered, tot.Known, tot.Fetched,
		tot.New, tot.Updated, tot.Unchanged, tot.Duplicate, tot.Filtered, tot.Failed, tot.Skipped, tot.Traps, tot.ListsUnchanged, tot.Capped)
	tw.Flush()
	for _, r := range results {
		if r.Shared {
			fmt.Fprintln(w, "passes shared through -queue: the counts are this worker's share")
			break
		}
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(w, "%s: first error: %v\n", r.Source, r.Err)
		}
	}
}

// progress shows a one-line display on a terminal, and nothing elsewhere
// (logs already say what happened).
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	state map[string][2]int
	last  time.Time
}

func newProgress(w io.Writer) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, tty: tty, state: map[string][2]int{}}
}

func (p *progress) update(source string, done, total int, _ string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state[source] = [2]int{done, total}
	if !p.tty || time.Since(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.last = time.Now()
	d, t := 0, 0
	for _, s := range p.state {
		d += s[0]
		t += s[1]
	}
	fmt.Fprintf(p.w, "\r\033[Kcrawling: %d/%d articles, %d sources active — %s %d/%d", d, t, len(p.state), source, done, total)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
