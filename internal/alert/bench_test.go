package alert

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
)

// BenchmarkWebhookDeliveries measures deliveries per second to a receiver
// on loopback: pending deliveries in the real store, signed POSTs, the
// outcome written back, with the default concurrency (8).
func BenchmarkWebhookDeliveries(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), store.FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	sub := &news.Subscription{ID: "sub_bench", Name: "bench", Kind: news.KindSearch, Query: "x", Webhook: srv.URL, Secret: NewSecret()}
	if err := st.CreateSubscription(ctx, sub); err != nil {
		b.Fatal(err)
	}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		// 200 deliveries of one match each.
		for range 200 {
			n++
			m := news.Match{Subscription: sub.ID, ArticleID: fmt.Sprintf("a%d", n), Version: 1, Seq: int64(n),
				Title: "物联网小镇", URL: "https://example.gov.cn/a", Snippet: "<mark>物联网</mark>小镇"}
			if _, err := st.RecordEvents(ctx, []news.Match{m}, time.Now(), NewDeliveryID); err != nil {
				b.Fatal(err)
			}
		}
		want := got.Load() + 200
		b.StartTimer()
		d := &Deliverer{Store: st, Client: Guard{AllowPrivate: true}.Client(5 * time.Second), Poll: time.Millisecond}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { d.Run(runCtx); close(done) }()
		for got.Load() < want {
			time.Sleep(time.Millisecond)
		}
		cancel()
		<-done
	}
	b.ReportMetric(float64(b.N*200)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkIngestWithAlerts indexes 2,000 new article versions (batches
// of 500, as searchd does) while the alert follower matches the same
// versions against 0 or 1,000 saved searches, and reports the indexing
// rate: the alerts must not halve ingestion.
func BenchmarkIngestWithAlerts(b *testing.B) {
	for _, nsubs := range []int{0, 1000} {
		b.Run(fmt.Sprintf("subscriptions=%d", nsubs), func(b *testing.B) {
			ctx := context.Background()
			var indexed, elapsed float64
			for range b.N {
				b.StopTimer()
				dir := b.TempDir()
				st, err := store.Open(ctx, filepath.Join(dir, store.FileName))
				if err != nil {
					b.Fatal(err)
				}
				for i, q := range benchQueries(nsubs) {
					s := &news.Subscription{ID: fmt.Sprintf("sub_%d", i), Name: "b", Kind: news.KindSearch, Query: q.Q,
						Source: q.Source, District: q.District, Lang: q.Lang}
					if err := st.CreateSubscription(ctx, s); err != nil {
						b.Fatal(err)
					}
				}
				for _, a := range benchArticles(2000) {
					if _, err := st.Put(ctx, &a); err != nil {
						b.Fatal(err)
					}
				}
				idx, err := index.Open(filepath.Join(dir, "index"))
				if err != nil {
					b.Fatal(err)
				}
				// searchd's policy (cmd/searchd/alerts.go): alerts wait while
				// indexing has more than a batch to go, then match with half
				// the cores while it is behind at all, all once it is not.
				matchYielding := func(ctx context.Context, batch []news.Article, qs []news.Query) ([][]Hit, []error, error) {
					workers := runtime.GOMAXPROCS(0)
					if cp, _ := idx.Checkpoint(); cp < batch[len(batch)-1].Seq {
						workers = max(1, workers/2)
					}
					out, errs, err := index.MatchBatchWorkers(ctx, batch, qs, workers)
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
				head, _ := st.MaxSeq(ctx)
				f := &Follower{Store: st, Match: matchYielding, Poll: 10 * time.Millisecond,
					Busy: func(context.Context) bool { cp, _ := idx.Checkpoint(); return head-cp > 500 }}
				b.StartTimer()
				start := time.Now()
				runCtx, cancel := context.WithCancel(ctx)
				alertsDone := make(chan struct{})
				go func() { f.Run(runCtx); close(alertsDone) }()
				for {
					cp, _ := idx.Checkpoint()
					batch, err := st.Since(ctx, cp, 500)
					if err != nil {
						b.Fatal(err)
					}
					if len(batch) == 0 {
						break
					}
					if err := idx.Apply(ctx, batch); err != nil {
						b.Fatal(err)
					}
					indexed += float64(len(batch))
				}
				elapsed += time.Since(start).Seconds()
				// The alerts catch up (counted in ns/op, not in the rate).
				for {
					if cp, _ := st.AlertCheckpoint(ctx); cp >= head {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				cancel()
				<-alertsDone
				b.StopTimer()
				idx.Close()
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(indexed/elapsed, "indexed/s")
		})
	}
}

// benchQueries is a varied mix of n saved searches over the vocabulary
// of benchArticles: Chinese and English words, phrases, booleans,
// filters, nearly all different.
func benchQueries(n int) []news.Query {
	han := []rune(benchHan)
	zh := func(i int) string { return string(han[i%len(han)]) + string(han[(i*7+3)%len(han)]) }
	en := func(i int) string { return fmt.Sprintf("w%d", (i*13)%400) }
	out := make([]news.Query, n)
	for i := range out {
		k := i / 6
		switch i % 6 {
		case 0:
			out[i] = news.Query{Q: zh(k)}
		case 1:
			out[i] = news.Query{Q: en(k)}
		case 2:
			out[i] = news.Query{Q: fmt.Sprintf("%q", zh(k)+zh(k+5))}
		case 3:
			out[i] = news.Query{Q: fmt.Sprintf("(%s OR %s) -%s", zh(k), en(k), zh(k+1))}
		case 4:
			out[i] = news.Query{Q: zh(k), District: news.Binjiang, Source: fmt.Sprintf("src-%d", k%4)}
		default:
			out[i] = news.Query{Q: en(k) + " " + en(k+1), Lang: "en"}
		}
	}
	return out
}

const benchHan = "滨江萧山区政府人民会议经济数字产业政策人工智能物联网科技创新发展城市建设交通教育医疗文化旅游环境生态农业工业企业服务市场投资项目"

// benchArticles are n distinct articles, a quarter English, whose words
// are drawn Zipf-like (a few frequent, most rare) as in real text, so
// that a saved search matches some articles, not all.
func benchArticles(n int) []news.Article {
	han := []rune(benchHan)
	state := uint64(7)
	rnd := func(k int) int {
		state = state*6364136223846793005 + 1442695040888963407
		return int((state >> 33) % uint64(k))
	}
	zipf := func(k int) int { return rnd(1 + rnd(k)) }
	out := make([]news.Article, n)
	for i := range out {
		url := fmt.Sprintf("https://example.gov.cn/art/%d.html", i)
		var b strings.Builder
		lang := "zh"
		fmt.Fprintf(&b, "第%d号。", i)
		if i%4 == 0 {
			lang = "en"
			for range 150 {
				fmt.Fprintf(&b, "w%d ", zipf(400))
			}
		} else {
			for j := range 250 {
				b.WriteRune(han[zipf(len(han))])
				b.WriteRune(han[zipf(len(han))])
				if j%12 == 11 {
					b.WriteString("。")
				}
			}
		}
		text := b.String()
		title := []rune(text)
		out[i] = news.Article{ID: news.ArticleID(url), URL: url, SourceID: fmt.Sprintf("src-%d", i%4),
			Districts: []string{news.Binjiang}, Title: string(title[:min(20, len(title))]), Text: text,
			Hash: news.TextHash(text), Lang: lang, Fetched: time.Now()}
	}
	return out
}
