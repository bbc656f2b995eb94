package index

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// fold is the token filter that the text, query and exact analyzers apply
// to the words tokenizer's words. In one pass over the tokens it does
// what Bleve's cjk_width, possessive_en, to_lower and cjk_bigram (with
// output_unigram) did one after the other up to mapping version 6, and,
// with trim, what unigramTrim did after them: the token stream is the
// same, term for term, position for position, offsets and types too
// (fold_test.go compares the two on every text of the repository, every
// character, and FuzzFoldFilter on any text).
//
// Analysis took a quarter of indexing's CPU, much of it in that chain's
// allocations: a new term per word (cjk_width re-encodes every word), a
// new token and term per Chinese unigram and bigram. fold allocates per
// call at most one slice for the stream (none when no more tokens go out
// than came in, as for Chinese with trim), one slab for the unigrams and
// bigrams that the ideographic words' own tokens cannot hold, and one
// byte buffer when some word changes. A word that folding leaves as it is
// keeps the tokenizer's bytes (a slice of the analysed text), and so does
// a bigram of two such characters, which lie side by side in the text.
// That is safe because no filter after fold writes into a term (keepStem,
// stop_en and the stemmer make new ones; to_lower, which lower-cases in
// place, must not follow fold); every term is capped at its length so
// that an append cannot reach the bytes after it.
type fold struct {
	// trim drops the unigrams that share their position with a bigram
	// (see unigramTrim): the text analyzer trims, the query and exact
	// analyzers, which must find those unigrams, do not.
	trim bool
}

// char is one character of a run of Chinese (or Japanese) characters, as
// cjk_bigram cuts them out of the ideographic words.
type char struct {
	// term may extend past the character (its capacity is the word's):
	// bigram checks whether the next character follows it in memory.
	term       []byte
	start, end int
}

func (f fold) Filter(in analysis.TokenStream) analysis.TokenStream {
	b := folder{trim: f.trim, in: in}
	for _, t := range in {
		b.left += len(t.Term)
	}
	// First pass: fold every word and count what the bigrams make of the
	// ideographic ones; second pass: make those tokens.
	for _, t := range in {
		b.left -= len(t.Term)
		t.Term = b.fold(t.Term)
	}
	b.bigram()
	b.spare = b.made - b.ideo
	b.emitting = true
	if b.inPlace {
		b.out = in[:0]
	} else {
		b.out = make(analysis.TokenStream, 0, b.n)
	}
	b.bigram()
	return b.out
}

// folder holds one call's state.
type folder struct {
	trim bool
	in   analysis.TokenStream
	// buf holds the words that folding changes and the bigrams whose
	// characters do not lie side by side; allocated when first needed.
	buf []byte
	// left counts the bytes of the words not folded yet, to size buf.
	left int

	// The first bigram pass counts, the second (emitting) makes the
	// tokens and appends them to out.
	emitting bool
	// n counts the tokens out, made the unigrams and bigrams among them,
	// ideo the ideographic words in; spare is made-ideo of the first
	// pass, the tokens that slab must at least provide.
	n, made, ideo, spare int
	// inPlace tells that out can be in's array: up to every word, no more
	// tokens go out than came in, so none is overwritten before it is
	// read. That is so for Chinese with trim: a character's single-
	// character word, once read, makes way for one bigram or unigram.
	inPlace bool
	// next is the first ideographic word of in whose token may serve as a
	// unigram or bigram: the words before it are either not ideographic,
	// or taken, or their place in in's array now holds a token out (never
	// an ideographic one). Tokens beyond those come from slab.
	next int
	slab []analysis.Token
	out  analysis.TokenStream
}

// fold returns term folded as cjk_width, possessive_en and to_lower did
// in that order: full-width ASCII to ASCII, half-width katakana to
// full-width (a voicing mark joined to the kana before it where one
// exists), invalid UTF-8 bytes to U+FFFD; a trailing "'s" (or "’s") cut
// off; lower case. It returns term itself, or a prefix of it, when no
// byte changes. The slice returned keeps the capacity of term (or buf):
// pair looks past its end for the next character.
func (b *folder) fold(term []byte) []byte {
	width, upper := false, false
	for i := 0; i < len(term); {
		c := term[i]
		if c < utf8.RuneSelf {
			upper = upper || 'A' <= c && c <= 'Z'
			i++
			continue
		}
		r, n := utf8.DecodeRune(term[i:])
		i += n
		switch {
		case n == 1 || r >= 0xFF01 && r <= 0xFF5E || r >= 0xFF65 && r <= 0xFF9F:
			width = true
		case r >= 0x3000 && r < 0xA640:
			// CJK, kana, Hangul jamo, Yi, Vai: no case (TestNoCase).
		default:
			upper = upper || unicode.ToLower(r) != r
		}
	}
	w, owned := term, false
	if width {
		w, owned = b.widen(term), true
	}
	w = possessive(w)
	if upper || width {
		if !owned {
			w = b.copy(w)
		}
		w = toLower(w)
	}
	return w
}

// grow makes room in buf for n more bytes; the first call sizes it for
// the words still to fold.
func (b *folder) grow(n int) {
	if b.buf == nil {
		b.buf = make([]byte, 0, max(n, b.left+n+16))
	}
}

// copy appends w to buf and returns the copy.
func (b *folder) copy(w []byte) []byte {
	b.grow(len(w))
	start := len(b.buf)
	b.buf = append(b.buf, w...)
	return b.buf[start:]
}

// widen appends term to buf with its width folded, as cjk_width did, and
// returns that part of buf.
func (b *folder) widen(term []byte) []byte {
	b.grow(len(term) + 8)
	start := len(b.buf)
	// prev is the last character, held back because a voicing mark after
	// it may change it; -1 before the first.
	prev := rune(-1)
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		i += n
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - '!'
		case r >= 0xFF65 && r <= 0xFF9F:
			if (r == 0xFF9E || r == 0xFF9F) && prev >= 0 {
				if v := voice(prev, r == 0xFF9F); v != prev {
					prev = v
					continue
				}
			}
			r = halfKana[r-0xFF65]
		}
		if prev >= 0 {
			b.buf = utf8.AppendRune(b.buf, prev)
		}
		prev = r
	}
	if prev >= 0 {
		b.buf = utf8.AppendRune(b.buf, prev)
	}
	return b.buf[start:]
}

// halfKana maps the half-width katakana U+FF65..U+FF9F to their full-width
// forms; the two voicing marks become the combining ones.
var halfKana = []rune("・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン\u3099\u309a")

// voice returns the full-width katakana k with the (semi-)voicing mark,
// as one character, or k when there is none (or k is not katakana).
func voice(k rune, semi bool) rune {
	switch {
	case semi:
		// パピプペポ.
		if k >= 'ハ' && k <= 'ホ' && (k-'ハ')%3 == 0 {
			return k + 2
		}
	case k == 'ウ':
		return 'ヴ'
	case k >= 'カ' && k <= 'チ' && (k-'カ')%2 == 0,
		k >= 'ツ' && k <= 'ト' && (k-'ツ')%2 == 0,
		k >= 'ハ' && k <= 'ホ' && (k-'ハ')%3 == 0,
		k == 'ヽ':
		return k + 1
	case k >= 'ワ' && k <= 'ヲ':
		// ヷヸヹヺ.
		return k + 'ヷ' - 'ワ'
	}
	return k
}

// possessive cuts a trailing 's (any apostrophe, any case of s) off w, as
// possessive_en did after cjk_width (which made a full-width apostrophe
// ASCII). w is valid UTF-8 here.
func possessive(w []byte) []byte {
	n := len(w)
	if n < 2 || w[n-1] != 's' && w[n-1] != 'S' {
		return w
	}
	switch {
	case w[n-2] == '\'':
		return w[:n-2]
	case n >= 4 && string(w[n-4:n-1]) == "’":
		return w[:n-4]
	}
	return w
}

// toLower lower-cases s in place, as to_lower did, quirks included: a
// final capital sigma becomes ς; after a character whose lower case is
// shorter in UTF-8 (İ, K), the characters that do not change are not
// moved back, so the term keeps stray bytes; the rest of a word with a
// character whose lower case is longer (Ⱥ, Ⱦ) is lower-cased in a new
// slice. The index holds such terms as the old chain made them.
func toLower(s []byte) []byte {
	j := 0
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s[i:])
		}
		l := unicode.ToLower(r)
		if l == r {
			i += n
			j += n
			continue
		}
		if l == 'σ' && i+2 == len(s) {
			l = 'ς'
		}
		if utf8.RuneLen(l) > n {
			rest := bytes.ToLower(s[i:])
			out := make([]byte, j, j+len(rest))
			copy(out, s[:j])
			return append(out, rest...)
		}
		j += utf8.EncodeRune(s[j:], l)
		i += n
	}
	return s[:j]
}

// bigram does what cjk_bigram with output_unigram did to the folded
// words (and unigramTrim after it, with trim): every other word passes
// through; the characters of the ideographic words, in runs of
// characters that follow each other in the text, become bigrams of each
// two neighbours and unigrams of each one, the unigram of a run's last
// character one position after its last bigram. A run of n characters
// thus takes n positions.
func (b *folder) bigram() {
	b.n, b.made, b.ideo, b.next = 0, 0, 0, 0
	b.inPlace = true
	pos := 1
	var last char
	have := false
	for j, t := range b.in {
		if t.Type != analysis.Ideographic {
			if have {
				b.unigram(j, last, pos)
				pos++
				have = false
			}
			t.Position = pos
			t.Term = t.Term[:len(t.Term):len(t.Term)]
			b.n++
			if b.emitting {
				b.out = append(b.out, t)
			}
			pos++
			b.inPlace = b.inPlace && b.n <= j+1
			continue
		}
		b.ideo++
		// From here on t is free to be made a unigram or bigram (see
		// token).
		term, tstart := t.Term, t.Start
		// cjk_bigram steps through the word by the length of each
		// character's encoding, which is the length it was decoded from
		// unless the byte was invalid (to_lower can leave such bytes).
		sofar := 0
		for i := 0; i < len(term); {
			r, n := utf8.DecodeRune(term[i:])
			i += n
			rlen := utf8.RuneLen(r)
			c := char{term: term[sofar:min(sofar+rlen, len(term))], start: tstart + sofar, end: tstart + sofar + rlen}
			sofar += rlen
			if have && c.start != last.end {
				b.unigram(j, last, pos)
				pos++
				have = false
			}
			if have {
				if !b.trim {
					b.unigram(j, last, pos)
				}
				b.pair(j, last, c, pos)
				pos++
			}
			last, have = c, true
		}
		b.inPlace = b.inPlace && b.n <= j+1
	}
	if have {
		b.unigram(len(b.in)-1, last, pos)
	}
	b.inPlace = b.inPlace && b.n <= len(b.in)
}

// token returns the token for the next unigram or bigram, made while
// reading in[j], and appends it to out; nil when counting. It takes the
// token of an ideographic word of in up to j, whose term and offsets are
// read by then, else one from slab.
func (b *folder) token(j int) *analysis.Token {
	b.n++
	b.made++
	if !b.emitting {
		return nil
	}
	var t *analysis.Token
	for ; b.next <= j; b.next++ {
		if b.in[b.next].Type == analysis.Ideographic {
			t = b.in[b.next]
			b.next++
			break
		}
	}
	if t == nil {
		if len(b.slab) == cap(b.slab) {
			b.slab = make([]analysis.Token, 0, max(16, b.spare))
		}
		b.slab = b.slab[:len(b.slab)+1]
		t = &b.slab[len(b.slab)-1]
	}
	b.out = append(b.out, t)
	return t
}

func (b *folder) unigram(j int, c char, pos int) {
	if t := b.token(j); t != nil {
		*t = analysis.Token{Term: c.term[:len(c.term):len(c.term)], Start: c.start, End: c.end, Position: pos, Type: analysis.Single}
	}
}

func (b *folder) pair(j int, c, d char, pos int) {
	t := b.token(j)
	if t == nil {
		return
	}
	var term []byte
	if n := len(c.term); n+len(d.term) <= cap(c.term) && len(d.term) > 0 && &c.term[:n+1][n] == &d.term[0] {
		term = c.term[: n+len(d.term) : n+len(d.term)]
	} else {
		b.grow(n + len(d.term))
		start := len(b.buf)
		b.buf = append(append(b.buf, c.term...), d.term...)
		term = b.buf[start:len(b.buf):len(b.buf)]
	}
	*t = analysis.Token{Term: term, Start: c.start, End: d.end, Position: pos, Type: analysis.Double}
}
