package main

import (
	"context"
	"flag"
	"io"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"riverside/internal/news"
)

// cmdRun is the scheduled daemon: every source on its own cron schedule in
// Asia/Shanghai, one pass of each at start-up, never two passes of one
// source at once; SIGINT/SIGTERM stop it after the passes under way.
func cmdRun(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf commonFlags
	cf.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	logger := newLogger(stderr, cf.logLevel)
	cfg, err := loadConfig(cf.config)
	if err != nil {
		return exitError{code: 1, msg: err.Error()}
	}
	srcs := cfg.Sources
	st, err := openStore(ctx, cf)
	if err != nil {
		return err
	}
	defer st.Close()
	caps, record, err := openCaptures(cf.data, logger)
	if err != nil {
		return err
	}
	defer caps.Close()
	in := newIngester(cfg, cf, st, logger, record)
	closeQueue, err := shareQueue(ctx, in, cf.queue, logger)
	if err != nil {
		return exitError{code: 1, msg: err.Error()}
	}
	defer closeQueue()
	// Workers' cron jobs fire in the same minute: that minute is the
	// round, so one that comes late finds its pass done, not to redo.
	in.Round = func() string { return time.Now().UTC().Truncate(time.Minute).Format(time.RFC3339) }

	sem := make(chan struct{}, max(cf.parallel, 1))
	var running sync.Map // source id → struct{}: a pass under way
	pass := func(src news.Source) {
		if _, busy := running.LoadOrStore(src.ID, struct{}{}); busy {
			logger.Info("pass skipped: previous still running", "source", src.ID)
			return
		}
		defer running.Delete(src.ID)
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-sem }()
		s := in.Pass(ctx, src)
		logger.Info("pass done", "source", src.ID, "discovered", s.Discovered, "fetched", s.Fetched,
			"new", s.New, "updated", s.Updated, "unchanged", s.Unchanged, "duplicate", s.Duplicate, "skipped", s.Skipped, "failed", s.Failed,
			"traps", s.Traps, "lists_unchanged", s.ListsUnchanged, "capped", s.Capped,
			"elapsed", s.Elapsed.String(), "err", s.Err)
	}

	c := cron.New(cron.WithLocation(news.Shanghai), cron.WithParser(cronParser))
	for _, src := range srcs {
		if _, err := c.AddFunc(src.Schedule, func() { pass(src) }); err != nil {
			return exitError{code: 1, msg: "source " + src.ID + ": schedule: " + err.Error()}
		}
	}
	logger.Info("crawler started", "sources", len(srcs), "config", cf.config, "data", cf.data)
	c.Start()
	// cron waits for its own jobs on Stop; wg covers the start-up passes.
	var wg sync.WaitGroup
	for _, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pass(src)
		}()
	}
	<-ctx.Done()
	logger.Info("stopping: waiting for passes under way")
	<-c.Stop().Done()
	wg.Wait()
	logger.Info("crawler stopped")
	return nil
}
