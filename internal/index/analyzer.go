package index

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	// Registers cjk_width and cjk_bigram, which an index of mapping
	// version 5 names: it must open far enough to be refused.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	// Registers the unicode tokenizer, which an index of mapping version
	// 5 names.
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
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
	// version 5 (now part of fold).
	bigramFilter = "riverside_cjk_bigram"
	// keepStemFilter and unigramTrimFilter are token filters of this
	// package (see keepStem, unigramTrim).
	keepStemFilter    = "riverside_keep_stem"
	unigramTrimFilter = "riverside_unigram_trim"
	// foldFilter and foldTrimFilter are fold without and with trim. Up to
	// mapping version 5 the analyzers had cjk_width, possessive_en,
	// to_lower, bigramFilter (and unigramTrimFilter) in their place; those
	// names stay defined so that an index of that version opens far enough
	// to be refused with ErrMappingChanged.
	foldFilter     = "riverside_fold"
	foldTrimFilter = "riverside_fold_trim"
	// wordsTokenizer is words, in place of Bleve's unicode tokenizer (the
	// same tokens) since mapping version 6.
	wordsTokenizer = "riverside_words"
)

// Bleve finds token filters and tokenizers by name in a process-wide
// registry, also when it reopens an index whose mapping names them, so a
// filter of our own can only be registered at init. It is the package's
// one init: the names are ours.
func init() {
	for name, f := range map[string]func() analysis.TokenFilter{
		keepStemFilter:    func() analysis.TokenFilter { return &keepStem{stems: map[string][]byte{}} },
		unigramTrimFilter: func() analysis.TokenFilter { return unigramTrim{} },
		foldFilter:        func() analysis.TokenFilter { return fold{} },
		foldTrimFilter:    func() analysis.TokenFilter { return fold{trim: true} },
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

// stemMark starts the stems that keepStem adds. No word of the text can
// start with it (the tokenizer splits at "~"), so a quoted "investor"
// does not find the stem of "investors", nor a prefix "innov*" a stem.
const stemMark = "~"

// keepStem keeps every token as it is and adds, at the same position and
// offsets, its English (Snowball) stem, marked with stemMark, when that
// differs. The index thus holds "innovations" and "~innov" at one
// position: an unquoted word is looked up by its stem (all inflections,
// see phraseTerms), a quoted phrase or a prefix by the words as written
// ("innovat*" finds "innovation", which a stemmed index, holding only
// "innov", cannot).
//
// Stemming is a good part of the cost of indexing English, and a corpus
// uses few distinct words, so stems are remembered (per index, up to
// maxStems words).
type keepStem struct {
	mu sync.RWMutex
	// stems maps a word to its marked stem, nil when it is its own. The
	// tokens of every article share these bytes: nothing after this
	// filter changes a term in place.
	stems map[string][]byte
}

const maxStems = 200_000

func (k *keepStem) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(in)+len(in)/2)
	// The added tokens come from one slab, not one allocation each: an
	// English article has a few hundred of them.
	var slab []analysis.Token
	for _, t := range in {
		out = append(out, t)
		if t.Type != analysis.AlphaNumeric || !hasLatinLetter(t.Term) {
			continue
		}
		if s := k.stem(t.Term); s != nil {
			if len(slab) == cap(slab) {
				slab = make([]analysis.Token, 0, max(16, len(in)/2))
			}
			slab = append(slab, *t)
			stem := &slab[len(slab)-1]
			stem.Term = s
			out = append(out, stem)
		}
	}
	return out
}

// stem returns the marked stem of word, nil when the stem is the word.
func (k *keepStem) stem(word []byte) []byte {
	k.mu.RLock()
	s, ok := k.stems[string(word)]
	k.mu.RUnlock()
	if ok {
		return s
	}
	env := snowballstem.NewEnv(string(word))
	english.Stem(env)
	if c := env.Current(); c != string(word) && c != "" {
		s = []byte(stemMark + c)
	}
	k.mu.Lock()
	if len(k.stems) < maxStems {
		k.stems[string(word)] = s
	}
	k.mu.Unlock()
	return s
}

func hasLatinLetter(b []byte) bool {
	return bytes.ContainsFunc(b, func(r rune) bool { return r >= 'a' && r <= 'z' })
}

// addAnalyzers defines the analyzers on m, from Bleve's components and
// fold and keepStem.
//
// The text analyzer serves Chinese and English in one field:
//
//   - words, Bleve's unicode tokenizer allocating less: words for Latin
//     script, runs of Han characters;
//   - fold (with trim), which does in one pass what these filters of
//     Bleve's and ours did up to mapping version 5:
//   - cjk_width: full-width Latin and half-width katakana folded, so that
//     "ＡＩ" matches "AI";
//   - possessive_en, to_lower;
//   - cjk_bigram with output_unigram: every pair of adjacent Han characters
//     AND every single character. Bigrams make any substring of two or more
//     characters findable as a phrase of its bigrams (see phraseTerms);
//   - unigramTrim: of the single characters, only the last of each run
//     (with the bigrams' first characters, what one-character queries
//     need: see unigramTrim);
//   - keepStem: the word and its stem. Stop words stay in the index, so
//     that a quoted phrase matches exactly ("to be or not to be").
//
// The query analyzer drops stop words (after the bigrams, so that their
// positions stay as gaps: unquoted "state-of-the-art" still needs the two
// words two positions apart) and stems; the exact analyzer does neither.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	// fold does what cjk_width, possessive_en, to_lower, bigramFilter (and,
	// for the text analyzer, unigramTrim) did one after the other.
	for name, filters := range map[string][]any{
		textAnalyzer:  {foldTrimFilter, keepStemFilter},
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
