package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"riverside/internal/alert"
	"riverside/internal/capture"
	"riverside/internal/export"
	"riverside/internal/index"
	"riverside/internal/metrics"
	"riverside/internal/news"
	"riverside/internal/store"
)

// The OpenAPI document is held against the real handlers, wired as
// searchd wires them (cmd/searchd/main.go): a real SQLite store and Bleve
// index in a temporary directory, real WARC captures, the alert adapter
// over the store, metrics, a token. Nothing is faked.

const apiToken = "openapi-test-token-0123456789"

// doc is the parsed document, as generic JSON.
type doc map[string]any

func loadDoc(t *testing.T) doc {
	t.Helper()
	var d doc
	dec := json.NewDecoder(bytes.NewReader(openAPI))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return d
}

// resolve follows a local $ref ("#/components/…", a JSON pointer).
func (d doc) resolve(ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q is not local", ref)
	}
	var cur any = map[string]any(d)
	for _, part := range strings.Split(p, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q is not in an object", ref, part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, part)
		}
	}
	return cur, nil
}

// deref returns v with its $ref followed (repeatedly).
func (d doc) deref(t *testing.T, v any) map[string]any {
	t.Helper()
	for range 10 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var err error
		if v, err = d.resolve(ref); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("$ref loop at %v", v)
	return nil
}

// methods are the operations a path item may hold.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operation is one documented path and method.
type operation struct {
	path, method string
	op           map[string]any
	params       []map[string]any // path-level and operation-level, resolved
}

func (d doc) operations(t *testing.T) []operation {
	t.Helper()
	var out []operation
	paths, _ := d["paths"].(map[string]any)
	for path, item := range paths {
		pi := d.deref(t, item)
		for _, m := range methods {
			op, ok := pi[m].(map[string]any)
			if !ok {
				continue
			}
			o := operation{path: path, method: strings.ToUpper(m), op: op}
			for _, list := range []any{pi["parameters"], op["parameters"]} {
				ps, _ := list.([]any)
				for _, p := range ps {
					o.params = append(o.params, d.deref(t, p))
				}
			}
			out = append(out, o)
		}
	}
	// Deletions last, so that the other operations find what they name.
	sort.Slice(out, func(i, j int) bool {
		di, dj := out[i].deletes(), out[j].deletes()
		if di != dj {
			return dj
		}
		return out[i].path+out[i].method < out[j].path+out[j].method
	})
	return out
}

func (o operation) deletes() bool {
	return o.method == http.MethodDelete || strings.HasSuffix(o.path, "/delete")
}

func (o operation) String() string { return o.method + " " + o.path }

func (o operation) secured() bool {
	s, ok := o.op["security"].([]any)
	return ok && len(s) > 0
}

// TestOpenAPIDocument checks the document's shape: OpenAPI 3.1, every
// $ref resolves, every operation has responses and a unique id, and every
// path template's parameters are declared.
func TestOpenAPIDocument(t *testing.T) {
	d := loadDoc(t)
	if v, _ := d["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := d["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info without title or version: %v", info)
	}
	var walk func(at string, v any)
	refs := 0
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if _, err := d.resolve(ref); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(at+"/"+strconv.Itoa(i), x)
			}
		}
	}
	walk("#", map[string]any(d))
	if refs == 0 {
		t.Error("no $ref at all: the walk is broken")
	}
	ops := d.operations(t)
	if len(ops) < 20 {
		t.Fatalf("%d operations documented", len(ops))
	}
	ids := map[string]string{}
	tmpl := regexp.MustCompile(`\{([^}]+)\}`)
	for _, o := range ops {
		id, _ := o.op["operationId"].(string)
		if id == "" || ids[id] != "" {
			t.Errorf("%v: operationId %q missing or also used by %s", o, id, ids[id])
		}
		ids[id] = o.String()
		if rs, _ := o.op["responses"].(map[string]any); len(rs) == 0 {
			t.Errorf("%v: no responses", o)
		}
		declared := map[string]bool{}
		for _, p := range o.params {
			if p["in"] == "path" {
				declared[p["name"].(string)] = true
				if p["required"] != true {
					t.Errorf("%v: path parameter %v not required", o, p["name"])
				}
			}
		}
		for _, m := range tmpl.FindAllStringSubmatch(o.path, -1) {
			if !declared[m[1]] {
				t.Errorf("%v: {%s} is not a declared path parameter", o, m[1])
			}
			delete(declared, m[1])
		}
		for name := range declared {
			t.Errorf("%v: path parameter %q is not in the path", o, name)
		}
	}
	if wh, _ := d["webhooks"].(map[string]any); len(wh) == 0 {
		t.Error("no webhooks section")
	}
}

// corpus is what the real server was built over.
type corpus struct {
	srv      *httptest.Server
	patterns []string
	article  string // an article with a capture
	sub      string // a subscription with a webhook and a delivery
	delivery string
	doomed   []string // subscriptions the deletions may remove
}

// realServer builds the handler as searchd does, over a small corpus.
func realServer(t *testing.T, limits Limits) *corpus {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	warcDir := filepath.Join(dir, "warc")
	w, err := capture.Open(warcDir, capture.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}

	pages := []struct{ url, lang, title, text string }{
		{"https://www.hhtz.gov.cn/art/2025/3/10/art_1_1.html", "zh", "滨江区物联网小镇新增企业", "杭州高新区（滨江）物联网小镇今年新增企业三十家。\n\n滨江区将继续推进数字经济。"},
		{"https://www.xiaoshan.gov.cn/art/2025/3/11/art_2_2.html", "zh", "萧山区举行应急演练", "萧山区今天举行防汛应急演练。"},
		{"https://www.hhtz.gov.cn/en/art/3.html", "en", "Binjiang innovation week", "Binjiang opened its innovation week with two hundred companies."},
	}
	var arts []news.Article
	for i, p := range pages {
		published := time.Date(2025, 3, 10+i, 9, 0, 0, 0, news.Shanghai)
		c, err := w.Write(capture.Exchange{URL: p.url, Status: 200, Fetched: published,
			RawRequest:  []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n"),
			RawResponse: []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(p.title), p.title))})
		if err != nil {
			t.Fatal(err)
		}
		a := &news.Article{ID: news.ArticleID(p.url), URL: p.url, SourceID: "binjiang-news", Districts: []string{news.Binjiang},
			Title: p.title, Text: p.text, Hash: news.TextHash(p.text), Lang: p.lang, Published: published,
			Fetched: published.Add(time.Hour), Publisher: "滨江区政府", Capture: c, Fields: map[string]string{"索引号": strconv.Itoa(i)}}
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, *a)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The first release again at another URL: an exact copy, which hits
	// ("also") and the article ("duplicates") list.
	cp := arts[0]
	cp.URL = "https://www.binjiang.gov.cn/copy/1.html"
	cp.ID, cp.Capture = news.ArticleID(cp.URL), news.Capture{}
	if out, err := st.Put(ctx, &cp); err != nil || out != store.Duplicate {
		t.Fatalf("put a copy: %v %v", out, err)
	}
	if err := idx.Apply(ctx, arts); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordPass(ctx, store.Pass{SourceID: "binjiang-news", Name: "滨江新闻", District: news.Binjiang,
		Finished: time.Now(), OK: true, Stats: map[string]int{"new": len(arts)}}); err != nil {
		t.Fatal(err)
	}

	c := &corpus{article: arts[0].ID}
	newSub := func(webhook string) string {
		sub := &news.Subscription{ID: alert.NewSubscriptionID(), Name: "滨江", Kind: news.KindSearch, Query: "滨江",
			Webhook: webhook, Created: time.Now()}
		if webhook != "" {
			sub.Secret = alert.NewSecret()
		}
		if err := st.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		return sub.ID
	}
	c.sub = newSub("http://127.0.0.1:9/hook")
	c.doomed = []string{newSub(""), newSub("")}
	recorded, err := st.RecordMatches(ctx, arts[len(arts)-1].Seq, []news.Match{{Subscription: c.sub, ArticleID: arts[0].ID,
		Version: arts[0].Version, Seq: arts[0].Seq, URL: arts[0].URL, Title: arts[0].Title, Published: arts[0].Published,
		Source: arts[0].SourceID, District: news.Binjiang, Lang: "zh", Snippet: "<mark>滨江</mark>"}}, time.Now(), alert.NewDeliveryID)
	if err != nil || len(recorded) != 1 || recorded[0].Delivery == "" {
		t.Fatalf("record a match with a delivery: %v %+v", err, recorded)
	}
	c.delivery = recorded[0].Delivery

	reg := metrics.New(st, idx, slog.New(slog.DiscardHandler))
	al := &testAlerts{st: st, idx: idx, closing: make(chan struct{})}
	h, patterns := build(Deps{
		Searcher: idx, Indexed: idx, Articles: testArticles{st}, Sources: st,
		Metrics: reg.Handler(), Observer: reg,
		Captures: capture.Reader{Dir: warcDir},
		Alerts:   al, Token: apiToken, Limits: limits,
		Exports: &Exports{Versions: st, Captures: testExchanges{warcDir}, IDs: idx},
	})
	c.patterns = patterns
	c.srv = httptest.NewServer(h)
	t.Cleanup(func() {
		close(al.closing) // ends live streams, as http.Server.Shutdown does
		c.srv.Close()
	})
	return c
}

// TestOpenAPIEveryRouteDocumented: every pattern web.New registers is a
// documented path and method (or an operation's x-route), and every
// x-route names a registered pattern.
func TestOpenAPIEveryRouteDocumented(t *testing.T) {
	d := loadDoc(t)
	c := realServer(t, Limits{})
	documented := map[string]bool{}
	routes := map[string]operation{}
	for _, o := range d.operations(t) {
		documented[o.String()] = true
		if r, ok := o.op["x-route"].(string); ok {
			documented[r] = true
			routes[r] = o
		}
	}
	if len(c.patterns) < 20 {
		t.Fatalf("only %d patterns recorded: %q", len(c.patterns), c.patterns)
	}
	for _, p := range c.patterns {
		if p == "/" {
			// The fallback, for any method and path: it answers 404 or
			// 405 in the shape of its neighbours (components/responses
			// NotFound and MethodNotAllowed).
			continue
		}
		if !documented[p] {
			t.Errorf("route %q is not in openapi.json", p)
		}
	}
	for r, o := range routes {
		if !slices.Contains(c.patterns, r) {
			t.Errorf("%v: x-route %q is not a registered pattern", o, r)
		}
	}
}

// TestOpenAPIEveryOperationAnswers sends each documented operation to the
// real server (path parameters from the corpus, bodies from the
// document's examples, the token where the operation is secured, every
// value of each enum parameter) and checks that the status is one the
// operation documents, the Content-Type one documented for it, and that a
// JSON body validates against the documented schema. A secured operation
// must also answer 401 without the token.
func TestOpenAPIEveryOperationAnswers(t *testing.T) {
	d := loadDoc(t)
	c := realServer(t, Limits{})
	doomed := slices.Clone(c.doomed)
	for _, o := range d.operations(t) {
		pathValues := map[string]string{}
		for _, p := range o.params {
			if p["in"] != "path" {
				continue
			}
			name := p["name"].(string)
			switch {
			case name == "delivery":
				pathValues[name] = c.delivery
			case name == "id" && strings.Contains(o.path, "articles"):
				pathValues[name] = c.article
			case name == "id" && o.deletes():
				pathValues[name], doomed = doomed[0], doomed[1:]
			case name == "id":
				pathValues[name] = c.sub
			default:
				ex, ok := p["example"].(string)
				if !ok {
					t.Fatalf("%v: no value for path parameter %q (give it an example)", o, name)
				}
				pathValues[name] = ex
			}
		}
		target := o.path
		for k, v := range pathValues {
			target = strings.ReplaceAll(target, "{"+k+"}", url.PathEscape(v))
		}
		queries := []url.Values{{}}
		// One request with the example of every query parameter that
		// has one (a richer answer: place names expanded, a next page).
		examples := url.Values{}
		for _, p := range o.params {
			if ex, ok := p["example"]; ok && p["in"] == "query" {
				examples.Set(p["name"].(string), fmt.Sprint(ex))
			}
		}
		if len(examples) > 0 {
			queries = append(queries, examples)
		}
		for _, p := range o.params {
			if p["in"] != "query" {
				continue
			}
			schema := d.deref(t, p["schema"])
			enum, _ := schema["enum"].([]any)
			for _, e := range enum {
				queries = append(queries, url.Values{p["name"].(string): {fmt.Sprint(e)}})
			}
		}
		bodies := d.requestBodies(t, o)
		var seen []int
		for _, q := range queries {
			for _, b := range bodies {
				u := c.srv.URL + target
				if len(q) > 0 {
					u += "?" + q.Encode()
				}
				seen = append(seen, check(t, d, o, u, b, true))
				if o.secured() && len(q) == 0 {
					// A form is checked for its CSRF token first (403).
					st := check(t, d, o, u, b, false)
					if st != http.StatusUnauthorized && !(st == http.StatusForbidden && b != nil && b.contentType == "application/x-www-form-urlencoded") {
						t.Errorf("%v without the token: HTTP %d, want 401", o, st)
					}
				}
			}
		}
		// The documented bounds are the enforced ones: just outside, a
		// 400 (checked as documented); at the edge, no error.
		for _, p := range o.params {
			if p["in"] != "query" {
				continue
			}
			name := p["name"].(string)
			for _, bc := range boundaryCases(d.deref(t, p["schema"])) {
				u := c.srv.URL + target + "?" + url.Values{name: {bc.value}}.Encode()
				st := check(t, d, o, u, nil, true)
				if bc.bad && st != http.StatusBadRequest || !bc.bad && st >= 400 {
					t.Errorf("%v with %s=%.40q: HTTP %d, want %s", o, name, bc.value, st, map[bool]string{true: "400", false: "success"}[bc.bad])
				}
				seen = append(seen, st)
			}
		}
		t.Logf("%v: %v", o, seen)
		// Each operation must also work, not only fail as documented.
		if !slices.ContainsFunc(seen, func(st int) bool { return st < 400 }) && !failsHere[o.String()] {
			t.Errorf("%v: never succeeded (HTTP %v)", o, seen)
		}
	}
}

// failsHere are the operations the test cannot make succeed from the
// document alone: the login form needs the CSRF token of its page.
var failsHere = map[string]bool{"POST /login": true}

// boundaryCase is a parameter value at or past a documented bound.
type boundaryCase struct {
	value string
	bad   bool
}

// boundaryCases are the values at and just past the bounds of a schema:
// minimum, maximum, maxLength, enum.
func boundaryCases(s map[string]any) []boundaryCase {
	var out []boundaryCase
	for _, b := range []struct {
		key  string
		step int64
	}{{"minimum", -1}, {"maximum", 1}} {
		if n, ok := s[b.key].(json.Number); ok {
			v, err := n.Int64()
			if err != nil {
				continue
			}
			out = append(out, boundaryCase{strconv.FormatInt(v, 10), false}, boundaryCase{strconv.FormatInt(v+b.step, 10), true})
		}
	}
	if n, ok := s["maxLength"].(json.Number); ok {
		v, _ := n.Int64()
		// 滨 is one rune and three bytes: the bound counts runes.
		out = append(out, boundaryCase{strings.Repeat("滨", int(v)), false}, boundaryCase{strings.Repeat("滨", int(v)+1), true})
	}
	if _, ok := s["enum"]; ok {
		out = append(out, boundaryCase{"no-such-value", true})
	}
	return out
}

// target fills an operation's path parameters from the corpus (any id
// for deletions: the limits tested here refuse them first).
func (c *corpus) target(o operation) string {
	out := o.path
	for _, p := range o.params {
		if p["in"] != "path" {
			continue
		}
		name := p["name"].(string)
		v := c.sub
		switch {
		case name == "delivery":
			v = c.delivery
		case name == "id" && strings.Contains(o.path, "articles"):
			v = c.article
		case name != "id":
			v, _ = p["example"].(string)
		}
		out = strings.ReplaceAll(out, "{"+name+"}", url.PathEscape(v))
	}
	return out
}

// TestOpenAPIUnderLimits: the refusals of a public instance are
// documented where they happen — 403 on a read-only instance, 429 past
// the per-address rate (under /api/ and /feeds/ only), 413 for a body
// over -max-body.
func TestOpenAPIUnderLimits(t *testing.T) {
	d := loadDoc(t)
	cases := []struct {
		name   string
		limits Limits
		want   func(o operation, b *body) int // 0: any documented status
	}{
		{"read-only", Limits{ReadOnly: true}, func(o operation, b *body) int {
			if o.method != http.MethodGet || closedWhenReadOnly(httptest.NewRequest(o.method, o.path, nil)) {
				return http.StatusForbidden
			}
			return 0
		}},
		{"rate", Limits{Rate: 1e-6, Burst: 1}, func(o operation, b *body) int {
			if limited(o.path) {
				return http.StatusTooManyRequests
			}
			return 0
		}},
		{"max-body", Limits{MaxBody: 8}, func(o operation, b *body) int {
			if b != nil && len(b.data) > 8 {
				return http.StatusRequestEntityTooLarge
			}
			return 0
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := realServer(t, tc.limits)
			// The one request the rate allows.
			if res, err := http.Get(c.srv.URL + "/api/sources"); err == nil {
				res.Body.Close()
			}
			for _, o := range d.operations(t) {
				for _, b := range d.requestBodies(t, o) {
					st := check(t, d, o, c.srv.URL+c.target(o), b, true)
					if want := tc.want(o, b); want != 0 && st != want {
						t.Errorf("%v: HTTP %d, want %d", o, st, want)
					}
				}
			}
		})
	}
}

// TestOpenAPIConditional: an operation that documents 304 answers it to
// a request carrying the ETag of its 200.
func TestOpenAPIConditional(t *testing.T) {
	d := loadDoc(t)
	c := realServer(t, Limits{})
	n := 0
	for _, o := range d.operations(t) {
		if _, ok := o.op["responses"].(map[string]any)["304"]; !ok {
			continue
		}
		n++
		u := c.srv.URL + c.target(o)
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		etag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || etag == "" {
			t.Errorf("%v: HTTP %d, ETag %q", o, res.StatusCode, etag)
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("If-None-Match", etag)
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%v with If-None-Match: HTTP %d, want 304", o, res.StatusCode)
		}
	}
	if n == 0 {
		t.Error("no operation documents 304")
	}
}

// TestOpenAPIMethodNotAllowed: a method no route takes is the 405 of
// components/responses/MethodNotAllowed, in JSON under /api/.
func TestOpenAPIMethodNotAllowed(t *testing.T) {
	d := loadDoc(t)
	c := realServer(t, Limits{})
	schema := d.deref(t, d.deref(t, map[string]any{"$ref": "#/components/responses/MethodNotAllowed"})["content"].(map[string]any)["application/json"])["schema"]
	for _, o := range d.operations(t) {
		if o.method != http.MethodGet || !strings.HasPrefix(o.path, "/api/") {
			continue
		}
		req, _ := http.NewRequest(http.MethodPut, c.srv.URL+c.target(o), nil)
		req.Header.Set("Authorization", "Bearer "+apiToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		dec := json.NewDecoder(res.Body)
		dec.UseNumber()
		err = dec.Decode(&v)
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed || err != nil {
			t.Errorf("PUT %s: HTTP %d (%v), want 405 in JSON", o.path, res.StatusCode, err)
			continue
		}
		for _, f := range d.validate(t, "", schema, v) {
			t.Errorf("PUT %s: %s", o.path, f)
		}
	}
}

// body is a request body: its media type and bytes.
type body struct {
	contentType string
	data        []byte
	name        string
}

// requestBodies are the bodies to send: every example of every media
// type the operation takes (examples marked x-network, which would reach
// the internet, left out); none without a request body.
func (d doc) requestBodies(t *testing.T, o operation) []*body {
	t.Helper()
	rb := d.deref(t, o.op["requestBody"])
	if rb == nil {
		return []*body{nil}
	}
	var out []*body
	content, _ := rb["content"].(map[string]any)
	for ct, mt := range content {
		m := mt.(map[string]any)
		values := map[string]any{}
		if ex, ok := m["example"]; ok {
			values["example"] = ex
		}
		exs, _ := m["examples"].(map[string]any)
		for name, ex := range exs {
			e := d.deref(t, ex)
			if e["x-network"] == true {
				continue
			}
			values[name] = e["value"]
		}
		for name, v := range values {
			b := &body{contentType: ct, name: name}
			switch ct {
			case "application/json":
				b.data, _ = json.Marshal(v)
			case "application/x-www-form-urlencoded":
				form := url.Values{}
				for k, x := range v.(map[string]any) {
					form.Set(k, fmt.Sprint(x))
				}
				b.data = []byte(form.Encode())
			default:
				t.Fatalf("%v: no way to send %s", o, ct)
			}
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		if rb["required"] == true {
			t.Fatalf("%v: a required request body without an example", o)
		}
		out = []*body{nil}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// check sends one request and checks the answer against the operation's
// documented responses. It returns the status.
func check(t *testing.T, d doc, o operation, u string, b *body, withToken bool) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rd io.Reader
	if b != nil {
		rd = bytes.NewReader(b.data)
	}
	req, err := http.NewRequestWithContext(ctx, o.method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if b != nil {
		req.Header.Set("Content-Type", b.contentType)
	}
	if withToken {
		req.Header.Set("Authorization", "Bearer "+apiToken)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%v %s: %v", o, u, err)
	}
	defer res.Body.Close()
	what := fmt.Sprintf("%v (%.100s", o, strings.TrimPrefix(u, "http://"+req.URL.Host))
	if b != nil {
		what += ", example " + b.name
	}
	what += ")"
	responses := o.op["responses"].(map[string]any)
	code := strconv.Itoa(res.StatusCode)
	spec, ok := responses[code]
	if !ok {
		spec, ok = responses[code[:1]+"XX"]
	}
	if !ok {
		spec, ok = responses["default"]
	}
	if !ok {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 500))
		t.Errorf("%s: HTTP %d is not documented: %s", what, res.StatusCode, msg)
		return res.StatusCode
	}
	r := d.deref(t, spec)
	content, _ := r["content"].(map[string]any)
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if res.Header.Get("Content-Type") == "" || len(content) == 0 || content["*/*"] != nil {
		return res.StatusCode
	}
	media, ok := content[mt].(map[string]any)
	if !ok {
		t.Errorf("%s: HTTP %d as %s, documented as %v", what, res.StatusCode, mt, keys(content))
		return res.StatusCode
	}
	if mt == "text/event-stream" {
		return res.StatusCode // a stream: its headers are the answer
	}
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if mt == "application/json" && media["schema"] != nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Errorf("%s: not JSON: %v", what, err)
			return res.StatusCode
		}
		for _, e := range d.validate(t, "", media["schema"], v) {
			t.Errorf("%s: HTTP %d: %s", what, res.StatusCode, e)
		}
	}
	return res.StatusCode
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// validate checks v against a JSON Schema, the parts of it the document
// uses: $ref, type, enum, const, required, properties,
// additionalProperties, items, minimum/maximum. It returns the faults.
func (d doc) validate(t *testing.T, at string, schema any, v any) []string {
	t.Helper()
	s := d.deref(t, schema)
	if s == nil {
		return nil
	}
	var faults []string
	fault := func(format string, args ...any) {
		faults = append(faults, cmpOr(at, "(top)")+": "+fmt.Sprintf(format, args...))
	}
	if types := schemaTypes(s["type"]); len(types) > 0 && !slices.Contains(types, jsonType(v)) &&
		!(jsonType(v) == "integer" && slices.Contains(types, "number")) {
		fault("%s, want %v", jsonType(v), types)
		return faults
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		fault("%v, want %v", v, c)
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		fault("%v is not one of %v", v, enum)
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		if lo, ok := s["minimum"].(json.Number); ok {
			if l, _ := lo.Float64(); f < l {
				fault("%v below the minimum %v", n, lo)
			}
		}
		if hi, ok := s["maximum"].(json.Number); ok {
			if h, _ := hi.Float64(); f > h {
				fault("%v above the maximum %v", n, hi)
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := v[r.(string)]; !ok {
				fault("required property %q missing", r)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, x := range v {
			if ps, ok := props[k]; ok {
				faults = append(faults, d.validate(t, at+"."+k, ps, x)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fault("property %q is not documented", k)
				}
			case map[string]any:
				faults = append(faults, d.validate(t, at+"."+k, ap, x)...)
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				faults = append(faults, d.validate(t, fmt.Sprintf("%s[%d]", at, i), items, x)...)
			}
		}
	}
	return faults
}

func schemaTypes(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// TestOpenAPIWebhook holds the webhooks section against what the
// deliverer sends: the payload alert.Body builds and the signing headers.
func TestOpenAPIWebhook(t *testing.T) {
	d := loadDoc(t)
	hook := d.deref(t, d["webhooks"].(map[string]any)["matches"])["post"].(map[string]any)
	b, err := alert.Body("sub_1", "msg_1", []news.Match{{ArticleID: "a1", URL: "https://x/1", Title: "滨江",
		Published: time.Date(2025, 3, 10, 9, 0, 0, 0, news.Shanghai), Source: "binjiang-news", District: "binjiang", Lang: "zh", Snippet: "<mark>滨江</mark>"}})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	schema := d.deref(t, hook["requestBody"])["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	for _, f := range d.validate(t, "", schema, v) {
		t.Errorf("webhook body: %s", f)
	}
	var headers []string
	for _, p := range hook["parameters"].([]any) {
		if pm := d.deref(t, p); pm["in"] == "header" && pm["required"] == true {
			headers = append(headers, pm["name"].(string))
		}
	}
	for _, h := range []string{alert.HeaderID, alert.HeaderTimestamp, alert.HeaderSignature} {
		if !slices.Contains(headers, h) {
			t.Errorf("webhook header %s is not documented (documented: %v)", h, headers)
		}
	}
}

// TestOpenAPIOpen: the document is served without a token and on a
// read-only instance, as JSON, the embedded bytes.
func TestOpenAPIOpen(t *testing.T) {
	h := New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{}, Token: apiToken,
		Limits: Limits{ReadOnly: true}})
	res, got := get(t, h, "/api/openapi.json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("HTTP %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if got != string(openAPI) {
		t.Error("served document differs from the embedded one")
	}
}

// testArticles adapts the store as searchd's articles does.
type testArticles struct{ st *store.Store }

func (a testArticles) Article(ctx context.Context, id string) (*news.Article, error) {
	art, err := a.st.Article(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return art, err
}

func (a testArticles) Duplicates(ctx context.Context, id string) ([]string, error) {
	return a.st.Duplicates(ctx, id)
}

func (a testArticles) DuplicatesOf(ctx context.Context, ids []string) (map[string][]string, error) {
	return a.st.DuplicatesOf(ctx, ids)
}

// testExchanges gives the export the raw records, as searchd's does.
type testExchanges struct{ dir string }

func (e testExchanges) Exchange(file string, offset int64) (*export.Exchange, error) {
	ex, err := capture.ReadExchange(e.dir, file, offset)
	if err != nil {
		return nil, err
	}
	conv := func(r capture.RawRecord) export.RawRecord {
		return export.RawRecord{ID: r.ID, Type: r.Type, TargetURI: r.TargetURI, Date: r.Date, PayloadDigest: r.PayloadDigest, Bytes: r.Bytes}
	}
	return &export.Exchange{Records: []export.RawRecord{conv(ex.Response), conv(ex.Request), conv(ex.Metadata)},
		Status: ex.Status, MIME: ex.MIME}, nil
}

// testAlerts is searchd's alert adapter (cmd/searchd/alerts.go) without
// the background loops: the store, the index's query check, the webhook
// guard.
type testAlerts struct {
	st      *store.Store
	idx     *index.Index
	notify  alert.Notifier
	closing chan struct{}
}

func subNotFound(err error) error {
	if errors.Is(err, store.ErrSubscriptionNotFound) {
		return fmt.Errorf("%w: %w", ErrSubscriptionNotFound, err)
	}
	return err
}

func (a *testAlerts) CreateSubscription(ctx context.Context, sub *news.Subscription) error {
	return a.st.CreateSubscription(ctx, sub)
}
func (a *testAlerts) Subscriptions(ctx context.Context) ([]news.Subscription, error) {
	return a.st.Subscriptions(ctx)
}
func (a *testAlerts) Subscription(ctx context.Context, id string) (*news.Subscription, error) {
	sub, err := a.st.Subscription(ctx, id)
	return sub, subNotFound(err)
}
func (a *testAlerts) DeleteSubscription(ctx context.Context, id string) error {
	return subNotFound(a.st.DeleteSubscription(ctx, id))
}
func (a *testAlerts) Matches(ctx context.Context, sub string, limit int) ([]news.Match, error) {
	return a.st.Matches(ctx, sub, limit)
}
func (a *testAlerts) MatchesAfter(ctx context.Context, sub string, row int64, limit int) ([]news.Match, error) {
	return a.st.MatchesAfter(ctx, sub, row, limit)
}
func (a *testAlerts) Deliveries(ctx context.Context, sub string, limit int) ([]news.Delivery, error) {
	return a.st.Deliveries(ctx, sub, limit)
}
func (a *testAlerts) DeliveryStates(ctx context.Context) (map[string]map[string]int, error) {
	return a.st.DeliveryStates(ctx)
}
func (a *testAlerts) Redeliver(ctx context.Context, sub, delivery string) error {
	return subNotFound(a.st.Redeliver(ctx, sub, delivery, time.Now()))
}
func (a *testAlerts) RedeliverDead(ctx context.Context, sub string) (int, error) {
	return a.st.RedeliverDead(ctx, sub, time.Now())
}
func (a *testAlerts) CheckQuery(q news.Query) error { return a.idx.Check(q) }
func (a *testAlerts) CheckWebhook(ctx context.Context, u string) error {
	return alert.Guard{}.CheckURL(ctx, u)
}
func (a *testAlerts) Changed() <-chan struct{} { return a.notify.Changed() }
func (a *testAlerts) Closing() <-chan struct{} { return a.closing }
func (a *testAlerts) NewIDs() (id, secret string) {
	return alert.NewSubscriptionID(), alert.NewSecret()
}
