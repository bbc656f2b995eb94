// Package queue shares crawling between crawler workers through Redis:
// the frontier of a pass over a source (what is left to fetch, what was
// already seen, what a worker holds) and the per-host pacing that keeps
// politeness global (one request to a host at a time across all workers,
// and the pause after it) and fair (the workers waiting for a host get it
// in the order they asked).
//
// Every piece of state a worker holds in Redis is a lease with an expiry,
// renewed while the worker lives: a worker killed mid-pass leaves nothing
// stuck, since its items go back to the queue and its hosts free up once
// their leases run out. Times are Redis's own (TIME inside the scripts),
// so workers on hosts with skewed clocks agree.
//
// The Redis client lives here and nowhere else. Callers see plain
// strings: the consumers (ingest, crawl) declare the interfaces they need.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of a Client.
const (
	// DefaultLease is how long an item or a host stays held by a worker
	// that stopped renewing it (killed, frozen, cut off).
	DefaultLease = 30 * time.Second
	// DefaultPrefix starts every key Riverside writes.
	DefaultPrefix = "riverside:"
	// pollMax bounds a wait between two looks at Redis while another
	// worker holds what we wait for.
	pollMax = 50 * time.Millisecond
)

// Client is a connection to the Redis that workers share.
type Client struct {
	rdb    *redis.Client
	prefix string
	lease  time.Duration
	log    *slog.Logger
	wake   *waker
}

// Open connects to the Redis named by rawURL,
// redis://[user:password@]host:port/db[?lease=30s&prefix=riverside:],
// and checks that it answers. lease and prefix are Riverside's; the
// other query parameters are go-redis's (dial_timeout, …).
func Open(ctx context.Context, rawURL string, logger *slog.Logger) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("queue: %q: want redis://host:port/db", rawURL)
	}
	c := &Client{prefix: DefaultPrefix, lease: DefaultLease, log: logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	q := u.Query()
	if v := q.Get("lease"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 10*time.Millisecond {
			return nil, fmt.Errorf("queue: lease=%q: want a duration of at least 10ms", v)
		}
		c.lease = d
	}
	if v := q.Get("prefix"); v != "" {
		c.prefix = v
	}
	q.Del("lease")
	q.Del("prefix")
	u.RawQuery = q.Encode()
	opts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	c.rdb = redis.NewClient(opts)
	c.wake = newWaker(c.rdb, c.key("host-released"))
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		c.rdb.Close()
		return nil, fmt.Errorf("queue: %s: %w", u.Host, err)
	}
	return c, nil
}

// Lease returns how long a dead worker's items and hosts stay held.
func (c *Client) Lease() time.Duration { return c.lease }

// Close closes the connection pool and the pacer's subscription.
func (c *Client) Close() error {
	c.wake.close()
	return c.rdb.Close()
}

func (c *Client) key(parts ...string) string { return c.prefix + strings.Join(parts, ":") }

// ms is d in whole milliseconds, at least 1 (PX 0 is an error).
func ms(d time.Duration) int64 { return max(d.Milliseconds(), 1) }

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrClosed is returned by the calls made after Close.
var ErrClosed = errors.New("queue: closed")
