package index_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
)

func Example() {
	dir, err := os.MkdirTemp("", "riverside-index")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		log.Fatal(err)
	}
	defer idx.Close()

	ctx := context.Background()
	err = idx.Apply(ctx, []news.Article{{
		ID: "1", Seq: 1, Title: "物联网小镇迎来新企业", Lang: "zh", SourceID: "binjiang-news",
		Districts: []string{news.Binjiang},
		Published: time.Date(2025, 3, 10, 9, 0, 0, 0, news.Shanghai),
		Text:      "杭州高新区（滨江）物联网小镇今年新增企业三十家。",
	}})
	if err != nil {
		log.Fatal(err)
	}

	res, err := idx.Search(ctx, news.Query{Q: "网小 -xiaoshan"})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.Title, h.Published.Format(time.DateOnly), h.District)
		fmt.Println(h.Snippet)
	}

	_, err = idx.Search(ctx, news.Query{Q: `滨江 AND "物联网`})
	fmt.Println(err)
	// Output:
	// 物联网小镇迎来新企业 2025-03-10 binjiang
	// 杭州高新区（滨江）物联<mark>网小</mark>镇今年新增企业三十家。
	// query: unclosed quote at position 7
}
