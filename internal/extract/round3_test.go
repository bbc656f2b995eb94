package extract

import (
	"fmt"
	"strings"
	"testing"
)

// enParas are the paragraphs of a made-up English story.
var enParas = []string{
	"The city council voted on Tuesday to rebuild the old river bridge, ending a debate that had run for three years.",
	"Engineers said the crossing, built in 1932, could no longer carry buses, and that repairs would cost almost as much as a new span.",
	"Residents who packed the hall applauded the vote, although several asked how long the detour through the industrial park would last.",
	"The mayor said work would start next spring and take about two years, with one lane for cyclists kept open throughout.",
	"Funding comes from a state grant and a bond approved by voters last November, the council's budget office said.",
}

// enPage builds a page: a headline, what comes between it and the body,
// the body (each paragraph formatted by para) and a sidebar of links.
func enPage(between string, para func(i int, p string) string) string {
	var b strings.Builder
	b.WriteString(`<html><head><title>Council votes to rebuild river bridge</title></head><body>`)
	b.WriteString(`<nav><a href="/">Home</a> <a href="/news">News</a></nav><main><h1>Council votes to rebuild river bridge</h1>`)
	b.WriteString(between)
	b.WriteString(`<div class="body">`)
	for i, p := range enParas {
		b.WriteString(para(i, p))
	}
	b.WriteString(`</div></main><div class="rail"><h3>Most read</h3><ul>`)
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, `<li><a href="/s/%d">Another story about the town, number %d</a></li>`, i, i)
	}
	b.WriteString(`</ul></div></body></html>`)
	return b.String()
}

func plainP(_ int, p string) string { return "<p>" + p + "</p>" }

// wantStory checks that every paragraph of the story is in the text and
// none of the unwanted strings.
func wantStory(t *testing.T, text string, not ...string) {
	t.Helper()
	for _, p := range enParas {
		if !strings.Contains(text, p) {
			t.Errorf("lost %q in:\n%s", p[:40], text)
		}
	}
	for _, n := range not {
		if strings.Contains(text, n) {
			t.Errorf("kept %q in:\n%s", n, text)
		}
	}
}

// TestBoxedParagraphs: a story whose paragraphs are each boxed in a
// <div> (or two) is found whole, against a sidebar that is one block.
func TestBoxedParagraphs(t *testing.T) {
	for _, depth := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(depth), func(t *testing.T) {
			page := enPage("", func(_ int, p string) string {
				return strings.Repeat("<div>", depth) + "<p>" + p + "</p>" + strings.Repeat("</div>", depth)
			})
			// A competing block: one long paragraph of other prose.
			page = strings.Replace(page, `<div class="rail">`, `<div class="note"><p>`+
				strings.Repeat("Readers get local reporting, puzzles, recipes, and the daily edition, all year round, on paper, online, and in the app. ", 3)+
				`</p></div><div class="rail">`, 1)
			wantStory(t, extractPage(t, page, "https://example.com/a.html").Text)
		})
	}
}

// TestStandfirstPastShareBar: the standfirst under the headline is kept
// even with a share bar between them, and without any class naming it.
func TestStandfirstPastShareBar(t *testing.T) {
	const dek = "The 90-year-old crossing will be replaced by a wider span with a cycle lane, at a cost of 40 million."
	share := `<div><a href="/s/fb">Facebook</a> <a href="/s/tw">Twitter</a> <a href="/s/em">Email</a></div>`
	for name, between := range map[string]string{
		"share bar, named":   share + `<div class="summary">` + dek + `</div>`,
		"share bar, unnamed": share + `<div>` + dek + `</div>`,
	} {
		t.Run(name, func(t *testing.T) {
			p := extractPage(t, enPage(between, plainP), "https://example.com/a.html")
			if !strings.HasPrefix(p.Text, dek) {
				t.Errorf("standfirst not first:\n%s", p.Text)
			}
			wantStory(t, p.Text, "Facebook")
		})
	}
}

// TestChineseSubtitleInTitleBlock: a 副题 set in the headline's block
// (<h2>headline</h2><h3>subtitle</h3>) opens the body.
func TestChineseSubtitleInTitleBlock(t *testing.T) {
	page := `<html><head><title>春茶开采忙</title></head><body><div class="title"><h2>春茶开采忙</h2><h3>全镇茶园面积达一万两千亩</h3></div>` +
		`<div class="info">发布时间：2024-04-01 来源：区农业农村局</div><div class="content">` + zhParas + `</div></body></html>`
	p := extractPage(t, page, "https://example.gov.cn/a.html")
	if !strings.HasPrefix(p.Text, "全镇茶园面积达一万两千亩") {
		t.Errorf("subtitle not first:\n%s", p.Text)
	}
}

// TestStoryWithInsertedLinks: link lists put inside the story (a "read
// more" box mid-article, a short post with big link lists) neither cut it
// nor make it vanish, and a mid-story subheading does not make one box
// of a story set in several boxes a blog's series of entries.
func TestStoryWithInsertedLinks(t *testing.T) {
	links := `<div><h3>Around town</h3><ul><li><a href="/x1">Bridge closures this weekend across the county</a></li>` +
		`<li><a href="/x2">What the bond measure pays for, line by line</a></li><li><a href="/x3">Cycle lanes: the map</a></li></ul></div>`
	t.Run("box mid-story", func(t *testing.T) {
		p := extractPage(t, enPage("", func(i int, p string) string {
			if i == 2 {
				return links + "<p>" + p + "</p>"
			}
			return "<p>" + p + "</p>"
		}), "https://example.com/a.html")
		wantStory(t, p.Text, "Bridge closures")
	})
	t.Run("boxes of one class, one with a subheading", func(t *testing.T) {
		page := `<html><head><title>Council votes to rebuild river bridge</title></head><body><h1>Council votes to rebuild river bridge</h1>` +
			`<div class="text-block"><p>` + enParas[0] + `</p></div><div class="ad">Advertisement</div>` +
			`<div class="text-block"><p>` + enParas[1] + `</p><p>` + enParas[2] + `</p>` + links + `<p>` + enParas[3] + `</p></div>` +
			`<div class="text-block"><p>` + enParas[4] + `</p></div></body></html>`
		wantStory(t, extractPage(t, page, "https://example.com/a.html").Text)
	})
}

// TestReadMoreButton: a bare "Read more" line unfolds the rest of the
// story; it is dropped, and the story goes on.
func TestReadMoreButton(t *testing.T) {
	p := extractPage(t, enPage("", func(i int, p string) string {
		if i == 2 {
			return `<div><span>Read More</span></div><p>` + p + `</p>`
		}
		return "<p>" + p + "</p>"
	}), "https://example.com/a.html")
	wantStory(t, p.Text, "Read More")
}

// TestEnglishFurnitureLines: contact and tip notes, newsletter promos, a
// gallery's repeated captions and the headline printed again are not
// the story; a sentence that mentions a newsletter is.
func TestEnglishFurnitureLines(t *testing.T) {
	caption := "Workers inspect the bridge's supports on Monday, Nov. 18, 2019, in the morning fog."
	furniture := []string{
		"Have a tip? Jane Roe may be reached at jroe@example.com. Follow her on Twitter @jroe.",
		"Reach the reporters on Twitter at http://twitter.com/janeroe and http://twitter.com/johndoe",
		"Get the latest updates right in your inbox. Subscribe to Example.com's newsletters.",
		"Start your day with the Morning Bell. Sign up for the free daily newsletter.",
		"Get Town Monthly delivered through your letterbox every month. 12 issues for £11.99. Click here for more information.",
		`Jane Roe's book about old bridges, "Spans" (River Press, 2018), is out now. Follow her on Twitter @jroe.`,
		"Jane Roe is the Courier's transport reporter and rides the number 12 bus to work.",
	}
	// A caption that credits its photo with ©, set as a paragraph.
	const credit = "The old bridge at dusk, seen from the east bank, photos © Courier, 2019"
	const kept = "The council also said residents can subscribe to this newsletter here to follow the works."
	gallery := `<div class="g"><p>` + caption + `</p><p>` + caption + `</p><p>Caption</p><p>` + caption + `</p></div>` +
		`<p>Council votes to rebuild river bridge</p>`
	page := enPage(gallery, func(i int, p string) string {
		s := "<p>" + p + "</p>"
		if i == 1 {
			s += "<p>" + credit + "</p>"
		}
		if i == len(enParas)-1 {
			s += "<p>" + kept + "</p>"
			for _, f := range furniture {
				s += "<p>" + f + "</p>"
			}
		}
		return s
	})
	p := extractPage(t, page, "https://example.com/a.html")
	wantStory(t, p.Text, append(furniture[:len(furniture):len(furniture)], "Caption\n", "river bridge\n", credit)...)
	if !strings.Contains(p.Text, kept) {
		t.Errorf("lost the sentence about a newsletter:\n%s", p.Text)
	}
	if n := strings.Count(p.Text, caption); n > 1 {
		t.Errorf("caption %d times:\n%s", n, p.Text)
	}
}

// TestJSONLDCompletesPartialBody: when the scoring finds one part of a
// story split around other blocks and JSON-LD carries the whole story,
// the whole story is taken; JSON-LD of another text is not.
func TestJSONLDCompletesPartialBody(t *testing.T) {
	whole := strings.Join(enParas, "\n\n")
	page := func(ldBody string) string {
		ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Council votes to rebuild river bridge","articleBody":` +
			jsonString(ldBody) + `}</script>`
		var rail strings.Builder
		for i := 0; i < 12; i++ {
			fmt.Fprintf(&rail, `<li><a href="/s/%d">Another story about the town, number %d</a></li>`, i, i)
		}
		return `<html><head><title>Council votes to rebuild river bridge</title>` + ld + `</head><body><h1>Council votes to rebuild river bridge</h1>` +
			`<div class="part-one"><p>` + enParas[0] + `</p><p>` + enParas[1] + `</p><p>` + enParas[2] + `</p></div>` +
			`<ul class="rail">` + rail.String() + `</ul>` +
			`<table><tr><td><span>` + enParas[3] + `</span></td></tr><tr><td><span>` + enParas[4] + `</span></td></tr></table></body></html>`
	}
	p := extractPage(t, page(whole), "https://example.com/a.html")
	if p.Method != MethodScored && p.Method != MethodJSONLD {
		t.Fatalf("method %q", p.Method)
	}
	wantStory(t, p.Text)
	other := "A different article entirely, about the school board and its budget, which the page also describes. " +
		strings.Repeat("The board met on Monday and adopted the plan. ", 20)
	if p := extractPage(t, page(other), "https://example.com/a.html"); strings.Contains(p.Text, "school board") {
		t.Errorf("another text taken: %s", p.Text)
	}
}

// TestChineseCommentCount: a blog's comment count line ("《标题》已有1件评论",
// "12 条评论") opens its comments, which are not the story, even when no
// class names them.
func TestChineseCommentCount(t *testing.T) {
	for _, head := range []string{"《春茶开采忙》已有1件评论", "12 条评论"} {
		page := `<html><head><title>春茶开采忙</title></head><body><h1>春茶开采忙</h1><div>` + zhParas +
			`<p>` + head + `</p><p>网友甲的评论</p><p>September 19th, 2005 at 7:32 pm</p><p>写得真好，明年春天我也想去采茶，体验一下茶农的生活。</p></div></body></html>`
		p := extractPage(t, page, "https://example.cn/a.html")
		if !strings.Contains(p.Text, "清明前后") || strings.Contains(p.Text, "评论") || strings.Contains(p.Text, "写得真好") {
			t.Errorf("%s: %s", head, p.Text)
		}
	}
}

// TestEmbeddedTweetInSocialWrapper: a tweet that the story quotes stays,
// even in a wrapper named "social-media-embed"; a share bar named
// "social" still goes.
func TestEmbeddedTweetInSocialWrapper(t *testing.T) {
	const tweet = "The bridge vote is a win for every cyclist in town, and about time too."
	page := enPage("", func(i int, p string) string {
		s := "<p>" + p + "</p>"
		if i == 2 {
			s += `<div class="social-media-embed"><blockquote class="twitter-tweet"><p>` + tweet +
				` <a href="https://t.co/x">pic.twitter.com/x</a></p>— Jane Roe (@janeroe) <a href="https://twitter.com/janeroe/status/1">November 18, 2019</a></blockquote></div>`
		}
		if i == 1 {
			// A short tweet is mostly links.
			s += `<div class="embed"><blockquote class="twitter-tweet"><p>bridge. finally. <a href="https://t.co/y">https://t.co/y</a></p>— Jo (@jo) <a href="https://twitter.com/jo/status/2">November 19, 2019</a></blockquote></div>`
		}
		if i == 3 {
			s += `<div class="social-share"><span>Share this story</span> <a href="/fb">Facebook</a></div>`
		}
		return s
	})
	p := extractPage(t, page, "https://example.com/a.html")
	wantStory(t, p.Text, "Share this story")
	if !strings.Contains(p.Text, tweet) || !strings.Contains(p.Text, "bridge. finally.") {
		t.Errorf("tweet lost:\n%s", p.Text)
	}
}

// TestBareURLParagraph: a paragraph that is one linked web address (a
// cited source) stays; a paragraph that is one linked headline goes.
func TestBareURLParagraph(t *testing.T) {
	page := enPage("", func(i int, p string) string {
		s := "<p>" + p + "</p>"
		if i == len(enParas)-1 {
			s += `<p><a href="https://example.org/report.pdf">https://example.org/report.pdf</a></p>` +
				`<p><a href="/other">Town hall to close for repairs over the summer</a></p>`
		}
		return s
	})
	p := extractPage(t, page, "https://example.com/a.html")
	wantStory(t, p.Text, "Town hall to close")
	if !strings.Contains(p.Text, "https://example.org/report.pdf") {
		t.Errorf("source address lost:\n%s", p.Text)
	}
}
