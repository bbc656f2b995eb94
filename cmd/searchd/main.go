// Command searchd is Riverside's search daemon: it follows the store's
// article log into the Bleve index and serves the search API and page.
//
//	searchd [-addr 127.0.0.1:8080] [-index index] [-data data] [-batch 500] [-poll 1s] [-log text|json]
//	        [-read-only] [-rate 0] [-burst 0] [-max-searches 8] [-max-body 1048576]
//	        [-token-file F] [-allow-private-webhooks] [-webhook-max-attempts 8] [-webhook-timeout 10s]
//	        [-replica-id HOST:INDEX] [-lease-ttl 15s] [-max-lag 0]
//	searchd export [-data data] -format jsonl|csv|warc|wacz [-q Q] [filters] [-since SEQ] [-o FILE]
//	searchd import [-data data] FILE.jsonl[.gz]
//	searchd reindex [-index index] [-data data]
//
// It is the index's only owner; the crawler writes the store, which
// searchd reads (SQLite in WAL mode lets both run at once).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"riverside/internal/capture"
	"riverside/internal/index"
	"riverside/internal/metrics"
	"riverside/internal/news"
	"riverside/internal/store"
	"riverside/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "searchd:", err)
		}
		stop()
		os.Exit(1)
	}
}

// config holds the flags.
type config struct {
	addr      string
	indexDir  string
	dataDir   string
	storeAt   string // -store
	batch     int
	poll      time.Duration
	logFormat string
	limits    web.Limits
	alerts    alertConfig   // alerts.go
	replica   replicaConfig // replica.go

	// indexMinFree is the free space indexing needs (index.SetMinFree).
	indexMinFree int64
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("searchd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "HTTP listen `address` (port 0 picks a free port)")
	fs.StringVar(&c.indexDir, "index", "index", "Bleve index `directory` (created when missing)")
	fs.StringVar(&c.dataDir, "data", "data", "data `directory` holding "+store.FileName)
	fs.StringVar(&c.storeAt, "store", "", storeUsage)
	fs.IntVar(&c.batch, "batch", 500, "article versions indexed per batch")
	fs.DurationVar(&c.poll, "poll", time.Second, "pause between looks at the store once caught up")
	fs.StringVar(&c.logFormat, "log", "text", "log format on stderr: text or json")
	limitFlags(fs, &c.limits)
	c.alerts.flags(fs)
	c.replica.flags(fs)
	fs.Int64Var(&c.indexMinFree, "index-min-free", index.DefaultMinFree, "free `bytes` the index's disk must keep; below it indexing pauses until there is room (0: no check)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.batch <= 0 {
		return c, fmt.Errorf("-batch %d: want > 0", c.batch)
	}
	if c.poll <= 0 {
		return c, fmt.Errorf("-poll %v: want > 0", c.poll)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("-log %q: want text or json", c.logFormat)
	}
	if err := checkLimits(c.limits); err != nil {
		return c, err
	}
	if err := c.alerts.check(); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := c.replica.check(set, c.indexDir); err != nil {
		return c, err
	}
	return c, nil
}

// shutdownTimeout bounds the wait for requests in flight at shutdown.
const shutdownTimeout = 10 * time.Second

// run is searchd: it returns when ctx is cancelled (after an orderly
// shutdown) or when something fails.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return runExport(ctx, args[1:], stdout, stderr)
		case "import":
			return runImport(ctx, args[1:], stdout, stderr)
		case "reindex":
			return runReindex(ctx, args[1:], stdout, stderr)
		}
	}
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if c.logFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	}
	logger := slog.New(h)
	token, err := readToken(c.alerts.tokenFile)
	if err != nil {
		return err
	}

	// store.Open creates the database when the crawler has not yet: both
	// sides migrate the same schema, so either may start first.
	dbPath := store.Location(c.dataDir, c.storeAt)
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	idx, err := openIndex(c.indexDir, logger)
	if err != nil {
		st.Close()
		return err
	}
	idx.SetMinFree(c.indexMinFree)
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		idx.Close()
		st.Close()
		return fmt.Errorf("listen: %w", err)
	}
	reg := metrics.New(st, idx, logger)
	reg.WatchLag(st, idx, logger)
	reg.WatchAlerts(st, logger)
	al := newAlerts(c.alerts, c.replica, c.batch, c.poll, st, idx, logger, reg.ObserveAttempt)
	reg.WatchLeader(func() bool { _, ok := al.leader.Term(); return ok })
	rep, err := newReplica(ctx, c.replica, st, idx, al.leader, logger)
	if err != nil {
		ln.Close()
		idx.Close()
		st.Close()
		return err
	}
	srv := &http.Server{
		Handler: web.New(web.Deps{
			Searcher: idx,
			Indexed:  idx,
			Articles: articles{st},
			Sources:  st,
			Metrics:  reg.Handler(),
			Observer: reg,
			Logger:   logger,
			Captures: capture.Reader{Dir: filepath.Join(c.dataDir, "warc")},
			Limits:   c.limits,
			Alerts:   al,
			Token:    token,
			Exports: &web.Exports{
				Versions: st,
				Captures: exchanges{dir: filepath.Join(c.dataDir, "warc")},
				IDs:      idx,
			},
			Replica: rep,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(h, slog.LevelWarn),
	}

	drained := newDrain(srv)
	srv.RegisterOnShutdown(al.closeStreams)
	followCtx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	followed := make(chan error, 1)
	go func() {
		followed <- idx.Follow(followCtx, st, c.batch, c.poll, logger, rep.applied, al.afterIndex)
	}()
	al.start(followCtx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "index", c.indexDir, "store", store.Redacted(dbPath), "replica", c.replica.id)

	var errs []error
	followDone := false
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-served:
		errs = append(errs, fmt.Errorf("serve: %w", err))
	case err := <-followed:
		// Follow returns early only for bad arguments.
		followDone = true
		errs = append(errs, err)
	}

	// Ordered shutdown: stop taking requests and finish those in flight,
	// stop indexing, then close the index and last the store.
	if err := drained.shutdown(ctx, srv, logger); err != nil {
		errs = append(errs, err)
	}
	stopFollow()
	if !followDone {
		errs = append(errs, <-followed)
	}
	al.wait()
	errs = append(errs, idx.Close())
	if err := st.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close store: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// openIndex opens the index, rebuilding it when it was made with another
// mapping: it is a view of the store, and Follow fills it again.
func openIndex(dir string, logger *slog.Logger) (*index.Index, error) {
	idx, err := index.Open(dir)
	if errors.Is(err, index.ErrMappingChanged) {
		logger.Warn("index mapping changed; rebuilding from the store", "index", dir, "err", err)
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("remove old index: %w", err)
		}
		idx, err = index.Open(dir)
	}
	return idx, err
}

// articles adapts the store to the web package, whose "not found" is
// web.ErrNotFound.
type articles struct{ st *store.Store }

func (a articles) Article(ctx context.Context, id string) (*news.Article, error) {
	art, err := a.st.Article(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", web.ErrNotFound, err)
	}
	return art, err
}

func (a articles) Duplicates(ctx context.Context, id string) ([]string, error) {
	return a.st.Duplicates(ctx, id)
}

// DuplicatesOf lists the copies of a page of hits at once.
func (a articles) DuplicatesOf(ctx context.Context, ids []string) (map[string][]string, error) {
	return a.st.DuplicatesOf(ctx, ids)
}
