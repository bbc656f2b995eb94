package alert

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
)

// match adapts the index's batch matcher, as searchd does.
func match(ctx context.Context, batch []news.Article, qs []news.Query) ([][]Hit, []error, error) {
	out, errs, err := index.MatchBatch(ctx, batch, qs)
	if err != nil {
		return nil, nil, err
	}
	hits := make([][]Hit, len(out))
	for i, hs := range out {
		for _, h := range hs {
			hits[i] = append(hits[i], Hit{ID: h.ID, Snippet: h.Snippet})
		}
	}
	return hits, errs, nil
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var fetched = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

func put(t *testing.T, st *store.Store, url, title, text string) *news.Article {
	t.Helper()
	a := &news.Article{ID: news.ArticleID(url), URL: url, SourceID: "src", Title: title, Text: text,
		Hash: news.TextHash(title + text), Lang: "zh", Districts: []string{news.Binjiang}, Fetched: fetched}
	if _, err := st.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func subscribe(t *testing.T, st *store.Store, q, webhook string, updates bool) *news.Subscription {
	t.Helper()
	s := &news.Subscription{ID: NewSubscriptionID(), Name: q, Kind: news.KindSearch, Query: q, Webhook: webhook, Updates: updates}
	if webhook != "" {
		s.Secret = NewSecret()
	}
	if err := st.CreateSubscription(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// matchedIDs lists the article ids and versions in a subscription's outbox.
func matchedIDs(t *testing.T, st *store.Store, sub string) []string {
	t.Helper()
	ms, err := st.Matches(context.Background(), sub, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Title)
	}
	slices.Sort(out)
	return out
}

func drain(t *testing.T, f *Follower) {
	t.Helper()
	for {
		n, err := f.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func TestFollowerExactlyOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	put(t, st, "http://x/old", "旧的物联网新闻", "物联网") // before the subscription: never alerted
	iot := subscribe(t, st, "物联网", "http://203.0.113.1/hook", false)
	edits := subscribe(t, st, "物联网", "", true)
	f := &Follower{Store: st, Match: match, Batch: 2}
	drain(t, f)
	if got := matchedIDs(t, st, iot.ID); len(got) != 0 {
		t.Fatalf("back catalogue alerted: %v", got)
	}
	put(t, st, "http://x/1", "物联网小镇开园", "滨江物联网小镇今天开园。")
	put(t, st, "http://x/2", "萧山交通", "地铁新线。")
	put(t, st, "http://x/3", "物联网大会", "大会在滨江举行。")
	drain(t, f)
	want := []string{"物联网大会", "物联网小镇开园"}
	if got := matchedIDs(t, st, iot.ID); !slices.Equal(got, want) {
		t.Errorf("matches %v, want %v", got, want)
	}

	// A second follower (a restart, a rebuilt index) finds the checkpoint
	// and records nothing again; a replay of the same batch is refused.
	drain(t, &Follower{Store: st, Match: match})
	arts, _ := st.Since(ctx, 0, 100)
	rec, err := st.RecordMatches(ctx, arts[len(arts)-1].Seq, []news.Match{{Subscription: iot.ID, ArticleID: "zzz", Version: 1}}, time.Now(), NewDeliveryID)
	if err != nil || len(rec) != 0 {
		t.Errorf("replay recorded %v, %v", rec, err)
	}
	if got := matchedIDs(t, st, iot.ID); !slices.Equal(got, want) {
		t.Errorf("after restart and replay: %v, want %v", got, want)
	}

	// An edit: alerts the subscription that wants updates only.
	put(t, st, "http://x/1", "物联网小镇开园（更新）", "滨江物联网小镇今天开园，新增展馆。")
	drain(t, f)
	if got := matchedIDs(t, st, iot.ID); !slices.Equal(got, want) {
		t.Errorf("updates=false: %v, want %v", got, want)
	}
	if got, w := matchedIDs(t, st, edits.ID), []string{"物联网大会", "物联网小镇开园", "物联网小镇开园（更新）"}; !slices.Equal(got, w) {
		t.Errorf("updates=true: %v, want %v", got, w)
	}

	// One delivery per batch for the webhook subscription, each match in
	// exactly one delivery.
	ds, err := st.Deliveries(ctx, iot.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range ds {
		total += d.Matches
		if d.State != news.DeliveryPending || d.Matches == 0 {
			t.Errorf("delivery %+v", d)
		}
	}
	if total != 2 {
		t.Errorf("deliveries carry %d matches, want 2", total)
	}
	if ds, _ := st.Deliveries(ctx, edits.ID, 100); len(ds) != 0 {
		t.Errorf("feed-only subscription has deliveries: %v", ds)
	}
}

// receiver is a webhook endpoint on loopback that verifies signatures and
// answers with the statuses it is given, then 204.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	script []int
	got    map[string][]string // delivery id → article ids, per request
	calls  int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := Verify(rc.secret, r.Header.Get(HeaderID), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("signature: %v", err)
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil || p.Delivery != r.Header.Get(HeaderID) {
		rc.t.Errorf("body %s: %v", body, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls++
	status := http.StatusNoContent
	if len(rc.script) > 0 {
		status, rc.script = rc.script[0], rc.script[1:]
	}
	if status < 300 {
		for _, a := range p.Articles {
			rc.got[p.Delivery] = append(rc.got[p.Delivery], a.ID)
		}
	}
	w.WriteHeader(status)
}

func TestDelivererRetriesAndDies(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	rc := &receiver{t: t, script: []int{500, 503}, got: map[string][]string{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	sub := subscribe(t, st, "物联网", srv.URL, false)
	rc.secret = sub.Secret
	f := &Follower{Store: st, Match: match}
	put(t, st, "http://x/1", "物联网小镇开园", "滨江物联网小镇今天开园。")
	drain(t, f)

	var mu sync.Mutex
	var outcomes []news.Attempt
	d := &Deliverer{Store: st, Client: Guard{AllowPrivate: true}.Client(5 * time.Second), MaxAttempts: 3,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Poll: 5 * time.Millisecond,
		Delivered: func(_ news.Delivery, a news.Attempt) { mu.Lock(); outcomes = append(outcomes, a); mu.Unlock() }}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- d.Run(runCtx) }()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) == 3 })

	ds, _ := st.Deliveries(ctx, sub.ID, 10)
	if len(ds) != 1 || ds[0].State != news.DeliveryDelivered || ds[0].Attempts != 3 {
		t.Fatalf("deliveries %+v, want one delivered after 3 attempts", ds)
	}
	if len(rc.got) != 1 || len(rc.got[ds[0].ID]) != 1 {
		t.Errorf("receiver got %v", rc.got)
	}

	// A receiver that keeps failing: dead after MaxAttempts, then
	// redelivered with the same id.
	rc.mu.Lock()
	rc.script = []int{500, 500, 500}
	rc.mu.Unlock()
	put(t, st, "http://x/2", "物联网大会", "大会在滨江举行。")
	drain(t, f)
	d.Wake()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) == 6 })
	ds, _ = st.Deliveries(ctx, sub.ID, 10)
	var dead news.Delivery
	for _, x := range ds {
		if x.State == news.DeliveryDead {
			dead = x
		}
	}
	if dead.ID == "" || dead.Attempts != 3 || dead.LastStatus != 500 {
		t.Fatalf("deliveries %+v, want one dead after 3 attempts", ds)
	}
	if err := st.Redeliver(ctx, sub.ID, dead.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	d.Wake()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) == 7 })
	cancel()
	<-done
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) != 2 || len(rc.got[dead.ID]) != 1 {
		t.Errorf("receiver got %v, want the redelivered %s once", rc.got, dead.ID)
	}
}

// waitFor polls cond; the bound only keeps a broken test from hanging.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestHealthConditions(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { x := now.Add(-d); return &x }
	s := news.Subscription{ID: "sub_h", Kind: news.KindSourceHealth, StaleAfter: 6 * time.Hour, FailRatio: 0.5}
	cases := []struct {
		name    string
		src     news.SourceHealth
		lastNew time.Time
		want    []string
	}{
		{"healthy", news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute), LastSuccess: ago(time.Minute), LastPass: map[string]int{"fetched": 10, "failed": 1}}, now.Add(-time.Hour), nil},
		{"failing", news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute), LastSuccess: ago(7 * time.Hour), ConsecutiveFailures: 9}, now.Add(-time.Hour), []string{"no-success"}},
		{"never", news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute)}, time.Time{}, []string{"no-success"}},
		{"quiet", news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute), LastSuccess: ago(time.Minute)}, now.Add(-8 * time.Hour), []string{"no-new"}},
		{"extraction", news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute), LastSuccess: ago(time.Minute), LastPass: map[string]int{"fetched": 10, "failed": 6}}, now.Add(-time.Hour), []string{"extract"}},
		{"few pages", news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute), LastSuccess: ago(time.Minute), LastPass: map[string]int{"fetched": 2, "failed": 2}}, now.Add(-time.Hour), nil},
	}
	for _, c := range cases {
		var got []string
		for _, e := range Conditions(s, c.src, c.lastNew, now) {
			var cond string
			for i, part := range strings.Split(e.ArticleID, ":") {
				if i == 2 {
					cond = part
				}
			}
			got = append(got, cond)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// The same episode, checked again later, has the same key.
	src := news.SourceHealth{ID: "a", LastCrawl: ago(time.Minute), LastSuccess: ago(7 * time.Hour)}
	a := Conditions(s, src, time.Time{}, now)
	b := Conditions(s, src, time.Time{}, now.Add(time.Hour))
	if len(a) != 1 || len(b) != 1 || a[0].ArticleID != b[0].ArticleID {
		t.Errorf("episode keys differ: %v / %v", a, b)
	}
}

func TestHealthCheckerRecordsOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Now()
	if err := st.RecordPass(ctx, store.Pass{SourceID: "down", Name: "Down", Finished: now.Add(-10 * time.Hour), OK: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordPass(ctx, store.Pass{SourceID: "down", Name: "Down", Finished: now, OK: false, Error: "timeout"}); err != nil {
		t.Fatal(err)
	}
	s := &news.Subscription{ID: "sub_h", Name: "health", Kind: news.KindSourceHealth, StaleAfter: time.Hour}
	if err := st.CreateSubscription(ctx, s); err != nil {
		t.Fatal(err)
	}
	h := &HealthChecker{Store: st}
	for i := range 3 {
		if _, err := h.Check(ctx); err != nil {
			t.Fatal(err)
		}
		ms, _ := st.Matches(ctx, s.ID, 10)
		if len(ms) != 1 {
			t.Fatalf("check %d: %d events, want 1: %+v", i, len(ms), ms)
		}
	}
}

// TestFollowerHoldIsBounded: while indexing reports a backlog the
// follower waits, but never longer than MaxHold: alerts come anyway.
func TestFollowerHoldIsBounded(t *testing.T) {
	st := openStore(t)
	sub := subscribe(t, st, "物联网", "", false)
	put(t, st, "http://x/1", "物联网小镇开园", "滨江物联网小镇今天开园。")
	var mu sync.Mutex
	asked := 0
	f := &Follower{Store: st, Match: match, Poll: time.Millisecond, MaxHold: 20 * time.Millisecond,
		Busy: func(context.Context) bool { mu.Lock(); asked++; mu.Unlock(); return true }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	waitFor(t, func() bool { return len(matchedIDs(t, st, sub.ID)) == 1 })
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if asked < 2 {
		t.Errorf("Busy asked %d times: the follower did not wait", asked)
	}
}
