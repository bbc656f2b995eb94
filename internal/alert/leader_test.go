package alert

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
)

// openShared opens one store file twice, as two replicas do.
func openShared(t *testing.T) (*store.Store, *store.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), store.FileName)
	var out [2]*store.Store
	for i := range out {
		st, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out[0], out[1]
}

// leading records the terms Lead ran, and checks that no two leaders
// ever lead at once.
type leading struct {
	t       *testing.T
	active  atomic.Int32
	started chan news.Lease
	ended   chan news.Lease
}

func newLeading(t *testing.T) *leading {
	return &leading{t: t, started: make(chan news.Lease, 16), ended: make(chan news.Lease, 16)}
}

func (lg *leading) lead(ctx context.Context, term news.Lease) {
	if n := lg.active.Add(1); n != 1 {
		lg.t.Errorf("%d leaders at once (term %+v)", n, term)
	}
	lg.started <- term
	<-ctx.Done()
	lg.active.Add(-1)
	lg.ended <- term
}

func next(t *testing.T, ch chan news.Lease, what string) news.Lease {
	t.Helper()
	select {
	case l := <-ch:
		return l
	case <-time.After(20 * time.Second): // a bound against hanging, not a timing check
		t.Fatalf("no %s", what)
	}
	return news.Lease{}
}

// TestLeaderTakeover: of two replicas one leads; when it stops, it
// releases the lease and the other leads in a new epoch.
func TestLeaderTakeover(t *testing.T) {
	sa, sb := openShared(t)
	lg := newLeading(t)
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	a := &Leader{Store: sa, Name: "alerts", Holder: "a", TTL: 400 * time.Millisecond, Lead: lg.lead}
	b := &Leader{Store: sb, Name: "alerts", Holder: "b", TTL: 400 * time.Millisecond, Lead: lg.lead}
	doneA := make(chan error, 1)
	go func() { doneA <- a.Run(ctxA) }()
	first := next(t, lg.started, "first term")
	if first.Holder != "a" || first.Epoch != 1 {
		t.Fatalf("first term %+v", first)
	}
	if term, ok := a.Term(); !ok || term.Epoch != 1 {
		t.Errorf("a.Term() = %+v, %v", term, ok)
	}
	doneB := make(chan error, 1)
	go func() { doneB <- b.Run(ctxB) }()
	// a renews while b waits: the lease's expiry moves on.
	exp := first.Expires
	waitFor(t, func() bool {
		l, err := sa.Lease(context.Background(), "alerts")
		return err == nil && l.Holder == "a" && l.Expires.After(exp.Add(200*time.Millisecond))
	})

	stopA()
	if err := <-doneA; err != nil {
		t.Fatal(err)
	}
	next(t, lg.ended, "end of a's term")
	if _, ok := a.Term(); ok {
		t.Errorf("a still holds a term after stopping")
	}
	second := next(t, lg.started, "b's term")
	if second.Holder != "b" || second.Epoch <= first.Epoch {
		t.Fatalf("second term %+v after %+v", second, first)
	}
	if term, ok := b.Term(); !ok || term.Epoch != second.Epoch {
		t.Errorf("b.Term() = %+v, %v", term, ok)
	}
	stopB()
	<-doneB
	next(t, lg.ended, "end of b's term")
	if l, _ := sa.Lease(context.Background(), "alerts"); l.Holder != "" {
		t.Errorf("lease %+v after both stopped, want released", l)
	}
}

// TestLeaderStepsDown: a leader whose lease is taken (its term expired
// while it was paused, say) stops leading at its next renewal, and leads
// again once the lease is free.
func TestLeaderStepsDown(t *testing.T) {
	sa, other := openShared(t)
	lg := newLeading(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	a := &Leader{Store: sa, Name: "alerts", Holder: "a", TTL: 300 * time.Millisecond, Lead: lg.lead}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	first := next(t, lg.started, "first term")

	// Another process takes the lease as if a's term had expired.
	thief, err := other.AcquireLease(context.Background(), "alerts", "thief", time.Hour, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ended := next(t, lg.ended, "a stepping down"); ended.Epoch != first.Epoch {
		t.Errorf("ended %+v", ended)
	}
	waitFor(t, func() bool { _, ok := a.Term(); return !ok })
	if err := other.ReleaseLease(context.Background(), thief); err != nil {
		t.Fatal(err)
	}
	again := next(t, lg.started, "a leading again")
	if again.Holder != "a" || again.Epoch != thief.Epoch+1 {
		t.Errorf("term %+v after the thief's %+v", again, thief)
	}
	stop()
	<-done
}

// TestDelivererFencedByTerm: a deliverer whose lease term is over sends
// nothing and records nothing; the new holder's deliverer sends the
// delivery under its id.
func TestDelivererFencedByTerm(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	rc := &receiver{t: t, got: map[string][]string{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	sub := subscribe(t, st, "物联网", srv.URL, false)
	rc.secret = sub.Secret
	put(t, st, "http://x/1", "物联网小镇开园", "滨江物联网小镇今天开园。")
	drain(t, &Follower{Store: st, Match: match})

	now := time.Now()
	old, err := st.AcquireLease(ctx, "alerts", "a", time.Minute, now.Add(-2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := st.AcquireLease(ctx, "alerts", "b", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	due, err := st.DueDeliveries(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due %+v, %v", due, err)
	}
	client := Guard{AllowPrivate: true}.Client(5 * time.Second)
	stale := st.Fenced(old)
	(&Deliverer{Store: stale, Claims: stale, Client: client}).attempt(ctx, due[0])
	rc.mu.Lock()
	calls := rc.calls
	rc.mu.Unlock()
	if calls != 0 {
		t.Fatalf("a stale deliverer sent %d requests", calls)
	}
	if ds, _ := st.Deliveries(ctx, sub.ID, 10); len(ds) != 1 || ds[0].State != news.DeliveryPending || ds[0].Attempts != 0 {
		t.Fatalf("after the stale attempt: %+v", ds)
	}

	fresh := st.Fenced(cur)
	(&Deliverer{Store: fresh, Claims: fresh, Client: client}).attempt(ctx, due[0])
	ds, _ := st.Deliveries(ctx, sub.ID, 10)
	if len(ds) != 1 || ds[0].State != news.DeliveryDelivered || ds[0].Attempts != 1 {
		t.Fatalf("after the holder's attempt: %+v", ds)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.calls != 1 || len(rc.got[due[0].ID]) != 1 {
		t.Errorf("receiver: %d calls, %v", rc.calls, rc.got)
	}
}

// TestDelivererClaims: a claimed delivery is not due for anyone while
// its attempt is in flight; an attempt abandoned at shutdown gives its
// claim back, so the next leader sends it at once.
func TestDelivererClaims(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server sees the client go away
		arrived <- struct{}{}
		<-r.Context().Done() // hangs until the deliverer gives up
	}))
	defer srv.Close()
	sub := subscribe(t, st, "物联网", srv.URL, false)
	put(t, st, "http://x/1", "物联网小镇开园", "滨江物联网小镇今天开园。")
	drain(t, &Follower{Store: st, Match: match})
	term, err := st.AcquireLease(ctx, "alerts", "a", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fenced := st.Fenced(term)
	d := &Deliverer{Store: fenced, Claims: fenced, Client: Guard{AllowPrivate: true}.Client(time.Minute), Poll: 5 * time.Millisecond}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { d.Run(runCtx) })
	<-arrived
	if due, _ := st.DueDeliveries(ctx, time.Now(), 10); len(due) != 0 {
		t.Errorf("a delivery in flight is due: %+v", due)
	}
	if ds, _ := st.Deliveries(ctx, sub.ID, 10); len(ds) != 1 || ds[0].NextAttempt.Before(time.Now().Add(time.Minute)) {
		t.Errorf("claimed delivery %+v: want its next attempt after the client's timeout", ds)
	}
	cancel()
	wg.Wait()
	due, _ := st.DueDeliveries(ctx, time.Now(), 10)
	if len(due) != 1 || due[0].Attempts != 0 {
		t.Errorf("after the abandoned attempt: due %+v, want the delivery due at once, no attempt counted", due)
	}
}

// TestDelivererClaimsKeepRetries: with claims, a delivery still backs off
// after each failure, dies after MaxAttempts, and is delivered once
// redelivered; one attempt at a time per subscription.
func TestDelivererClaimsKeepRetries(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	rc := &receiver{t: t, script: []int{500, 503}, got: map[string][]string{}}
	var inflight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		rc.ServeHTTP(w, r)
	}))
	defer srv.Close()
	sub := subscribe(t, st, "物联网", srv.URL, false)
	rc.secret = sub.Secret
	f := &Follower{Store: st, Match: match}
	put(t, st, "http://x/1", "物联网小镇开园", "滨江物联网小镇今天开园。")
	drain(t, f)
	put(t, st, "http://x/2", "物联网大会", "大会在滨江举行。")
	drain(t, f)
	term, err := st.AcquireLease(ctx, "alerts", "a", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fenced := st.Fenced(term)
	var mu sync.Mutex
	var outcomes []news.Attempt
	d := &Deliverer{Store: fenced, Claims: fenced, Client: Guard{AllowPrivate: true}.Client(5 * time.Second), MaxAttempts: 3,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Poll: 5 * time.Millisecond,
		Delivered: func(_ news.Delivery, a news.Attempt) { mu.Lock(); outcomes = append(outcomes, a); mu.Unlock() }}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- d.Run(runCtx) }()
	// Two deliveries and two failures (a delivery backing off lets the
	// other go first), then both go through.
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) == 4 })
	ds, _ := st.Deliveries(ctx, sub.ID, 10)
	attempts := 0
	for _, x := range ds {
		if x.State != news.DeliveryDelivered {
			t.Errorf("delivery %+v not delivered", x)
		}
		attempts += x.Attempts
	}
	if len(ds) != 2 || attempts != 4 {
		t.Errorf("deliveries %+v, want both delivered after 4 attempts in all", ds)
	}
	// A receiver that keeps failing: dead after MaxAttempts; redelivered,
	// it goes through under the same id.
	rc.mu.Lock()
	rc.script = []int{500, 500, 500}
	rc.mu.Unlock()
	put(t, st, "http://x/3", "物联网论坛", "论坛在滨江举行。")
	drain(t, f)
	d.Wake()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) == 7 })
	var dead news.Delivery
	ds, _ = st.Deliveries(ctx, sub.ID, 10)
	for _, x := range ds {
		if x.State == news.DeliveryDead {
			dead = x
		}
	}
	if dead.ID == "" || dead.Attempts != 3 {
		t.Fatalf("deliveries %+v, want one dead after 3 attempts", ds)
	}
	if err := st.Redeliver(ctx, sub.ID, dead.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	d.Wake()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) == 8 })
	cancel()
	<-done
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) != 3 || len(rc.got[dead.ID]) != 1 {
		t.Errorf("receiver got %v", rc.got)
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d attempts of one subscription at once, want 1", m)
	}
}
