package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"riverside/internal/store"
)

// replicaHealth is /healthz of a searchd replica.
type replicaHealth struct {
	Status      string `json:"status"`
	IndexedSeq  int64  `json:"indexed_seq"`
	Replica     string `json:"replica"`
	StoreSeq    int64  `json:"store_seq"`
	Lag         int64  `json:"lag"`
	Rebuilding  bool   `json:"rebuilding"`
	AlertLeader bool   `json:"alert_leader"`
}

func replicaHealthOf(t *testing.T, base string) (replicaHealth, bool) {
	t.Helper()
	var h replicaHealth
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		return h, false // a replica just killed
	}
	resp.Body.Close()
	return h, getJSON(t, base+"/healthz", &h) == http.StatusOK
}

// sameResults checks that every replica answers every query of the
// relevance suite with the same ids in the same order, and returns how
// many queries found something.
func sameResults(t *testing.T, bases map[string]string) int {
	t.Helper()
	queries := relevanceQueries(t)
	if len(queries) == 0 {
		t.Fatal("no relevance suite")
	}
	found := 0
	for _, q := range queries {
		var first []string
		var firstTotal int
		firstID := ""
		for id, base := range bases {
			r := search(t, base, q)
			ids := make([]string, len(r.Hits))
			for i, h := range r.Hits {
				ids[i] = h.ID
			}
			if firstID == "" {
				first, firstTotal, firstID = ids, r.Total, id
				continue
			}
			if !slices.Equal(ids, first) || r.Total != firstTotal {
				t.Errorf("%v: %s answers %d %v, %s %d %v", q, id, r.Total, ids, firstID, firstTotal, first)
			}
		}
		if len(first) > 0 {
			found++
		}
	}
	return found
}

// TestReplicas runs two searchd replicas on one store (the mirror
// crawled), each with its own index: both answer the relevance suite
// identically; exactly one delivers the alerts; SIGKILLed while a
// delivery is in flight, the other takes over, and in the end the
// receiver has every match under exactly one webhook-id, and every
// delivery id the store made.
func TestReplicas(t *testing.T) {
	dir := t.TempDir()
	mirror, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	rc := newHookReceiver(t)
	args := func(id string) []string {
		return []string{"-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index-"+id),
			"-replica-id", id, "-lease-ttl", "2s", "-allow-private-webhooks", "-poll", "100ms",
			"-webhook-backoff", "100ms", "-webhook-max-backoff", "1s", "-webhook-timeout", "2s", "-webhook-max-attempts", "1000"}
	}
	procs := map[string]*proc{}
	bases := map[string]string{}
	for _, id := range []string{"a", "b"} {
		procs[id] = start(t, "searchd", args(id)...)
		bases[id] = "http://" + procs[id].listenAddr(t)
	}
	// Both catch up with the log, and exactly one leads.
	caughtUp := func() (leader string, ok bool) {
		head := storeHead(t, data)
		leaders := 0
		for id, base := range bases {
			h, up := replicaHealthOf(t, base)
			if !up || h.Replica != id || h.IndexedSeq != head || h.Lag != 0 || h.Rebuilding {
				return "", false
			}
			if h.AlertLeader {
				leader = id
				leaders++
			}
		}
		return leader, leaders == 1
	}
	var leader string
	waitUntil(t, "both replicas caught up, one leading", 90*time.Second, func() bool {
		var ok bool
		leader, ok = caughtUp()
		return ok
	})
	standby := map[string]string{"a": "b", "b": "a"}[leader]
	if n := sameResults(t, bases); n < 10 {
		t.Errorf("only %d queries of the relevance suite found anything", n)
	}

	// Subscriptions made on the standby: it writes the shared store, the
	// leader matches and delivers.
	all := subscribeTo(t, bases[standby], rc, map[string]any{"name": "drills", "query": "断电演练", "webhook": rc.url})
	some := subscribeTo(t, bases[standby], rc, map[string]any{"name": "drills outside Xiaoshan", "query": "断电演练 -萧山", "webhook": rc.url})
	round := 0
	publishRound := func() {
		for i := range 3 {
			title := fmt.Sprintf("第%d轮断电演练%d", round, i)
			text := fmt.Sprintf("滨江区开展第%d轮第%d次断电演练。", round, i)
			if i == 1 {
				text = fmt.Sprintf("萧山区开展第%d轮断电演练。", round)
			}
			publish(t, mirror, "hhtz", title, text)
		}
		round++
		crawlOnce(t, sources, data)
	}

	// The receiver hangs: the leader's delivery is in flight when it is
	// killed.
	rc.setMode("hang")
	publishRound()
	calls := func() int { rc.mu.Lock(); defer rc.mu.Unlock(); return rc.calls }
	waitUntil(t, "a delivery in flight", 60*time.Second, func() bool { return calls() > 0 })
	procs[leader].cmd.Process.Signal(syscall.SIGKILL)
	procs[leader].cmd.Wait()
	killed := time.Now()
	delete(bases, leader)
	rc.setMode("ok")
	waitUntil(t, "the standby taking over", 60*time.Second, func() bool {
		h, _ := replicaHealthOf(t, bases[standby])
		return h.AlertLeader
	})
	t.Logf("%s killed mid-delivery; %s leads %v later (lease TTL 2s)", leader, standby, time.Since(killed).Round(10*time.Millisecond))

	// More articles; the killed replica comes back (same index) as a
	// standby and catches up.
	publishRound()
	procs[leader] = start(t, "searchd", args(leader)...)
	bases[leader] = "http://" + procs[leader].listenAddr(t)
	publishRound()

	// What should arrive: the published articles the crawler stored (the
	// oracle is the store, read here).
	want := map[string]map[string]bool{all.ID: {}, some.ID: {}}
	for _, a := range storedTexts(t, data) {
		if strings.Contains(a[0], "断电演练") {
			want[all.ID][a[0]] = true
			if !strings.Contains(a[1], "萧山") {
				want[some.ID][a[0]] = true
			}
		}
	}
	if len(want[all.ID]) != 3*round || len(want[some.ID]) != 2*round {
		t.Fatalf("stored %d and %d matching articles, want %d and %d", len(want[all.ID]), len(want[some.ID]), 3*round, 2*round)
	}
	waitUntil(t, "every delivery delivered", 120*time.Second, func() bool {
		got := rc.received()
		if len(got[all.ID]) < len(want[all.ID]) || len(got[some.ID]) < len(want[some.ID]) {
			return false
		}
		var subs []struct{ State string }
		getJSON(t, bases[standby]+"/api/subscriptions", &subs)
		for _, s := range subs {
			if s.State != "delivered" {
				return false
			}
		}
		return len(subs) == 2
	})

	rec := rc.received()
	for _, sub := range []created{all, some} {
		got := map[string]bool{}
		for art, ids := range rec[sub.ID] {
			got[rc.titles[art]] = true
			if len(ids) != 1 {
				t.Errorf("%s: article %q carried by %d webhook-ids %v, want 1", sub.ID, rc.titles[art], len(ids), ids)
			}
		}
		if !mapsEqual(got, want[sub.ID]) {
			t.Errorf("%s: receiver has %v, want %v", sub.ID, keys(got), keys(want[sub.ID]))
		}
	}
	// Every delivery the store made reached the receiver, and the lease
	// moved on to a new epoch.
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rc.mu.Lock()
	for _, sub := range []created{all, some} {
		ds, err := st.Deliveries(context.Background(), sub.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if _, ok := rc.byID[d.ID]; !ok || d.State != "delivered" {
				t.Errorf("delivery %s (%s) never reached the receiver", d.ID, d.State)
			}
		}
	}
	t.Logf("receiver: %d requests for %d webhook-ids", rc.calls, len(rc.byID))
	for _, b := range rc.bad {
		t.Error(b)
	}
	rc.mu.Unlock()
	if l, err := st.Lease(context.Background(), "alerts"); err != nil || l.Holder != standby || l.Epoch < 2 {
		t.Errorf("alert lease %+v, %v; want %s's, epoch ≥ 2", l, err, standby)
	}

	// Both replicas converge again, the restarted one a standby.
	waitUntil(t, "both replicas caught up again", 90*time.Second, func() bool {
		l, ok := caughtUp()
		return ok && l == standby
	})
	sameResults(t, bases)
	// The new articles are found alike on both.
	for _, base := range bases {
		if r := search(t, base, url.Values{"q": {"断电演练"}}); r.Total != len(want[all.ID]) {
			t.Errorf("%s: 断电演练 finds %d, want %d", base, r.Total, len(want[all.ID]))
		}
	}
}
