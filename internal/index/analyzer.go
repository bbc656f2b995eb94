package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	// Registers cjk_width and cjk_bigram, which an index of mapping
	// versions 5 and 6 name: they must open far enough to be refused.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	// Registers the unicode tokenizer, which an index of mapping versions
	// 5 and 6 names.
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names of the analysis components registered in the index mapping. They
// are stored with the index, so renaming one means re-indexing (bump
// mappingVersion).
const (
	// textAnalyzer is what the text fields are indexed with.
	textAnalyzer = "riverside_text"
	// queryAnalyzer reads the unquoted words of a query: stop words
	// dropped (leaving gaps), words stemmed.
	queryAnalyzer = "riverside_query"
	// exactAnalyzer reads quoted phrases and prefixes: every word, as
	// written (case and width folded only).
	exactAnalyzer   = "riverside_exact"
	keywordAnalyzer = "riverside_keyword"
	// bigramFilter was cjk_bigram with output_unigram, up to mapping
	// version 6 (now part of fold).
	bigramFilter = "riverside_cjk_bigram"
	// keepStemFilter, unigramTrimFilter and stemTableFilter are token
	// filters of this package (see keepStem, unigramTrim, stemRecorder).
	keepStemFilter    = "riverside_keep_stem"
	unigramTrimFilter = "riverside_unigram_trim"
	stemTableFilter   = "riverside_stem_table"
	// foldFilter and foldTrimFilter are fold without and with trim. Up to
	// mapping version 6 the analyzers had cjk_width, possessive_en,
	// to_lower, bigramFilter (and unigramTrimFilter) in their place; those
	// names stay defined so that an index of such a version opens far
	// enough to be refused with ErrMappingChanged.
	foldFilter     = "riverside_fold"
	foldTrimFilter = "riverside_fold_trim"
	// wordsTokenizer is words, in place of Bleve's unicode tokenizer (the
	// same tokens) since mapping version 7.
	wordsTokenizer = "riverside_words"
)

// Bleve finds token filters and tokenizers by name in a process-wide
// registry, also when it reopens an index whose mapping names them, so a
// filter of our own can only be registered at init. It is the package's
// one init: the names are ours, and each filter keeps no state beyond the
// instance Bleve makes for one index mapping.
func init() {
	for name, f := range map[string]func() analysis.TokenFilter{
		keepStemFilter:    func() analysis.TokenFilter { return keepStem{} },
		unigramTrimFilter: func() analysis.TokenFilter { return unigramTrim{} },
		foldFilter:        func() analysis.TokenFilter { return fold{} },
		foldTrimFilter:    func() analysis.TokenFilter { return fold{trim: true} },
		stemTableFilter:   func() analysis.TokenFilter { return &stemRecorder{table: newStemTable()} },
	} {
		err := registry.RegisterTokenFilter(name, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return f(), nil
		})
		if err != nil {
			panic(fmt.Sprintf("index: register %s: %v", name, err))
		}
	}
	err := registry.RegisterTokenizer(wordsTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return words{}, nil
	})
	if err != nil {
		panic(fmt.Sprintf("index: register %s: %v", wordsTokenizer, err))
	}
}

// unigramTrim drops the Chinese unigrams that share their position with a
// bigram, which cjk_bigram with output_unigram puts there: every character
// but the last of each run of Chinese. That halves the Chinese tokens to
// index. A one-character query still finds every occurrence: as the
// unigram at the end of a run, or as the first character of a bigram
// (a prefix query, see (*Index).term). The unigram at a run's end stays, so
// that its character is findable there.
type unigramTrim struct{}

func (unigramTrim) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for i, t := range in {
		if t.Type == analysis.Single && i+1 < len(in) && in[i+1].Type == analysis.Double && in[i+1].Position == t.Position {
			continue
		}
		out = append(out, t)
	}
	return out
}

// keepStem is the name under which mapping version 5 added each English
// word's stem to the index beside the word. Stems are now found at query
// time (see stemTable), but a v5 index names the filter in its stored
// mapping: Bleve must still find it to open that index, which init then
// refuses with ErrMappingChanged. It passes tokens through.
type keepStem struct{}

func (keepStem) Filter(in analysis.TokenStream) analysis.TokenStream { return in }

// hasLatinLetter reports whether b holds a letter a–z. A byte loop is
// exact on UTF-8: no byte of a multi-byte character is below 0x80.
func hasLatinLetter(b []byte) bool {
	for _, c := range b {
		if c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// addAnalyzers defines the analyzers on m, from Bleve's components and
// this package's filters and tokenizer.
//
// The text analyzer serves Chinese and English in one field:
//
//   - words, Bleve's unicode tokenizer allocating less: words for Latin
//     script, runs of Han characters;
//   - fold (with trim), which does in one pass what these filters of
//     Bleve's and ours did up to mapping version 6:
//   - cjk_width: full-width Latin and half-width katakana folded, so that
//     "ＡＩ" matches "AI";
//   - possessive_en, to_lower;
//   - cjk_bigram with output_unigram: every pair of adjacent Han characters
//     AND every single character. Bigrams make any substring of two or more
//     characters findable as a phrase of its bigrams (see phraseTerms);
//   - unigramTrim: of the single characters, only the last of each run
//     (with the bigrams' first characters, what one-character queries
//     need: see unigramTrim);
//   - stemRecorder: tokens unchanged; new English words go into the
//     index's stem table, by which unquoted words find their inflections
//     at query time. Every word is indexed as written only, stop words
//     included, so that a quoted phrase matches exactly ("to be or not to
//     be") and a prefix matches the words ("innovat*").
//
// The query analyzer drops stop words (after the bigrams, so that their
// positions stay as gaps: unquoted "state-of-the-art" still needs the two
// words two positions apart) and stems; the exact analyzer does neither.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	// fold does what cjk_width, possessive_en, to_lower, bigramFilter (and,
	// for the text analyzer, unigramTrim) did one after the other.
	for name, filters := range map[string][]any{
		textAnalyzer:  {foldTrimFilter, stemTableFilter},
		queryAnalyzer: {foldFilter, en.StopName, en.SnowballStemmerName},
		exactAnalyzer: {foldFilter},
	} {
		if err := m.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     wordsTokenizer,
			"token_filters": filters,
		}); err != nil {
			return err
		}
	}
	// Source IDs, districts and languages are lower-case by convention;
	// folding case makes district:Binjiang work too.
	return m.AddCustomAnalyzer(keywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	})
}
