// Package gazetteer names the places and bodies of the districts Riverside
// follows in Chinese and English: the districts, their subdistricts and
// towns, parks and zones, and main institutions. It is curated data
// (places.tsv, embedded, with its sources) and what the search expands
// queries with ("Binjiang" also searches 滨江) and ingest tags districts
// with.
package gazetteer

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

//go:embed places.tsv
var placesTSV string

// Kinds of places.
const (
	KindDistrict    = "district"
	KindSubdistrict = "subdistrict" // 街道
	KindTown        = "town"        // 镇
	KindZone        = "zone"        // parks, development zones, landmarks
	KindGovernment  = "government"
	KindInstitution = "institution"
	KindCompany     = "company"
)

var kinds = map[string]bool{KindDistrict: true, KindSubdistrict: true, KindTown: true, KindZone: true,
	KindGovernment: true, KindInstitution: true, KindCompany: true}

// Place is one entry: a place or body and all its names.
type Place struct {
	// District is binjiang or xiaoshan, "" for a place both share.
	District string
	Kind     string
	// Zh and En are its Chinese and English names, the official first.
	Zh, En []string
	Pinyin string
	// Line is where the entry is in places.tsv.
	Line int
}

// Names returns every name of p, Chinese first.
func (p *Place) Names() []string {
	return append(append([]string{}, p.Zh...), p.En...)
}

// Gazetteer is a parsed gazetteer. It is read-only and safe for
// concurrent use.
type Gazetteer struct {
	places []*Place
	byName map[string]*Place
	// maxWords is the most words in an English name.
	maxWords int
}

// Default returns the gazetteer embedded in the binary. The data is part
// of the build, checked by the tests, so a fault in it panics.
func Default() *Gazetteer {
	g, err := Parse(placesTSV)
	if err != nil {
		panic(err)
	}
	return g
}

// Parse reads a gazetteer in the format of places.tsv.
func Parse(data string) (*Gazetteer, error) {
	g := &Gazetteer{byName: map[string]*Place{}}
	for i, line := range strings.Split(data, "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			return nil, fmt.Errorf("gazetteer line %d: %d columns, want 5 (district, kind, zh, en, pinyin)", n, len(cols))
		}
		p := &Place{District: cols[0], Kind: cols[1], Zh: names(cols[2]), En: names(cols[3]), Pinyin: strings.TrimSpace(cols[4]), Line: n}
		switch p.District {
		case "", "binjiang", "xiaoshan":
		default:
			return nil, fmt.Errorf("gazetteer line %d: district %q, want binjiang, xiaoshan or empty", n, p.District)
		}
		if !kinds[p.Kind] {
			return nil, fmt.Errorf("gazetteer line %d: unknown kind %q", n, p.Kind)
		}
		if len(p.Zh) == 0 || len(p.En) == 0 {
			return nil, fmt.Errorf("gazetteer line %d: needs a Chinese and an English name", n)
		}
		for _, name := range p.Names() {
			key := Normalize(name)
			if other, dup := g.byName[key]; dup {
				return nil, fmt.Errorf("gazetteer line %d: name %q already on line %d", n, name, other.Line)
			}
			g.byName[key] = p
			g.maxWords = max(g.maxWords, len(strings.Fields(key)))
		}
		g.places = append(g.places, p)
	}
	return g, nil
}

func names(col string) []string {
	var out []string
	for _, s := range strings.Split(col, "|") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Normalize is the form names are compared in: full-width forms folded,
// lower case, one space between words.
func Normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(width.Fold.String(s))), " ")
}

// Places returns every entry, in file order.
func (g *Gazetteer) Places() []*Place { return g.places }

// MaxWords is the most words a name has: longer runs of query words need
// not be looked up.
func (g *Gazetteer) MaxWords() int { return g.maxWords }

// Lookup finds the place one of whose names is name (compared normalized).
func (g *Gazetteer) Lookup(name string) (*Place, bool) {
	p, ok := g.byName[Normalize(name)]
	return p, ok
}

// Alternatives returns what a search for name should look for besides
// name itself: the other names of its place, without those that would
// find nothing more. A Chinese name containing another that is searched
// (高新区（滨江） beside 滨江) is found by it already, since Chinese is
// matched as a substring; so is an English name containing another's
// words in order ("Xixing Subdistrict" beside "Xixing"). nil when name is
// no place.
func (g *Gazetteer) Alternatives(name string) []string {
	p, ok := g.Lookup(name)
	if !ok {
		return nil
	}
	typed := Normalize(name)
	all := append([]string{name}, p.Names()...)
	var out []string
	seen := map[string]bool{typed: true}
	for _, alt := range all[1:] {
		key := Normalize(alt)
		if seen[key] {
			continue
		}
		seen[key] = true
		covered := false
		for _, other := range all {
			if ok := Normalize(other); ok != key && contains(key, ok) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, alt)
		}
	}
	return out
}

// contains reports whether a search for small finds every text that
// big is in: big holds small as a substring (Chinese) or as whole words.
func contains(big, small string) bool {
	if isHan(small) {
		return strings.Contains(big, small)
	}
	return strings.Contains(" "+big+" ", " "+small+" ")
}

// isHan reports whether s has a Chinese character and no Latin letter.
func isHan(s string) bool {
	han := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han = true
		case unicode.IsLetter(r):
			return false
		}
	}
	return han
}

// TagTerms returns, per district, the names that mark a text as being
// about it, normalized: every place's names except those of companies
// (named in news from anywhere) and of shared places.
func (g *Gazetteer) TagTerms() map[string][]string {
	out := map[string][]string{}
	for _, p := range g.places {
		if p.District == "" || p.Kind == KindCompany {
			continue
		}
		for _, n := range p.Names() {
			out[p.District] = append(out[p.District], Normalize(n))
		}
	}
	return out
}
