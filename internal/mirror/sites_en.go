package mirror

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"riverside/internal/news"
)

// The English sites: ehangzhou (China Daily subsite CMS, multi-page
// articles), stdaily (an RSS feed and a dateless seed), prnews (a wire
// of hard-wrapped releases) and aggregator (a WordPress-like digest).

// handleEHangzhouList serves /ehangzhou/latest/index.html.
func (m *Mirror) handleEHangzhouList(w http.ResponseWriter, r *http.Request) {
	m.serveList(w, r, siteEHangzhou, 0, "ehangzhou-list")
}

// handleSTDailyList serves /stdaily/news/index.html.
func (m *Mirror) handleSTDailyList(w http.ResponseWriter, r *http.Request) {
	m.serveList(w, r, siteSTDaily, 0, "stdaily-list")
}

// handlePRNewsList serves /prnews/index.html.
func (m *Mirror) handlePRNewsList(w http.ResponseWriter, r *http.Request) {
	m.serveList(w, r, sitePRNews, 0, "prnews-list")
}

// handleAggregatorList serves /aggregator/index.html.
func (m *Mirror) handleAggregatorList(w http.ResponseWriter, r *http.Request) {
	m.serveList(w, r, siteAggregator, 0, "aggregator-list")
}

// serveList serves a list page of a site's first column.
func (m *Mirror) serveList(w http.ResponseWriter, r *http.Request, siteID string, offset int, tmpl string) {
	c := m.site(siteID).columns[0]
	d, ok := m.listData(r, c, offset)
	if !ok {
		m.handleNotFound(w, r)
		return
	}
	m.render(w, r, http.StatusOK, tmpl, typeHTMLLower, false, d)
}

// rss is an RSS 2.0 document.
type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	Description string `xml:"description"`
	// PubDate is omitted for dateless items (seed 001 shows no date).
	PubDate string `xml:"pubDate,omitempty"`
	GUID    string `xml:"guid"`
}

// feedItems is the number of items the stdaily feed carries.
const feedItems = 30

// handleSTDailyFeed serves /stdaily/rss.xml, newest first.
func (m *Mirror) handleSTDailyFeed(w http.ResponseWriter, r *http.Request) {
	c := m.site(siteSTDaily).columns[0]
	base := baseURL(r)
	doc := rss{Version: "2.0", Channel: rssChannel{
		Title:       "Science and Technology Daily - News",
		Link:        base + listURL(c),
		Description: "Latest science and technology news from China",
		Language:    "en",
	}}
	items := m.items(c)
	for _, a := range items[:min(feedItems, len(items))] {
		it := rssItem{Title: a.Title, Link: base + a.Path, GUID: base + a.Path}
		if ps := a.Paragraphs(); len(ps) > 0 {
			it.Description = truncate(ps[0], 200)
		}
		if !a.Published.IsZero() {
			it.PubDate = a.Published.In(news.Shanghai).Format(time.RFC1123Z)
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		m.log.Error("feed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	serveValidatedAs(w, r, []byte(xml.Header+string(out)+"\n"), m.modified(), typeRSS)
}

// prepare gives an article the furniture its site's pages need that an
// article file does not carry: a wire release is hard-wrapped and gets
// a dateline and a source line.
func prepare(a *Article) {
	if a.Site != sitePRNews || a.Extra.Dateline != "" {
		return
	}
	for i, b := range a.Body {
		if b.Text != "" && !strings.Contains(b.Text, "\n") {
			a.Body[i].Text = wrap(b.Text, 80)
		}
	}
	a.Extra.Dateline = "HANGZHOU, China, " + apDate(a.Published) + " /Xinhua=KYODO JBN/--"
	if a.Source != "" {
		a.Extra.Tail = []string{"Source: " + a.Source}
	}
}

// apDate writes a date in news-agency style: "Nov. 14, 2022", "May 5, 2024".
func apDate(t time.Time) string {
	months := [...]string{"Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}
	t = t.In(news.Shanghai)
	return fmt.Sprintf("%s %d, %d", months[t.Month()-1], t.Day(), t.Year())
}

// wrap hard-wraps a paragraph at width columns, as wire services send
// plain-text releases.
func wrap(text string, width int) string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(word) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return strings.Join(lines, "\n")
}
