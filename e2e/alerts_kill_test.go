package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/store"
)

// TestAlertsSurviveKills kills searchd with SIGKILL at random points —
// while it indexes, between matching and delivery, while a delivery is in
// flight — with the receiver failing (500), then hanging, then well
// again: every match is still delivered, exactly once per webhook-id, and
// no match is carried by two webhook-ids.
func TestAlertsSurviveKills(t *testing.T) {
	dir := t.TempDir()
	mirror, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	rc := newHookReceiver(t)
	args := []string{"-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"),
		"-allow-private-webhooks", "-poll", "100ms", "-batch", "2", "-webhook-backoff", "100ms",
		"-webhook-max-backoff", "1s", "-webhook-timeout", "1s", "-webhook-max-attempts", "1000"}

	sd := start(t, "searchd", args...)
	base := "http://" + sd.listenAddr(t)
	all := subscribeTo(t, base, rc, map[string]any{"name": "drills", "query": "断电演练", "webhook": rc.url})
	some := subscribeTo(t, base, rc, map[string]any{"name": "drills outside Xiaoshan", "query": "断电演练 -萧山", "webhook": rc.url})
	want := map[string]map[string]bool{all.ID: {}, some.ID: {}}

	modes := []string{"fail", "fail", "hang", "hang", "ok", "fail", "ok"}
	published := 0
	for round, mode := range modes {
		rc.setMode(mode)
		for i := range 3 {
			title := fmt.Sprintf("第%d轮断电演练%d", round, i)
			// Texts differ: the store takes equal texts for reposts.
			text := fmt.Sprintf("滨江区开展第%d轮第%d次断电演练。", round, i)
			switch {
			case i == 1:
				text = fmt.Sprintf("萧山区开展第%d轮断电演练。", round)
			case i == 2 && round%2 == 1:
				title, text = fmt.Sprintf("第%d轮社区运动会", round), fmt.Sprintf("第%d轮社区运动会今天开幕。", round)
			}
			publish(t, mirror, "hhtz", title, text)
			published++
		}
		crawlOnce(t, sources, data)
		if round > 0 {
			sd = start(t, "searchd", args...)
			sd.listenAddr(t)
		}
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
		sd.cmd.Process.Kill()
		sd.cmd.Wait()
		t.Logf("round %d (%s): killed; receiver has %d articles", round, mode, len(rc.received()[all.ID]))
	}
	// What should arrive: the published articles the crawler stored (the
	// oracle is the store, read here, not searchd).
	stored, _ := storedArticles(t, data, false)
	st := openStoreTitles(t, data)
	for _, title := range st {
		if !strings.Contains(title, "断电演练") {
			continue
		}
		want[all.ID][title] = true
	}
	for _, a := range storedTexts(t, data) {
		if strings.Contains(a[0], "断电演练") && !strings.Contains(a[1], "萧山") {
			want[some.ID][a[0]] = true
		}
	}
	if len(want[all.ID]) < published*2/3 {
		t.Fatalf("only %d of %d published articles stored (%d in all)", len(want[all.ID]), published, len(stored))
	}

	rc.setMode("ok")
	sd = start(t, "searchd", args...)
	base = "http://" + sd.listenAddr(t)
	waitUntil(t, "every match at the receiver", 90*time.Second, func() bool {
		got := rc.received()
		return len(got[all.ID]) >= len(want[all.ID]) && len(got[some.ID]) >= len(want[some.ID])
	})
	waitUntil(t, "every delivery delivered", 30*time.Second, func() bool {
		var subs []struct {
			ID         string
			State      string
			Deliveries map[string]int
		}
		getJSON(t, base+"/api/subscriptions", &subs)
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
		// searchd came back on another port.
		_, items := feedEntries(t, base+"/feeds/"+sub.ID+".atom")
		inFeed := map[string]bool{}
		for _, it := range newEntries(items) {
			inFeed[it.Title] = true
		}
		if !mapsEqual(inFeed, want[sub.ID]) {
			t.Errorf("%s: feed has %v, want %v", sub.ID, keys(inFeed), keys(want[sub.ID]))
		}
	}
	rc.mu.Lock()
	t.Logf("receiver: %d requests for %d webhook-ids", rc.calls, len(rc.byID))
	for _, b := range rc.bad {
		t.Error(b)
	}
	rc.mu.Unlock()
	if code := status(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz %d", code)
	}
}

// storedTexts reads the title and text of every article in the store.
func storedTexts(t *testing.T, data string) [][2]string {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	arts, err := st.Since(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, a := range arts {
		out = append(out, [2]string{a.Title, a.Text})
	}
	return out
}

func openStoreTitles(t *testing.T, data string) []string {
	var out []string
	for _, a := range storedTexts(t, data) {
		out = append(out, a[0])
	}
	return out
}
