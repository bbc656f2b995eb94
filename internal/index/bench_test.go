package index

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

// benchCorpus makes n articles mixing Chinese and English text.
func benchCorpus(n int) []news.Article {
	words := []string{"滨江", "萧山", "物联网", "数字经济", "人民政府", "常务会议", "产业政策", "人工智能", "innovation", "digital", "economy", "park", "river"}
	out := make([]news.Article, n)
	for i := range out {
		var b strings.Builder
		for j := range 60 {
			b.WriteString(words[(i*7+j*3)%len(words)])
			if j%5 == 4 {
				b.WriteString("。")
			}
		}
		out[i] = news.Article{
			ID: fmt.Sprintf("a%d", i), Seq: int64(i + 1), Title: words[i%len(words)] + " " + words[(i+3)%len(words)],
			Text: b.String(), SourceID: fmt.Sprintf("src-%d", i%5), Districts: []string{news.Binjiang}, Lang: "zh",
			Published: time.Date(2024, 1, 1, 0, 0, 0, 0, news.Shanghai).Add(time.Duration(i) * time.Hour),
		}
	}
	return out
}

func BenchmarkApply(b *testing.B) {
	arts := benchCorpus(500)
	for b.Loop() {
		b.StopTimer()
		idx, err := Open(b.TempDir() + "/index")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := idx.Apply(context.Background(), arts); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		idx.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "articles/s")
}

func BenchmarkSearch(b *testing.B) {
	idx, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	arts := benchCorpus(5000)
	for i := 0; i < len(arts); i += 500 {
		if err := idx.Apply(context.Background(), arts[i:i+500]); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{"", "滨江", "萧山区人民政府", "数字经济 OR innovation", `"digital economy" -park`, "innov*"} {
		b.Run(fmt.Sprintf("q=%s", q), func(b *testing.B) {
			for b.Loop() {
				if _, err := idx.Search(context.Background(), news.Query{Q: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTextAnalyzer analyses an English and a Chinese paragraph with
// the text analyzer, as indexing does for every article (allocations are
// a good part of indexing's cost: see BENCHMARKS.md).
func BenchmarkTextAnalyzer(b *testing.B) {
	idx, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	for _, c := range []struct{ name, text string }{
		{"en", strings.Repeat("The district's innovation parks announced that investors would be building more digital-economy companies along the river, and officials said the new policies were working. ", 12)},
		{"zh", strings.Repeat("滨江区人民政府召开常务会议，研究部署数字经济和人工智能产业政策，推进物联网小镇建设。", 12)},
	} {
		text := []byte(c.text)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				idx.text.Analyze(text)
			}
		})
	}
}
