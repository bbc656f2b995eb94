package main

import (
	"fmt"
	"io"
	"strings"

	"riverside/internal/charset"
	"riverside/internal/extract/perturb"
)

func perturbNames() string {
	var names []string
	for _, k := range perturb.Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// perturbPages rewrites every page's markup with k: the page is decoded
// first, so the rewritten bytes are UTF-8 and say so in their Content-Type.
func perturbPages(pages []benchPage, k perturb.Kind, seed int64) error {
	for i := range pages {
		p := &pages[i]
		text, _ := charset.Decode(p.raw, "")
		out, err := perturb.Apply(text, k, seed+int64(i))
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		p.raw, p.ctype = []byte(out), "text/html; charset=utf-8"
	}
	return nil
}

// writeLineDiffs lists, for every page whose F1 is below limit, the
// lines of the truth that the extracted text lacks ("-") and the
// extracted lines that the truth lacks ("+"), compared with white space
// collapsed: what was lost or kept wrongly, to read by eye.
func writeLineDiffs(w io.Writer, pages []benchPage, results []scored, texts []string, limit float64) {
	for i, r := range results {
		if r.page.F1() >= limit {
			continue
		}
		fmt.Fprintf(w, "== %s %s P %.3f R %.3f\n", r.name, pages[i].site, r.page.Precision, r.page.Recall)
		truth, got := lineSet(pages[i].truth.Body), lineSet(texts[i])
		for _, ln := range lineList(pages[i].truth.Body) {
			if !got[ln] {
				fmt.Fprintf(w, "- %s\n", clip(ln, 160))
			}
		}
		for _, ln := range lineList(texts[i]) {
			if !truth[ln] {
				fmt.Fprintf(w, "+ %s\n", clip(ln, 160))
			}
		}
	}
}

func lineList(s string) []string {
	var out []string
	for _, ln := range strings.Split(s, "\n") {
		if ln = strings.Join(strings.Fields(ln), " "); ln != "" {
			out = append(out, ln)
		}
	}
	return out
}

func lineSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, ln := range lineList(s) {
		m[ln] = true
	}
	return m
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
