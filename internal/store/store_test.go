package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store/pgtest"
)

// opener opens a new, empty store for a test and says where it is (a
// file path or a postgres:// URL), for a second Open.
type opener func(t *testing.T) (*Store, string)

// backends runs test once on each backend, as the subtests "sqlite" and
// "postgres": the whole store suite holds on both. The PostgreSQL one
// is skipped where PostgreSQL is not installed (and fails under CI).
func backends(t *testing.T, test func(t *testing.T, openTemp opener)) {
	t.Run("sqlite", func(t *testing.T) { test(t, openTemp) })
	t.Run("postgres", func(t *testing.T) { test(t, openPG) })
}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), FileName))
}

func openPG(t *testing.T) (*Store, string) {
	t.Helper()
	return openAt(t, pgtest.URL(t))
}

func openAt(t *testing.T, where string) (*Store, string) {
	t.Helper()
	s, err := Open(context.Background(), where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, where
}

func article(url, text string) *news.Article {
	return &news.Article{
		ID: news.ArticleID(url), URL: url, SourceID: "src", Title: "T " + text, Text: text,
		Hash: news.TextHash(text), Lang: "zh", Districts: []string{news.Binjiang, news.Xiaoshan},
		Published: time.Date(2025, 3, 12, 9, 30, 0, 0, news.Shanghai),
		Fetched:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Fields:    map[string]string{"索引号": "001"},
	}
}

func TestPutOutcomes(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, _ := openTemp(t)
		steps := []struct {
			name    string
			a       *news.Article
			want    Outcome
			wantID  string
			wantVer int
		}{
			{"first", article("http://a/1", "one"), New, news.ArticleID("http://a/1"), 1},
			{"same again", article("http://a/1", "one"), Unchanged, news.ArticleID("http://a/1"), 0},
			{"repost elsewhere", article("http://b/9", "one"), Duplicate, news.ArticleID("http://a/1"), 0},
			{"repost again", article("http://b/9", "one"), Duplicate, news.ArticleID("http://a/1"), 0},
			{"edited", article("http://a/1", "one, edited"), Updated, news.ArticleID("http://a/1"), 2},
			{"second article", article("http://a/2", "two"), New, news.ArticleID("http://a/2"), 1},
		}
		for _, st := range steps {
			got, err := s.Put(ctx, st.a)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got != st.want || st.a.ID != st.wantID || st.a.Version != st.wantVer {
				t.Errorf("%s: got %v id %s version %d, want %v id %s version %d",
					st.name, got, st.a.ID, st.a.Version, st.want, st.wantID, st.wantVer)
			}
		}
		stats, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := (Stats{Articles: 2, Versions: 3, Aliases: 1, MaxSeq: 3}); stats != want {
			t.Errorf("stats: got %+v, want %+v", stats, want)
		}
		dups, err := s.Duplicates(ctx, news.ArticleID("http://a/1"))
		if err != nil || len(dups) != 1 || dups[0] != "http://b/9" {
			t.Errorf("duplicates: got %v %v, want [http://b/9]", dups, err)
		}
		a, err := s.Article(ctx, news.ArticleID("http://a/1"))
		if err != nil {
			t.Fatal(err)
		}
		if a.Text != "one, edited" || a.Version != 2 || a.Seq != 2 {
			t.Errorf("latest: got %q v%d seq %d", a.Text, a.Version, a.Seq)
		}
		want := article("http://a/1", "x")
		if !a.Published.Equal(want.Published) || a.Published.Location() != news.Shanghai ||
			!a.Fetched.Equal(want.Fetched) || a.Fields["索引号"] != "001" || len(a.Districts) != 2 {
			t.Errorf("round trip lost fields: %+v", a)
		}
		if _, err := s.Article(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing article: got %v, want ErrNotFound", err)
		}
		known, err := s.Known(ctx, news.ArticleID("http://b/9"), "http://b/9")
		if err != nil || !known {
			t.Errorf("alias known: got %v %v, want true", known, err)
		}
	})
}

func TestSinceIsOrderedAndResumable(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, path := openTemp(t)
		for i := range 25 {
			u := "http://a/" + string(rune('a'+i))
			if _, err := s.Put(ctx, article(u, u)); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		s2, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		var seen []int64
		after := int64(0)
		for {
			batch, err := s2.Since(ctx, after, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 {
				break
			}
			for _, a := range batch {
				seen = append(seen, a.Seq)
				after = a.Seq
			}
		}
		if len(seen) != 25 {
			t.Fatalf("got %d versions, want 25", len(seen))
		}
		for i, seq := range seen {
			if seq != int64(i+1) {
				t.Fatalf("seq %d at %d, want %d", seq, i, i+1)
			}
		}
	})
}

// Two handles on one file stand for the crawler and searchd: concurrent
// writes must neither fail with SQLITE_BUSY nor lose a row.
func TestConcurrentWriters(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s1, path := openTemp(t)
		s2, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for w, s := range []*Store{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					u := "http://w/" + string(rune('0'+w)) + "/" + string(rune('A'+i))
					if _, err := s.Put(ctx, article(u, u)); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		st, err := s1.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Versions != 100 || st.MaxSeq != 100 {
			t.Errorf("got %+v, want 100 versions, max seq 100", st)
		}
	})
}

func TestSourcesHealth(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, _ := openTemp(t)
		now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
		old := article("http://a/old", "old")
		old.Fetched = now.Add(-30 * 24 * time.Hour)
		recent := article("http://a/new", "new")
		recent.Fetched = now.Add(-time.Hour)
		for _, a := range []*news.Article{old, recent} {
			if _, err := s.Put(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		passes := []Pass{
			{SourceID: "src", Name: "Source", District: "binjiang", Finished: now.Add(-3 * time.Hour), OK: true, Stats: map[string]int{"new": 2}},
			{SourceID: "src", Name: "Source", District: "binjiang", Finished: now.Add(-2 * time.Hour), OK: false, Error: "boom"},
			{SourceID: "src", Name: "Source", District: "binjiang", Finished: now.Add(-1 * time.Hour), OK: false, Error: "boom again"},
			{SourceID: "idle", Name: "Idle", Finished: now, OK: true},
		}
		for _, p := range passes {
			if err := s.RecordPass(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		hs, err := s.Sources(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 2 || hs[0].ID != "idle" || hs[1].ID != "src" {
			t.Fatalf("got %+v", hs)
		}
		src := hs[1]
		if src.ConsecutiveFailures != 2 || src.LastError != "boom again" || src.ArticlesTotal != 2 || src.Articles7d != 1 ||
			src.LastCrawl == nil || !src.LastCrawl.Equal(now.Add(-time.Hour)) ||
			src.LastSuccess == nil || !src.LastSuccess.Equal(now.Add(-3*time.Hour)) {
			t.Errorf("src health: %+v", src)
		}
		if hs[0].ArticlesTotal != 0 || hs[0].LastSuccess == nil || hs[0].ConsecutiveFailures != 0 {
			t.Errorf("idle health: %+v", hs[0])
		}
	})
}

func TestPages(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		st, _ := openTemp(t)
		const u = "https://example.org/a.html"
		if _, ok, err := st.Page(ctx, u); ok || err != nil {
			t.Fatalf("unknown page: got ok=%v err=%v", ok, err)
		}
		when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		p := Page{URL: u, SourceID: "s", ETag: `"v1"`, LastModified: "Fri, 02 Jan 2026 03:04:05 GMT", Status: 200, Fetched: when, Hash: "h1"}
		if err := st.PutPage(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Status, p.ETag = 304, `"v2"`
		if err := st.PutPage(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, ok, err := st.Page(ctx, u)
		if err != nil || !ok || got.ETag != `"v2"` || got.Status != 304 || !got.Fetched.Equal(when) || got.Hash != "h1" || got.LastModified != p.LastModified {
			t.Errorf("got %+v %v %v, want %+v", got, ok, err, p)
		}
	})
}

// TestOldDatesKeepTheirInstant: a date before 1901 in Asia/Shanghai has
// the local mean time offset +08:05:43, which RFC 3339 cannot write.
func TestOldDatesKeepTheirInstant(t *testing.T) {
	backends(t, func(t *testing.T, open opener) {
		s, _ := open(t)
		ctx := context.Background()
		a := article("http://x/old", "an old date")
		a.Published = time.Date(1898, 6, 11, 9, 0, 0, 0, news.Shanghai)
		if _, err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Published.Equal(a.Published) {
			t.Errorf("published %v, want the instant %v", got.Published, a.Published)
		}
	})
}
