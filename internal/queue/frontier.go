package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// A source's key (a hash) names its current pass (pass), the round it was
// started for (round), whether it is running or done (state) and how many
// workers joined it (joined). A pass has three keys of its own:
// PREFIX pass:SOURCE/ID:pending (a list of items to take), :seen (the set
// of item keys ever added: the pass's visited set) and :leased (a sorted
// set, item → the Redis time in ms its lease ends). A pass is done when
// nothing is pending and nothing is leased; its three keys go then.
//
// The scripts build the pass keys themselves, so the frontier needs one
// Redis, not a Redis Cluster.

// joinScript joins the source's pass under way, or the one of the same
// round even if done; otherwise it starts a pass, seeded with the items.
// KEYS: source hash, pass counter. ARGV: round, pass key prefix, then
// key/item pairs.
var joinScript = redis.NewScript(`
local pass = redis.call('HGET', KEYS[1], 'pass')
local state = redis.call('HGET', KEYS[1], 'state')
local round = redis.call('HGET', KEYS[1], 'round')
if pass and (state == 'running' or (ARGV[1] ~= '' and round == ARGV[1])) then
	redis.call('HINCRBY', KEYS[1], 'joined', 1)
	return {pass, state}
end
local id = tostring(redis.call('INCR', KEYS[2]))
redis.call('HSET', KEYS[1], 'pass', id, 'state', 'running', 'round', ARGV[1], 'joined', 1)
local base = ARGV[2] .. id
for i = 3, #ARGV, 2 do
	if redis.call('SADD', base .. ':seen', ARGV[i]) == 1 then
		redis.call('RPUSH', base .. ':pending', ARGV[i+1])
	end
end
return {id, 'running'}
`)

// addScript adds the items whose keys the pass has not seen, in order.
// KEYS: source hash, seen, pending. ARGV: pass id, then key/item pairs.
// Returns the number added, or -1 when the pass is over.
var addScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'pass') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
	return -1
end
local n = 0
for i = 2, #ARGV, 2 do
	if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
		redis.call('RPUSH', KEYS[3], ARGV[i+1])
		n = n + 1
	end
end
return n
`)

// leaseScript puts expired leases back at the head of the queue, then
// leases the first pending item. With none pending, the pass is done if
// nothing is leased either; otherwise the caller waits for the leases.
// KEYS: source hash, pending, leased, seen. ARGV: pass id, lease ms.
// Returns {"item", item, requeued}, {"wait", ms} or {"done"}.
var leaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'pass') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
	return {'done'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for i = #expired, 1, -1 do
	redis.call('ZREM', KEYS[3], expired[i])
	redis.call('LPUSH', KEYS[2], expired[i])
end
local item = redis.call('LPOP', KEYS[2])
if item then
	redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), item)
	return {'item', item, #expired}
end
local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if #first == 0 then
	redis.call('HSET', KEYS[1], 'state', 'done')
	redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
	return {'done'}
end
return {'wait', tonumber(first[2]) - now}
`)

// renewItemsScript extends the leases of the items still leased.
// KEYS: leased. ARGV: lease ms, items. Returns how many were renewed.
var renewItemsScript = redis.NewScript(`
local t = redis.call('TIME')
local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local n = 0
for i = 2, #ARGV do
	n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', deadline, ARGV[i])
end
return n
`)

// Frontier shares passes over sources between workers. Items are opaque
// strings; each is added with a key (its URL, say) that the pass's
// visited set remembers, so that an item is queued once per pass however
// many workers find it. A worker leases an item, handles it and acks it;
// its leases are renewed while it runs, and when it stops renewing them
// (killed) they expire and the items go back to the queue.
type Frontier struct {
	c *Client

	mu     sync.Mutex
	held   map[string]map[string]bool // pass → items leased and not yet acked
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// Frontier returns a frontier on the client. Close it to stop renewing
// its leases.
func (c *Client) Frontier() *Frontier {
	return &Frontier{c: c, held: map[string]map[string]bool{}}
}

// pass is a handle "SOURCE/ID".
func (f *Frontier) keys(pass string) (src, id, base string, err error) {
	i := strings.LastIndexByte(pass, '/')
	if i <= 0 || i == len(pass)-1 {
		return "", "", "", fmt.Errorf("queue: bad pass %q", pass)
	}
	src, id = pass[:i], pass[i+1:]
	return f.c.key("src", src), id, f.c.key("pass", src+"/"+id), nil
}

func pairs(keys, items []string) ([]any, error) {
	if len(keys) != len(items) {
		return nil, fmt.Errorf("queue: %d keys for %d items", len(keys), len(items))
	}
	out := make([]any, 0, 2*len(items))
	for i := range items {
		out = append(out, keys[i], items[i])
	}
	return out, nil
}

// Join enters the pass over source that is under way, or the one started
// for round (when round is not empty) even if it is over; else it starts
// a pass, seeded with items (keys[i] is items[i]'s key). It returns the
// pass's handle and whether the pass is already done.
func (f *Frontier) Join(ctx context.Context, source, round string, keys, items []string) (pass string, done bool, err error) {
	kv, err := pairs(keys, items)
	if err != nil {
		return "", false, err
	}
	args := append([]any{round, f.c.key("pass", source+"/")}, kv...)
	res, err := joinScript.Run(ctx, f.c.rdb, []string{f.c.key("src", source), f.c.key("passes")}, args...).StringSlice()
	if err != nil {
		return "", false, fmt.Errorf("queue: join %s: %w", source, err)
	}
	if len(res) != 2 {
		return "", false, fmt.Errorf("queue: join %s: unexpected reply %q", source, res)
	}
	return source + "/" + res[0], res[1] == "done", nil
}

// Add queues the items whose keys the pass has not seen yet and returns
// how many it queued. Adding to a pass that is over adds nothing.
func (f *Frontier) Add(ctx context.Context, pass string, keys, items []string) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	src, id, base, err := f.keys(pass)
	if err != nil {
		return 0, err
	}
	kv, err := pairs(keys, items)
	if err != nil {
		return 0, err
	}
	n, err := addScript.Run(ctx, f.c.rdb, []string{src, base + ":seen", base + ":pending"}, append([]any{id}, kv...)...).Int()
	if err != nil {
		return 0, fmt.Errorf("queue: add to %s: %w", pass, err)
	}
	return max(n, 0), nil
}

// Lease takes the next item of the pass, waiting while nothing is pending
// but other workers still hold items (which may add more, or expire). It
// returns "" once the pass is done: nothing pending, nothing leased.
func (f *Frontier) Lease(ctx context.Context, pass string) (string, error) {
	src, id, base, err := f.keys(pass)
	if err != nil {
		return "", err
	}
	keys := []string{src, base + ":pending", base + ":leased", base + ":seen"}
	for {
		if err := f.renewing(); err != nil {
			return "", err
		}
		res, err := leaseScript.Run(ctx, f.c.rdb, keys, id, ms(f.c.lease)).Slice()
		if err != nil {
			return "", fmt.Errorf("queue: lease from %s: %w", pass, err)
		}
		kind, _ := res[0].(string)
		switch kind {
		case "item":
			item, _ := res[1].(string)
			if n, _ := res[2].(int64); n > 0 {
				f.c.log.Info("queue: expired leases back in the queue", "pass", pass, "items", n)
			}
			f.mu.Lock()
			if f.held[pass] == nil {
				f.held[pass] = map[string]bool{}
			}
			f.held[pass][item] = true
			f.mu.Unlock()
			return item, nil
		case "wait":
			wait, _ := res[1].(int64)
			if err := sleep(ctx, min(time.Duration(max(wait, 1))*time.Millisecond, pollMax)); err != nil {
				return "", err
			}
		case "done":
			return "", nil
		default:
			return "", fmt.Errorf("queue: lease from %s: unexpected reply %v", pass, res)
		}
	}
}

// ErrLeaseLost is returned by Ack when the item's lease had run out: the
// item went back to the queue and another worker may have handled it too.
var ErrLeaseLost = errors.New("queue: lease lost before ack")

// Ack says the item is handled: it leaves the pass for good.
func (f *Frontier) Ack(ctx context.Context, pass, item string) error {
	_, _, base, err := f.keys(pass)
	if err != nil {
		return err
	}
	f.mu.Lock()
	delete(f.held[pass], item)
	if len(f.held[pass]) == 0 {
		delete(f.held, pass)
	}
	f.mu.Unlock()
	// Acked even when the pass's context is done: the work was done.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	n, err := f.c.rdb.ZRem(actx, base+":leased", item).Result()
	if err != nil {
		return fmt.Errorf("queue: ack in %s: %w", pass, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", pass, ErrLeaseLost)
	}
	return nil
}

// Release gives the items of the pass this worker still holds back to the
// queue at once, for a worker that stops mid-pass (shutdown) and should
// not make the others wait for its leases to run out.
func (f *Frontier) Release(ctx context.Context, pass string) error {
	_, _, base, err := f.keys(pass)
	if err != nil {
		return err
	}
	f.mu.Lock()
	var items []string
	for it := range f.held[pass] {
		items = append(items, it)
	}
	delete(f.held, pass)
	f.mu.Unlock()
	if len(items) == 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	// A lease that ends now is taken back by the next Lease of any worker.
	args := make([]redis.Z, len(items))
	for i, it := range items {
		args[i] = redis.Z{Score: 0, Member: it}
	}
	if err := f.c.rdb.ZAddXX(rctx, base+":leased", args...).Err(); err != nil {
		return fmt.Errorf("queue: release in %s: %w", pass, err)
	}
	return nil
}

// Workers returns how many workers joined the source's current pass.
func (f *Frontier) Workers(ctx context.Context, source string) (int, error) {
	n, err := f.c.rdb.HGet(ctx, f.c.key("src", source), "joined").Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("queue: workers of %s: %w", source, err)
	}
	return n, nil
}

// renewing starts the renewal of held leases on first use.
func (f *Frontier) renewing() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	if f.stop == nil {
		f.stop, f.done = make(chan struct{}), make(chan struct{})
		go f.renewLoop(f.stop, f.done)
	}
	return nil
}

// renewLoop renews every held lease each third of the lease time.
func (f *Frontier) renewLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(f.c.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		f.mu.Lock()
		held := map[string][]any{}
		for pass, items := range f.held {
			for it := range items {
				held[pass] = append(held[pass], it)
			}
		}
		f.mu.Unlock()
		for pass, items := range held {
			_, _, base, err := f.keys(pass)
			if err != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), f.c.lease/3)
			err = renewItemsScript.Run(ctx, f.c.rdb, []string{base + ":leased"}, append([]any{ms(f.c.lease)}, items...)...).Err()
			cancel()
			if err != nil {
				f.c.log.Warn("queue: leases not renewed", "pass", pass, "items", len(items), "err", err)
			}
		}
	}
}

// Close stops renewing leases: items still held expire after the lease
// (use Release first to hand them back at once).
func (f *Frontier) Close() {
	f.mu.Lock()
	f.closed = true
	stop, done := f.stop, f.done
	f.stop = nil
	f.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}
