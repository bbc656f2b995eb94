package index

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestBuildOnMemIndex runs build's queries on an in-memory Bleve index
// with the same mapping, as a matcher of new articles against saved
// queries does: place names expand, phrases are exact.
func TestBuildOnMemIndex(t *testing.T) {
	idx := openTemp(t)
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	mem, err := bleve.NewMemOnly(m)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	b := mem.NewBatch()
	for _, a := range loadCorpus(t) {
		if err := b.Index(a.ID, document(&a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mem.Batch(b); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"Binjiang":              {"en-innov", "en-both", "en-nodate", "zh-iot", "zh-ai"},
		`"they also have"`:      {"en-stage"},
		"innovat*":              {"en-innov"},
		"镇":                     {"zh-iot"},
		"萧山 -district:xiaoshan": {},
	} {
		tree, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		bq, err := idx.build(tree)
		if err != nil {
			t.Fatal(err)
		}
		res, err := mem.Search(bleve.NewSearchRequestOptions(bq, 100, 0, false))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: got %v, want %v", q, got, want)
		}
	}
}
