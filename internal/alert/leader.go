package alert

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"riverside/internal/news"
)

// Leases is what a Leader needs of the store.
type Leases interface {
	// AcquireLease starts a new term or fails wrapping news.ErrLeaseHeld
	// (returning the holder's lease).
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (news.Lease, error)
	// RenewLease fails wrapping news.ErrLeaseLost once the term is over.
	RenewLease(ctx context.Context, l news.Lease, ttl time.Duration, now time.Time) (news.Lease, error)
	ReleaseLease(ctx context.Context, l news.Lease) error
}

// Leader runs Lead in one process at a time among several that share a
// store (searchd's replicas): the process that holds the lease Name runs
// it, the others wait for the lease to be free or to expire and take
// over then.
//
// A term lasts as long as the lease is renewed (every TTL/3). Lead's
// context is cancelled when the term ends — the lease was lost, or it
// could not be renewed before its expiry by this process's own clock, or
// Run's context is done — and Run waits for Lead to return before it
// tries for the lease again, or releases it at shutdown so that another
// process takes over at once. Since a process can be paused past its
// expiry (and not know it), what Lead writes must be fenced by the term
// in the store as well (store.Fenced).
type Leader struct {
	Store Leases
	// Name of the lease, and Holder, this process's name for it (unique
	// among the processes).
	Name, Holder string
	// TTL is how long a term lasts without renewal (default 15 s): how
	// long the others wait for a holder that died.
	TTL    time.Duration
	Logger *slog.Logger
	// Lead does the work of a term until ctx is cancelled.
	Lead func(ctx context.Context, term news.Lease)

	term atomic.Pointer[news.Lease]
}

// Term returns the term this process holds, and whether it holds one.
func (l *Leader) Term() (news.Lease, bool) {
	if t := l.term.Load(); t != nil {
		return *t, true
	}
	return news.Lease{}, false
}

func (l *Leader) ttl() time.Duration { return or(l.TTL, 15*time.Second) }

func (l *Leader) logger() *slog.Logger {
	if l.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Logger
}

// Run takes the lease whenever it can and leads while it holds it, until
// ctx is done.
func (l *Leader) Run(ctx context.Context) error {
	ttl := l.ttl()
	// Standbys look often enough that one takes over within about a
	// quarter of a TTL of the lease's expiry.
	retry := max(ttl/4, 10*time.Millisecond)
	lastHolder := ""
	for {
		start := time.Now()
		// Bounded: on PostgreSQL a holder paused inside a fenced
		// transaction keeps the lease's row locked until it wakes.
		actx, cancel := context.WithTimeout(ctx, ttl)
		term, err := l.Store.AcquireLease(actx, l.Name, l.Holder, ttl, start)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err == nil:
			lastHolder = l.Holder
			l.lead(ctx, term, start)
			if ctx.Err() != nil {
				return nil
			}
		case errors.Is(err, news.ErrLeaseHeld):
			if term.Holder != lastHolder {
				l.logger().Info("lease held by another replica", "lease", l.Name, "holder", term.Holder, "epoch", term.Epoch)
				lastHolder = term.Holder
			}
		default:
			l.logger().Warn("taking the lease failed; will retry", "lease", l.Name, "err", err, "retry_in", retry)
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// lead runs one term, which started (by this process's clock) at start.
func (l *Leader) lead(ctx context.Context, term news.Lease, start time.Time) {
	ttl := l.ttl()
	termCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	held := term // Term's readers get copies; term itself moves on
	l.term.Store(&held)
	l.logger().Info("lease taken: this replica leads", "lease", l.Name, "holder", l.Holder, "epoch", term.Epoch)
	go func(term news.Lease) {
		defer close(done)
		l.Lead(termCtx, term)
	}(term)
	// The term is valid until start+ttl by the monotonic clock: the store
	// compares the expiry with other processes' wall clocks, and the time
	// of the call that took or renewed the lease is a lower bound of when
	// the store wrote it.
	expiry := time.NewTimer(ttl - time.Since(start))
	defer expiry.Stop()
	renew := time.NewTicker(max(ttl/3, time.Millisecond))
	defer renew.Stop()
	stepDown := func(why string, args ...any) {
		cancel()
		<-done
		l.term.Store(nil)
		l.logger().Warn("stepping down: "+why, append([]any{"lease", l.Name, "epoch", term.Epoch}, args...)...)
	}
	for {
		select {
		case <-ctx.Done():
			cancel()
			<-done
			l.term.Store(nil)
			// Released only once Lead has stopped: its last fenced writes
			// (an abandoned claim given back) need the term.
			rctx, c := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := l.Store.ReleaseLease(rctx, term)
			c()
			if err != nil {
				l.logger().Warn("releasing the lease failed; the others take over when it expires", "lease", l.Name, "err", err)
			} else {
				l.logger().Info("lease released", "lease", l.Name, "epoch", term.Epoch)
			}
			return
		case <-done:
			// Lead gave up on its own: let another replica lead.
			l.term.Store(nil)
			rctx, c := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			l.Store.ReleaseLease(rctx, term)
			c()
			return
		case <-expiry.C:
			stepDown("the lease could not be renewed in time")
			return
		case <-renew.C:
			t := time.Now()
			rctx, c := context.WithTimeout(termCtx, max(ttl/3, time.Millisecond))
			nt, err := l.Store.RenewLease(rctx, term, ttl, t)
			c()
			switch {
			case err == nil:
				term = nt
				held := nt
				l.term.Store(&held)
				expiry.Reset(ttl - time.Since(t))
			case errors.Is(err, news.ErrLeaseLost):
				stepDown("the lease was taken over", "err", err)
				return
			case ctx.Err() == nil:
				// The store may be busy a moment: try again on the next
				// tick, until the term expires.
				l.logger().Warn("renewing the lease failed; will retry", "lease", l.Name, "err", err)
			}
		}
	}
}
