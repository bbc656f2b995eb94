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
//
// The workers that want a host while it is held or paused wait in line,
// first come first served: PREFIX hostline:HOST is a sorted set of their
// tokens scored by arrival (a ticket one above the last one's), and
// PREFIX hostdue:HOST the Redis time (ms) each one's place expires. Only
// the head of the line may take the host; a waiter renews its place at
// every look, so a worker that dies waiting loses it after stayMax (or
// the lease, if shorter) and the next one moves up. Without a line, the
// worker that gave a host back took it again at once, while the others
// only looked now and then: one worker could keep a host to itself.
const pauseValue = "pause"

// stayMax bounds how long a waiter's place in line outlives its last
// look: how long a worker killed while waiting holds up the line.
const stayMax = 2 * time.Second

// acquireScript drops the waiters whose place expired, then takes the
// host if it is free and nobody is ahead in line; otherwise it puts the
// caller in line (or renews its place) and says how long to wait: a
// positive wait is a pause (sleep it out), a negative one a request under
// way or a turn to come (look again soon, or when woken).
// KEYS: host, line, due. ARGV: token, lease ms, stay ms, channel, host.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for i = 1, #gone do
	redis.call('ZREM', KEYS[2], gone[i])
	redis.call('ZREM', KEYS[3], gone[i])
end
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if (not head or head == ARGV[1]) and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
	if head then
		redis.call('ZREM', KEYS[2], ARGV[1])
		redis.call('ZREM', KEYS[3], ARGV[1])
	end
	return 0
end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
	local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
	local ticket = 1
	if last[2] then ticket = tonumber(last[2]) + 1 end
	redis.call('ZADD', KEYS[2], ticket, ARGV[1])
	if not head then head = ARGV[1] end
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
-- The line goes with its last place (workers may stay for different times).
local far = tonumber(redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')[2])
redis.call('PEXPIREAT', KEYS[2], far)
redis.call('PEXPIREAT', KEYS[3], far)
local v = redis.call('GET', KEYS[1])
if v == '` + pauseValue + `' then return math.max(redis.call('PTTL', KEYS[1]), 1) end
if v then return -math.max(redis.call('PTTL', KEYS[1]), 1) end
-- Free, and another's turn: wake the new head if dead ones went.
if #gone > 0 then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
local due = redis.call('ZSCORE', KEYS[3], head)
if not due then return -1 end
return -math.max(tonumber(due) - now, 1)
`)

// releaseScript hands a host back, leaving the pause behind, unless the
// lease ran out and the host is someone else's now; it wakes the line.
// KEYS: host, line. ARGV: token, pause ms (0: none), channel, host.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then
	redis.call('SET', KEYS[1], '` + pauseValue + `', 'PX', ARGV[2])
else
	redis.call('DEL', KEYS[1])
end
if redis.call('ZCARD', KEYS[2]) > 0 then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return 1
`)

// leaveScript takes a waiter that gives up out of the line; if it was
// the head, the next one is woken.
// KEYS: line, due. ARGV: token, channel, host.
var leaveScript = redis.NewScript(`
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if head == ARGV[1] and redis.call('ZCARD', KEYS[1]) > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return 0
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

// Acquire waits until host is free, its pause is over and every worker
// that asked for it before has had its turn, and takes it.
// The caller makes its request, then calls release with the pause to
// keep before the host's next request (0: none), whoever makes it.
// While held, the host's lease is renewed; a worker that dies holding it
// frees it after the lease.
func (p *Pacer) Acquire(ctx context.Context, host string) (release func(pause time.Duration), err error) {
	key := p.c.key("host", host)
	line := []string{p.c.key("hostline", host), p.c.key("hostdue", host)}
	channel := p.c.key("host-released")
	token := newToken()
	lease := ms(p.c.lease)
	stay := min(p.c.lease, stayMax)
	// Registered before the first look, so that a hand-back between a
	// look and the wait still wakes us.
	wake, unregister := p.c.wake.register(host)
	defer unregister()
	for {
		wait, err := acquireScript.Run(ctx, p.c.rdb, []string{key, line[0], line[1]}, token, lease, ms(stay), channel, host).Int64()
		if err != nil {
			p.leave(ctx, line, token, channel, host)
			return nil, fmt.Errorf("queue: acquire host %s: %w", host, err)
		}
		if wait == 0 {
			break
		}
		d := time.Duration(wait) * time.Millisecond
		if wait < 0 {
			d = min(-d, pollMax)
		}
		// Look again before our place in line expires.
		d = min(d, stay/3)
		if err := sleepOrWake(ctx, d, wake); err != nil {
			p.leave(ctx, line, token, channel, host)
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
			if err := releaseScript.Run(rctx, p.c.rdb, []string{key, line[0]}, token, px, channel, host).Err(); err != nil {
				p.c.log.Warn("queue: releasing host", "host", host, "err", err)
			}
		})
	}, nil
}

// leave gives up a place in line (even when ctx is done: the next waiter
// must not wait for it to expire).
func (p *Pacer) leave(ctx context.Context, line []string, token, channel, host string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := leaveScript.Run(rctx, p.c.rdb, line, token, channel, host).Err(); err != nil {
		p.c.log.Warn("queue: leaving the line for a host", "host", host, "err", err)
	}
}

// sleepOrWake waits d, or until wake receives or ctx is done.
func sleepOrWake(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
