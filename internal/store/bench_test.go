package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"riverside/internal/store/pgtest"
)

// BenchmarkPut measures store writes (Put of a new article, one
// transaction each, durable on both backends: SQLite's synchronous(FULL),
// a PostgreSQL server with fsync and synchronous_commit on) by one writer
// and by four at once (crawler workers sharing a store).
//
//	go test -run '^$' -bench Put -benchtime 2000x ./internal/store/
func BenchmarkPut(b *testing.B) {
	backends := []struct {
		name string
		at   func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), FileName) }},
		{"postgres", func(b *testing.B) string { return pgtest.DurableURL(b) }},
	}
	for _, be := range backends {
		for _, writers := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/writers=%d", be.name, writers), func(b *testing.B) {
				ctx := context.Background()
				s, err := Open(ctx, be.at(b))
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				var n atomic.Int64
				b.ResetTimer()
				var wg sync.WaitGroup
				for range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := n.Add(1)
							if i > int64(b.N) {
								return
							}
							u := fmt.Sprintf("http://bench/%d", i)
							if _, err := s.Put(ctx, article(u, u+" 滨江区举办测试发布会")); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}
