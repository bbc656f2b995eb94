package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"riverside/internal/news"
)

// Atom 1.0 (RFC 4287), written with encoding/xml: the publisher goes in a
// Dublin Core element, entry ids are built from article ids (one article,
// one id, whatever its version or the feed it is in), and the feed's
// updated time is its newest entry's, so that an unchanged feed is the
// same bytes and its ETag holds.

const (
	// feedSize is the entries of a feed.
	feedSize = 50
	// startingCategory marks the entries a new subscription's feed shows
	// from before it was made.
	startingCategory = "before-subscription"
)

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	DC        string      `xml:"xmlns:dc,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Authors    []atomPerson   `xml:"author"`
	Summary    atomText       `xml:"summary"`
	Categories []atomCategory `xml:"category"`
	// Publisher is written with the prefix declared on the feed
	// (xmlns:dc): feed readers look extensions up by prefix.
	Publisher string `xml:"dc:publisher,omitempty"`

	updated time.Time
}

// entryID is the one id of an article in every feed.
func entryID(articleID string) string {
	if strings.HasPrefix(articleID, "health:") {
		return "urn:riverside:" + articleID
	}
	return "urn:riverside:article:" + articleID
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// baseURL is where this server is, as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// matchEntry is a feed entry of an outbox entry.
func matchEntry(base string, m news.Match) atomEntry {
	e := atomEntry{
		ID:      entryID(m.ArticleID),
		Title:   atomText{Body: cmpOr(m.Title, m.URL, m.ArticleID)},
		Summary: atomText{Type: "html", Body: m.Snippet},
		updated: cmpOrTime(m.Updated, m.Matched),
	}
	link := m.URL
	if link == "" {
		link = base + "/api/sources"
	}
	e.Links = []atomLink{{Href: link, Rel: "alternate", Type: "text/html"}}
	if !strings.HasPrefix(m.ArticleID, "health:") {
		e.Links = append(e.Links, atomLink{Href: base + articlePath(m.ArticleID), Rel: "related", Type: "text/html"})
	}
	if !m.Published.IsZero() {
		e.Published = atomTime(m.Published)
	}
	if m.Author != "" {
		e.Authors = []atomPerson{{Name: m.Author}}
	} else if m.Publisher != "" {
		e.Authors = []atomPerson{{Name: m.Publisher}}
	}
	e.Publisher = m.Publisher
	for _, c := range []struct{ scheme, v string }{{"source", m.Source}, {"district", m.District}, {"lang", m.Lang}} {
		if c.v != "" {
			e.Categories = append(e.Categories, atomCategory{Term: c.v, Label: c.scheme + ": " + c.v})
		}
	}
	return e
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func cmpOrTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// writeFeed renders the feed and answers conditional requests: the ETag
// is a hash of the bytes, Last-Modified the newest entry's time.
func writeFeed(w http.ResponseWriter, r *http.Request, f *atomFeed, fallback time.Time) error {
	updated := fallback
	for _, e := range f.Entries {
		if e.updated.After(updated) {
			updated = e.updated
		}
	}
	for i := range f.Entries {
		f.Entries[i].Updated = atomTime(cmpOrTime(f.Entries[i].updated, updated))
	}
	f.Updated = atomTime(updated)
	f.Author = atomPerson{Name: "Riverside"}
	f.DC = "http://purl.org/dc/elements/1.1/"
	f.Generator = "Riverside"
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	lastMod := updated.UTC().Truncate(time.Second)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", lastMod.Format(http.TimeFormat))
	h.Set("Cache-Control", "no-cache")
	if notModified(r, etag, lastMod) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = buf.WriteTo(w)
	}
	return nil
}

// notModified applies RFC 9110's rules: If-None-Match, when present,
// decides (weak comparison); else If-Modified-Since.
func notModified(r *http.Request, etag string, lastMod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !lastMod.After(t) {
			return true
		}
	}
	return false
}

// subscriptionFeed serves GET /feeds/{id}.atom: the subscription's
// matches, newest first, one entry per article (its newest matched
// version). A subscription with few matches yet shows the newest
// articles it would have matched before it was made, marked as such.
func (s *server) subscriptionFeed(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	id, ok := strings.CutSuffix(file, ".atom")
	if !ok || s.Alerts == nil {
		return errNoRoute
	}
	sub, err := s.Alerts.Subscription(r.Context(), id)
	if err != nil {
		return err
	}
	ms, err := s.Alerts.Matches(r.Context(), id, feedSize*2)
	if err != nil {
		return err
	}
	base := baseURL(r)
	f := &atomFeed{
		ID:       "urn:riverside:subscription:" + sub.ID,
		Title:    "Riverside: " + sub.Name,
		Subtitle: subscriptionSummary(sub),
		Links: []atomLink{
			{Href: base + "/feeds/" + url.PathEscape(sub.ID) + ".atom", Rel: "self", Type: "application/atom+xml"},
			{Href: base + subscriptionPath(sub.ID), Rel: "alternate", Type: "text/html"},
		},
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.ArticleID] || len(f.Entries) == feedSize {
			continue
		}
		seen[m.ArticleID] = true
		f.Entries = append(f.Entries, matchEntry(base, m))
	}
	if sub.Kind == news.KindSearch && len(f.Entries) < startingPage {
		more, err := s.startingEntries(r.Context(), base, sub, seen)
		if err != nil {
			return err
		}
		f.Entries = append(f.Entries, more...)
	}
	return writeFeed(w, r, f, sub.Created)
}

// startingPage is how many entries a new subscription's feed is filled
// up to with articles from before it.
const startingPage = 10

// startingEntries are the newest articles the subscription's search finds
// that were stored before the subscription was made.
func (s *server) startingEntries(ctx context.Context, base string, sub *news.Subscription, seen map[string]bool) ([]atomEntry, error) {
	res, err := s.Searcher.Search(ctx, news.Query{Q: sub.Query, Source: sub.Source, District: sub.District, Lang: sub.Lang,
		Sort: news.SortDateDesc, Size: startingPage * 2})
	if err != nil {
		return nil, err
	}
	var out []atomEntry
	for _, h := range res.Hits {
		if seen[h.ID] || len(out)+len(seen) >= startingPage {
			continue
		}
		a, err := s.Articles.Article(ctx, h.ID)
		if err != nil || a.Seq > sub.StartSeq {
			// Newer ones come through the outbox.
			continue
		}
		e := matchEntry(base, hitMatch(h, a))
		e.Categories = append(e.Categories, atomCategory{Term: startingCategory, Label: "Found before the subscription was made"})
		out = append(out, e)
	}
	return out, nil
}

// hitMatch is a search hit with what the store knows of its article.
func hitMatch(h news.Hit, a *news.Article) news.Match {
	return news.Match{ArticleID: h.ID, Version: a.Version, Seq: a.Seq, URL: h.URL, Title: h.Title,
		Published: h.Published, Updated: a.Fetched, Source: h.Source, District: h.District, Lang: h.Lang,
		Author: a.Author, Publisher: a.Publisher, Snippet: h.Snippet}
}

// searchFeed serves GET /feeds/search.atom?q=…: any search as a feed,
// newest first unless sort says otherwise.
func (s *server) searchFeed(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q, err := parseQuery(v)
	if err != nil {
		return err
	}
	if v.Get("sort") == "" {
		q.Sort = news.SortDateDesc
	}
	if v.Get("size") == "" {
		q.Size = feedSize
	}
	res, err := s.Searcher.Search(r.Context(), q)
	if err != nil {
		return err
	}
	base := baseURL(r)
	canon := v.Encode()
	sum := sha256.Sum256([]byte(canon))
	title := "Riverside search"
	if q.Q != "" {
		title += ": " + q.Q
	}
	f := &atomFeed{
		ID:    "urn:riverside:search:" + hex.EncodeToString(sum[:12]),
		Title: title,
		Links: []atomLink{
			{Href: base + "/feeds/search.atom?" + canon, Rel: "self", Type: "application/atom+xml"},
			{Href: base + "/?" + canon, Rel: "alternate", Type: "text/html"},
		},
	}
	for _, h := range res.Hits {
		a, err := s.Articles.Article(r.Context(), h.ID)
		if err != nil {
			a = &news.Article{}
		}
		f.Entries = append(f.Entries, matchEntry(base, hitMatch(h, a)))
	}
	return writeFeed(w, r, f, time.Unix(0, 0))
}

// subscriptionSummary describes what a subscription watches.
func subscriptionSummary(sub *news.Subscription) string {
	if sub.Kind == news.KindSourceHealth {
		src := "every source"
		if sub.Source != "" {
			src = "source " + sub.Source
		}
		var parts []string
		if sub.StaleAfter > 0 {
			parts = append(parts, "no success or no new article for "+sub.StaleAfter.String())
		}
		if sub.FailRatio > 0 {
			parts = append(parts, fmt.Sprintf("over %.0f%% of pages failing", sub.FailRatio*100))
		}
		return "Health of " + src + ": " + strings.Join(parts, "; ")
	}
	out := "Search: " + cmpOr(sub.Query, "everything")
	for _, f := range [][2]string{{"source", sub.Source}, {"district", sub.District}, {"lang", sub.Lang}} {
		if f[1] != "" {
			out += " · " + f[0] + ": " + f[1]
		}
	}
	return out
}
