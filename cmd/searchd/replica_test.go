package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

// healthz is /healthz with the replica fields.
type healthz struct {
	Status      string   `json:"status"`
	IndexedSeq  int64    `json:"indexed_seq"`
	Replica     string   `json:"replica"`
	StoreSeq    *int64   `json:"store_seq"`
	Lag         *int64   `json:"lag"`
	LagSeconds  *float64 `json:"lag_seconds"`
	LastApplied string   `json:"last_applied"`
	Rebuilding  *bool    `json:"rebuilding"`
	AlertLeader *bool    `json:"alert_leader"`
	Error       string   `json:"error"`
}

func getHealth(t *testing.T, base string) (healthz, int) {
	t.Helper()
	var h healthz
	code := getJSON(t, base+"/healthz", &h)
	if h.StoreSeq == nil || h.Lag == nil || h.LagSeconds == nil || h.Rebuilding == nil || h.AlertLeader == nil {
		t.Fatalf("healthz lacks replica fields: HTTP %d %+v", code, h)
	}
	return h, code
}

// TestHealthzReplicas: two searchd processes' worth of run on one store,
// each with its own index: both catch up and say so, exactly one holds
// the alert lease, and when it stops the other takes it over.
func TestHealthzReplicas(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	for i, title := range []string{"物联网小镇迎来新企业", "人工智能产业政策", "萧山区召开常务会议"} {
		put(t, st, "https://www.hhtz.gov.cn/art/"+string(rune('a'+i))+".html", title, title+"，今天发布。")
	}
	head, err := st.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	baseA, stopA := startWith(t, dir, "-index", filepath.Join(dir, "index-a"), "-replica-id", "a", "-lease-ttl", "500ms")
	baseB, stopB := startWith(t, dir, "-index", filepath.Join(dir, "index-b"), "-replica-id", "b", "-lease-ttl", "500ms")
	defer stopB()
	bases := map[string]string{"a": baseA, "b": baseB}
	leader := ""
	eventually(t, "both replicas caught up, one leading", func() bool {
		leaders := 0
		for id, base := range bases {
			h, code := getHealth(t, base)
			// The index's checkpoint moves just before its after-apply
			// hooks run, last_applied just after.
			if code != http.StatusOK || h.Status != "ok" || h.Replica != id || h.IndexedSeq != head || h.LastApplied == "" {
				return false
			}
			if *h.StoreSeq != head || *h.Lag != 0 || *h.LagSeconds != 0 || *h.Rebuilding {
				t.Errorf("%s caught up: %+v", id, h)
			}
			if *h.AlertLeader {
				leaders++
				leader = id
			}
		}
		return leaders == 1
	})
	// /metrics says the same.
	for id, base := range bases {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := "riverside_alert_leader 0\n"
		if id == leader {
			want = "riverside_alert_leader 1\n"
		}
		if !strings.Contains(string(body), want) {
			t.Errorf("%s: /metrics lacks %q", id, want)
		}
	}
	// Stop the leader: the other takes the lease (released at once).
	stops := map[string]func() error{"a": stopA, "b": stopB}
	if err := stops[leader](); err != nil {
		t.Fatal(err)
	}
	other := map[string]string{"a": "b", "b": "a"}[leader]
	eventually(t, "the other replica leading", func() bool {
		h, _ := getHealth(t, bases[other])
		return h.AlertLeader != nil && *h.AlertLeader
	})
	l, err := st.Lease(context.Background(), alertLease)
	if err != nil || l.Holder != other || l.Epoch < 2 {
		t.Errorf("lease %+v, %v; want %s's, epoch ≥ 2", l, err, other)
	}
}

// TestHealthzUnready: with -max-lag, a replica whose index is being
// rebuilt, or lags too far behind, answers 503 with the reason; without
// it, 200 with the same figures.
func TestHealthzUnready(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	put(t, st, "https://www.hhtz.gov.cn/art/1.html", "物联网小镇迎来新企业", "物联网小镇今年新增企业。")
	// Indexing needs more free space than any disk has: it pauses, and
	// the new index stays empty.
	paused := []string{"-index-min-free", "4611686018427387904", "-replica-id", "r"}

	base, stop := startWith(t, dir, append(paused, "-max-lag", "1h")...)
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), `"status":"unavailable"`) || !strings.Contains(string(body), `"rebuilding":true`) ||
		!strings.Contains(string(body), "rebuilt") {
		t.Errorf("rebuilding with -max-lag: %s %s", res.Status, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// Without -max-lag the same state is a 200 that tells the lag.
	base, stop = startWith(t, dir, paused...)
	h, code := getHealth(t, base)
	if code != http.StatusOK || h.Status != "ok" || !*h.Rebuilding || *h.Lag != 1 || h.Error != "" {
		t.Errorf("rebuilding without -max-lag: HTTP %d %+v", code, h)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// Indexed, then a version fetched two hours ago waits unindexed: not
	// rebuilding, but behind by two hours.
	base, stop = startWith(t, dir, "-replica-id", "r")
	eventually(t, "indexed", func() bool { h, _ := getHealth(t, base); return h.IndexedSeq == 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	text := "滨江发布人工智能产业政策。"
	old := &news.Article{ID: news.ArticleID("https://www.hhtz.gov.cn/art/2.html"), URL: "https://www.hhtz.gov.cn/art/2.html",
		SourceID: "binjiang-news", Title: "人工智能产业政策", Text: text, Hash: news.TextHash(text), Lang: "zh",
		Districts: []string{news.Binjiang}, Fetched: time.Now().Add(-2 * time.Hour)}
	if _, err := st.Put(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		maxLag string
		want   int
	}{{"1h", http.StatusServiceUnavailable}, {"3h", http.StatusOK}} {
		base, stop = startWith(t, dir, append(paused, "-max-lag", c.maxLag)...)
		var h healthz
		code := getJSON(t, base+"/healthz", &h)
		if code != c.want || h.Rebuilding == nil || *h.Rebuilding || *h.Lag != 1 || *h.LagSeconds < 3600 {
			t.Errorf("-max-lag %s: HTTP %d %+v, want %d", c.maxLag, code, h, c.want)
		}
		if c.want != http.StatusOK && !strings.Contains(h.Error, "1 unindexed") {
			t.Errorf("-max-lag %s: error %q", c.maxLag, h.Error)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReplicaFlags(t *testing.T) {
	for _, args := range [][]string{{"-replica-id", ""}, {"-lease-ttl", "10ms"}, {"-max-lag", "-1s"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: got no error", args)
		}
	}
}

// TestRestartTakesLeaseBack: a searchd restarted on its index after a
// crash (its lease still running in the store) is the same replica by
// default: it leads again at once, in a new epoch that fences the dead
// one, rather than waiting out the lease.
func TestRestartTakesLeaseBack(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	id := defaultReplicaID(filepath.Join(dir, "index"))
	if !strings.Contains(id, filepath.Join(dir, "index")) {
		t.Fatalf("default replica id %q does not name the index", id)
	}
	// The crashed predecessor's term: an hour left.
	dead, err := st.AcquireLease(context.Background(), alertLease, id, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startWith(t, dir)
	eventually(t, "leading again", func() bool { h, _ := getHealth(t, base); return *h.AlertLeader })
	if h, _ := getHealth(t, base); h.Replica != id {
		t.Errorf("replica %q, want %q", h.Replica, id)
	}
	l, err := st.Lease(context.Background(), alertLease)
	if err != nil || l.Holder != id || l.Epoch != dead.Epoch+1 {
		t.Errorf("lease %+v, %v; want %s's in epoch %d", l, err, id, dead.Epoch+1)
	}
}
