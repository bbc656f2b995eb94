// Package benchscore implements the article-extraction benchmark metric of
// scrapinghub/article-extraction-benchmark (evaluate.py), as written out in
// shared/extract-bench/README.md: 4-token shingles, per-page precision and
// recall, means over pages, F1 from the means.
package benchscore

import (
	"math"
	"unicode"
)

// Tokens splits s into maximal runs of word characters (Python's \w on
// str: Unicode letters, numbers and '_'). With cjk set, every Han,
// Hiragana or Katakana character is a token of its own.
func Tokens(s string, cjk bool) []string {
	var toks []string
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_'
		if cjk && word && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			if start >= 0 {
				toks = append(toks, s[start:i])
				start = -1
			}
			toks = append(toks, string(r))
			continue
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			toks = append(toks, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		toks = append(toks, s[start:])
	}
	return toks
}

// shingles is the multiset of runs of 4 consecutive tokens; a text of 1 to
// 3 tokens has one shingle made of all of them.
func shingles(toks []string) map[string]int {
	m := map[string]int{}
	if len(toks) == 0 {
		return m
	}
	const k = 4
	if len(toks) < k {
		m[join(toks)]++
		return m
	}
	for i := 0; i+k <= len(toks); i++ {
		m[join(toks[i:i+k])]++
	}
	return m
}

func join(toks []string) string {
	n := 0
	for _, t := range toks {
		n += len(t) + 1
	}
	b := make([]byte, 0, n)
	for _, t := range toks {
		b = append(b, t...)
		b = append(b, 0)
	}
	return string(b)
}

// Page is the score of one prediction against its ground truth.
type Page struct {
	Precision, Recall float64
	// HasPred and HasTruth say whether each side has a shingle; pages
	// without one are left out of the corresponding mean.
	HasPred, HasTruth bool
	// Exact is true when the token sequences are equal.
	Exact bool
}

// F1 is the page's own harmonic mean, for reports.
func (p Page) F1() float64 {
	if p.Precision+p.Recall == 0 {
		return 0
	}
	return 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
}

// ScorePage compares a prediction with the ground truth.
func ScorePage(truth, pred string, cjk bool) Page {
	tt, pt := Tokens(truth, cjk), Tokens(pred, cjk)
	ts, ps := shingles(tt), shingles(pt)
	var tp, fp, fn float64
	for s, t := range ts {
		p := ps[s]
		tp += float64(min(t, p))
		fn += float64(max(0, t-p))
	}
	for s, p := range ps {
		fp += float64(max(0, p-ts[s]))
	}
	pg := Page{HasPred: len(ps) > 0, HasTruth: len(ts) > 0, Exact: equal(tt, pt)}
	if fp == 0 && fn == 0 {
		pg.Precision, pg.Recall = 1, 1
		return pg
	}
	if tp+fp > 0 {
		pg.Precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		pg.Recall = tp / (tp + fn)
	}
	return pg
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Result is the overall score of a set of pages.
type Result struct {
	F1, Precision, Recall, Accuracy float64
	Files                           int
}

// Summarize averages page scores as the benchmark does: precision over
// pages with a predicted shingle, recall over pages with a true one, F1
// from the two means.
func Summarize(pages []Page) Result {
	var sp, sr float64
	var np, nr, exact int
	for _, p := range pages {
		if p.HasPred {
			sp += p.Precision
			np++
		}
		if p.HasTruth {
			sr += p.Recall
			nr++
		}
		if p.Exact {
			exact++
		}
	}
	r := Result{Files: len(pages)}
	if np > 0 {
		r.Precision = sp / float64(np)
	}
	if nr > 0 {
		r.Recall = sr / float64(nr)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	if len(pages) > 0 {
		r.Accuracy = float64(exact) / float64(len(pages))
	}
	return r
}

// Round3 rounds to the three decimals the benchmark reports.
func Round3(x float64) float64 { return math.Round(x*1000) / 1000 }
