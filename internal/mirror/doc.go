// Package mirror is Riverside's offline mirror: one loopback HTTP server
// holding faithful imitations of the sites Riverside crawls, for the
// demo and for tests, since the real sites are out of reach there.
//
// Each site lives under its own path prefix, and its pages link with
// absolute paths that include the prefix:
//
//	/hhtz/        杭州高新区（滨江）门户网站, Hanweb jcms: datastore column
//	              pages, dataproxy.jsp (three historical paths, POST and
//	              GET), article pages with the Hanweb markers and footer
//	/xiaoshan/    萧山区人民政府, Hanweb: a datastore column, and a column
//	              served entirely in GBK with no charset in the header
//	/ehangzhou/   English portal, multi-page articles (c_{id}_2.htm …)
//	/stdaily/     English news with an RSS feed (rss.xml)
//	/prnews/      press-release wire, hard-wrapped text
//	/aggregator/  English aggregator (WordPress-like)
//	/xsnet/       萧山网, a Chinese news site with a paginated list
//
// The content is embedded: five seed articles with their ground truth
// (content/seeds), a few English items (content/en) and the Chinese
// article files (content/articles). POST /_mirror/publish adds an
// article at run time; GET /_mirror/sources.yaml describes every list as
// a source of sources.yaml, pointing back at the mirror.
//
// Usage:
//
//	m, err := mirror.New(mirror.Options{Logger: logger})
//	if err != nil { … }
//	srv := httptest.NewServer(m.Handler())
//	os.WriteFile("sources.yaml", m.SourcesYAML(srv.URL), 0o644)
//
// Every page is rendered from templates/*.html and is the same, byte for
// byte, on every request until an article is published.
package mirror
