package index

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"riverside/internal/news"
)

// LogReader reads the store's article log: versions with a sequence
// number above afterSeq, in ascending order, at most limit of them.
type LogReader interface {
	Since(ctx context.Context, afterSeq int64, limit int) ([]news.Article, error)
}

// AfterApply is called with each batch once it is in the index (alerts
// match new articles there). A crash between the batch's commit and the
// call skips the call for that batch: a consumer that must see every
// article keeps its own checkpoint.
type AfterApply func(ctx context.Context, batch []news.Article)

// maxBackoff bounds the wait between retries after an error.
const maxBackoff = 30 * time.Second

// catchUpBatch is the largest batch Follow grows to while it is behind
// the log (an import, a reindex, a new replica). Each batch becomes a
// segment that the merger must later fold into larger ones; a few large
// batches make fewer segments and less merging than many small ones, so
// a backlog is indexed with less CPU. Once caught up, batches are small
// again, and new articles are searchable as soon as they arrive.
const catchUpBatch = 4096

// Follow keeps the index up to date with the log until ctx is done, then
// returns nil. It reads from the checkpoint, applies batches of up to
// batchSize versions, and sleeps poll when it has caught up. While a full
// batch comes back (a backlog), each next batch is twice as large, up to
// catchUpBatch, and back to batchSize once caught up. Errors of the
// log or the index are logged and retried with a growing pause, since the
// store may be briefly locked or not created yet.
func (x *Index) Follow(ctx context.Context, log LogReader, batchSize int, poll time.Duration, logger *slog.Logger, after ...AfterApply) error {
	if batchSize <= 0 {
		return fmt.Errorf("follow: batch size %d, want > 0", batchSize)
	}
	if poll <= 0 {
		return fmt.Errorf("follow: poll interval %v, want > 0", poll)
	}
	backoff := poll
	size := batchSize
	for {
		batch, err := x.step(ctx, log, size, after)
		if ctx.Err() != nil {
			return nil
		}
		if len(batch) > 0 {
			logger.Info("indexed", "versions", len(batch), "seq", batch[len(batch)-1].Seq)
		}
		wait := poll
		switch {
		case err != nil:
			logger.Error("indexing failed; will retry", "err", err, "retry_in", backoff)
			wait = backoff
			backoff = min(backoff*2, maxBackoff)
			// A batch too large to apply (memory, disk) is retried
			// smaller.
			size = batchSize
		case len(batch) == size:
			// More is waiting: go on at once, with a larger batch.
			backoff = poll
			size = nextBatch(size, batchSize)
			continue
		default:
			backoff = poll
			size = batchSize
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// nextBatch is the batch size after a full batch of size: doubled, up to
// catchUpBatch, but never below the configured base.
func nextBatch(size, base int) int {
	return max(base, min(size*2, catchUpBatch))
}

// step applies the next batch of the log and returns it.
func (x *Index) step(ctx context.Context, log LogReader, batchSize int, after []AfterApply) ([]news.Article, error) {
	from, err := x.Checkpoint()
	if err != nil {
		return nil, err
	}
	batch, err := log.Since(ctx, from, batchSize)
	if err != nil {
		return nil, fmt.Errorf("read log after seq %d: %w", from, err)
	}
	if len(batch) == 0 {
		return nil, nil
	}
	if err := x.Apply(ctx, batch); err != nil {
		return nil, err
	}
	for _, f := range after {
		f(ctx, batch)
	}
	return batch, nil
}
