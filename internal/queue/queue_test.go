package queue_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"riverside/internal/queue"
	"riverside/internal/queue/redistest"
)

// open connects a new client (a worker) to the test's Redis.
func open(t *testing.T, url string) *queue.Client {
	t.Helper()
	c, err := queue.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOpenRefusesBadURLs(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"http://127.0.0.1:1/0", "redis://127.0.0.1:1/0?lease=soon", "redis://127.0.0.1:1/0?lease=1ms", "redis://127.0.0.1:1/0?nonsense=1"} {
		if c, err := queue.Open(ctx, u, nil); err == nil {
			c.Close()
			t.Errorf("Open(%q): no error", u)
		}
	}
	// Nothing listens: a clear error rather than a hang.
	if c, err := queue.Open(ctx, "redis://127.0.0.1:1/0?dial_timeout=1s", nil); err == nil {
		c.Close()
		t.Error("Open of a closed port: no error")
	}
}

// drain leases and acks every item of the pass, returning them in order.
func drain(t *testing.T, f *queue.Frontier, pass string) []string {
	t.Helper()
	ctx := context.Background()
	var got []string
	for {
		it, err := f.Lease(ctx, pass)
		if err != nil {
			t.Fatal(err)
		}
		if it == "" {
			return got
		}
		got = append(got, it)
		if err := f.Ack(ctx, pass, it); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFrontierPass(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	f := open(t, url).Frontier()
	defer f.Close()

	pass, done, err := f.Join(ctx, "src-a", "", []string{"seed"}, []string{"seed item"})
	if err != nil || done {
		t.Fatalf("Join: %q %v %v", pass, done, err)
	}
	// A second worker joins the same pass; its seeds are not added again.
	g := open(t, url).Frontier()
	defer g.Close()
	pass2, _, err := g.Join(ctx, "src-a", "", []string{"seed"}, []string{"seed item"})
	if err != nil || pass2 != pass {
		t.Fatalf("second Join: got %q (%v), want %q", pass2, err, pass)
	}
	if n, err := f.Workers(ctx, "src-a"); err != nil || n != 2 {
		t.Errorf("Workers: got %d (%v), want 2", n, err)
	}
	it, err := f.Lease(ctx, pass)
	if err != nil || it != "seed item" {
		t.Fatalf("Lease: got %q (%v)", it, err)
	}
	// Keys seen once are queued once, by whoever finds them.
	n, err := f.Add(ctx, pass, []string{"u1", "u2", "u1"}, []string{"one", "two", "one again"})
	if err != nil || n != 2 {
		t.Fatalf("Add: got %d (%v), want 2", n, err)
	}
	if n, err := g.Add(ctx, pass, []string{"u2", "u3", "seed"}, []string{"two", "three", "seed"}); err != nil || n != 1 {
		t.Fatalf("Add by the other worker: got %d (%v), want 1", n, err)
	}
	if err := f.Ack(ctx, pass, it); err != nil {
		t.Fatal(err)
	}
	got := drain(t, g, pass)
	if fmt.Sprint(got) != "[one two three]" {
		t.Errorf("items: got %q, want [one two three] in order", got)
	}
	// The pass is over for everyone; adding to it adds nothing.
	if it, err := f.Lease(ctx, pass); err != nil || it != "" {
		t.Errorf("Lease after the end: got %q (%v)", it, err)
	}
	if n, err := f.Add(ctx, pass, []string{"u9"}, []string{"nine"}); err != nil || n != 0 {
		t.Errorf("Add after the end: got %d (%v), want 0", n, err)
	}
	// The next pass starts afresh: its visited set is its own.
	next, done, err := f.Join(ctx, "src-a", "", []string{"seed"}, []string{"seed item"})
	if err != nil || done || next == pass {
		t.Fatalf("Join after the end: got %q done=%v (%v), want a new pass", next, done, err)
	}
	if got := drain(t, f, next); fmt.Sprint(got) != "[seed item]" {
		t.Errorf("next pass: got %q", got)
	}
}

func TestFrontierRounds(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	f := open(t, url).Frontier()
	defer f.Close()
	pass, _, err := f.Join(ctx, "src", "10:00", []string{"s"}, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, f, pass)
	// A worker late for the round finds it done: nothing is crawled twice.
	late, done, err := f.Join(ctx, "src", "10:00", []string{"s"}, []string{"s"})
	if err != nil || late != pass || !done {
		t.Fatalf("late Join: got %q done=%v (%v), want %q done", late, done, err, pass)
	}
	if it, err := f.Lease(ctx, late); err != nil || it != "" {
		t.Errorf("Lease in a done round: got %q (%v)", it, err)
	}
	next, done, err := f.Join(ctx, "src", "10:01", []string{"s"}, []string{"s"})
	if err != nil || done || next == pass {
		t.Errorf("next round: got %q done=%v (%v)", next, done, err)
	}
	// A pass still under way is joined whatever the round: never two
	// passes of one source at once.
	again, _, err := f.Join(ctx, "src", "10:02", []string{"s"}, []string{"s"})
	if err != nil || again != next {
		t.Errorf("Join while under way: got %q (%v), want %q", again, err, next)
	}
}

// A worker that dies holding items (no ack, no renewal) loses them after
// the lease: the other worker takes them and the pass ends.
func TestFrontierLeaseExpires(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	dead := open(t, url+"?lease=300ms").Frontier()
	live := open(t, url+"?lease=300ms").Frontier()
	defer live.Close()
	pass, _, err := dead.Join(ctx, "src", "", []string{"a", "b", "c"}, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	held, err := dead.Lease(ctx, pass)
	if err != nil || held != "a" {
		t.Fatalf("Lease: %q %v", held, err)
	}
	dead.Close() // its renewals stop, as when a process is killed
	// The live worker takes the rest, then waits for the dead one's lease,
	// then gets its item back.
	got := drain(t, live, pass)
	sort.Strings(got)
	if fmt.Sprint(got) != "[a b c]" {
		t.Errorf("items: got %q, want [a b c]", got)
	}
	if err := dead.Ack(ctx, pass, held); !errors.Is(err, queue.ErrLeaseLost) && !errors.Is(err, queue.ErrClosed) {
		t.Errorf("late Ack: got %v, want ErrLeaseLost", err)
	}
}

// A live worker's leases are renewed: nobody else takes its items however
// long it works on them.
func TestFrontierLeaseRenewed(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	a := open(t, url+"?lease=150ms").Frontier()
	defer a.Close()
	b := open(t, url+"?lease=150ms").Frontier()
	defer b.Close()
	pass, _, err := a.Join(ctx, "src", "", []string{"x"}, []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := a.Lease(ctx, pass)
	if err != nil || it != "x" {
		t.Fatal(it, err)
	}
	// b waits on a's lease for several lease times; it must not get x.
	wctx, cancel := context.WithTimeout(ctx, 5*150*time.Millisecond)
	defer cancel()
	if got, err := b.Lease(wctx, pass); err == nil {
		t.Fatalf("b leased %q while a held it", got)
	}
	if err := a.Ack(ctx, pass, it); err != nil {
		t.Fatalf("Ack after renewals: %v", err)
	}
	if got := drain(t, b, pass); len(got) != 0 {
		t.Errorf("b got %q after the ack", got)
	}
}

// Release hands a stopping worker's items back without waiting.
func TestFrontierRelease(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	a := open(t, url+"?lease=1h").Frontier()
	defer a.Close()
	pass, _, err := a.Join(ctx, "src", "", []string{"x"}, []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Lease(ctx, pass); err != nil {
		t.Fatal(err)
	}
	if err := a.Release(ctx, pass); err != nil {
		t.Fatal(err)
	}
	b := open(t, url+"?lease=1h").Frontier()
	defer b.Close()
	if got := drain(t, b, pass); fmt.Sprint(got) != "[x]" {
		t.Errorf("after Release: got %q, want [x]", got)
	}
}

// Many workers on one host: never two requests at once, and each pause
// asked for holds for everyone.
func TestPacerOneAtATime(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	const workers, rounds = 4, 15
	const pause = 20 * time.Millisecond
	var inFlight, overlaps atomic.Int32
	var mu sync.Mutex
	var lastRelease time.Time
	var tooSoon []time.Duration
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		p := open(t, url).Pacer()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				release, err := p.Acquire(ctx, "example.org:80")
				if err != nil {
					t.Error(err)
					return
				}
				now := time.Now()
				mu.Lock()
				if gap := now.Sub(lastRelease); !lastRelease.IsZero() && gap < pause {
					tooSoon = append(tooSoon, gap)
				}
				mu.Unlock()
				if inFlight.Add(1) > 1 {
					overlaps.Add(1)
				}
				time.Sleep(time.Millisecond)
				inFlight.Add(-1)
				mu.Lock()
				lastRelease = time.Now() // before the release reaches Redis
				mu.Unlock()
				release(pause)
			}
		}()
	}
	wg.Wait()
	if n := overlaps.Load(); n > 0 {
		t.Errorf("%d requests overlapped another on the same host", n)
	}
	if len(tooSoon) > 0 {
		t.Errorf("%d requests came sooner than the %v pause after the previous one: %v", len(tooSoon), pause, tooSoon)
	}
}

// A worker that dies holding a host frees it after the lease; other
// hosts were never blocked.
func TestPacerLeaseExpires(t *testing.T) {
	url := redistest.Start(t)
	ctx := context.Background()
	dead := open(t, url+"?lease=200ms")
	// Taken and never released: renewals go on while the worker lives,
	// so close its client to stop them, as a kill would.
	if _, err := dead.Pacer().Acquire(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	live := open(t, url+"?lease=200ms").Pacer()
	release, err := live.Acquire(ctx, "h2")
	if err != nil {
		t.Fatal(err)
	}
	release(0)
	dead.Close()
	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	release, err = live.Acquire(actx, "h1")
	if err != nil {
		t.Fatalf("h1 still held after the dead worker's lease: %v", err)
	}
	release(0)
}
