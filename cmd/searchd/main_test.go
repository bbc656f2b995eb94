package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
)

// logBuffer collects the daemon's log lines; run writes it from several
// goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually retries f until it reports true or the time is up.
func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// getJSON fetches a URL and decodes its JSON body into v.
func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return res.StatusCode
}

func put(t *testing.T, st *store.Store, url, title, text string) *news.Article {
	t.Helper()
	a := &news.Article{
		ID: news.ArticleID(url), URL: url, SourceID: "binjiang-news", Title: title, Text: text,
		Hash: news.TextHash(text), Lang: "zh", Districts: []string{news.Binjiang},
		Published: time.Date(2025, 3, 10, 9, 0, 0, 0, news.Shanghai), Fetched: time.Now(),
	}
	if _, err := st.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// start runs searchd on a free port and returns its base URL, a stop
// function that waits for run to return and its error, and its log.
func start(t *testing.T, dir string) (base string, stop func() error, log *logBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log = &logBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-index", filepath.Join(dir, "index"),
			"-data", filepath.Join(dir, "data"), "-poll", "20ms", "-batch", "2"}, io.Discard, log)
	}()
	eventually(t, "listening", func() bool {
		select {
		case err := <-done:
			t.Fatalf("run: %v\n%s", err, log)
		default:
		}
		m := listenRE.FindStringSubmatch(log.String())
		if m != nil {
			base = "http://" + m[1]
		}
		return m != nil
	})
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("run did not return after cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return base, stop, log
}

func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	// The crawler's side: a store with articles before searchd starts.
	st, err := store.Open(context.Background(), filepath.Join(dir, "data", store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	iot := put(t, st, "https://www.hhtz.gov.cn/art/1.html", "物联网小镇迎来新企业", "杭州高新区（滨江）物联网小镇今年新增企业三十家。")
	put(t, st, "https://www.hhtz.gov.cn/art/2.html", "Binjiang celebrates innovations", "The district's innovations attract investors.")
	put(t, st, "https://www.hhtz.gov.cn/art/3.html", "人工智能", "滨江发布人工智能产业政策。")
	put(t, st, "https://mirror.example/1.html", "repost", "杭州高新区（滨江）物联网小镇今年新增企业三十家。")

	base, stop, log := start(t, dir)

	eventually(t, "indexing", func() bool {
		var h struct {
			Status     string `json:"status"`
			IndexedSeq int64  `json:"indexed_seq"`
		}
		return getJSON(t, base+"/healthz", &h) == http.StatusOK && h.Status == "ok" && h.IndexedSeq == 3
	})

	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID      string `json:"id"`
			Snippet string `json:"snippet"`
		} `json:"hits"`
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if code := getJSON(t, base+"/api/search?q="+url.QueryEscape("网小 OR innovation"), &res); code != http.StatusOK {
		t.Fatalf("search: status %d", code)
	}
	if res.Total != 2 || len(res.Facets["month"]) != 1 || res.Facets["month"][0].Value != "2025-03" {
		t.Errorf("search: got %+v", res)
	}

	var art struct {
		ID         string   `json:"id"`
		Text       string   `json:"text"`
		Duplicates []string `json:"duplicates"`
	}
	if code := getJSON(t, base+"/api/articles/"+iot.ID, &art); code != http.StatusOK {
		t.Fatalf("article: status %d", code)
	}
	if art.ID != iot.ID || art.Text != iot.Text || len(art.Duplicates) != 1 || art.Duplicates[0] != "https://mirror.example/1.html" {
		t.Errorf("article: got %+v", art)
	}
	var problem map[string]any
	if code := getJSON(t, base+"/api/articles/nope", &problem); code != http.StatusNotFound {
		t.Errorf("missing article: status %d, want 404", code)
	}
	if code := getJSON(t, base+"/api/search?q="+url.QueryEscape(`"滨江`), &problem); code != http.StatusBadRequest || problem["pos"] != 0.0 {
		t.Errorf("bad query: status %d, body %v", code, problem)
	}

	// An article the crawler stores while searchd runs shows up.
	put(t, st, "https://www.hhtz.gov.cn/art/4.html", "萧山区人民政府召开常务会议", "萧山区人民政府召开第十次常务会议。")
	eventually(t, "the new article", func() bool {
		getJSON(t, base+"/api/search?q="+url.QueryEscape("萧山区人民政府"), &res)
		return res.Total == 1
	})

	page, err := http.Get(base + "/?q=" + url.QueryEscape("物联网"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(body), "<mark>物联网</mark>") {
		t.Errorf("page: status %d\n%s", page.StatusCode, body)
	}

	// A second searchd on the same index fails instead of hanging.
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-index", filepath.Join(dir, "index"),
		"-data", filepath.Join(dir, "data")}, io.Discard, io.Discard)
	if err == nil {
		t.Error("second searchd on the same index: got no error")
	}

	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(log.String(), "msg=stopped") {
		t.Errorf("log lacks the orderly stop:\n%s", log)
	}

	// Restarted, it resumes from its checkpoint and indexes nothing again.
	base, stop, log = start(t, dir)
	var h struct {
		IndexedSeq int64 `json:"indexed_seq"`
	}
	getJSON(t, base+"/healthz", &h)
	if h.IndexedSeq != 4 {
		t.Errorf("after restart: indexed_seq %d, want 4", h.IndexedSeq)
	}
	time.Sleep(100 * time.Millisecond)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "msg=indexed") {
		t.Errorf("restart indexed again:\n%s", log)
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"-batch", "0"}, {"-poll", "0s"}, {"-log", "xml"}, {"extra"}, {"-nope"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: got no error", args)
		}
	}
}
