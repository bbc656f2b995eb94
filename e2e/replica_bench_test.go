package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
	"riverside/internal/store/pgtest"
)

// BenchmarkFollowerLag measures how far two searchd replicas (processes,
// each with its own index) trail a steady ingest: articles are stored at
// a fixed rate for a few seconds (as the crawler would, through
// store.Put from this process), and each replica's /healthz is read
// every 20 ms. For every article, lag is the time from its commit to the
// first /healthz whose indexed_seq covers it. Reported: the median, 95th
// percentile and maximum of that lag over both replicas, and the most
// versions a replica was behind. searchd runs with its default -batch
// (500) and -poll 1s (the default: the pause between looks at the log
// once caught up) or 100ms.
//
// store=postgres runs the same on a durable PostgreSQL server
// (pgtest.DurableURL; skipped where PostgreSQL is not installed).
func BenchmarkFollowerLag(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, poll := range []string{"1s", "100ms"} {
			for _, rate := range []int{10, 100} {
				b.Run(fmt.Sprintf("store=%s/poll=%s/rate=%d/s", backend, poll, rate), func(b *testing.B) {
					benchFollowerLag(b, backend, poll, rate)
				})
			}
		}
	}
}

func benchFollowerLag(b *testing.B, backend, poll string, rate int) {
	var lags []time.Duration
	var maxBehind int64
	for i := 0; i < b.N; i++ {
		where := ""
		if backend == "postgres" {
			where = pgtest.DurableURL(b)
		}
		l, behind := followerLag(b, where, poll, rate, 5*time.Second)
		lags = append(lags, l...)
		maxBehind = max(maxBehind, behind)
	}
	slices.Sort(lags)
	pct := func(p int) float64 { return lags[(len(lags)-1)*p/100].Seconds() * 1000 }
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(95), "p95-ms")
	b.ReportMetric(pct(100), "max-ms")
	b.ReportMetric(float64(maxBehind), "max-versions-behind")
}

// followerLag runs one measurement on the store at where (a postgres://
// URL, or "" for a new SQLite file).
func followerLag(b *testing.B, where, poll string, rate int, d time.Duration) ([]time.Duration, int64) {
	dir := b.TempDir()
	data := filepath.Join(dir, "data")
	if where == "" {
		where = filepath.Join(data, store.FileName)
	}
	st, err := store.Open(context.Background(), where)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var bases []string
	for _, id := range []string{"a", "b"} {
		bases = append(bases, startSearchd(b, "-addr", "127.0.0.1:0", "-data", data, "-store", where,
			"-index", filepath.Join(dir, "index-"+id), "-replica-id", id, "-poll", poll))
	}

	var mu sync.Mutex
	committed := map[int64]time.Time{} // seq → when Put returned
	stop := make(chan struct{})
	var wg sync.WaitGroup
	seen := make([]map[int64]time.Time, len(bases)) // per replica: indexed_seq → first seen
	behind := make([]int64, len(bases))
	for r, base := range bases {
		seen[r] = map[int64]time.Time{}
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for {
				h, err := healthOf(client, base)
				if err == nil {
					now := time.Now()
					if _, ok := seen[r][h.IndexedSeq]; !ok {
						seen[r][h.IndexedSeq] = now
					}
					behind[r] = max(behind[r], h.Lag)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
	}
	every := time.Second / time.Duration(rate)
	next := time.Now()
	var last int64
	for n := 0; time.Duration(n)*every < d; n++ {
		time.Sleep(time.Until(next))
		next = next.Add(every)
		u := fmt.Sprintf("https://bench.example/%d.html", n)
		text := fmt.Sprintf("滨江区第%d条稳定写入的测试新闻。Steady ingest article %d.", n, n)
		a := &news.Article{ID: news.ArticleID(u), URL: u, SourceID: "bench", Title: fmt.Sprintf("稳定写入%d", n), Text: text,
			Hash: news.TextHash(text), Lang: "zh", Districts: []string{news.Binjiang}, Fetched: time.Now()}
		if _, err := st.Put(context.Background(), a); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		committed[a.Seq] = time.Now()
		mu.Unlock()
		last = a.Seq
	}
	// Wait until both replicas have everything, then stop sampling.
	deadline := time.Now().Add(60 * time.Second)
	for {
		done := true
		for r := range bases {
			if h, err := healthOf(http.DefaultClient, bases[r]); err != nil || h.IndexedSeq < last {
				done = false
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("replicas did not catch up")
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()

	var lags []time.Duration
	for r := range bases {
		// indexed_seq only grows: an article is searchable from the first
		// sample whose indexed_seq is at or past its seq.
		type obs struct {
			seq int64
			at  time.Time
		}
		var os []obs
		for s, at := range seen[r] {
			os = append(os, obs{s, at})
		}
		slices.SortFunc(os, func(x, y obs) int { return x.at.Compare(y.at) })
		for seq, at := range committed {
			for _, o := range os {
				if o.seq >= seq {
					lags = append(lags, max(o.at.Sub(at), 0))
					break
				}
			}
		}
	}
	return lags, max(behind[0], behind[1])
}

// startSearchd runs searchd for a benchmark and returns its base URL; it
// is stopped (SIGTERM) at the benchmark's end.
func startSearchd(b *testing.B, args ...string) string {
	b.Helper()
	cmd := exec.Command(filepath.Join(binDir, "searchd"), args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil && strings.Contains(sc.Text(), "listening") {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(30 * time.Second):
		b.Fatal("searchd logged no listening address")
	}
	return ""
}

func healthOf(client *http.Client, base string) (replicaHealth, error) {
	var h replicaHealth
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	return h, json.NewDecoder(resp.Body).Decode(&h)
}
