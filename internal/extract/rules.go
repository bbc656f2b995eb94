package extract

import (
	"fmt"
	"strings"
)

// Rule names one family of the extractor's heuristics that can be switched
// off. The families exist so that their worth can be measured: the
// extraction benchmark (cmd/extractbench) switches each one off in turn
// and, fold by fold, keeps only those that help pages of sites other than
// the ones scored. A rule that helps only the page it was written for
// shows up there as a gap between the dev and the held-out score.
type Rule uint8

// The switchable rule families. Everything not listed here (the paragraph
// scoring, link density, the rendering of blocks) is the extractor's core
// and always on.
const (
	// RuleHanweb reads the body between the Hanweb CMS content comments
	// or in its #zoom container.
	RuleHanweb Rule = iota
	// RuleStructured takes the element marked itemprop=articleBody when
	// it holds enough prose that the paragraph scoring also backs.
	RuleStructured
	// RuleNamePrune removes elements whose class or id names them as
	// furniture (share, related, sidebar, …), or that the page hides,
	// except on the way down to the strongest paragraph cluster: a name
	// cannot make furniture of the element that holds the article
	// ("container penci_sidebar", "ql_detailbro_content
	// qgl_fontsize_box"). The guard is part of the rule, since it only
	// matters where the rule runs.
	RuleNamePrune
	// RuleFurnitureHeading drops sections headed "Related posts" and the
	// like, whatever their size.
	RuleFurnitureHeading
	// RuleSeries takes the first entry of a blog front page or thread.
	RuleSeries
	// RuleAncestorClimb moves from a boxed paragraph to the ancestor
	// holding all the boxes.
	RuleAncestorClimb
	// RuleProseClimb climbs from the chosen element to a block that holds
	// only it and a prose paragraph of its own: old pages leave a block
	// open per paragraph, nesting the rest of the story in each.
	RuleProseClimb
	// RuleSiblings joins the siblings that continue the chosen element:
	// strong containers, prose paragraphs and boxes of the same tag and
	// class, looked for among the siblings of the outermost wrapper that
	// holds only the chosen element (templates wrap each block of a story
	// in its own box; the climb only matters for the siblings).
	RuleSiblings
	// RuleStandfirst keeps the summary line printed between the headline
	// and the body (standfirst, 摘要, 导语).
	RuleStandfirst
	// RuleJunk drops link lists and link-heavy blocks inside the body.
	RuleJunk
	// RuleDropH1 drops a leading <h1> (the headline) from the body.
	RuleDropH1
	// RuleTailStart ends the body at "Related stories", comments headings
	// and their Chinese counterparts.
	RuleTailStart
	// RuleLeadingTitle drops the headline repeated at the top of the body.
	RuleLeadingTitle
	// RuleActionLines drops pager lines and lone share/print words.
	RuleActionLines
	// RuleCaptions drops photo captions and credits by their shape.
	RuleCaptions
	// RuleMetaLines drops labelled info lines (来源：, 发布时间：, Source:)
	// and short date clusters.
	RuleMetaLines
	// RuleFurnitureEn drops the English furniture lines (gallery counters,
	// agency credits, contact lines, updated lines).
	RuleFurnitureEn
	// RuleFurnitureZh drops the Chinese furniture lines (page and read
	// counters, trackbacks, 原标题, repost notes, photo credits).
	RuleFurnitureZh
	// RuleBylineLines drops byline and dateline lines at the body's start
	// and Chinese reporter-only lines.
	RuleBylineLines
	// RuleSiteLines drops lines that only one template prints: Hanweb's
	// signature, the L M S font toggle, wire datelines after an issuer.
	RuleSiteLines
	// RuleReflow re-joins hard-wrapped press releases.
	RuleReflow

	// RuleDateNearTitle takes an unlabelled date just under the headline.
	RuleDateNearTitle
	// RuleDateLines takes dates from the meta lines the cleaner dropped.
	RuleDateLines
	// RuleDateReprint takes a reprint note's issue date.
	RuleDateReprint
	// RuleDateSignature takes the date that signs a notice at the body's
	// end ("2022年1月27日", "二〇二二年一月二十七日") when nothing else dates it.
	RuleDateSignature
	// RuleDateURL takes the date in the URL path.
	RuleDateURL
	// RuleDateLabelFirst puts the labelled date under the headline of a
	// Chinese page (发布时间：…) before the head metas.
	RuleDateLabelFirst
	// RuleAuthorLead reads bylines between headline and body.
	RuleAuthorLead
	// RuleAuthorTail reads the (记者 X) byline at the body's end.
	RuleAuthorTail
	// RuleAuthorLabel reads 作者：/记者： info lines.
	RuleAuthorLabel
	// RuleAuthorFooter reads blog and forum footers (由X张贴, Posted by).
	RuleAuthorFooter
	// RuleAuthorLeadName takes a bare name under the headline.
	RuleAuthorLeadName
	// RuleAuthorMeta takes JSON-LD and head-meta authors.
	RuleAuthorMeta
	// RuleAuthorElement takes an element marked as the byline.
	RuleAuthorElement
	// RuleAuthorBlog names the blog's owner, from a <title> such as
	// "标题_张三_新浪博客" or "张三的博客", when nothing else names anyone.
	RuleAuthorBlog
	// RuleAuthorCredit falls back to the editor, a person named as the
	// source, or an official document's issuer.
	RuleAuthorCredit

	numRules
)

var ruleNames = [numRules]string{
	RuleHanweb:           "hanweb",
	RuleStructured:       "structured",
	RuleNamePrune:        "name-prune",
	RuleFurnitureHeading: "furniture-heading",
	RuleSeries:           "series",
	RuleAncestorClimb:    "ancestor-climb",
	RuleProseClimb:       "prose-climb",
	RuleSiblings:         "siblings",
	RuleStandfirst:       "standfirst",
	RuleJunk:             "junk",
	RuleDropH1:           "drop-h1",
	RuleTailStart:        "tail-start",
	RuleLeadingTitle:     "leading-title",
	RuleActionLines:      "action-lines",
	RuleCaptions:         "captions",
	RuleMetaLines:        "meta-lines",
	RuleFurnitureEn:      "furniture-en",
	RuleFurnitureZh:      "furniture-zh",
	RuleBylineLines:      "byline-lines",
	RuleSiteLines:        "site-lines",
	RuleReflow:           "reflow",
	RuleDateNearTitle:    "date-near-title",
	RuleDateLines:        "date-lines",
	RuleDateReprint:      "date-reprint",
	RuleDateSignature:    "date-signature",
	RuleDateURL:          "date-url",
	RuleDateLabelFirst:   "date-label-first",
	RuleAuthorLead:       "author-lead",
	RuleAuthorTail:       "author-tail",
	RuleAuthorLabel:      "author-label",
	RuleAuthorFooter:     "author-footer",
	RuleAuthorLeadName:   "author-lead-name",
	RuleAuthorMeta:       "author-meta",
	RuleAuthorElement:    "author-element",
	RuleAuthorBlog:       "author-blog",
	RuleAuthorCredit:     "author-credit",
}

// String is the rule's short name, as extractbench prints it.
func (r Rule) String() string {
	if r < numRules {
		return ruleNames[r]
	}
	return fmt.Sprintf("rule(%d)", uint8(r))
}

// Rules lists every switchable rule family in a fixed order.
func Rules() []Rule {
	out := make([]Rule, numRules)
	for i := range out {
		out[i] = Rule(i)
	}
	return out
}

// ParseRule reads a rule's short name.
func ParseRule(name string) (Rule, error) {
	for i, n := range ruleNames {
		if n == strings.TrimSpace(name) {
			return Rule(i), nil
		}
	}
	return 0, fmt.Errorf("extract: unknown rule %q", name)
}

// RuleSet is a set of rules; Options.Off holds the rules switched off.
// The zero value is the empty set.
type RuleSet uint64

// Add returns the set with r in it.
func (s RuleSet) Add(r Rule) RuleSet { return s | 1<<r }

// Has reports whether r is in the set.
func (s RuleSet) Has(r Rule) bool { return s&(1<<r) != 0 }

// String lists the set's rule names, comma-separated.
func (s RuleSet) String() string {
	var names []string
	for r := Rule(0); r < numRules; r++ {
		if s.Has(r) {
			names = append(names, r.String())
		}
	}
	return strings.Join(names, ",")
}

// on reports whether a rule is switched on (not in the off set).
func (s RuleSet) on(r Rule) bool { return !s.Has(r) }
