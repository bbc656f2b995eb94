package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"riverside/internal/alert"
	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
	"riverside/internal/web"
)

// alertConfig holds the flags of alerts and access.
type alertConfig struct {
	tokenFile            string
	allowPrivateWebhooks bool
	maxAttempts          int
	webhookTimeout       time.Duration
	webhookConcurrency   int
	webhookBackoff       time.Duration
	webhookMaxBackoff    time.Duration
	healthInterval       time.Duration
}

func (c *alertConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.tokenFile, "token-file", "", "`file` holding the token that writes and exports need (Authorization: Bearer); none: open")
	fs.BoolVar(&c.allowPrivateWebhooks, "allow-private-webhooks", false, "let webhooks reach loopback, private and link-local addresses (demo, tests)")
	fs.IntVar(&c.maxAttempts, "webhook-max-attempts", 8, "failed attempts after which a webhook delivery is dead")
	fs.DurationVar(&c.webhookTimeout, "webhook-timeout", 10*time.Second, "time allowed for one webhook POST")
	fs.IntVar(&c.webhookConcurrency, "webhook-concurrency", 8, "webhook POSTs in flight at most")
	fs.DurationVar(&c.webhookBackoff, "webhook-backoff", 5*time.Second, "pause after a delivery's first failure (doubled each time, with jitter)")
	fs.DurationVar(&c.webhookMaxBackoff, "webhook-max-backoff", time.Hour, "longest pause between two attempts of a delivery")
	fs.DurationVar(&c.healthInterval, "health-interval", time.Minute, "pause between source-health checks")
}

func (c *alertConfig) check() error {
	switch {
	case c.maxAttempts < 1:
		return fmt.Errorf("-webhook-max-attempts %d: want ≥ 1", c.maxAttempts)
	case c.webhookTimeout <= 0 || c.webhookBackoff <= 0 || c.healthInterval <= 0 || c.webhookMaxBackoff < c.webhookBackoff:
		return errors.New("-webhook-timeout, -webhook-backoff and -health-interval must be > 0, -webhook-max-backoff ≥ -webhook-backoff")
	case c.webhookConcurrency < 1:
		return fmt.Errorf("-webhook-concurrency %d: want ≥ 1", c.webhookConcurrency)
	}
	return nil
}

// readToken reads the token file: its first line, trimmed.
func readToken(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("-token-file: %w", err)
	}
	tok, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	tok = strings.TrimSpace(tok)
	if len(tok) < 16 {
		return "", fmt.Errorf("-token-file %s: the token must be at least 16 characters", path)
	}
	return tok, nil
}

// alerts runs the alert follower, the webhook deliverer and the source
// health checks while this replica holds the alert lease (replica.go),
// and adapts them and the store to the web package.
type alerts struct {
	st     *store.Store
	idx    *index.Index
	guard  alert.Guard
	notify alert.Notifier
	leader *alert.Leader
	// newTerm makes the three workers of a term, over the store fenced
	// to it.
	newTerm func(st *store.Fenced) *term
	// cur is the running term's workers, nil on a standby.
	cur       atomic.Pointer[term]
	poll      time.Duration
	wg        sync.WaitGroup
	closing   chan struct{}
	closeOnce sync.Once
}

// term is the alert work of one term of the lease.
type term struct {
	follower  *alert.Follower
	deliverer *alert.Deliverer
	health    *alert.HealthChecker
}

// attempted, when set, is told of every webhook delivery attempt's
// outcome (metrics).
func newAlerts(c alertConfig, r replicaConfig, batch int, poll time.Duration, st *store.Store, idx *index.Index, logger *slog.Logger,
	attempted func(news.Delivery, news.Attempt)) *alerts {
	a := &alerts{st: st, idx: idx, guard: alert.Guard{AllowPrivate: c.allowPrivateWebhooks}, closing: make(chan struct{}),
		poll: poll}
	client := a.guard.Client(c.webhookTimeout)
	a.newTerm = func(fst *store.Fenced) *term {
		t := &term{}
		t.deliverer = &alert.Deliverer{Store: fst, Claims: fst, Client: client, Logger: logger,
			MaxAttempts: c.maxAttempts, Concurrency: c.webhookConcurrency, Backoff: c.webhookBackoff, MaxBackoff: c.webhookMaxBackoff, Poll: poll,
			Delivered: attempted}
		recorded := func([]news.Match) {
			a.notify.Broadcast()
			t.deliverer.Wake()
		}
		t.follower = &alert.Follower{Store: fst, Match: a.matchBatch, Logger: logger, Batch: batch, Poll: poll, Recorded: recorded,
			Busy: func(ctx context.Context) bool { return a.indexBehind(ctx, int64(batch)) }}
		t.health = &alert.HealthChecker{Store: fst, Logger: logger, Interval: c.healthInterval, Recorded: recorded}
		return t
	}
	a.leader = &alert.Leader{Store: st, Name: alertLease, Holder: r.id, TTL: r.leaseTTL, Logger: logger, Lead: a.lead}
	return a
}

// start takes part in the election of the alerting replica, and watches
// the outbox for live streams, until ctx is done; wait waits for both.
func (a *alerts) start(ctx context.Context) {
	a.wg.Go(func() { a.leader.Run(ctx) })
	a.wg.Go(func() { a.watchOutbox(ctx) })
}

func (a *alerts) wait() { a.wg.Wait() }

// lead runs the alert work of one term of the lease until ctx is done.
func (a *alerts) lead(ctx context.Context, l news.Lease) {
	t := a.newTerm(a.st.Fenced(l))
	a.cur.Store(t)
	defer a.cur.Store(nil)
	var wg sync.WaitGroup
	wg.Go(func() { t.follower.Run(ctx) })
	wg.Go(func() { t.deliverer.Run(ctx) })
	wg.Go(func() { t.health.Run(ctx) })
	wg.Wait()
}

// watchOutbox wakes the live streams when the outbox grows, whichever
// replica recorded the matches (the leader's own are announced at once;
// this is for the standbys).
func (a *alerts) watchOutbox(ctx context.Context) {
	last, _ := a.st.LastMatchRow(ctx)
	t := time.NewTicker(a.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		row, err := a.st.LastMatchRow(ctx)
		if err == nil && row != last {
			last = row
			a.notify.Broadcast()
		}
	}
}

// wakeDeliverer makes the deliverer look for due deliveries now, when
// this replica delivers; the leader's deliverer polls anyway.
func (a *alerts) wakeDeliverer() {
	if t := a.cur.Load(); t != nil {
		t.deliverer.Wake()
	}
}

// afterIndex wakes the alert follower when the index has taken a batch:
// alerts follow indexing closely, from their own checkpoint.
func (a *alerts) afterIndex(context.Context, []news.Article) {
	if t := a.cur.Load(); t != nil {
		t.follower.Wake()
	}
}

// indexBehind tells whether indexing has more than a batch to go: alerts
// then wait (Follower.Busy), so that a backlog (a first start, a rebuilt
// index, a bulk import) is indexed at full speed; in steady running the
// index is within a batch of the log and alerts follow at once.
func (a *alerts) indexBehind(ctx context.Context, batch int64) bool {
	head, err := a.st.MaxSeq(ctx)
	if err != nil {
		return false
	}
	cp, err := a.idx.Checkpoint()
	return err == nil && head-cp > batch
}

// matchBatch adapts the index's batch matcher to the alert package.
// Alerts may lag behind indexing (they keep their own checkpoint): while
// the index is still behind the batch, matching takes half the cores and
// leaves the others to indexing; once indexing has caught up, all.
func (a *alerts) matchBatch(ctx context.Context, batch []news.Article, qs []news.Query) ([][]alert.Hit, []error, error) {
	workers := runtime.GOMAXPROCS(0)
	if cp, err := a.idx.Checkpoint(); err == nil && cp < batch[len(batch)-1].Seq {
		workers = max(1, workers/2)
	}
	out, errs, err := index.MatchBatchWorkers(ctx, batch, qs, workers)
	if err != nil {
		return nil, nil, err
	}
	hits := make([][]alert.Hit, len(out))
	for i, hs := range out {
		hits[i] = make([]alert.Hit, len(hs))
		for j, h := range hs {
			hits[i][j] = alert.Hit{ID: h.ID, Snippet: h.Snippet}
		}
	}
	return hits, errs, nil
}

// storeErr maps the store's errors that the web package tells apart:
// "no such subscription" (a 404) and a full disk (a 503).
func storeErr(err error) error {
	if store.IsDiskFull(err) {
		return fmt.Errorf("%w: %w", web.ErrStorageFull, err)
	}
	return notFound(err)
}

// notFound maps the store's "no such subscription" to the web's.
func notFound(err error) error {
	if errors.Is(err, store.ErrSubscriptionNotFound) {
		return fmt.Errorf("%w: %w", web.ErrSubscriptionNotFound, err)
	}
	return err
}

func (a *alerts) CreateSubscription(ctx context.Context, sub *news.Subscription) error {
	return storeErr(a.st.CreateSubscription(ctx, sub))
}

func (a *alerts) Subscriptions(ctx context.Context) ([]news.Subscription, error) {
	return a.st.Subscriptions(ctx)
}

func (a *alerts) Subscription(ctx context.Context, id string) (*news.Subscription, error) {
	sub, err := a.st.Subscription(ctx, id)
	return sub, notFound(err)
}

func (a *alerts) DeleteSubscription(ctx context.Context, id string) error {
	return storeErr(a.st.DeleteSubscription(ctx, id))
}

func (a *alerts) Matches(ctx context.Context, sub string, limit int) ([]news.Match, error) {
	return a.st.Matches(ctx, sub, limit)
}

func (a *alerts) MatchesAfter(ctx context.Context, sub string, row int64, limit int) ([]news.Match, error) {
	return a.st.MatchesAfter(ctx, sub, row, limit)
}

func (a *alerts) Deliveries(ctx context.Context, sub string, limit int) ([]news.Delivery, error) {
	return a.st.Deliveries(ctx, sub, limit)
}

func (a *alerts) DeliveryStates(ctx context.Context) (map[string]map[string]int, error) {
	return a.st.DeliveryStates(ctx)
}

func (a *alerts) Redeliver(ctx context.Context, sub, delivery string) error {
	if err := a.st.Redeliver(ctx, sub, delivery, time.Now()); err != nil {
		return storeErr(err)
	}
	a.wakeDeliverer()
	return nil
}

func (a *alerts) RedeliverDead(ctx context.Context, sub string) (int, error) {
	n, err := a.st.RedeliverDead(ctx, sub, time.Now())
	if err == nil && n > 0 {
		a.wakeDeliverer()
	}
	return n, err
}

func (a *alerts) CheckQuery(q news.Query) error { return a.idx.Check(q) }

func (a *alerts) CheckWebhook(ctx context.Context, u string) error { return a.guard.CheckURL(ctx, u) }

func (a *alerts) Changed() <-chan struct{} { return a.notify.Changed() }

func (a *alerts) Closing() <-chan struct{} { return a.closing }

// closeStreams ends the live streams; http.Server.Shutdown calls it.
func (a *alerts) closeStreams() { a.closeOnce.Do(func() { close(a.closing) }) }

func (a *alerts) NewIDs() (string, string) { return alert.NewSubscriptionID(), alert.NewSecret() }
