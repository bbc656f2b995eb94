// Command mirror serves Riverside's offline mirror of the source sites
// on one loopback listener, for `make demo` and for tests.
//
//	mirror [-addr 127.0.0.1:8081] [-sources FILE] [-faults] [-generate N] [-v]
//
// -faults lists the faults site (/faults/: 429s, 5xx bursts, timeouts,
// truncated and huge bodies, redirect loops, robots.txt, a calendar trap,
// soft 404s, edits …) in the sources file, with a crawler block whose
// timeout and body limit those pages exceed. -generate N puts N made-up
// articles on the bulk site (/bulk/), for crash tests and benchmarks.
//
// With -sources it writes a sources file for the crawler, pointing at
// the address actually bound (so -addr 127.0.0.1:0 works). Articles are
// published at run time with POST /_mirror/publish.
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

	"riverside/internal/mirror"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mirror:", err)
		stop()
		os.Exit(1)
	}
}

// shutdownTimeout bounds the wait for in-flight requests at exit.
const shutdownTimeout = 5 * time.Second

// writeFileAtomic writes a file through a temporary file and a rename,
// so that a reader polling for it never sees it half written.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("write sources: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write sources: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write sources: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write sources: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write sources: %w", err)
	}
	return nil
}

// run serves the mirror until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mirror", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen `address`")
	sources := fs.String("sources", "", "write a sources file for the mirror to `FILE` once listening")
	verbose := fs.Bool("v", false, "log every request")
	faults := fs.Bool("faults", false, "list the faults site's sources (and a crawler block) in the sources file")
	slow := fs.Duration("fault-slow", 0, "delay of the faults site's slow page (default 300ms)")
	hang := fs.Duration("fault-hang", 0, "delay of the faults site's page that times out (default 5s)")
	crawlDelay := fs.Duration("crawl-delay", 0, "Crawl-delay to give in robots.txt (whole host)")
	generate := fs.Int("generate", 0, "put `N` made-up articles on the bulk site (/bulk/)")
	generateDelay := fs.Duration("generate-delay", 0, "delay of every bulk site request")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	m, err := mirror.New(mirror.Options{Logger: log,
		Faults:   mirror.Faults{List: *faults, Slow: *slow, Hang: *hang, CrawlDelay: *crawlDelay},
		Generate: *generate, GenerateDelay: *generateDelay})
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	if *sources != "" {
		if err := writeFileAtomic(*sources, m.SourcesYAML(base)); err != nil {
			ln.Close()
			return err
		}
		log.Info("wrote sources", "file", *sources)
	}

	srv := &http.Server{
		Handler:           m.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("mirror listening", "url", base, "sites", m.Sites())
	fmt.Fprintf(stdout, "mirror: serving %s\n", base)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
