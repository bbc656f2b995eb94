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
func scriptsRun(t *testing.T, rdb *redis.Client) int64 {
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
func watcher(t *testing.T, url string) *redis.Client {
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
