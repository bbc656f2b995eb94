package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/publicsuffix"

	"riverside/internal/extract"
)

// The extractor is hand-written rules, not trained parameters, so a
// held-out score is made meaningful by choosing on the training part
// which rule families to keep. Each site in turn is held out (leave one
// site out); on the pages of all other sites:
//
//  1. every rule family is switched off alone; a family is kept only if
//     switching it off lowers the training objective (F1, plus the share
//     of right authors and dates where the truth labels them). A family
//     that changes nothing there is switched off: it was written for
//     pages that are not in the training part.
//  2. Families that are redundant with each other (two rules finding the
//     same byline) each look useless alone. If switching all the useless
//     ones off together lowers the training objective, they are switched
//     off one at a time instead, the most harmful first (then in rule
//     order), each only if the training objective stays at least as high
//     as with every rule on.
//  3. The held-out site's pages are extracted with the families chosen,
//     and scored.
//
// The pooled held-out pages give the held-out line. A rule that helps
// only its own site shows as a gap between the dev line (every rule on,
// every page) and the held-out line. Every distinct set of rules is run
// once over all pages and cached, so the whole costs a few dozen passes.

// runCache extracts every page once per distinct set of rules switched off.
type runCache struct {
	pages []benchPage
	cjk   bool
	runs  map[extract.RuleSet][]scored
}

func (c *runCache) get(off extract.RuleSet) []scored {
	if r, ok := c.runs[off]; ok {
		return r
	}
	r, _ := evaluate(c.pages, allIndexes(len(c.pages)), off, c.cjk)
	c.runs[off] = r
	return r
}

// heldOutScores prints the leave-one-site-out line (and its metadata
// line), and writes the ablation table when ablatePath is set. base holds
// the scores of every page with the rules in off0 off.
func heldOutScores(stdout, stderr io.Writer, pages []benchPage, base []scored, off0 extract.RuleSet, cjk bool, ablatePath string) error {
	cache := &runCache{pages: pages, cjk: cjk, runs: map[extract.RuleSet][]scored{off0: base}}
	var rules []extract.Rule
	for _, r := range extract.Rules() {
		if !off0.Has(r) {
			rules = append(rules, r)
		}
	}
	abl := make([][]scored, len(rules))
	for i, r := range rules {
		abl[i] = cache.get(off0.Add(r))
	}
	bySite := map[string][]int{}
	var sites []string
	for i, p := range pages {
		if bySite[p.site] == nil {
			sites = append(sites, p.site)
		}
		bySite[p.site] = append(bySite[p.site], i)
	}
	sort.Strings(sites)
	held := make([]scored, len(pages))
	offOf := make([]extract.RuleSet, len(pages))
	offCount := make([]int, len(rules))
	for _, site := range sites {
		test := bySite[site]
		var train []int
		for i, p := range pages {
			if p.site != site {
				train = append(train, i)
			}
		}
		baseObj := objective(pick(base, train))
		type cand struct {
			i    int
			gain float64
		}
		var cands []cand
		for i := range rules {
			if g := baseObj - objective(pick(abl[i], train)); g <= 1e-12 {
				cands = append(cands, cand{i, g})
			}
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].gain < cands[b].gain })
		offSet := func() extract.RuleSet {
			s := off0
			for _, c := range cands {
				s = s.Add(rules[c.i])
			}
			return s
		}
		if objective(pick(cache.get(offSet()), train)) < baseObj-1e-12 {
			all := cands
			cands = nil
			for _, c := range all {
				cands = append(cands, c)
				if objective(pick(cache.get(offSet()), train)) < baseObj-1e-12 {
					cands = cands[:len(cands)-1]
				}
			}
		}
		res := cache.get(offSet())
		for _, i := range test {
			held[i], offOf[i] = res[i], offSet()&^off0
		}
		for _, c := range cands {
			offCount[c.i]++
		}
	}
	fmt.Fprintf(stderr, "held-out: %d sites, %d rule sets run\n", len(sites), len(cache.runs))
	for i, h := range held {
		b := base[i]
		if h.page != b.page || h.meta.authorOK != b.meta.authorOK || h.meta.dateOK != b.meta.dateOK {
			fmt.Fprintf(stderr, "  held out %s (%s): F1 %.3f -> %.3f, author %v -> %v, date %v -> %v; off: %s\n",
				pages[i].name, pages[i].site, b.page.F1(), h.page.F1(), b.meta.authorOK, h.meta.authorOK,
				b.meta.dateOK, h.meta.dateOK, offOf[i])
		}
	}
	res := summarize(held)
	fmt.Fprintf(stdout, "held-out (leave one site out of %d, rules chosen on the others): F1 %.3f precision %.3f recall %.3f files %d\n",
		len(sites), res.F1, res.Precision, res.Recall, res.Files)
	if ln := metaLine(metas(held)); ln != "" {
		fmt.Fprintln(stdout, "held-out "+ln)
	}
	if ablatePath != "" {
		return writeAblation(ablatePath, pages, base, rules, abl, offCount, len(sites))
	}
	return nil
}

// objective is what the rule choice maximises on training pages: body F1,
// plus the share of right authors and of right dates where the truth
// labels them.
func objective(results []scored) float64 {
	v := summarize(results).F1
	var a, aN, d, dN int
	for _, r := range results {
		if r.meta.hasAuthor {
			aN++
			if r.meta.authorOK {
				a++
			}
		}
		if r.meta.hasDate {
			dN++
			if r.meta.dateOK {
				d++
			}
		}
	}
	if aN > 0 {
		v += float64(a) / float64(aN)
	}
	if dN > 0 {
		v += float64(d) / float64(dN)
	}
	return v
}

func pick(results []scored, idx []int) []scored {
	out := make([]scored, len(idx))
	for j, i := range idx {
		out[j] = results[i]
	}
	return out
}

// linkHost finds the hosts of absolute links in a page's HTML.
var linkHost = regexp.MustCompile(`(?i)href\s*=\s*["']?https?://([a-z0-9.\-]+)`)

// captureURL is the envelope the Chinese set's pages were saved in:
// <text id="http://…" title="…" encoding="…">.
var captureURL = regexp.MustCompile(`^\s*<text id="(https?://[^"]+)"`)

// siteOf names the site a page comes from: the registrable domain of the
// truth's host or URL (the English set) or of the capture envelope's URL
// (the Chinese set's truth records none), else the domain most of the
// page's absolute links point to, else the page alone.
func siteOf(p *benchPage) string {
	h := p.truth.Host
	if h == "" && p.truth.URL != "" {
		if u, err := url.Parse(p.truth.URL); err == nil {
			h = u.Hostname()
		}
	}
	if h == "" {
		head := p.raw[:min(len(p.raw), 1024)]
		if m := captureURL.FindSubmatch(head); m != nil {
			if u, err := url.Parse(string(m[1])); err == nil {
				h = u.Hostname()
			}
		}
	}
	if h != "" {
		h = strings.TrimPrefix(strings.ToLower(h), "www.")
		if d, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
			return d
		}
		return h
	}
	count := map[string]int{}
	for _, m := range linkHost.FindAllSubmatch(p.raw, -1) {
		if d, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(string(m[1]))); err == nil {
			count[d]++
		}
	}
	best := ""
	for d, n := range count {
		if n > count[best] || n == count[best] && d < best {
			best = d
		}
	}
	if best == "" {
		return "page:" + p.name
	}
	return best
}

// writeAblation writes, for each rule family, what switching it off alone
// does on every page: the change in F1 and in right authors and dates
// (negative: the rule helps), the pages whose body changed, the sites it
// helps and hurts (by their pages' mean F1, authors and dates), and in how
// many held-out sites the choice switched it off.
func writeAblation(path string, pages []benchPage, base []scored, rules []extract.Rule, abl [][]scored, offCount []int, k int) error {
	var b strings.Builder
	b.WriteString("rule\tdelta_f1\tdelta_author\tdelta_date\tpages_changed\tsites_helped\tsites_hurt\thelped_sites\toff_when_held_out\n")
	all := allIndexes(len(pages))
	for i, r := range rules {
		bs, as := summarize(base), summarize(abl[i])
		da, dd, changed := 0, 0, 0
		siteDelta := map[string]float64{}
		for j := range all {
			x, y := base[j], abl[i][j]
			delta := x.page.F1() - y.page.F1()
			if x.meta.authorOK != y.meta.authorOK {
				da += b2i(y.meta.authorOK) - b2i(x.meta.authorOK)
				delta += float64(b2i(x.meta.authorOK) - b2i(y.meta.authorOK))
			}
			if x.meta.dateOK != y.meta.dateOK {
				dd += b2i(y.meta.dateOK) - b2i(x.meta.dateOK)
				delta += float64(b2i(x.meta.dateOK) - b2i(y.meta.dateOK))
			}
			if x.page != y.page {
				changed++
			}
			siteDelta[pages[j].site] += delta
		}
		var helped []string
		hurt := 0
		for s, d := range siteDelta {
			switch {
			case d > 1e-9:
				helped = append(helped, s)
			case d < -1e-9:
				hurt++
			}
		}
		sort.Strings(helped)
		shown := helped
		if len(shown) > 6 {
			shown = append(shown[:6:6], "…")
		}
		fmt.Fprintf(&b, "%s\t%+.4f\t%+d\t%+d\t%d\t%d\t%d\t%s\t%d/%d\n", r, as.F1-bs.F1, da, dd, changed,
			len(helped), hurt, strings.Join(shown, " "), offCount[i], k)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}
