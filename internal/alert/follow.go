package alert

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"riverside/internal/news"
)

// Log is what the Follower needs of the store.
type Log interface {
	Since(ctx context.Context, afterSeq int64, limit int) ([]news.Article, error)
	AlertCheckpoint(ctx context.Context) (int64, error)
	Subscriptions(ctx context.Context) ([]news.Subscription, error)
	RecordMatches(ctx context.Context, upTo int64, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error)
}

// Hit is an article of a batch that a query matched, with its snippet.
type Hit struct {
	ID      string
	Snippet string
}

// Matcher runs every query against a batch of articles (and nothing
// else): hits[i] for queries[i], errs[i] for a query that can't be
// planned. The index's MatchBatch is one.
type Matcher func(ctx context.Context, batch []news.Article, queries []news.Query) (hits [][]Hit, errs []error, err error)

// Follower matches new article versions against the saved searches and
// records the matches in the outbox, from a checkpoint of its own.
type Follower struct {
	Store  Log
	Match  Matcher
	Logger *slog.Logger
	// Batch is the most versions matched at once (default 500); Poll the
	// pause once caught up (default 1s) unless woken.
	Batch int
	Poll  time.Duration
	// Recorded, when set, is called with what each step recorded.
	Recorded func([]news.Match)
	// Busy, when set, tells Run that indexing has a backlog: Run then
	// waits, up to MaxHold in a row (default 1 minute), and leaves the CPU
	// to indexing. Alerts keep their own checkpoint, so they can lag and
	// catch up; search must not.
	Busy    func(ctx context.Context) bool
	MaxHold time.Duration
	// Now defaults to time.Now.
	Now      func() time.Time
	wake     chan struct{}
	wakeOnce sync.Once
}

// Wake makes a waiting Run look at the log now. It never blocks; the
// index's after-apply hook calls it, so alerts follow indexing closely
// while keeping their own checkpoint.
func (f *Follower) Wake() {
	f.init()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// init makes the wake channel once: Wake (the indexer's goroutine) and
// Run may be the first to need it.
func (f *Follower) init() {
	f.wakeOnce.Do(func() { f.wake = make(chan struct{}, 1) })
}

// Run follows the log until ctx is done. Errors are logged and retried
// with a growing pause.
func (f *Follower) Run(ctx context.Context) error {
	f.init()
	poll := f.Poll
	if poll <= 0 {
		poll = time.Second
	}
	backoff := poll
	var holding time.Time
	for {
		if f.Busy != nil && f.Busy(ctx) {
			if holding.IsZero() {
				holding = time.Now()
			}
			if time.Since(holding) < or(f.MaxHold, time.Minute) {
				if !f.sleep(ctx, poll) {
					return nil
				}
				continue
			}
		} else {
			holding = time.Time{}
		}
		n, err := f.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := poll
		switch {
		case err != nil:
			f.logger().Error("matching alerts failed; will retry", "err", err, "retry_in", backoff)
			wait, backoff = backoff, min(backoff*2, 30*time.Second)
		case n == f.batch():
			backoff = poll
			continue
		default:
			backoff = poll
		}
		if !f.sleep(ctx, wait) {
			return nil
		}
	}
}

// sleep waits for d or a Wake; it reports false when ctx is done.
func (f *Follower) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-f.wake:
	case <-t.C:
	}
	return true
}

func (f *Follower) batch() int {
	if f.Batch <= 0 {
		return 500
	}
	return f.Batch
}

func (f *Follower) logger() *slog.Logger {
	if f.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Logger
}

// Step matches the next batch of the log after the checkpoint and
// records it, returning the number of versions read.
func (f *Follower) Step(ctx context.Context) (int, error) {
	cp, err := f.Store.AlertCheckpoint(ctx)
	if err != nil {
		return 0, err
	}
	batch, err := f.Store.Since(ctx, cp, f.batch())
	if err != nil {
		return 0, fmt.Errorf("alerts: read log after seq %d: %w", cp, err)
	}
	if len(batch) == 0 {
		return 0, nil
	}
	upTo := batch[len(batch)-1].Seq
	subs, err := f.Store.Subscriptions(ctx)
	if err != nil {
		return 0, err
	}
	var live []news.Subscription
	var queries []news.Query
	for _, s := range subs {
		// A subscription only sees versions after its creation.
		if s.Kind == news.KindSearch && s.StartSeq < upTo {
			live = append(live, s)
			queries = append(queries, news.Query{Q: s.Query, Source: s.Source, District: s.District, Lang: s.Lang})
		}
	}
	var ms []news.Match
	if len(live) > 0 {
		hits, errs, err := f.Match(ctx, batch, queries)
		if err != nil {
			return 0, fmt.Errorf("alerts: match seq %d-%d: %w", batch[0].Seq, upTo, err)
		}
		latest := make(map[string]*news.Article, len(batch))
		for i := range batch {
			a := &batch[i]
			if p, ok := latest[a.ID]; !ok || p.Seq < a.Seq {
				latest[a.ID] = a
			}
		}
		for i, s := range live {
			if errs[i] != nil {
				// The planner may have changed since the query was
				// saved; the others go on.
				f.logger().Warn("subscription query fails", "subscription", s.ID, "err", errs[i])
				continue
			}
			for _, h := range hits[i] {
				a := latest[h.ID]
				if a == nil || a.Seq <= s.StartSeq {
					continue
				}
				ms = append(ms, articleMatch(s.ID, a, h.Snippet))
			}
		}
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	rec, err := f.Store.RecordMatches(ctx, upTo, ms, now(), NewDeliveryID)
	if err != nil {
		return 0, err
	}
	if len(rec) > 0 {
		f.logger().Info("alerts matched", "matches", len(rec), "seq", upTo)
		if f.Recorded != nil {
			f.Recorded(rec)
		}
	}
	return len(batch), nil
}

// articleMatch is the outbox entry of an article version.
func articleMatch(sub string, a *news.Article, snippet string) news.Match {
	return news.Match{
		Subscription: sub, ArticleID: a.ID, Version: a.Version, Seq: a.Seq,
		URL: a.URL, Title: a.Title, Published: a.Published, Updated: a.Fetched,
		Source: a.SourceID, District: a.District(), Lang: a.Lang, Author: a.Author, Publisher: a.Publisher,
		Snippet: snippet,
	}
}
