package index

import (
	"time"

	"github.com/blevesearch/bleve/v2/mapping"

	"riverside/internal/news"
)

// mappingVersion names the mapping and analyzers below. Open refuses an
// index built with another version (ErrMappingChanged): the index is a
// view of the store, rebuilt by deleting it and following the log again.
const mappingVersion = "7"

// Field names in the index. The query language exposes some of them
// (see fieldAliases in query.go).
const (
	fieldTitle     = "title"
	fieldText      = "text"
	fieldURL       = "url"
	fieldSource    = "source" // source ID from sources.yaml
	fieldDistrict  = "district"
	fieldLang      = "lang"
	fieldPublished = "published"
	fieldAuthor    = "author"
	fieldPublisher = "publisher"
	fieldMonth     = "month" // "2025-03", for the month facet
)

// titleBoost weighs a match in the title over one in the body: a title
// names what an article is about, a body mentions many things.
const titleBoost = 3.0

// newMapping builds the index mapping: one document type, no dynamic
// fields, every field mapped explicitly.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = textAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func(store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = store
		// Term vectors give positions (phrases) and offsets (highlights).
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		return f
	}
	keyword := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keywordAnalyzer
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		// Doc values make the field usable for facets and sorting.
		f.DocValues = true
		return f
	}

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(true))
	doc.AddFieldMappingsAt(fieldText, text(true))
	doc.AddFieldMappingsAt(fieldAuthor, text(true))
	doc.AddFieldMappingsAt(fieldPublisher, text(true))

	url := mapping.NewKeywordFieldMapping()
	url.Store = true
	url.IncludeInAll = false
	url.DocValues = false
	doc.AddFieldMappingsAt(fieldURL, url)

	doc.AddFieldMappingsAt(fieldSource, keyword())
	doc.AddFieldMappingsAt(fieldDistrict, keyword())
	doc.AddFieldMappingsAt(fieldLang, keyword())
	doc.AddFieldMappingsAt(fieldMonth, keyword())

	published := mapping.NewDateTimeFieldMapping()
	published.Store = true
	published.IncludeInAll = false
	published.DocValues = true
	doc.AddFieldMappingsAt(fieldPublished, published)

	m.DefaultMapping = doc
	return m, nil
}

// document is what the index stores for one article: a map, so that
// the mapping above, not Go struct tags, decides what is indexed.
func document(a *news.Article) map[string]any {
	d := map[string]any{
		fieldTitle:     a.Title,
		fieldText:      a.Text,
		fieldURL:       a.URL,
		fieldSource:    a.SourceID,
		fieldLang:      a.Lang,
		fieldAuthor:    a.Author,
		fieldPublisher: a.Publisher,
	}
	if len(a.Districts) > 0 {
		d[fieldDistrict] = a.Districts
	}
	// A zero time is "unknown", not 1 January of year 1 (which is also
	// outside what Bleve's nanosecond datetimes can hold): leave the
	// field out, and date sorts put the article last.
	if !a.Published.IsZero() {
		d[fieldPublished] = a.Published
		d[fieldMonth] = month(a.Published)
	}
	return d
}

// month is the facet bucket of t: the calendar month in China Standard
// Time, where every source publishes.
func month(t time.Time) string {
	return t.In(news.Shanghai).Format("2006-01")
}
