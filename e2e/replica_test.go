package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"riverside/internal/store"
	"riverside/internal/store/pgtest"
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

// replicas is two (or more) searchd replicas on one store of the
// crawled mirror, a webhook receiver, and two subscriptions to it.
type replicas struct {
	t               *testing.T
	dir, data       string
	where           string // the store: a file in data, or a postgres:// URL
	mirror, sources string
	rc              *hookReceiver
	procs           map[string]*proc
	bases           map[string]string
	all, some       created
	round           int
}

// newReplicas starts the replicas ids on a new store: pg is a postgres://
// URL, or "" for a SQLite store in the data directory.
func newReplicas(t *testing.T, pg string, ids ...string) *replicas {
	dir := t.TempDir()
	r := &replicas{t: t, dir: dir, data: filepath.Join(dir, "data"), where: pg, rc: newHookReceiver(t),
		procs: map[string]*proc{}, bases: map[string]string{}}
	if r.where == "" {
		r.where = filepath.Join(r.data, store.FileName)
	}
	r.mirror, r.sources = startMirror(t, dir)
	r.crawl()
	for _, id := range ids {
		r.start(id)
	}
	return r
}

// start runs replica id (again: its index stays).
func (r *replicas) start(id string) {
	r.procs[id] = start(r.t, "searchd", "-addr", "127.0.0.1:0", "-data", r.data, "-store", r.where, "-index", filepath.Join(r.dir, "index-"+id),
		"-replica-id", id, "-lease-ttl", "2s", "-allow-private-webhooks", "-poll", "100ms",
		"-webhook-backoff", "100ms", "-webhook-max-backoff", "1s", "-webhook-timeout", "2s", "-webhook-max-attempts", "1000")
	r.bases[id] = "http://" + r.procs[id].listenAddr(r.t)
}

// caughtUp tells whether every replica has indexed the whole store and
// exactly one leads, and which.
func (r *replicas) caughtUp() (leader string, ok bool) {
	st := r.open()
	head, err := st.MaxSeq(context.Background())
	st.Close()
	if err != nil {
		r.t.Fatal(err)
	}
	leaders := 0
	for id, base := range r.bases {
		h, up := replicaHealthOf(r.t, base)
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

func (r *replicas) waitCaughtUp() string {
	var leader string
	waitUntil(r.t, "every replica caught up, one leading", 90*time.Second, func() bool {
		var ok bool
		leader, ok = r.caughtUp()
		return ok
	})
	return leader
}

// subscribe makes the two subscriptions through replica id.
func (r *replicas) subscribe(id string) {
	r.all = subscribeTo(r.t, r.bases[id], r.rc, map[string]any{"name": "drills", "query": "断电演练", "webhook": r.rc.url})
	r.some = subscribeTo(r.t, r.bases[id], r.rc, map[string]any{"name": "drills outside Xiaoshan", "query": "断电演练 -萧山", "webhook": r.rc.url})
}

// publishRound publishes three articles on the mirror (two for each
// subscription) and crawls them.
func (r *replicas) publishRound() {
	for i := range 3 {
		title := fmt.Sprintf("第%d轮断电演练%d", r.round, i)
		text := fmt.Sprintf("滨江区开展第%d轮第%d次断电演练。", r.round, i)
		if i == 1 {
			text = fmt.Sprintf("萧山区开展第%d轮断电演练。", r.round)
		}
		publish(r.t, r.mirror, "hhtz", title, text)
	}
	r.round++
	r.crawl()
}

// crawl runs crawler once over the mirror into the store.
func (r *replicas) crawl() {
	cmd := exec.Command(filepath.Join(binDir, "crawler"), "once", "-config", r.sources, "-data", r.data, "-store", r.where)
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("crawler once: %v\n%s", err, out)
	}
}

// open opens the store, as a crawler or searchd would.
func (r *replicas) open() *store.Store {
	st, err := store.Open(context.Background(), r.where)
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

func (r *replicas) calls() int {
	r.rc.mu.Lock()
	defer r.rc.mu.Unlock()
	return r.rc.calls
}

// checkDelivered waits until every match has reached the receiver and
// every delivery is delivered (asking replica via), then checks that each
// match came under exactly one webhook-id and that every delivery id the
// store made reached the receiver.
func (r *replicas) checkDelivered(via string) {
	t := r.t
	t.Helper()
	// What should arrive: the published articles the crawler stored (the
	// oracle is the store, read here).
	want := map[string]map[string]bool{r.all.ID: {}, r.some.ID: {}}
	st := r.open()
	defer st.Close()
	arts, err := st.Since(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		if strings.Contains(a.Title, "断电演练") {
			want[r.all.ID][a.Title] = true
			if !strings.Contains(a.Text, "萧山") {
				want[r.some.ID][a.Title] = true
			}
		}
	}
	if len(want[r.all.ID]) != 3*r.round || len(want[r.some.ID]) != 2*r.round {
		t.Fatalf("stored %d and %d matching articles, want %d and %d", len(want[r.all.ID]), len(want[r.some.ID]), 3*r.round, 2*r.round)
	}
	waitUntil(t, "every delivery delivered", 120*time.Second, func() bool {
		got := r.rc.received()
		if len(got[r.all.ID]) < len(want[r.all.ID]) || len(got[r.some.ID]) < len(want[r.some.ID]) {
			return false
		}
		var subs []struct{ State string }
		getJSON(t, r.bases[via]+"/api/subscriptions", &subs)
		for _, s := range subs {
			if s.State != "delivered" {
				return false
			}
		}
		return len(subs) == 2
	})
	rec := r.rc.received()
	for _, sub := range []created{r.all, r.some} {
		got := map[string]bool{}
		for art, ids := range rec[sub.ID] {
			got[r.rc.titles[art]] = true
			if len(ids) != 1 {
				t.Errorf("%s: article %q carried by %d webhook-ids %v, want 1", sub.ID, r.rc.titles[art], len(ids), ids)
			}
		}
		if !mapsEqual(got, want[sub.ID]) {
			t.Errorf("%s: receiver has %v, want %v", sub.ID, keys(got), keys(want[sub.ID]))
		}
	}
	r.rc.mu.Lock()
	defer r.rc.mu.Unlock()
	for _, sub := range []created{r.all, r.some} {
		ds, err := st.Deliveries(context.Background(), sub.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if _, ok := r.rc.byID[d.ID]; !ok || d.State != "delivered" {
				t.Errorf("delivery %s (%s) never reached the receiver", d.ID, d.State)
			}
		}
	}
	t.Logf("receiver: %d requests for %d webhook-ids", r.rc.calls, len(r.rc.byID))
	for _, b := range r.rc.bad {
		t.Error(b)
	}
}

// lease reads the alert lease from the store.
func (r *replicas) lease() (holder string, epoch int64) {
	st := r.open()
	defer st.Close()
	l, err := st.Lease(context.Background(), "alerts")
	if err != nil {
		r.t.Fatal(err)
	}
	return l.Holder, l.Epoch
}

// TestReplicas runs two searchd replicas on one store (the mirror
// crawled), each with its own index: both answer the relevance suite
// identically; exactly one delivers the alerts; SIGKILLed while a
// delivery is in flight, the other takes over, and in the end the
// receiver has every match under exactly one webhook-id, and every
// delivery id the store made. It runs on a SQLite store and on a
// PostgreSQL one (a real server, skipped where none is installed).
func TestReplicas(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testReplicas(t, "") })
	t.Run("postgres", func(t *testing.T) { testReplicas(t, pgtest.URL(t)) })
}

func testReplicas(t *testing.T, pg string) {
	r := newReplicas(t, pg, "a", "b")
	leader := r.waitCaughtUp()
	standby := map[string]string{"a": "b", "b": "a"}[leader]
	if n := sameResults(t, r.bases); n < 10 {
		t.Errorf("only %d queries of the relevance suite found anything", n)
	}
	// Subscriptions made on the standby: it writes the shared store, the
	// leader matches and delivers.
	r.subscribe(standby)

	// The receiver hangs: the leader's delivery is in flight when it is
	// killed.
	r.rc.setMode("hang")
	r.publishRound()
	waitUntil(t, "a delivery in flight", 60*time.Second, func() bool { return r.calls() > 0 })
	r.procs[leader].cmd.Process.Signal(syscall.SIGKILL)
	r.procs[leader].cmd.Wait()
	killed := time.Now()
	delete(r.bases, leader)
	r.rc.setMode("ok")
	waitUntil(t, "the standby taking over", 60*time.Second, func() bool {
		h, _ := replicaHealthOf(t, r.bases[standby])
		return h.AlertLeader
	})
	t.Logf("%s killed mid-delivery; %s leads %v later (lease TTL 2s)", leader, standby, time.Since(killed).Round(10*time.Millisecond))

	// More articles; the killed replica comes back (same index) as a
	// standby and catches up.
	r.publishRound()
	r.start(leader)
	r.publishRound()
	r.checkDelivered(standby)
	if holder, epoch := r.lease(); holder != standby || epoch < 2 {
		t.Errorf("alert lease held by %q in epoch %d; want %s's, epoch ≥ 2", holder, epoch, standby)
	}

	// Both replicas converge again, the restarted one a standby.
	waitUntil(t, "both replicas caught up again", 90*time.Second, func() bool {
		l, ok := r.caughtUp()
		return ok && l == standby
	})
	sameResults(t, r.bases)
	// The restarted replica stood by all along: it matched and sent
	// nothing (only the lease holder does).
	restarted := r.procs[leader]
	restarted.mu.Lock()
	logs := restarted.logs.String()
	restarted.mu.Unlock()
	if strings.Contains(logs, `msg="alerts matched"`) || strings.Contains(logs, `msg="webhook delivery"`) ||
		!strings.Contains(logs, `msg="lease held by another replica"`) {
		t.Errorf("the restarted standby %s matched or delivered, or never saw the lease held:\n%s", leader, restarted.tail())
	}
	for _, base := range r.bases {
		if res := search(t, base, url.Values{"q": {"断电演练"}}); res.Total != 3*r.round {
			t.Errorf("%s: 断电演练 finds %d, want %d", base, res.Total, 3*r.round)
		}
	}
}

// TestReplicaPausedLeader: the alerting replica is paused (SIGSTOP) with
// a delivery in flight, for longer than the lease; the other takes over
// and delivers. Woken (SIGCONT), the old leader steps down: its term is
// fenced, so it claims, sends and records nothing more, and the
// receiver still has every match under exactly one webhook-id. (SQLite
// only: on PostgreSQL a process paused inside a transaction keeps its
// row locks until it wakes, and the pause could land there.)
func TestReplicaPausedLeader(t *testing.T) {
	r := newReplicas(t, "", "a", "b")
	leader := r.waitCaughtUp()
	standby := map[string]string{"a": "b", "b": "a"}[leader]
	r.subscribe(leader)
	_, epoch := r.lease()

	r.rc.setMode("hang")
	r.publishRound()
	waitUntil(t, "a delivery in flight", 60*time.Second, func() bool { return r.calls() > 0 })
	paused := r.procs[leader]
	if err := paused.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	defer func() {
		if !resumed {
			paused.cmd.Process.Signal(syscall.SIGCONT)
		}
	}()
	r.rc.setMode("ok")
	waitUntil(t, "the standby taking over", 60*time.Second, func() bool {
		h, _ := replicaHealthOf(t, r.bases[standby])
		return h.AlertLeader
	})
	r.publishRound()
	// Every match is delivered by the new leader while the old one sleeps
	// (which would hang a request to it: only the standby is asked).
	r.checkDelivered(standby)

	paused.mu.Lock()
	before := paused.logs.Len()
	paused.mu.Unlock()
	if err := paused.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	resumed = true
	waitUntil(t, "the woken leader stepping down", 60*time.Second, func() bool {
		return strings.Contains(paused.tail(), "stepping down")
	})
	// What it did after waking: no attempt recorded (a delivery logged),
	// whatever it tried was refused by the fence.
	paused.mu.Lock()
	woke := paused.logs.String()[before:]
	paused.mu.Unlock()
	for _, line := range strings.Split(woke, "\n") {
		switch {
		case strings.Contains(line, `msg="webhook delivery"`) || strings.Contains(line, `msg="alerts matched"`):
			t.Errorf("the stale leader wrote after waking: %s", line)
		case strings.Contains(line, "lease lost") || strings.Contains(line, "stepping down"):
			t.Logf("stale leader: %s", line)
		}
	}
	if holder, e := r.lease(); holder != standby || e != epoch+1 {
		t.Errorf("alert lease held by %q in epoch %d; want %s's in epoch %d", holder, e, standby, epoch+1)
	}
	// One more round with both awake: still one leader, still exactly once.
	r.publishRound()
	r.checkDelivered(standby)
	if l := r.waitCaughtUp(); l != standby {
		t.Errorf("%s leads after the old leader woke, want %s", l, standby)
	}
}
