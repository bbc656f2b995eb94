package main

import (
	"context"
	"log/slog"

	"riverside/internal/ingest"
	"riverside/internal/queue"
)

// shareQueue makes the ingester a worker of a shared crawl when rawURL
// names a Redis: passes go through its frontier and every request waits
// for its host's turn across all workers. It returns what closes it.
func shareQueue(ctx context.Context, in *ingest.Ingester, rawURL string, logger *slog.Logger) (func(), error) {
	if rawURL == "" {
		return func() {}, nil
	}
	c, err := queue.Open(ctx, rawURL, logger)
	if err != nil {
		return nil, err
	}
	f := c.Frontier()
	in.Frontier = f
	in.Fetch.Pacer = c.Pacer()
	logger.Info("sharing the crawl through redis", "lease", c.Lease().String())
	return func() {
		f.Close()
		c.Close()
	}, nil
}
