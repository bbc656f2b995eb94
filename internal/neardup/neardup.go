// Package neardup tells near-duplicate texts apart from different ones: the
// same release republished at another URL or on another site with small
// edits (a header line added, a paragraph trimmed, a sentence reworded). It
// computes a 64-bit SimHash of a text's shingles; texts whose fingerprints
// differ in at most Threshold bits are near duplicates. The threshold is
// measured on labelled pairs (testdata/pairs.json, see TestThreshold).
//
// Fingerprints cannot tell a copy from another release of the same
// template (the same boilerplate around another subdistrict, topic or
// date): such pairs measure as close as copies do. Titles can, since a
// template's subject is in its title; so a copy must also keep its
// original's title (see SameTitle).
package neardup

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Threshold is the largest distance (differing bits) between the
// fingerprints of two near duplicates, measured on the labelled pairs of
// testdata/pairs.json (TestThreshold prints them): copies with a header,
// a credit or a byline added, a paragraph or a sentence cut, numbers or
// spellings changed are 0–15 bits apart (23 of 25 within 12); different
// releases 23–38, except two releases of one template (the same
// boilerplate around another subdistrict and topic) at 13. At 12 no
// different release is hidden as a copy, and 2 of 24 copies are missed:
// hiding a distinct release is the worse mistake.
const Threshold = 12

// shingle is the number of tokens per shingle.
const shingle = 3

// minTokens is the fewest tokens a text needs for its fingerprint to mean
// anything: short texts (a one-line notice) are left alone.
const minTokens = 40

// Fingerprint returns the SimHash of text's shingles, and false when the
// text is too short to compare. Case, full-width forms, punctuation and
// spacing make no difference.
func Fingerprint(text string) (uint64, bool) {
	toks := tokens(text)
	if len(toks) < minTokens {
		return 0, false
	}
	var sums [64]int
	h := fnv.New64a()
	for i := 0; i+shingle <= len(toks); i++ {
		h.Reset()
		for _, t := range toks[i : i+shingle] {
			h.Write([]byte(t))
			h.Write([]byte{0})
		}
		v := h.Sum64()
		for b := range 64 {
			if v&(1<<b) != 0 {
				sums[b]++
			} else {
				sums[b]--
			}
		}
	}
	var fp uint64
	for b, s := range sums {
		if s > 0 {
			fp |= 1 << b
		}
	}
	return fp, true
}

// Distance is the number of bits in which two fingerprints differ.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Near reports whether two fingerprints mark near duplicates.
func Near(a, b uint64) bool { return Distance(a, b) <= Threshold }

// tokens splits text into the units shingles are made of: words of Latin
// script (and numbers), lower-cased, and single Chinese characters, since
// Chinese has no spaces and a one-character edit should change one token.
func tokens(text string) []string {
	text = width.Fold.String(text)
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// TitleKey is the form titles are compared in by SameTitle: full-width
// forms folded, lower case, letters, digits and Chinese characters only.
func TitleKey(title string) string {
	var b strings.Builder
	for _, r := range width.Fold.String(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// SameTitle reports whether two title keys (TitleKey) name the same
// release: equal, or one inside the other, as when a site adds its name
// or a "转载：" before a copy's title. An empty title says nothing, so it
// matches any.
func SameTitle(a, b string) bool {
	if a == "" || b == "" {
		return true
	}
	return strings.Contains(a, b) || strings.Contains(b, a)
}
