package store

import (
	"context"
	"maps"
	"testing"
	"time"
)

func TestSourceNames(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		s, _ := openTemp(t)
		ctx := context.Background()
		for _, p := range []Pass{
			{SourceID: "hhtz", Name: "杭州高新区（滨江） 新闻", Finished: time.Now(), OK: true},
			{SourceID: "xs-en", Name: "Xiaoshan (English)", Finished: time.Now(), OK: true},
			{SourceID: "nameless", Finished: time.Now(), OK: true},
			{SourceID: "hhtz", Name: "滨江新闻", Finished: time.Now(), OK: false},
		} {
			if err := s.RecordPass(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.SourceNames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"hhtz": "滨江新闻", "xs-en": "Xiaoshan (English)"}
		if !maps.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}
