package index_test

import (
	"math/rand/v2"
	"slices"
	"strings"

	"riverside/internal/news"
)

// The analysts' mix of the load benchmark (-searchload.mix=analyst, the
// default). The heavy mix (loadgen_test.go) draws its text from a few
// hundred words, so that every word of a query is in a large share of the
// articles (about 21,000 hits per query at 100,000 articles, a fifth of the
// corpus). News text has a vocabulary of tens of thousands of words, and an
// analyst searches for names and subjects, most of them in a small share of
// the articles, some (the districts, "digital economy") in many.
//
// Here the text draws its words from a vocabulary of about 20,000 per
// language with Zipf frequencies: the curated words of the heavy mix (and
// the function words and stop words) are the head, generated words the
// tail (Chinese words of two to four characters made of the characters of
// the curated words, so that their bigrams overlap as real Chinese ones
// do; English words made of syllables). Queries draw their words by rank
// band: some frequent (the head), most of middle or low frequency.

// vocabSize is the words per language of the analysts' corpus.
const vocabSize = 20000

// zhFunction are frequent Chinese function words, at the top of the
// Chinese vocabulary.
var zhFunction = strings.Fields(`的 在 和 是 了 对 为 与 及 等 将 年 月 日 我 区 市 有 中 上`)

// vocab is a language's vocabulary, most frequent first, and the Zipf
// draw over it.
type vocab struct {
	words []string
	// queryFrom is the first rank a query word may have (English stop
	// words are not searched for alone).
	queryFrom int
}

// analystVocab builds the two vocabularies, the same on every run.
func analystVocab() (zh, en vocab) {
	r := rand.New(rand.NewPCG(3, 3))
	seen := map[string]bool{}
	add := func(v *vocab, w string) {
		if !seen[w] {
			seen[w] = true
			v.words = append(v.words, w)
		}
	}
	for _, w := range zhFunction {
		add(&zh, w)
	}
	for _, w := range zhWords {
		add(&zh, w)
	}
	zh.queryFrom = len(zhFunction)
	var chars []rune
	for _, w := range zhWords {
		for _, c := range w {
			if !slices.Contains(chars, c) {
				chars = append(chars, c)
			}
		}
	}
	for len(zh.words) < vocabSize {
		n := 2 + r.IntN(3)
		w := make([]rune, n)
		for i := range w {
			w[i] = chars[r.IntN(len(chars))]
		}
		add(&zh, string(w))
	}

	for _, w := range enWords {
		add(&en, w)
	}
	en.queryFrom = 40 // past the stop words at the head of enWords
	onsets := strings.Fields("b c d f g h j k l m n p r s t v w z br cr dr fl gr pl pr sh st tr ch th")
	vowels := strings.Fields("a e i o u ai ea ee oa ou io")
	codas := []string{"", "", "", "n", "r", "l", "s", "t", "nd", "ng", "st", "rk"}
	suffixes := []string{"", "", "", "", "s", "ing", "ed", "er", "ion", "al", "ity", "ment"}
	for len(en.words) < vocabSize {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(vowels[r.IntN(len(vowels))])
			b.WriteString(codas[r.IntN(len(codas))])
		}
		b.WriteString(suffixes[r.IntN(len(suffixes))])
		add(&en, b.String())
	}
	return zh, en
}

// analystCorpus generates n articles like loadCorpus (half Chinese, half
// English, 2–3 KB each, five years, sixteen sources, both districts), with
// their words drawn from analystVocab.
func analystCorpus(n int) []news.Article {
	zhV, enV := analystVocab()
	r := rand.New(rand.NewPCG(4, uint64(n)))
	zhZipf := rand.NewZipf(r, 1.05, 1, uint64(len(zhV.words)-1))
	enZipf := rand.NewZipf(r, 1.05, 1, uint64(len(enV.words)-1))
	out := make([]news.Article, n)
	for i := range out {
		zh := i%2 == 0
		target := 2048 + r.IntN(1024)
		var b strings.Builder
		sentence := 0
		for b.Len() < target {
			switch {
			case zh && r.IntN(60) == 0:
				b.WriteString(zhPlaces[r.IntN(len(zhPlaces))])
			case zh:
				b.WriteString(zhV.words[zhZipf.Uint64()])
			case r.IntN(60) == 0:
				if sentence > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(enPlaces[r.IntN(len(enPlaces))])
			default:
				if sentence > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(enV.words[enZipf.Uint64()])
			}
			sentence = punctuate(&b, r, zh, sentence)
		}
		lang, title := "en", ""
		if zh {
			lang = "zh"
			title = zhPlaces[r.IntN(len(zhPlaces))] + zhV.words[zh0(zhZipf, zhV)] + zhV.words[zh0(zhZipf, zhV)]
		} else {
			title = enPlaces[r.IntN(len(enPlaces))] + " " + enV.words[zh0(enZipf, enV)] + " " + enV.words[zh0(enZipf, enV)] + " " + enV.words[zh0(enZipf, enV)]
		}
		out[i] = loadArticle(r, i, lang, title, b.String())
	}
	return out
}

// zh0 draws a word for a title: no function or stop word.
func zh0(z *rand.Zipf, v vocab) uint64 {
	for {
		if k := z.Uint64(); int(k) >= v.queryFrom {
			return k
		}
	}
}

// band draws the rank of a query word: 20% frequent (the first 200 ranks
// past the stop words), 45% of middle frequency (to rank 2,000), 35% low
// (to the end of the vocabulary).
func band(r *rand.Rand, v vocab) string {
	var lo, hi int
	switch k := r.IntN(20); {
	case k < 4:
		lo, hi = v.queryFrom, v.queryFrom+200
	case k < 13:
		lo, hi = v.queryFrom+200, 2000
	default:
		lo, hi = 2000, len(v.words)
	}
	return v.words[lo+r.IntN(hi-lo)]
}

// analystQueries makes the analysts' mix of n queries, in the shares of
// the heavy mix (30% Chinese words, 20% English words, 15% quoted English
// pairs, Chinese AND pairs, OR, NOT, district, language and date filters),
// plus place names; every word drawn by band.
func analystQueries(n int, corpus []news.Article) []loadQuery {
	zhV, enV := analystVocab()
	r := rand.New(rand.NewPCG(5, uint64(n)))
	zhWord := func() string { return band(r, zhV) }
	enWord := func() string { return band(r, enV) }
	rank := map[string]int{}
	for i, w := range enV.words {
		rank[w] = i
	}
	enPair := func() string {
		// Two words in a row from an English article, one of them past
		// the head: a quoted name or subject, not "of the".
		for {
			a := corpus[r.IntN(len(corpus))]
			if a.Lang != "en" {
				continue
			}
			w := strings.Fields(strings.NewReplacer(".", " ", ",", " ").Replace(strings.ToLower(a.Text)))
			k := r.IntN(len(w) - 1)
			ra, okA := rank[w[k]]
			rb, okB := rank[w[k+1]]
			if !okA || !okB || max(ra, rb) < 300 {
				continue
			}
			return w[k] + " " + w[k+1]
		}
	}
	place := func() string { return zhPlaces[r.IntN(len(zhPlaces))] }
	// Out of 40: Chinese words 11, English words 8, quoted pairs 6,
	// Chinese AND 4, OR 2, NOT 2, place names 1, district 2, language 2,
	// dates 2.
	return mixQueries(r, n, queryWords{zh: zhWord, en: enWord, pair: enPair, place: place}, [...]int{11, 19, 25, 29, 31, 33, 34, 36, 38}, 40)
}
