package mirror

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// content holds the seeds (content/seeds), the mirror's own English
// items (content/en) and the article files (content/articles).
//
//go:embed content
var content embed.FS

// Options configure a Mirror.
type Options struct {
	// Articles holds article files (*.txt at its root) that replace the
	// embedded content/articles; nil means the embedded ones.
	Articles fs.FS
	// Logger receives the mirror's logs; nil discards them.
	Logger *slog.Logger
	// Now stamps articles published at run time; nil means time.Now.
	Now func() time.Time
	// Faults tune the faults site (/faults/).
	Faults Faults
	// Generate puts that many made-up articles on the bulk site (/bulk/)
	// and lists it in SourcesYAML; GenerateDelay slows every bulk request.
	Generate      int
	GenerateDelay time.Duration
}

// Mirror serves imitations of the real source sites, each under its own
// path prefix (/hhtz/, /xiaoshan/ …), from embedded content and from
// articles published at run time. It is safe for concurrent use.
type Mirror struct {
	log     *slog.Logger
	now     func() time.Time
	tmpl    *template.Template
	sites   []*site
	handler http.Handler

	mu sync.RWMutex
	// pages maps the URL path of every article page to it.
	pages map[string]pageRef
	// lastID is the largest article number in use on each site.
	lastID map[string]int
	// published counts articles published at run time.
	published int
	// changed is the Last-Modified of every page: the load, then each
	// publication, a second apart at least (HTTP dates count seconds).
	changed time.Time

	faults        *faultSite
	listFaults    bool
	generate      int
	generateDelay time.Duration
}

// pageRef is one page of an article.
type pageRef struct {
	a    *Article
	page int // from 1
}

// New loads the content and builds the sites. It fails on a malformed
// article file, naming the file and line.
func New(opts Options) (*Mirror, error) {
	m := &Mirror{
		log:    opts.Logger,
		now:    opts.Now,
		sites:  newSites(),
		pages:  map[string]pageRef{},
		lastID: map[string]int{},

		listFaults:    opts.Faults.List,
		generate:      max(opts.Generate, 0),
		generateDelay: opts.GenerateDelay,
	}
	if m.log == nil {
		m.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.changed = m.now().UTC().Truncate(time.Second)
	m.faults = newFaultSite(opts.Faults, m.now)
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	m.tmpl = tmpl

	seeds, err := loadSeeds(content)
	if err != nil {
		return nil, fmt.Errorf("mirror: %w", err)
	}
	own, err := loadArticles(content, "content/en", m.sites)
	if err != nil {
		return nil, fmt.Errorf("mirror: %w", err)
	}
	articles, err := loadArticles(content, "content/articles", m.sites)
	if opts.Articles != nil {
		articles, err = loadArticles(opts.Articles, ".", m.sites)
	}
	if err != nil {
		return nil, fmt.Errorf("mirror: %w", err)
	}

	all := append(append(seeds, own...), articles...)
	seen := map[string]string{}
	for _, a := range all {
		key := a.Site + "/" + a.ID
		if first, dup := seen[key]; dup {
			return nil, fmt.Errorf("mirror: %s: id %s already used on site %s by %s: %w", a.File, a.ID, a.Site, first, errBadFile)
		}
		seen[key] = a.File
		if err := m.add(a); err != nil {
			return nil, fmt.Errorf("mirror: %w", err)
		}
	}
	for _, s := range m.sites {
		for _, c := range s.columns {
			sortItems(c.items)
		}
	}
	// One record of the notices column is malformed, as on real sites.
	if c := m.site(siteHHTZ).column(colHHTZNotice); len(c.items) > 2 {
		c.items[2].Malformed = true
	}
	m.handler = m.routes()
	m.log.Info("mirror loaded", "seeds", len(seeds), "own", len(own), "articles", len(articles))
	return m, nil
}

// add files an article in its column and indexes its pages. The caller
// holds m.mu for writing (or has not shared m yet) and sorts the column.
func (m *Mirror) add(a *Article) error {
	s := m.site(a.Site)
	if s == nil {
		return fmt.Errorf("%s: unknown site %q", a.File, a.Site)
	}
	c := s.column(a.Column)
	if c == nil {
		return fmt.Errorf("%s: site %s has no column %q", a.File, a.Site, a.Column)
	}
	if a.Lang == "" {
		a.Lang = c.lang
	}
	prepare(a)
	a.Path = articlePath(a, 1)
	for i := range a.pages() {
		p := articlePath(a, i+1)
		if prev, dup := m.pages[p]; dup {
			return fmt.Errorf("%s: URL %s already serves %s", a.File, p, prev.a.File)
		}
		m.pages[p] = pageRef{a: a, page: i + 1}
	}
	if n, err := strconv.Atoi(a.ID); err == nil && n > m.lastID[s.id] {
		m.lastID[s.id] = n
	}
	c.items = append(c.items, a)
	return nil
}

// Handler returns the mirror's HTTP handler: every site under its
// prefix, /_mirror/publish, /_mirror/sources.yaml and the index at /.
func (m *Mirror) Handler() http.Handler { return m.handler }

// Sites returns the ids of the mirrored sites (their path prefixes).
func (m *Mirror) Sites() []string {
	ids := make([]string, len(m.sites))
	for i, s := range m.sites {
		ids[i] = s.id
	}
	return ids
}

// site returns the site with the given id, or nil.
func (m *Mirror) site(id string) *site {
	for _, s := range m.sites {
		if s.id == id {
			return s
		}
	}
	return nil
}

// dataproxyPaths are the three paths under which Hanweb sites have
// answered jpage's list requests over the years (sites-reference §2.3).
func dataproxyPaths() []string {
	return []string{
		"/module/web/jpage/dataproxy.jsp",
		"/module/jpage/dataproxy.jsp",
		"/module/jslib/jquery/jpage/dataproxy.jsp",
	}
}

// routes maps every URL the mirror answers.
func (m *Mirror) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", m.handleIndex)
	mux.HandleFunc("GET /_mirror/sources.yaml", m.handleSources)
	mux.HandleFunc("POST /_mirror/publish", m.handlePublish)
	mux.HandleFunc("GET /_mirror/publish", handlePublishGet)
	for _, s := range m.sites {
		mux.HandleFunc("GET /"+s.id+"/{$}", m.handleSiteHome)
	}

	for _, s := range []string{siteHHTZ, siteXiaoshan} {
		for _, p := range dataproxyPaths() {
			mux.HandleFunc("GET /"+s+p, m.handleDataproxy)
			mux.HandleFunc("POST /"+s+p, m.handleDataproxy)
		}
		mux.HandleFunc("GET /"+s+"/col/{col}/{page}", m.handleHanwebColumn)
		mux.HandleFunc("GET /"+s+"/art/{y}/{m}/{d}/{file}", m.handleArticle)
	}
	mux.HandleFunc("GET /ehangzhou/latest/{page}", m.handleEHangzhouList)
	mux.HandleFunc("GET /ehangzhou/{month}/{day}/{file}", m.handleArticle)
	mux.HandleFunc("GET /stdaily/rss.xml", m.handleSTDailyFeed)
	mux.HandleFunc("GET /stdaily/news/{page}", m.handleSTDailyList)
	mux.HandleFunc("GET /stdaily/English/{section}/{file}", m.handleArticle)
	mux.HandleFunc("GET /prnews/index.html", m.handlePRNewsList)
	mux.HandleFunc("GET /prnews/releases/{file}", m.handleArticle)
	mux.HandleFunc("GET /aggregator/index.html", m.handleAggregatorList)
	mux.HandleFunc("GET /aggregator/{y}/{m}/{d}/{slug}/{$}", m.handleArticle)
	mux.HandleFunc("GET /xsnet/news/{page}", m.handleXSNetList)
	mux.HandleFunc("GET /xsnet/{month}/{day}/{file}", m.handleArticle)
	m.faultRoutes(mux)
	mux.HandleFunc("GET /bulk/list/{page}", m.handleBulkList)
	mux.HandleFunc("GET /bulk/art/{file}", m.handleBulkArticle)
	mux.HandleFunc("/", m.handleNotFound)
	return m.logRequests(mux)
}

// logRequests logs every request at debug level.
func (m *Mirror) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		m.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// baseURL is the scheme and host the request was addressed to, so that
// absolute links point back at this mirror whatever its address.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// listPage reads the page number from a list file name: "index.html" is
// page 1 and "index_{N}.html" is page N+offset (sites number their
// second page 1 or 2). ok is false for any other name.
func listPage(name string, offset int) (page int, ok bool) {
	if name == "index.html" {
		return 1, true
	}
	num, found := strings.CutPrefix(name, "index_")
	if !found {
		return 0, false
	}
	num, found = strings.CutSuffix(num, ".html")
	if !found {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num || n+offset < 2 {
		return 0, false
	}
	return n + offset, true
}

// listFile is the inverse of listPage.
func listFile(page, offset int) string {
	if page <= 1 {
		return "index.html"
	}
	return "index_" + strconv.Itoa(page-offset) + ".html"
}

// items returns a snapshot of a column's list, newest first.
func (m *Mirror) items(c *column) []*Article {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]*Article(nil), c.items...)
}

// pageOf cuts one page out of a list; pages counts from 1.
func pageOf(items []*Article, size, page int) (out []*Article, pages int) {
	if size <= 0 {
		return items, 1
	}
	pages = max(1, (len(items)+size-1)/size)
	if page > pages {
		return nil, pages
	}
	lo := (page - 1) * size
	return items[lo:min(lo+size, len(items))], pages
}
