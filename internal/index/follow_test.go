package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"riverside/internal/news"
)

// fakeLog is an in-memory article log. onSince, when set, runs at each
// read with the number of reads so far.
type fakeLog struct {
	mu       sync.Mutex
	versions []news.Article
	reads    int
	limits   []int // the limit of each read
	onSince  func(reads int, afterSeq int64)
	fail     error
}

func (l *fakeLog) Since(ctx context.Context, afterSeq int64, limit int) ([]news.Article, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reads++
	l.limits = append(l.limits, limit)
	if l.onSince != nil {
		l.onSince(l.reads, afterSeq)
	}
	if l.fail != nil {
		err := l.fail
		l.fail = nil
		return nil, err
	}
	var out []news.Article
	for _, a := range l.versions {
		if a.Seq > afterSeq && len(out) < limit {
			out = append(out, a)
		}
	}
	return out, nil
}

// versions makes n versions of articles spread over ids IDs: version v of
// article i says "version v" and "article i".
func versions(n, ids int) []news.Article {
	out := make([]news.Article, n)
	count := map[string]int{}
	for s := range n {
		id := fmt.Sprintf("a%d", s%ids)
		count[id]++
		out[s] = news.Article{
			ID: id, Seq: int64(s + 1), Version: count[id],
			URL:   "https://example.gov.cn/" + id,
			Title: "article " + id, Text: fmt.Sprintf("text of %s, version v%d", id, count[id]),
			Lang: "en", SourceID: "test", Published: time.Date(2025, 1, 1+s, 0, 0, 0, 0, news.Shanghai),
		}
	}
	return out
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestCheckpointSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	idx, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if seq, err := idx.Checkpoint(); err != nil || seq != 0 {
		t.Errorf("new index: checkpoint %d, %v; want 0", seq, err)
	}
	if err := idx.Apply(context.Background(), versions(7, 3)); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if seq, err := idx.Checkpoint(); err != nil || seq != 7 {
		t.Errorf("reopened: checkpoint %d, %v; want 7", seq, err)
	}
	if n, _ := idx.Count(); n != 3 {
		t.Errorf("reopened: %d documents, want 3", n)
	}
}

func TestApplySkipsIndexedVersions(t *testing.T) {
	idx := openTemp(t)
	all := versions(6, 2)
	if err := idx.Apply(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	// Replaying an old version must not replace the newer one.
	if err := idx.Apply(context.Background(), all[:1]); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), news.Query{Q: `"article a0" v3`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("latest version of a0: %d hits, want 1", res.Total)
	}
	if seq, _ := idx.Checkpoint(); seq != 6 {
		t.Errorf("checkpoint %d, want 6", seq)
	}
}

// TestFollowCrash stops the follower in the middle (between reading a
// batch and applying it), closes the index as a crash would leave it, then
// reopens and follows to the end: every version is applied exactly once,
// every article is indexed once, at its latest version.
func TestFollowCrash(t *testing.T) {
	const n, distinct, batch = 23, 5, 4
	path := filepath.Join(t.TempDir(), "index")
	log := &fakeLog{versions: versions(n, distinct)}

	var mu sync.Mutex
	applied := map[int64]int{}
	record := func(_ context.Context, b []news.Article) {
		mu.Lock()
		defer mu.Unlock()
		for _, a := range b {
			applied[a.Seq]++
		}
	}

	// First run: the third read "crashes" the process.
	idx, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log.onSince = func(reads int, _ int64) {
		if reads == 3 {
			cancel()
		}
	}
	if err := idx.Follow(ctx, log, batch, time.Millisecond, discard(), record); err != nil {
		t.Fatalf("Follow: %v", err)
	}
	// Two batches were applied: 4 versions, then 8 (a full batch
	// doubles the next one while behind).
	if seq, _ := idx.Checkpoint(); seq != batch+2*batch {
		t.Errorf("after the crash: checkpoint %d, want %d", seq, batch+2*batch)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}

	// Second run, until caught up.
	idx, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	log.onSince = func(_ int, after int64) {
		if after == n {
			cancel()
		}
	}
	if err := idx.Follow(ctx, log, batch, time.Millisecond, discard(), record); err != nil {
		t.Fatalf("Follow: %v", err)
	}

	if seq, _ := idx.Checkpoint(); seq != n {
		t.Errorf("checkpoint %d, want %d", seq, n)
	}
	for s := int64(1); s <= n; s++ {
		if applied[s] != 1 {
			t.Errorf("seq %d applied %d times, want once", s, applied[s])
		}
	}
	if c, _ := idx.Count(); c != distinct {
		t.Errorf("%d documents, want %d (one per article)", c, distinct)
	}
	// The latest version of each article replaced the older ones.
	latest := map[string]int{}
	for _, a := range log.versions {
		latest[a.ID] = a.Version
	}
	for id, v := range latest {
		res, err := idx.Search(context.Background(), news.Query{Q: fmt.Sprintf(`"article %s" v%d`, id, v)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 {
			t.Errorf("%s: latest version v%d found %d times, want once", id, v, res.Total)
		}
		res, err = idx.Search(context.Background(), news.Query{Q: fmt.Sprintf(`"article %s" v%d`, id, v-1)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 {
			t.Errorf("%s: older version v%d still found", id, v-1)
		}
	}
}

// TestFollowGrowsBatchesWhenBehind follows a backlog: each full batch
// doubles the next read (up to catchUpBatch, see TestNextBatch); once
// caught up, reads are back to the configured size, and versions appended
// later are indexed.
func TestFollowGrowsBatchesWhenBehind(t *testing.T) {
	const base, backlog = 3, 37
	all := versions(backlog+2, backlog+2)
	log := &fakeLog{versions: all[:backlog]}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log.onSince = func(_ int, after int64) {
		switch after {
		case backlog:
			// Caught up: two new versions arrive (called with log.mu held).
			log.versions = all
		case backlog + 2:
			cancel()
		}
	}
	idx := openTemp(t)
	if err := idx.Follow(ctx, log, base, time.Millisecond, discard()); err != nil {
		t.Fatal(err)
	}
	// Reads of 3, 6 and 12 come back full (21 versions); the read of 24
	// returns the other 16 and ends the backlog; then batches of 3 again.
	want := fmt.Sprint([]int{3, 6, 12, 24, 3, 3})
	if got := fmt.Sprint(log.limits); got != want {
		t.Errorf("reads with limits %s, want %s", got, want)
	}
	if seq, _ := idx.Checkpoint(); seq != backlog+2 {
		t.Errorf("checkpoint %d, want %d", seq, backlog+2)
	}
	if n, _ := idx.Count(); n != backlog+2 {
		t.Errorf("%d documents, want %d", n, backlog+2)
	}
}

func TestNextBatch(t *testing.T) {
	for _, c := range []struct{ size, base, want int }{
		{500, 500, 1000}, {2048, 500, catchUpBatch}, {catchUpBatch, 500, catchUpBatch},
		// A configured batch above catchUpBatch is kept as it is.
		{10000, 10000, 10000},
	} {
		if got := nextBatch(c.size, c.base); got != c.want {
			t.Errorf("nextBatch(%d, %d) = %d, want %d", c.size, c.base, got, c.want)
		}
	}
}

func TestFollowRetriesLogErrors(t *testing.T) {
	idx := openTemp(t)
	log := &fakeLog{versions: versions(3, 3), fail: errors.New("database is locked")}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log.onSince = func(_ int, after int64) {
		if after == 3 {
			cancel()
		}
	}
	if err := idx.Follow(ctx, log, 10, time.Millisecond, discard()); err != nil {
		t.Fatalf("Follow: %v", err)
	}
	if seq, _ := idx.Checkpoint(); seq != 3 {
		t.Errorf("checkpoint %d, want 3", seq)
	}
}

func TestFollowArguments(t *testing.T) {
	idx := openTemp(t)
	if err := idx.Follow(context.Background(), &fakeLog{}, 0, time.Second, discard()); err == nil {
		t.Error("batch size 0: got no error")
	}
	if err := idx.Follow(context.Background(), &fakeLog{}, 1, 0, discard()); err == nil {
		t.Error("poll 0: got no error")
	}
}

// TestOpenTwice checks that a second opener fails instead of waiting
// forever for the lock.
func TestOpenTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	idx, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	done := make(chan error, 1)
	go func() {
		second, err := Open(path)
		if err == nil {
			second.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("second Open: got no error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("second Open blocked")
	}
}

func TestOpenOtherMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	idx, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.bleve.SetInternal([]byte(mappingKey), []byte("0")); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if _, err := Open(path); !errors.Is(err, ErrMappingChanged) {
		t.Errorf("got %v, want ErrMappingChanged", err)
	}
}

func TestParts(t *testing.T) {
	for _, c := range []struct{ n, cores, want int }{
		{0, 2, 1}, {500, 2, 1}, {minPart, 2, 1}, {2*minPart - 1, 2, 1}, {2 * minPart, 2, 2},
		{catchUpBatch, 2, 2}, {catchUpBatch, 8, catchUpBatch / minPart}, {catchUpBatch, 1, 1},
	} {
		if got := parts(c.n, c.cores); got != c.want {
			t.Errorf("parts(%d, %d) = %d, want %d", c.n, c.cores, got, c.want)
		}
	}
}

// TestApplyInParts applies one batch large enough to go in as several
// Bleve batches at once: every article is in at its latest version, the
// copies marked as duplicates are out, and the checkpoint is the batch's
// last version.
func TestApplyInParts(t *testing.T) {
	idx := openTemp(t)
	idx.cores = 3
	const ids = 3*minPart + 100
	all := versions(ids+ids/2, ids) // half the articles twice
	if n := parts(ids, idx.cores); n != 3 {
		t.Fatalf("the test wants 3 parts, gets %d", n)
	}
	// Every tenth article's latest version is a copy of another.
	dups := map[string]bool{}
	for i := len(all) - 1; i >= 0; i-- {
		a := &all[i]
		if n := a.ID[1:]; n[len(n)-1] == '7' && !dups[a.ID] {
			dups[a.ID] = true
			a.DuplicateOf = "a0"
		}
	}
	if err := idx.Apply(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	if n, err := idx.Count(); err != nil || n != uint64(ids-len(dups)) {
		t.Errorf("count %d (%v), want %d", n, err, ids-len(dups))
	}
	if seq, _ := idx.Checkpoint(); seq != int64(len(all)) {
		t.Errorf("checkpoint %d, want %d", seq, len(all))
	}
	for _, c := range []struct {
		q    string
		want uint64
	}{
		{`"article a1" v2`, 1}, {`"article a1" v1`, 0}, // twice: the second version
		{fmt.Sprintf(`"article a%d" v1`, ids-2), 1}, // once
		{`"article a17"`, 0},                        // a copy
	} {
		res, err := idx.Search(context.Background(), news.Query{Q: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != c.want {
			t.Errorf("%s: %d hits, want %d", c.q, res.Total, c.want)
		}
	}
}
