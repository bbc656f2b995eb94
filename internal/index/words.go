package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/segment"
)

// words is the tokenizer of the text, query and exact analyzers: the
// words of Unicode's word boundaries (UAX #29), as Bleve's unicode
// tokenizer cuts them, with the same segmenter, so the same tokens
// (fold_test.go compares the two). It differs in how it allocates: one
// slice of tokens out, sized for the densest text (Chinese, a word per
// character of three bytes), and the tokens from a slab sized for English
// (a word per six bytes or so), then from slabs sized for the rest of the
// text at the rate of words so far; Bleve's grows several slices and
// copies them into one at the end.
type words struct{}

func (words) Tokenize(input []byte) analysis.TokenStream {
	slab := make([]analysis.Token, len(input)/6+1)
	out := make(analysis.TokenStream, 0, len(input)/3+1)
	seg := segment.NewWordSegmenterDirect(input)
	start, pos := 0, 1
	for seg.Segment() {
		b := seg.Bytes()
		end := start + len(b)
		if typ := seg.Type(); typ != segment.None {
			if len(slab) == 0 {
				slab = make([]analysis.Token, (len(input)-start)*len(out)/max(start, 1)+16)
			}
			t := &slab[0]
			slab = slab[1:]
			*t = analysis.Token{Term: b, Start: start, End: end, Position: pos, Type: wordType(typ)}
			out = append(out, t)
			pos++
		}
		start = end
	}
	return out
}

// wordType is the token type Bleve's unicode tokenizer gives a segment:
// ideographs and kana are ideographic (cjk_bigram, and so fold, pair
// them), numbers numeric, the rest alphanumeric.
func wordType(typ int) analysis.TokenType {
	switch typ {
	case segment.Ideo, segment.Kana:
		return analysis.Ideographic
	case segment.Number:
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}
