package export

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

// genSource yields n synthetic versions from memory, so that the
// benchmark measures the writer alone.
type genSource struct {
	n int
	a news.Article
}

func (g *genSource) Versions(ctx context.Context, _ news.Selection, fn func(*news.Article, []string) error) error {
	for i := range g.n {
		a := g.a
		a.Seq = int64(i + 1)
		a.ID = fmt.Sprintf("%016x", i)
		if err := fn(&a, nil); err != nil {
			return err
		}
	}
	return nil
}

func benchArticle() news.Article {
	text := strings.Repeat("杭州高新区（滨江）数字经济高质量发展，物联网小镇招商引资。\n\n", 40)
	return news.Article{
		Version: 1, URL: "https://www.hhtz.gov.cn/art/2025/3/1/art_1_1.html", SourceID: "hhtz", Districts: []string{"binjiang"},
		Title: "滨江区物联网产业推进会召开", Published: time.Date(2025, 3, 1, 9, 0, 0, 0, news.Shanghai), Author: "区融媒体中心",
		Publisher: "杭州高新区（滨江）", Lang: "zh", Text: text, Fetched: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Hash: news.TextHash(text), Fields: map[string]string{"索引号": "002489/2025-00001", "文号": "区政发〔2025〕1号"},
	}
}

// countingWriter counts bytes.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func benchmarkFormat(b *testing.B, f Format) {
	const n = 2000
	src := &genSource{n: n, a: benchArticle()}
	var cw countingWriter
	if _, err := Write(context.Background(), &cw, src, news.Selection{}, Options{Format: f}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(cw.n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Write(context.Background(), io.Discard, src, news.Selection{}, Options{Format: f}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkJSONL is the JSONL writer's own speed (no store): 2,000
// articles of about 4 KB a run.
func BenchmarkJSONL(b *testing.B) { benchmarkFormat(b, JSONL) }

// BenchmarkCSV is the CSV writer's own speed.
func BenchmarkCSV(b *testing.B) { benchmarkFormat(b, CSV) }
