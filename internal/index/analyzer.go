package index

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Names of the analysis components registered in the index mapping. They
// are stored with the index, so renaming one means re-indexing (bump
// mappingVersion).
const (
	textAnalyzer    = "riverside_text"
	keywordAnalyzer = "riverside_keyword"
	bigramFilter    = "riverside_cjk_bigram"
)

// addAnalyzers defines the analyzers on m, built only from components
// that Bleve already registers, so the package needs no init-time
// registration of its own.
//
// The text analyzer serves Chinese and English in one field:
//
//   - unicode tokenizer: words for Latin script, runs of Han characters;
//   - cjk_width: full-width Latin and half-width katakana folded, so that
//     "ＡＩ" matches "AI";
//   - possessive_en, to_lower;
//   - cjk_bigram with output_unigram: every pair of adjacent Han characters
//     AND every single character. Bigrams make any substring of two or more
//     characters findable as a phrase of its bigrams (see wordQuery);
//     unigrams make one-character queries work, which plain bigrams can't;
//   - stop_en after the bigrams, so that removed stop words leave gaps in
//     the positions ("state of the art" does not match "state art");
//   - stemmer_en_snowball: "innovations" finds "innovation". It leaves Han
//     tokens alone (checked in analyzer_test.go).
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	if err := m.AddCustomTokenFilter(bigramFilter, map[string]any{
		"type":           cjk.BigramName,
		"output_unigram": true,
	}); err != nil {
		return err
	}
	if err := m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			cjk.WidthName,
			en.PossessiveName,
			lowercase.Name,
			bigramFilter,
			en.StopName,
			en.SnowballStemmerName,
		},
	}); err != nil {
		return err
	}
	// Source IDs, districts and languages are lower-case by convention;
	// folding case makes district:Binjiang work too.
	return m.AddCustomAnalyzer(keywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	})
}
