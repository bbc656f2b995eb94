package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"riverside/internal/news"
)

// openTwice opens one new store twice, as two replicas do.
func openTwice(t *testing.T, openTemp opener) (*Store, *Store) {
	t.Helper()
	a, where := openTemp(t)
	b, _ := openAt(t, where)
	return a, b
}

func TestLeaseExpiryAndTakeover(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		a, b := openTwice(t, openTemp)
		t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
		ttl := 10 * time.Second

		if l, err := a.Lease(ctx, "alerts"); err != nil || l.Holder != "" || l.Epoch != 0 {
			t.Fatalf("a lease never taken: %+v, %v", l, err)
		}
		la, err := a.AcquireLease(ctx, "alerts", "a", ttl, t0)
		if err != nil || la.Holder != "a" || la.Epoch != 1 || !la.Expires.Equal(t0.Add(ttl)) {
			t.Fatalf("first acquisition: %+v, %v", la, err)
		}
		// Another holder is refused while the term runs, and told who holds it.
		cur, err := b.AcquireLease(ctx, "alerts", "b", ttl, t0.Add(ttl-time.Millisecond))
		if !errors.Is(err, ErrLeaseHeld) || cur.Holder != "a" || cur.Epoch != 1 {
			t.Fatalf("b during a's term: %+v, %v; want ErrLeaseHeld naming a", cur, err)
		}
		// Renewing moves the expiry; b is still refused past the old one.
		if la, err = a.RenewLease(ctx, la, ttl, t0.Add(5*time.Second)); err != nil || !la.Expires.Equal(t0.Add(15*time.Second)) {
			t.Fatalf("renew: %+v, %v", la, err)
		}
		if _, err := b.AcquireLease(ctx, "alerts", "b", ttl, t0.Add(12*time.Second)); !errors.Is(err, ErrLeaseHeld) {
			t.Fatalf("b after a renewed: %v, want ErrLeaseHeld", err)
		}
		// Expired: b takes over in a new epoch.
		lb, err := b.AcquireLease(ctx, "alerts", "b", ttl, t0.Add(15*time.Second))
		if err != nil || lb.Holder != "b" || lb.Epoch != 2 {
			t.Fatalf("takeover: %+v, %v", lb, err)
		}
		// a's term is over: no renewal, and a cannot release b's term.
		if _, err := a.RenewLease(ctx, la, ttl, t0.Add(16*time.Second)); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("stale renew: %v, want ErrLeaseLost", err)
		}
		if err := a.ReleaseLease(ctx, la); err != nil {
			t.Fatal(err)
		}
		if l, _ := a.Lease(ctx, "alerts"); l != lb {
			t.Fatalf("a stale release changed the lease: %+v, want %+v", l, lb)
		}
		// Released: a takes it at once, in epoch 3.
		if err := b.ReleaseLease(ctx, lb); err != nil {
			t.Fatal(err)
		}
		if la, err = a.AcquireLease(ctx, "alerts", "a", ttl, t0.Add(17*time.Second)); err != nil || la.Epoch != 3 {
			t.Fatalf("after release: %+v, %v", la, err)
		}
		// The holder acquiring again (a restart under the same name) starts a
		// new term, which fences the old one.
		la2, err := a.AcquireLease(ctx, "alerts", "a", ttl, t0.Add(18*time.Second))
		if err != nil || la2.Epoch != 4 {
			t.Fatalf("reacquire: %+v, %v", la2, err)
		}
		if _, err := a.RenewLease(ctx, la, ttl, t0.Add(18*time.Second)); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("renew of the old term: %v, want ErrLeaseLost", err)
		}
		// Leases are independent of each other.
		if l, err := b.AcquireLease(ctx, "other", "b", ttl, t0); err != nil || l.Epoch != 1 {
			t.Fatalf("another lease: %+v, %v", l, err)
		}
		for _, bad := range []struct {
			name, holder string
			ttl          time.Duration
		}{{"", "a", ttl}, {"x", "", ttl}, {"x", "a", 0}} {
			if _, err := a.AcquireLease(ctx, bad.name, bad.holder, bad.ttl, t0); err == nil {
				t.Errorf("AcquireLease(%q, %q, %v): no error", bad.name, bad.holder, bad.ttl)
			}
		}
	})
}

// TestLeaseRace: holders racing for a free lease from their own handles
// get one term each at most, and exactly one of them wins.
func TestLeaseRace(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, where := openTemp(t)
		const n = 6
		stores := []*Store{s}
		for range n - 1 {
			o, _ := openAt(t, where)
			stores = append(stores, o)
		}
		now := time.Now()
		var wg sync.WaitGroup
		won := make([]bool, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, err := stores[i].AcquireLease(ctx, "alerts", fmt.Sprint("r", i), time.Minute, now)
				won[i] = err == nil
				if err != nil && !errors.Is(err, ErrLeaseHeld) {
					errs[i] = err
				}
			})
		}
		wg.Wait()
		winners := 0
		for i := range n {
			if errs[i] != nil {
				t.Errorf("holder %d: %v", i, errs[i])
			}
			if won[i] {
				winners++
			}
		}
		if l, _ := s.Lease(ctx, "alerts"); winners != 1 || l.Epoch != 1 {
			t.Errorf("%d winners, lease %+v; want 1 winner in epoch 1", winners, l)
		}
	})
}

// TestFencedOutbox: a holder whose term is over (it was paused past its
// expiry and another replica took over) can neither claim a delivery, nor
// record an attempt's outcome, nor record matches; the new holder can.
func TestFencedOutbox(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		a, b := openTwice(t, openTemp)
		art := article("https://x/1", "物联网")
		if _, err := a.Put(ctx, art); err != nil {
			t.Fatal(err)
		}
		sub := &news.Subscription{ID: "hook", Name: "hook", Kind: news.KindSearch, Query: "物联网",
			Webhook: "https://example.org/h", Secret: "whsec_AAAA"}
		if err := a.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		ttl := 10 * time.Second
		la, err := a.AcquireLease(ctx, "alerts", "a", ttl, now)
		if err != nil {
			t.Fatal(err)
		}
		fa := a.Fenced(la)
		if fa.Term() != la {
			t.Fatalf("term %+v, want %+v", fa.Term(), la)
		}
		ids := 0
		newID := func() string { ids++; return fmt.Sprintf("d%d", ids) }
		match := func(id string, seq int64) []news.Match {
			return []news.Match{{Subscription: "hook", ArticleID: id, Version: 1, Seq: seq}}
		}
		rec, err := fa.RecordMatches(ctx, 5, match("a1", 5), now, newID)
		if err != nil || len(rec) != 1 {
			t.Fatalf("holder records: %d, %v", len(rec), err)
		}
		d1 := rec[0].Delivery

		// a claims d1: it is not due for anyone until the hold has passed.
		hold := 30 * time.Second
		if ok, err := fa.ClaimDelivery(ctx, d1, now, hold); !ok || err != nil {
			t.Fatalf("claim: %v, %v", ok, err)
		}
		if ok, err := fa.ClaimDelivery(ctx, d1, now, hold); ok || err != nil {
			t.Fatalf("second claim of a claimed delivery: %v, %v; want false", ok, err)
		}
		if ds, _ := a.DueDeliveries(ctx, now.Add(hold-time.Millisecond), 10); len(ds) != 0 {
			t.Fatalf("a claimed delivery is due: %+v", ds)
		}

		// a is paused; its term expires and b takes over.
		later := now.Add(ttl)
		lb, err := b.AcquireLease(ctx, "alerts", "b", ttl, later)
		if err != nil {
			t.Fatal(err)
		}
		fb := b.Fenced(lb)

		// a wakes up: its outcome of d1, its release, its matches and its
		// claims are all refused, and change nothing.
		if err := fa.FinishAttempt(ctx, d1, news.Attempt{OK: true, Status: 204}, later); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("stale finish: %v, want ErrLeaseLost", err)
		}
		if err := fa.ReleaseDelivery(ctx, d1, later); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("stale release: %v, want ErrLeaseLost", err)
		}
		if rec, err := fa.RecordMatches(ctx, 6, match("a2", 6), later, newID); !errors.Is(err, ErrLeaseLost) || len(rec) != 0 {
			t.Errorf("stale record: %d, %v; want ErrLeaseLost", len(rec), err)
		}
		if rec, err := fa.RecordEvents(ctx, match("health:x", 0), later, newID); !errors.Is(err, ErrLeaseLost) || len(rec) != 0 {
			t.Errorf("stale event: %d, %v; want ErrLeaseLost", len(rec), err)
		}
		if cp, _ := a.AlertCheckpoint(ctx); cp != 5 {
			t.Errorf("checkpoint %d after a stale record, want 5", cp)
		}
		if ok, err := fa.ClaimDelivery(ctx, d1, now.Add(hold), hold); ok || !errors.Is(err, ErrLeaseLost) {
			t.Errorf("stale claim: %v, %v; want ErrLeaseLost", ok, err)
		}
		ds, _ := b.Deliveries(ctx, "hook", 10)
		if len(ds) != 1 || ds[0].State != news.DeliveryPending || ds[0].Attempts != 0 {
			t.Fatalf("deliveries after the stale writes: %+v", ds)
		}

		// b sends d1 once a's claim has run out (a's POST may still be in
		// flight until then), under the same id.
		if ok, _ := fb.ClaimDelivery(ctx, d1, later, hold); ok {
			t.Errorf("b claimed d1 within a's hold")
		}
		if _, err := b.RenewLease(ctx, lb, ttl, now.Add(hold)); err != nil {
			t.Fatal(err)
		}
		due, _ := b.DueDeliveries(ctx, now.Add(hold), 10)
		if len(due) != 1 || due[0].ID != d1 {
			t.Fatalf("due after the hold: %+v", due)
		}
		if ok, err := fb.ClaimDelivery(ctx, d1, now.Add(hold), hold); !ok || err != nil {
			t.Fatalf("b's claim: %v, %v", ok, err)
		}
		if err := fb.FinishAttempt(ctx, d1, news.Attempt{OK: true, Status: 204}, now.Add(hold)); err != nil {
			t.Fatal(err)
		}
		if rec, err := fb.RecordMatches(ctx, 6, match("a2", 6), later, newID); err != nil || len(rec) != 1 || rec[0].Delivery == d1 {
			t.Errorf("b records: %+v, %v", rec, err)
		}
		ds, _ = b.Deliveries(ctx, "hook", 10)
		states := map[string]string{}
		for _, d := range ds {
			states[d.ID] = d.State
		}
		if len(ds) != 2 || states[d1] != news.DeliveryDelivered {
			t.Errorf("deliveries: %v", states)
		}

		// A claim on an expired term fails even before anyone takes over;
		// a release within the term makes the delivery due at once.
		d2 := ""
		for id, st := range states {
			if st == news.DeliveryPending {
				d2 = id
			}
		}
		end := now.Add(hold + ttl)
		if ok, err := fb.ClaimDelivery(ctx, d2, end, hold); ok || !errors.Is(err, ErrLeaseLost) {
			t.Errorf("claim on an expired term: %v, %v; want ErrLeaseLost", ok, err)
		}
		if ok, err := fb.ClaimDelivery(ctx, d2, end.Add(-time.Millisecond), hold); !ok || err != nil {
			t.Fatalf("claim d2: %v, %v", ok, err)
		}
		if err := fb.ReleaseDelivery(ctx, d2, end); err != nil {
			t.Fatal(err)
		}
		if due, _ := b.DueDeliveries(ctx, end, 10); len(due) != 1 || due[0].ID != d2 {
			t.Errorf("after release: %+v", due)
		}
	})
}

func TestReplicaReads(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, _ := openTemp(t)
		if _, ok, err := s.FetchedAfter(ctx, 0); ok || err != nil {
			t.Fatalf("empty log: %v, %v", ok, err)
		}
		a, b := article("https://x/1", "one"), article("https://x/2", "two")
		b.Fetched = a.Fetched.Add(time.Hour)
		for _, x := range []*news.Article{a, b} {
			if _, err := s.Put(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			after int64
			want  time.Time
			ok    bool
		}{{0, a.Fetched, true}, {a.Seq, b.Fetched, true}, {b.Seq, time.Time{}, false}} {
			got, ok, err := s.FetchedAfter(ctx, c.after)
			if err != nil || ok != c.ok || !got.Equal(c.want) {
				t.Errorf("FetchedAfter(%d) = %v, %v, %v; want %v, %v", c.after, got, ok, err, c.want, c.ok)
			}
		}
		if row, err := s.LastMatchRow(ctx); row != 0 || err != nil {
			t.Errorf("LastMatchRow of an empty outbox: %d, %v", row, err)
		}
		if err := s.CreateSubscription(ctx, &news.Subscription{ID: "s", Name: "s", Kind: news.KindSearch, Query: "x"}); err != nil {
			t.Fatal(err)
		}
		rec, err := s.RecordMatches(ctx, b.Seq, []news.Match{{Subscription: "s", ArticleID: b.ID, Version: 1, Seq: b.Seq}}, time.Now(), func() string { return "d" })
		if err != nil || len(rec) != 1 {
			t.Fatal(rec, err)
		}
		if row, err := s.LastMatchRow(ctx); row != rec[0].Row || err != nil {
			t.Errorf("LastMatchRow = %d, %v; want %d", row, err, rec[0].Row)
		}
	})
}
