package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"riverside/internal/news"
)

// The logs that followers read by "rows after the last one I saw" —
// articles by seq (Since), matches by row (MatchesAfter) — must never
// show a row whose predecessor commits later: the follower would move
// past the predecessor and never read it. Two writers append at once,
// each pausing between taking its number and committing (the appended
// hook), while a follower polls; every row must reach the follower.
// Without lockLog, PostgreSQL fails this (a sequence hands out numbers
// outside transactions).

func TestFollowerNeverSkipsALateCommit(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		w1, where := openTemp(t)
		w2, _ := openAt(t, where)
		reader, _ := openAt(t, where)
		const perWriter = 60
		for _, w := range []*Store{w1, w2} {
			w.appended = lateCommit
		}
		seen := follow(t, func(after int64) ([]int64, error) {
			batch, err := reader.Since(ctx, after, 7)
			seqs := make([]int64, len(batch))
			for i, a := range batch {
				seqs[i] = a.Seq
			}
			return seqs, err
		}, func() error {
			return writeConcurrently(w1, w2, perWriter, func(s *Store, w, i int) error {
				u := fmt.Sprintf("http://w%d/%d", w, i)
				_, err := s.Put(ctx, article(u, u))
				return err
			})
		})
		st, err := reader.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Versions != 2*perWriter {
			t.Fatalf("%d versions stored, want %d", st.Versions, 2*perWriter)
		}
		if len(seen) != st.Versions {
			t.Errorf("the follower read %d of the %d versions: it skipped a late commit", len(seen), st.Versions)
		}
	})
}

func TestOutboxFollowerNeverSkipsALateCommit(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		w1, where := openTemp(t)
		w2, _ := openAt(t, where)
		reader, _ := openAt(t, where)
		sub := &news.Subscription{ID: "s", Name: "s", Kind: news.KindSearch, Query: "x"}
		if err := w1.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		for _, w := range []*Store{w1, w2} {
			w.appended = lateCommit
		}
		const perWriter = 60
		seen := follow(t, func(after int64) ([]int64, error) {
			ms, err := reader.MatchesAfter(ctx, "s", after, 7)
			rows := make([]int64, len(ms))
			for i, m := range ms {
				rows[i] = m.Row
			}
			return rows, err
		}, func() error {
			return writeConcurrently(w1, w2, perWriter, func(s *Store, w, i int) error {
				m := news.Match{Subscription: "s", ArticleID: fmt.Sprintf("health:%d:%d", w, i), Version: 1}
				_, err := s.RecordEvents(ctx, []news.Match{m}, time.Now(), func() string { return "" })
				return err
			})
		})
		n, err := reader.MatchCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2*perWriter {
			t.Fatalf("%d matches stored, want %d", n, 2*perWriter)
		}
		if int64(len(seen)) != n {
			t.Errorf("the follower read %d of the %d matches: it skipped a late commit", len(seen), n)
		}
	})
}

// lateCommit holds a transaction open for a moment after it took its
// numbers, so that another writer can try to overtake it.
func lateCommit(string) { time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond) }

// writeConcurrently runs write n times in each of two writers at once.
func writeConcurrently(w1, w2 *Store, n int, write func(s *Store, w, i int) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w, s := range []*Store{w1, w2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				if err := write(s, w, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// follow polls read (rows after a checkpoint, in order) while writes
// runs, as searchd follows the log, and once more after it; it returns
// every number the follower saw. A number at or below the checkpoint
// would be a row that appeared behind the follower's back.
func follow(t *testing.T, read func(after int64) ([]int64, error), writes func() error) []int64 {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- writes() }()
	var seen []int64
	var after int64
	poll := func() {
		for {
			batch, err := read(after)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 {
				return
			}
			for _, n := range batch {
				if n <= after {
					t.Fatalf("read %d after %d", n, after)
				}
				seen = append(seen, n)
				after = n
			}
		}
	}
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			poll()
			return seen
		default:
			poll()
		}
	}
}
