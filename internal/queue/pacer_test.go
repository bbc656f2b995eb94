package queue_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"riverside/internal/queue"
	"riverside/internal/queue/redistest"
)

// scriptsRun counts the scripts the Redis has run (EVAL and EVALSHA),
// whoever sent them: a look at the server that knows nothing of how the
// pacer keeps its state.
func scriptsRun(t testing.TB, rdb *redis.Client) int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, line := range strings.Split(info, "\n") {
		name, stats, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (name != "cmdstat_eval" && name != "cmdstat_evalsha") {
			continue
		}
		for _, kv := range strings.Split(stats, ",") {
			if v, ok := strings.CutPrefix(kv, "calls="); ok {
				c, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				n += c
			}
		}
	}
	return n
}

// watcher is a plain connection to the test's Redis, beside the workers.
func watcher(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// Two workers hammer one host with no pause, each taking and giving back
// the host in a loop. A worker holds the host until the other has asked
// for it (one of the other's scripts reached Redis while the host was
// held), then gives it back and asks again at once: first come, first
// served, so the other goes first. The turns must alternate. (Before the
// waiting line, the worker giving the host back took it again at once
// while the other slept between two looks.)
func TestPacerTakesTurns(t *testing.T) {
	url := redistest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	watch := watcher(t, url)
	const rounds = 30
	const host = "example.org:80"
	pacers := [2]*queue.Pacer{open(t, url).Pacer(), open(t, url).Pacer()}
	var left [2]atomic.Int32
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for w := range pacers {
		left[w].Store(rounds)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				release, err := pacers[w].Acquire(ctx, host)
				if err != nil {
					t.Errorf("worker %d, round %d: %v", w, i, err)
					return
				}
				mu.Lock()
				order = append(order, w)
				mu.Unlock()
				left[w].Add(-1)
				// Only the other worker runs scripts while this one
				// holds the host (no renewal within a 30 s lease).
				before := scriptsRun(t, watch)
				for left[1-w].Load() > 0 && scriptsRun(t, watch) == before && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				release(0)
			}
		}()
	}
	wg.Wait()
	if len(order) != 2*rounds {
		t.Fatalf("%d acquisitions, want %d", len(order), 2*rounds)
	}
	for i := 1; i < len(order); i++ {
		if order[i] == order[i-1] {
			t.Fatalf("worker %d got the host twice in a row (acquisitions %d and %d) while the other waited: order %s",
				order[i], i-1, i, fmt.Sprint(order))
		}
	}
}

// waitInLine waits until n workers wait in line for host.
func waitInLine(t *testing.T, p *queue.Pacer, host string, n int64) {
	t.Helper()
	for {
		got, err := p.LineLen(context.Background(), host)
		if err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// A worker that gives up waiting (its context done) leaves the line at
// once; one that dies in line (its client gone, as when killed) keeps its
// place until the place expires, holding the host up only that long.
func TestPacerWaiterLeavesOrExpires(t *testing.T) {
	url := redistest.Start(t) + "?lease=1h" // a place in line expires after stayMax, 2 s
	ctx := context.Background()
	const host = "example.org:80"
	holder := open(t, url).Pacer()
	release, err := holder.Acquire(ctx, host)
	if err != nil {
		t.Fatal(err)
	}

	// Gives up.
	quitter := open(t, url).Pacer()
	qctx, cancel := context.WithCancel(ctx)
	quit := make(chan error, 1)
	go func() {
		_, err := quitter.Acquire(qctx, host)
		quit <- err
	}()
	waitInLine(t, holder, host, 1)
	cancel()
	if err := <-quit; err != context.Canceled {
		t.Fatalf("Acquire with its context cancelled: got %v, want context.Canceled", err)
	}
	if n, err := holder.LineLen(ctx, host); err != nil || n != 0 {
		t.Fatalf("line after the waiter gave up: %d (%v), want 0", n, err)
	}

	// Dies.
	deadClient, err := queue.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	died := make(chan error, 1)
	go func() {
		_, err := deadClient.Pacer().Acquire(ctx, host)
		died <- err
	}()
	waitInLine(t, holder, host, 1)
	deadClient.Close()
	if err := <-died; err == nil {
		t.Fatal("Acquire on a closed client: no error")
	}
	if n, err := holder.LineLen(ctx, host); err != nil || n != 1 {
		t.Fatalf("line after the waiter died: %d (%v), want its place still there", n, err)
	}
	release(0)

	// The host is free but the dead waiter is ahead: a live worker waits
	// for its place to expire, then gets the host.
	live := open(t, url).Pacer()
	actx, cancelA := context.WithTimeout(ctx, time.Minute)
	defer cancelA()
	release, err = live.Acquire(actx, host)
	if err != nil {
		t.Fatalf("host still kept by the dead waiter: %v", err)
	}
	release(0)
	if n, err := live.LineLen(ctx, host); err != nil || n != 0 {
		t.Errorf("line after the live worker's turn: %d (%v), want 0", n, err)
	}
}

// Workers that ask for a held host get it in the order they asked, each
// as soon as the one before gives it back, pause or none.
func TestPacerFirstComeFirstServed(t *testing.T) {
	for _, pause := range []time.Duration{0, 5 * time.Millisecond} {
		t.Run(fmt.Sprint("pause ", pause), func(t *testing.T) {
			url := redistest.Start(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			const host = "example.org:80"
			const waiters = 4
			holder := open(t, url).Pacer()
			release, err := holder.Acquire(ctx, host)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var order []int
			var wg sync.WaitGroup
			for w := 0; w < waiters; w++ {
				p := open(t, url).Pacer()
				wg.Add(1)
				go func() {
					defer wg.Done()
					release, err := p.Acquire(ctx, host)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					order = append(order, w)
					mu.Unlock()
					release(pause)
				}()
				// The next one asks once this one is in line.
				waitInLine(t, holder, host, int64(w+1))
			}
			release(pause)
			wg.Wait()
			if fmt.Sprint(order) != "[0 1 2 3]" {
				t.Errorf("turns: got %v, want [0 1 2 3] (the order they asked in)", order)
			}
			if n, err := holder.LineLen(ctx, host); err != nil || n != 0 {
				t.Errorf("line at the end: %d (%v), want 0", n, err)
			}
		})
	}
}

// BenchmarkPacerHandoff: two workers on one host with no pause, each
// holding it until the other waits for it, as in TestPacerTakesTurns.
// Reports the mean time from a worker's release to the other worker's
// acquisition (handoff-ms) and how many turns went to the worker that
// had just given the host back (repeats).
func BenchmarkPacerHandoff(b *testing.B) {
	url := redistest.Start(b)
	ctx := context.Background()
	watch := watcher(b, url)
	const host = "example.org:80"
	var pacers [2]*queue.Pacer
	for w := range pacers {
		c, err := queue.Open(ctx, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		pacers[w] = c.Pacer()
	}
	rounds := b.N/2 + 1
	var left [2]atomic.Int32
	var mu sync.Mutex
	last, lastAt := -1, time.Time{}
	var handoffs, repeats int
	var waited time.Duration
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range pacers {
		left[w].Store(int32(rounds))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				release, err := pacers[w].Acquire(ctx, host)
				if err != nil {
					b.Error(err)
					return
				}
				now := time.Now()
				mu.Lock()
				switch {
				case last == 1-w:
					handoffs++
					waited += now.Sub(lastAt)
				case last == w && left[1-w].Load() > 0:
					repeats++
				}
				mu.Unlock()
				left[w].Add(-1)
				before := scriptsRun(b, watch)
				for left[1-w].Load() > 0 && scriptsRun(b, watch) == before {
					time.Sleep(time.Millisecond)
				}
				mu.Lock()
				last, lastAt = w, time.Now()
				mu.Unlock()
				release(0)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if handoffs > 0 {
		b.ReportMetric(float64(waited.Microseconds())/1000/float64(handoffs), "handoff-ms")
	}
	b.ReportMetric(float64(repeats), "repeats")
}

// Closing a client stops its pacer's subscription, twice over if need
// be; its pacer then fails rather than hangs.
func TestPacerAfterClose(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	c, err := queue.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Pacer()
	release, err := p.Acquire(ctx, "example.org:80")
	if err != nil {
		t.Fatal(err)
	}
	release(0)
	c.Close()
	c.Close()
	actx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := p.Acquire(actx, "example.org:80"); err == nil || actx.Err() != nil {
		t.Errorf("Acquire after Close: got %v, want the client's error at once", err)
	}
}
