package index

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"riverside/internal/news"
)

// benchSubscriptions is a realistic mix of n saved searches, nearly all
// different (so that no work is shared between them): Chinese words,
// English words, phrases, booleans, prefixes and filters, drawn from the
// vocabulary of newsBatch.
func benchSubscriptions(n int) []news.Query {
	han := []rune(benchHan)
	zh := func(i int) string { return string(han[i%len(han)]) + string(han[(i*7+3)%len(han)]) }
	en := func(i int) string {
		if i%3 == 0 {
			return benchEnglish[i%len(benchEnglish)]
		}
		return fmt.Sprintf("word%d", 20+i%700)
	}
	forms := []func(i int) news.Query{
		func(i int) news.Query { return news.Query{Q: zh(i)} },
		func(i int) news.Query { return news.Query{Q: en(i)} },
		func(i int) news.Query { return news.Query{Q: fmt.Sprintf("%q", zh(i)+zh(i+7))} },
		func(i int) news.Query { return news.Query{Q: fmt.Sprintf("%q", en(i)+" "+en(i+1))} },
		func(i int) news.Query {
			return news.Query{Q: fmt.Sprintf("(%s OR %s) AND %s -%s", zh(i), zh(i+1), zh(i+2), zh(i+3))}
		},
		func(i int) news.Query { return news.Query{Q: fmt.Sprintf("%s AND NOT %s", en(i), en(i+5))} },
		func(i int) news.Query {
			w := benchEnglish[i%len(benchEnglish)]
			return news.Query{Q: w[:len(w)-2] + "*"}
		},
		func(i int) news.Query {
			return news.Query{Q: zh(i), Source: fmt.Sprintf("src-%d", i%5), District: []string{news.Binjiang, news.Xiaoshan}[i%2]}
		},
		func(i int) news.Query { return news.Query{Q: en(i), Lang: "en"} },
		func(i int) news.Query { return news.Query{Q: "title:" + zh(i)} },
	}
	qs := make([]news.Query, n)
	for i := range qs {
		qs[i] = forms[i%len(forms)](i / len(forms))
	}
	return qs
}

// BenchmarkMatchBatch matches a batch of 1,000 new articles against 1,000
// saved searches. The corpus sizes are there to show the figure does not
// depend on them: MatchBatch is given the batch only and never reads the
// index on disk (corpus articles are indexed on disk beside it).
func BenchmarkMatchBatch(b *testing.B) {
	subs := benchSubscriptions(1000)
	for _, corpus := range []int{0, 10_000, 100_000} {
		b.Run(fmt.Sprintf("corpus=%d", corpus), func(b *testing.B) {
			if corpus > 0 && os.Getenv("RIVERSIDE_BENCH_CORPUS") == "" {
				// Building the corpus takes minutes; the figure is the
				// same by construction (MatchBatch is given the batch).
				b.Skip("set RIVERSIDE_BENCH_CORPUS=1 to build a corpus beside the batch")
			}
			if corpus > 0 {
				idx, err := Open(b.TempDir() + "/index")
				if err != nil {
					b.Fatal(err)
				}
				defer idx.Close()
				all := benchCorpus(corpus)
				for i := 0; i < len(all); i += 5000 {
					if err := idx.Apply(context.Background(), all[i:min(i+5000, len(all))]); err != nil {
						b.Fatal(err)
					}
				}
			}
			batch := newsBatch(1000)
			b.ResetTimer()
			cpu := cpuTime()
			for b.Loop() {
				out, _, err := MatchBatch(context.Background(), batch, subs)
				if err != nil {
					b.Fatal(err)
				}
				hits := 0
				for _, h := range out {
					hits += len(h)
				}
				b.ReportMetric(float64(hits), "matches/op")
			}
			// The machine is shared: CPU time says what the work costs
			// when the wall clock also counts others' work.
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// newsBatch makes n articles that read like a day of district news: each
// draws its words from a vocabulary of a few thousand, a few frequent
// (滨江, 萧山, economy) and most rare, as words are in real text, so that
// a saved search matches some articles of a batch, not all of them.
func newsBatch(n int) []news.Article {
	han := []rune(benchHan)
	english := benchEnglish
	// A deterministic generator keeps runs comparable.
	state := uint64(42)
	rnd := func(k int) int {
		state = state*6364136223846793005 + 1442695040888963407
		return int((state >> 33) % uint64(k))
	}
	// Zipf-like: small indexes come up far more often than large ones.
	zipf := func(k int) int { return rnd(1 + rnd(k)) }
	out := make([]news.Article, n)
	for i := range out {
		a := news.Article{ID: fmt.Sprintf("new%d", i), Seq: int64(i + 1), SourceID: fmt.Sprintf("src-%d", i%5),
			Districts: []string{[]string{news.Binjiang, news.Xiaoshan}[i%2]},
			Published: time.Date(2026, 1, 1, 0, 0, 0, 0, news.Shanghai).Add(time.Duration(i) * time.Minute)}
		var b strings.Builder
		if i%4 == 0 {
			a.Lang = "en"
			for j := range 120 {
				if w := zipf(len(english) * 40); w < len(english) {
					b.WriteString(english[w])
				} else {
					fmt.Fprintf(&b, "word%d", w)
				}
				b.WriteString(" ")
				if j == 8 {
					a.Title = b.String()
				}
			}
		} else {
			a.Lang = "zh"
			for j := range 200 {
				b.WriteRune(han[zipf(len(han))])
				b.WriteRune(han[zipf(len(han))])
				if j%12 == 11 {
					b.WriteString("。")
				}
				if j == 10 {
					a.Title = b.String()
				}
			}
		}
		a.Text = b.String()
		out[i] = a
	}
	return out
}

// The vocabulary of newsBatch and benchSubscriptions.
const benchHan = "滨江萧山区政府人民会议经济数字产业政策人工智能物联网科技创新发展城市建设交通教育医疗文化旅游环境生态农业工业企业服务市场投资项目"

var benchEnglish = []string{"innovation", "digital", "economy", "park", "river", "bridge", "school", "hospital", "market", "company",
	"robot", "startup", "policy", "council", "district", "village", "festival", "museum", "subway", "airport"}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
