package export

import (
	"context"
	"errors"
	"strings"
	"testing"

	"riverside/internal/news"
)

// wordMatcher matches articles whose text holds a word: the simplest
// BatchMatcher, standing in for the index's in-memory one.
type wordMatcher struct {
	word string
	fail bool
}

func (m wordMatcher) Match(_ context.Context, batch []news.Article) ([]string, error) {
	if m.fail {
		return nil, errors.New("matcher broke")
	}
	var out []string
	for _, a := range batch {
		if strings.Contains(a.Text, m.word) {
			out = append(out, a.ID)
		}
	}
	return out, nil
}

func TestMatchIDs(t *testing.T) {
	c := newCorpus(t, 2*matchBatch+matchBatch/2) // two full batches and a half
	seen := 0
	ids, err := MatchIDs(context.Background(), c.st, news.Selection{}, wordMatcher{word: "7 "}, func(n int) { seen = n })
	if err != nil {
		t.Fatal(err)
	}
	// Texts are "正文 N 杭州…": N ending in 7, and article 0 rewritten.
	want := 0
	for i := range 2*matchBatch + matchBatch/2 {
		if i%10 == 7 {
			want++
		}
	}
	if len(ids) != want || seen != c.ids {
		t.Errorf("%d ids (want %d), %d articles matched (want %d)", len(ids), want, seen, c.ids)
	}
	if _, err := MatchIDs(context.Background(), c.st, news.Selection{}, wordMatcher{fail: true}, nil); err == nil || !strings.Contains(err.Error(), "matcher broke") {
		t.Errorf("a failing matcher: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := MatchIDs(ctx, c.st, news.Selection{}, wordMatcher{word: "x"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
