package mirror

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"riverside/internal/news"
)

// decodeSources reads a sources file strictly into news.Source entries.
func decodeSources(t *testing.T, data []byte) []news.Source {
	t.Helper()
	var f struct {
		Sources []news.Source `yaml:"sources"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("decode sources: %v\n%s", err, data)
	}
	return f.Sources
}

// pageLinks returns every link of a list page, made absolute; for a feed
// the items' <link>s.
func pageLinks(t *testing.T, base *url.URL, kind string, body []byte) []string {
	t.Helper()
	var raw []string
	if kind == news.KindFeed {
		var doc rss
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("feed: %v", err)
		}
		for _, it := range doc.Channel.Items {
			raw = append(raw, it.Link)
		}
	} else {
		for _, m := range hrefRE.FindAllSubmatch(body, -1) {
			raw = append(raw, string(m[1]))
		}
	}
	var out []string
	for _, r := range raw {
		u, err := base.Parse(r)
		if err == nil {
			out = append(out, u.String())
		}
	}
	return out
}

func TestSourcesYAML(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	sources := decodeSources(t, mustGet(t, srv.URL+"/_mirror/sources.yaml"))
	var want int
	for _, s := range m.sites {
		want += len(s.columns)
	}
	if len(sources) != want {
		t.Fatalf("%d sources, want one per list (%d)", len(sources), want)
	}
	ids := map[string]bool{}
	for _, s := range sources {
		t.Run(s.ID, func(t *testing.T) {
			if ids[s.ID] || !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(s.ID) {
				t.Errorf("id %q repeated or malformed", s.ID)
			}
			ids[s.ID] = true
			if s.Name == "" || s.Schedule != "* * * * *" || s.Delay != 0 {
				t.Errorf("name %q schedule %q delay %v", s.Name, s.Schedule, s.Delay)
			}
			if !slices.Contains([]string{"", news.Binjiang, news.Xiaoshan}, s.District) {
				t.Errorf("district %q", s.District)
			}
			re, err := regexp.Compile(s.ArticleURL)
			if err != nil {
				t.Fatalf("article_url: %v", err)
			}
			if len(s.Discovery) == 0 {
				t.Fatal("no discovery")
			}
			for _, d := range s.Discovery {
				if !slices.Contains(news.DiscoveryKinds, d.Kind) {
					t.Errorf("kind %q", d.Kind)
				}
				if !strings.HasPrefix(d.URL, srv.URL+"/") {
					t.Errorf("url %q is not on the mirror", d.URL)
				}
				body := mustGet(t, d.URL)
				base, _ := url.Parse(d.URL)
				matched := 0
				for _, l := range pageLinks(t, base, d.Kind, body) {
					if re.MatchString(l) {
						matched++
						mustGet(t, l)
					}
				}
				if matched == 0 {
					t.Errorf("no link on %s matches %s", d.URL, s.ArticleURL)
				}
				if d.Next != "" && !strings.Contains(string(body), `class="next"`) {
					t.Errorf("next selector %q but no next link on the first page", d.Next)
				}
			}
		})
	}
}

// The file names the base URL it was made for, regexp-quoted.
func TestSourcesYAMLBase(t *testing.T) {
	m, _ := testMirror(t, nil)
	sources := decodeSources(t, m.SourcesYAML("http://127.0.0.1:8081/"))
	s := sources[0]
	if s.ID != "mirror-hhtz-gzdt" || s.District != news.Binjiang || s.Discovery[0].Kind != news.KindHanwebDatastore {
		t.Errorf("first source: %+v", s)
	}
	if got, want := s.Discovery[0].URL, "http://127.0.0.1:8081/hhtz/col/col1487002/index.html"; got != want {
		t.Errorf("url %q, want %q", got, want)
	}
	if got, want := s.ArticleURL, `^http://127\.0\.0\.1:8081/hhtz/art/\d{4}/\d+/\d+/art_1487002_\d+\.html$`; got != want {
		t.Errorf("article_url %q, want %q", got, want)
	}
	re := regexp.MustCompile(s.ArticleURL)
	if re.MatchString("http://127.0.0.1:8081/hhtz/art/2024/1/10/art_1487272_59061483.html") || re.MatchString("http://127x0x0x1:8081/hhtz/art/2024/1/10/art_1487002_1.html") {
		t.Errorf("article_url matches too much")
	}
}
