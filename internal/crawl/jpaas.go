package crawl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"riverside/internal/news"
)

// The Hanweb JPaaS column page (2024 on) holds no list, only a script tag
// whose attributes say how to ask the build/unit API for the list:
//
//	<script src="…/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
//	        queryData="{'parseType':'bulidstatic','webId':'2945',…,'pageId':'1487002'}">
//
// queryData is single-quoted pseudo-JSON. Paging works only through the
// paramJson parameter ({"pageNo":N,"pageSize":M}); an empty page ends it.
var (
	jpaasScriptRE = regexp.MustCompile(`(?is)<script\b[^>]*\burl\s*=\s*["']([^"']*build/unit[^"']*)["'][^>]*>`)
	queryDataRE   = regexp.MustCompile(`(?is)\bqueryData\s*=\s*"([^"]*)"`)
)

// jpaasPageSize is what the sites' own scripts ask for.
const jpaasPageSize = 20

type jpaasReply struct {
	Success bool `json:"success"`
	Data    struct {
		HTML string `json:"html"`
	} `json:"data"`
}

func (dc *Discoverer) jpaas(ctx context.Context, d news.Discovery, maxPages int) ([]Link, error) {
	text, base, err := dc.fetchText(ctx, d.URL)
	if err != nil {
		return nil, err
	}
	api, query, err := jpaasQuery(text, base)
	if err != nil {
		return nil, fmt.Errorf("hanweb-jpaas %s: %w", d.URL, err)
	}
	var links []Link
	for page := 1; page <= maxPages; page++ {
		q := url.Values{}
		for k, v := range query {
			q.Set(k, v)
		}
		q.Set("paramJson", `{"pageNo":`+strconv.Itoa(page)+`,"pageSize":`+strconv.Itoa(jpaasPageSize)+`}`)
		u := *api
		u.RawQuery = q.Encode()
		r, err := dc.Session.Get(ctx, u.String())
		if err != nil {
			return links, fmt.Errorf("hanweb-jpaas %s: %w", d.URL, err)
		}
		var reply jpaasReply
		if err := json.Unmarshal(r.Body, &reply); err != nil {
			return links, fmt.Errorf("hanweb-jpaas %s: page %d: %w", d.URL, page, err)
		}
		if !reply.Success {
			return links, fmt.Errorf("hanweb-jpaas %s: page %d: the API answered success=false", d.URL, page)
		}
		frag, err := html.Parse(strings.NewReader(reply.Data.HTML))
		if err != nil {
			return links, fmt.Errorf("hanweb-jpaas %s: page %d: %w", d.URL, page, err)
		}
		found := anchors(frag, base)
		n := 0
		for _, l := range found {
			if dc.ArticleURL == nil || dc.ArticleURL.MatchString(l.URL) {
				n++
			}
		}
		if n == 0 {
			break
		}
		links = append(links, found...)
	}
	return links, nil
}

// jpaasQuery reads the API address and its fixed parameters off the
// column page's script tag.
func jpaasQuery(page string, base *url.URL) (*url.URL, map[string]string, error) {
	m := jpaasScriptRE.FindStringSubmatch(page)
	if m == nil {
		return nil, nil, fmt.Errorf("no build/unit script on the column page")
	}
	api, err := base.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return nil, nil, fmt.Errorf("build/unit url: %w", err)
	}
	qd := queryDataRE.FindStringSubmatch(m[0])
	if qd == nil {
		return nil, nil, fmt.Errorf("no queryData on the build/unit script")
	}
	raw := strings.ReplaceAll(html.UnescapeString(qd[1]), "'", `"`)
	var query map[string]string
	if err := json.Unmarshal([]byte(raw), &query); err != nil {
		return nil, nil, fmt.Errorf("queryData %q: %w", qd[1], err)
	}
	return api, query, nil
}
