package news

import "time"

// Source is one entry of sources.yaml: a site (or a part of one) to crawl.
type Source struct {
	ID       string `yaml:"id"`
	Name     string `yaml:"name"`
	District string `yaml:"district"`
	// Lang is the language the source publishes in, when it is known.
	Lang string `yaml:"lang"`
	// Schedule is a 5-field cron spec, read in Asia/Shanghai.
	Schedule string `yaml:"schedule"`
	// Delay is the pause between two requests to the host.
	Delay     time.Duration `yaml:"delay"`
	Discovery []Discovery   `yaml:"discovery"`
	// ArticleURL is a regular expression that article links match.
	ArticleURL string `yaml:"article_url"`
	// Require keeps only articles whose title or text contain one of
	// these terms (city-wide sources).
	Require   []string  `yaml:"require"`
	Selectors Selectors `yaml:"selectors"`
	// MaxPages bounds list pagination per discovery entry (0: default).
	MaxPages int `yaml:"max_pages"`
	// MaxArticles bounds the article pages requested in one pass (0:
	// default); the links past it wait for the next pass.
	MaxArticles int `yaml:"max_articles"`
	// Revisit is how often a stored article is fetched again (with a
	// conditional GET) to catch edits; 0 means on every pass.
	Revisit time.Duration `yaml:"revisit"`

	// Line is where the entry starts in its file, for messages.
	Line int `yaml:"-"`
}

// Discovery says how to find article links.
type Discovery struct {
	// Kind is one of DiscoveryKinds.
	Kind string `yaml:"kind"`
	URL  string `yaml:"url"`
	// Next is a CSS selector for the "next page" link of an html-list.
	Next string `yaml:"next"`

	Line int `yaml:"-"`
}

// Discovery kinds.
const (
	KindHTMLList        = "html-list"
	KindHanwebDatastore = "hanweb-datastore"
	KindHanwebJPaaS     = "hanweb-jpaas"
	KindFeed            = "feed"
	KindSitemap         = "sitemap"
)

// DiscoveryKinds lists every kind sources.yaml may name.
var DiscoveryKinds = []string{KindHTMLList, KindHanwebDatastore, KindHanwebJPaaS, KindFeed, KindSitemap}

// Selectors override the extractor for one source; empty means automatic.
type Selectors struct {
	Title  string `yaml:"title"`
	Body   string `yaml:"body"`
	Date   string `yaml:"date"`
	Author string `yaml:"author"`
	Source string `yaml:"source"`
}

// SourceHealth is what the crawler last saw of a source (GET /api/sources).
type SourceHealth struct {
	ID                  string         `json:"id"`
	Name                string         `json:"name"`
	District            string         `json:"district"`
	LastCrawl           *time.Time     `json:"last_crawl"`
	LastSuccess         *time.Time     `json:"last_success"`
	ConsecutiveFailures int            `json:"consecutive_failures"`
	LastError           string         `json:"last_error"`
	LastPass            map[string]int `json:"last_pass"`
	ArticlesTotal       int            `json:"articles_total"`
	Articles7d          int            `json:"articles_7d"`
}
