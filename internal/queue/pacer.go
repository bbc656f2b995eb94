package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// A host's key holds, while a request to it is under way, the token of
// the worker making it (with the lease as its expiry, renewed while the
// request lasts); after the request, "pause" for as long as the host must
// be left alone (its delay, Crawl-delay or backoff). Absent: free. One
// SET NX takes it, so two workers never both do.
const pauseValue = "pause"

// acquireScript takes a host, or says how long to wait: a positive wait is
// a pause (sleep it out), a negative one a request under way elsewhere
// (look again soon: it ends when that worker releases it).
var acquireScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local t = redis.call('PTTL', KEYS[1])
if t < 1 then t = 1 end
if redis.call('GET', KEYS[1]) == '` + pauseValue + `' then return t end
return -t
`)

// releaseScript hands a host back, leaving the pause behind, unless the
// lease ran out and the host is someone else's now.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then
	redis.call('SET', KEYS[1], '` + pauseValue + `', 'PX', ARGV[2])
else
	redis.call('DEL', KEYS[1])
end
return 1
`)

// renewScript extends a lease that is still ours.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`)

// Pacer lets one request at a time reach each host across every worker
// that shares the Redis, and keeps the pause the last one asked for.
type Pacer struct {
	c *Client
}

// Pacer returns the client's host pacer.
func (c *Client) Pacer() *Pacer { return &Pacer{c: c} }

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Acquire waits until host is free and its pause is over, and takes it.
// The caller makes its request, then calls release with the pause to
// keep before the host's next request (0: none), whoever makes it.
// While held, the host's lease is renewed; a worker that dies holding it
// frees it after the lease.
func (p *Pacer) Acquire(ctx context.Context, host string) (release func(pause time.Duration), err error) {
	key := p.c.key("host", host)
	token := newToken()
	lease := ms(p.c.lease)
	for {
		wait, err := acquireScript.Run(ctx, p.c.rdb, []string{key}, token, lease).Int64()
		if err != nil {
			return nil, fmt.Errorf("queue: acquire host %s: %w", host, err)
		}
		if wait == 0 {
			break
		}
		d := time.Duration(wait) * time.Millisecond
		if wait < 0 {
			d = min(-d, pollMax)
		}
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.renew(key, token, stop)
	}()
	var once sync.Once
	return func(pause time.Duration) {
		once.Do(func() {
			close(stop)
			wg.Wait()
			// Released even when the request's context is done: the
			// pause must hold for the other workers.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			var px int64
			if pause > 0 {
				px = ms(pause)
			}
			if err := releaseScript.Run(rctx, p.c.rdb, []string{key}, token, px).Err(); err != nil {
				p.c.log.Warn("queue: releasing host", "host", host, "err", err)
			}
		})
	}, nil
}

// renew extends a held host's lease every third of it until stop.
func (p *Pacer) renew(key, token string, stop <-chan struct{}) {
	t := time.NewTicker(p.c.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), p.c.lease/3)
			n, err := renewScript.Run(ctx, p.c.rdb, []string{key}, token, ms(p.c.lease)).Int64()
			cancel()
			if err != nil || n == 0 {
				p.c.log.Warn("queue: host lease not renewed", "key", key, "err", err)
			}
		}
	}
}
