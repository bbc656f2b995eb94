package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"riverside/internal/news"
)

func TestVersionsPagesAndFilters(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, _ := openTemp(t)
		const n = 2*exportPage + 37 // several pages, the last one short
		for i := range n {
			a := article(fmt.Sprintf("http://a/%d", i), fmt.Sprintf("text %d", i))
			if i%3 == 0 {
				a.SourceID, a.Lang, a.Districts = "other", "en", []string{news.Xiaoshan}
			}
			if _, err := s.Put(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		// A second version and an alias of article 0.
		s.Put(ctx, article("http://a/0", "text 0 edited"))
		s.Put(ctx, article("http://b/0", "text 0 edited"))

		count := func(sel news.Selection, latest bool) (int, int64) {
			var got int
			var last int64
			f := s.Versions
			if latest {
				f = s.Latest
			}
			err := f(ctx, sel, func(a *news.Article, _ []string) error {
				if a.Seq <= last {
					t.Fatalf("seq %d after %d", a.Seq, last)
				}
				last = a.Seq
				got++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return got, last
		}
		others := (n + 2) / 3
		for _, tc := range []struct {
			name   string
			sel    news.Selection
			latest bool
			want   int
		}{
			{"all", news.Selection{}, false, n + 1},
			{"latest", news.Selection{}, true, n},
			{"since", news.Selection{AfterSeq: int64(n - 10)}, false, 11},
			{"source", news.Selection{Source: "other"}, false, others},
			{"lang", news.Selection{Lang: "zh"}, false, n + 1 - others},
			{"district", news.Selection{District: news.Xiaoshan}, false, n + 1},
			{"district binjiang", news.Selection{District: news.Binjiang}, false, n + 1 - others},
			{"district part of a name", news.Selection{District: "jiang"}, false, 0},
			{"ids", news.Selection{IDs: map[string]struct{}{news.ArticleID("http://a/0"): {}}}, false, 2},
			{"from", news.Selection{From: time.Date(2025, 3, 13, 0, 0, 0, 0, news.Shanghai)}, false, 0},
			{"to", news.Selection{To: time.Date(2025, 3, 13, 0, 0, 0, 0, news.Shanghai)}, false, n + 1},
		} {
			if got, _ := count(tc.sel, tc.latest); got != tc.want {
				t.Errorf("%s: %d versions, want %d", tc.name, got, tc.want)
			}
		}
		var dups []string
		s.Versions(ctx, news.Selection{IDs: map[string]struct{}{news.ArticleID("http://a/0"): {}}}, func(a *news.Article, d []string) error {
			dups = d
			return nil
		})
		if len(dups) != 1 || dups[0] != "http://b/0" {
			t.Errorf("duplicates %v", dups)
		}
		stop := errors.New("stop")
		if err := s.Versions(ctx, news.Selection{}, func(*news.Article, []string) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("fn's error: got %v", err)
		}
	})
}

func TestImport(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		src, _ := openTemp(t)
		for i := range 5 {
			src.Put(ctx, article(fmt.Sprintf("http://a/%d", i), fmt.Sprintf("t%d", i)))
		}
		src.Put(ctx, article("http://a/1", "t1 v2"))
		src.Put(ctx, article("http://b/1", "t1 v2"))
		// http://a/4 is an edited copy of http://a/3 (a near duplicate).
		copyID, origID := news.ArticleID("http://a/4"), news.ArticleID("http://a/3")
		if err := src.PutFingerprint(ctx, copyID, "zh", "t", 1, origID, 3, time.Now()); err != nil {
			t.Fatal(err)
		}
		type v struct {
			a    *news.Article
			dups []string
		}
		var all []v
		src.Versions(ctx, news.Selection{AfterSeq: 1}, func(a *news.Article, d []string) error {
			all = append(all, v{a, d})
			return nil
		})

		dst, _ := openTemp(t)
		im, err := dst.BeginImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range all {
			if err := im.Add(ctx, x.a, x.dups); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := im.Commit(ctx); err != nil || n != len(all) {
			t.Fatalf("commit: %d %v", n, err)
		}
		// The back catalogue is no news: saved searches start after it.
		if cp, err := dst.AlertCheckpoint(ctx); err != nil || cp != all[len(all)-1].a.Seq {
			t.Errorf("alert checkpoint after import: got %d (%v), want %d", cp, err, all[len(all)-1].a.Seq)
		}
		var got []*news.Article
		dst.Versions(ctx, news.Selection{}, func(a *news.Article, _ []string) error {
			got = append(got, a)
			return nil
		})
		for i, a := range got {
			w := all[i].a
			if a.Seq != w.Seq || a.ID != w.ID || a.Version != w.Version || a.Text != w.Text || !a.Published.Equal(w.Published) || a.Fields["索引号"] != "001" {
				t.Errorf("imported %+v, want %+v", a, w)
			}
		}
		marked := 0
		for _, x := range all {
			if x.a.DuplicateOf != "" {
				marked++
				if x.a.ID != copyID || x.a.DuplicateOf != origID {
					t.Errorf("exported %s as a copy of %s, want only %s of %s", x.a.ID, x.a.DuplicateOf, copyID, origID)
				}
			}
		}
		if marked != 1 {
			t.Errorf("%d versions exported as near duplicates, want 1", marked)
		}
		log, err := dst.Since(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range log {
			if want := map[string]string{copyID: origID}[a.ID]; a.DuplicateOf != want {
				t.Errorf("after import, %s is a copy of %q, want %q", a.ID, a.DuplicateOf, want)
			}
		}
		if d, _ := dst.Duplicates(ctx, news.ArticleID("http://a/1")); len(d) != 1 {
			t.Errorf("duplicates after import: %v", d)
		}
		// The log goes on after the imported sequence numbers.
		a := article("http://a/new", "new")
		if _, err := dst.Put(ctx, a); err != nil || a.Seq != all[len(all)-1].a.Seq+1 {
			t.Errorf("put after import: seq %d, %v", a.Seq, err)
		}
		if _, err := dst.BeginImport(ctx); !errors.Is(err, ErrNotEmpty) {
			t.Errorf("import into a non-empty store: %v", err)
		}

		// Out of order, or a failure half way, leaves the store empty.
		empty, _ := openTemp(t)
		im, _ = empty.BeginImport(ctx)
		im.Add(ctx, all[1].a, nil)
		if err := im.Add(ctx, all[0].a, nil); err == nil {
			t.Error("out-of-order seq accepted")
		}
		im.Rollback()
		if st, _ := empty.Stats(ctx); st.Versions != 0 {
			t.Errorf("%d versions after a rolled back import", st.Versions)
		}
	})
}
