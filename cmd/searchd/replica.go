package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"riverside/internal/alert"
	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
	"riverside/internal/web"
)

// Replicas: any number of searchd processes may follow one store, each
// into its own index (-index), and serve searches. They converge to the
// same index because each applies the same log in order.
//
// Alerts are another matter: matching writes the outbox and moves the
// alerts' checkpoint, and delivering POSTs webhooks. Two replicas doing
// either would at best race for the same rows and at worst send a match
// twice. So one replica at a time — the holder of the store lease
// alertLease — runs the alert follower, the deliverer and the source
// health checks (matching could have been made idempotent under a unique
// key instead, but delivery needs one sender anyway, and one owner of
// the alert checkpoint keeps the two simple). Its outbox writes go
// through the store fenced to its lease term, so a leader that lost the
// lease while paused records and sends nothing when it wakes; the
// others stand by and take over when the lease is released (shutdown)
// or expires (-lease-ttl after a crash). Subscriptions, feeds,
// redeliveries and live streams work on every replica: they read and
// write the shared store.

// alertLease names the lease of the replica that alerts.
const alertLease = "alerts"

// replicaConfig holds the flags of replicas.
type replicaConfig struct {
	id       string
	leaseTTL time.Duration
	maxLag   time.Duration
}

func (c *replicaConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.id, "replica-id", "", "this searchd's `name` among the replicas that follow one store (unique; default HOST:INDEX-PATH)")
	fs.DurationVar(&c.leaseTTL, "lease-ttl", 15*time.Second, "how long the alert lease lasts unrenewed: after a crash, another replica takes over alerts within this")
	fs.DurationVar(&c.maxLag, "max-lag", 0, "/healthz answers 503 while the index is rebuilt or its oldest unindexed version waits longer than this (0: always 200)")
}

// check checks the flags and names the replica after its index when
// -replica-id is not given.
func (c *replicaConfig) check(set map[string]bool, indexDir string) error {
	if !set["replica-id"] {
		c.id = defaultReplicaID(indexDir)
	}
	switch {
	case c.id == "":
		return errors.New("-replica-id: want a name")
	case c.leaseTTL < 100*time.Millisecond:
		return fmt.Errorf("-lease-ttl %v: want ≥ 100ms", c.leaseTTL)
	case c.maxLag < 0:
		return fmt.Errorf("-max-lag %v: want ≥ 0", c.maxLag)
	}
	return nil
}

// defaultReplicaID names a replica by its host and index directory: no
// two live searchd share an index, so the name is unique among them, and
// a searchd restarted on its index (after a crash, say) is the same
// replica — it takes its alert lease back at once, in a new epoch that
// fences its dead predecessor, instead of waiting out the lease.
func defaultReplicaID(indexDir string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "searchd"
	}
	if abs, err := filepath.Abs(indexDir); err == nil {
		indexDir = abs
	}
	return host + ":" + indexDir
}

// replica tracks this searchd's place in the log for /healthz.
type replica struct {
	id     string
	st     *store.Store
	idx    *index.Index
	leader *alert.Leader
	maxLag time.Duration
	logger *slog.Logger

	mu          sync.Mutex
	lastApplied time.Time
	// rebuildTo is the head of the log when searchd opened an empty index
	// (new, or rebuilt for a new mapping): until the index reaches it the
	// replica is rebuilding. 0: not rebuilding.
	rebuildTo int64
}

func newReplica(ctx context.Context, c replicaConfig, st *store.Store, idx *index.Index, leader *alert.Leader, logger *slog.Logger) (*replica, error) {
	r := &replica{id: c.id, st: st, idx: idx, leader: leader, maxLag: c.maxLag, logger: logger}
	cp, err := idx.Checkpoint()
	if err != nil {
		return nil, err
	}
	head, err := st.LastSeq(ctx)
	if err != nil {
		return nil, err
	}
	if cp == 0 && head > 0 {
		r.rebuildTo = head
		logger.Info("index empty: rebuilding from the store", "versions", head)
	}
	return r, nil
}

// applied is the index's after-apply hook.
func (r *replica) applied(_ context.Context, batch []news.Article) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastApplied = time.Now()
	if r.rebuildTo > 0 && batch[len(batch)-1].Seq >= r.rebuildTo {
		r.logger.Info("index rebuilt", "seq", batch[len(batch)-1].Seq)
		r.rebuildTo = 0
	}
}

// ReplicaHealth reports the replica's lag and role (web.Replica).
func (r *replica) ReplicaHealth(ctx context.Context) (web.ReplicaHealth, error) {
	cp, err := r.idx.Checkpoint()
	if err != nil {
		return web.ReplicaHealth{}, err
	}
	head, err := r.st.LastSeq(ctx)
	if err != nil {
		return web.ReplicaHealth{}, err
	}
	h := web.ReplicaHealth{ID: r.id, StoreSeq: head, Lag: max(head-cp, 0)}
	if h.Lag > 0 {
		t, ok, err := r.st.FetchedAfter(ctx, cp)
		if err != nil {
			return web.ReplicaHealth{}, err
		}
		if ok {
			h.LagSeconds = max(time.Since(t).Seconds(), 0)
		}
	}
	r.mu.Lock()
	h.LastApplied = r.lastApplied
	rebuildTo := r.rebuildTo
	r.mu.Unlock()
	h.Rebuilding = rebuildTo > 0 && cp < rebuildTo
	_, h.AlertLeader = r.leader.Term()
	if r.maxLag > 0 {
		switch {
		case h.Rebuilding:
			h.Unready = fmt.Sprintf("the index is being rebuilt from the store: at seq %d of %d", cp, rebuildTo)
		case h.LagSeconds > r.maxLag.Seconds():
			h.Unready = fmt.Sprintf("the index lags behind the store: %d unindexed, the oldest waiting %.0f s (-max-lag %v)", h.Lag, h.LagSeconds, r.maxLag)
		}
	}
	return h, nil
}
