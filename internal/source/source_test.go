package source

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

func checkSchedule(spec string) error {
	if len(strings.Fields(spec)) != 5 {
		return errors.New("want 5 fields")
	}
	return nil
}

func TestLoadGood(t *testing.T) {
	srcs, err := Load(filepath.Join("testdata", "minimal.good.yml"), Options{CheckSchedule: checkSchedule})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 3 {
		t.Fatalf("got %d sources, want 3", len(srcs))
	}
	first := srcs[0]
	if first.ID != "xiaoshan-news" || first.District != news.Xiaoshan || first.Delay != 1500*time.Millisecond ||
		first.Line != 2 || first.Discovery[0].Line != 8 || first.Discovery[0].Kind != news.KindHTMLList {
		t.Errorf("first source: got %+v", first)
	}
	if srcs[2].Delay != 0 {
		t.Errorf("explicit delay: 0s became %v", srcs[2].Delay)
	}
	d := srcs[1]
	if d.Schedule != DefaultSchedule || d.Delay != DefaultDelay || d.Name != "defaults" || d.MaxPages != DefaultMaxPages {
		t.Errorf("defaults not applied: %+v", d)
	}
}

func TestLoadBad(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"faults.bad.yml", []string{
			`faults.bad.yml:7: source "Bad_ID": id must match`,
			`faults.bad.yml:7: source "Bad_ID": district "hangzhou"`,
			`faults.bad.yml:7: source "Bad_ID": schedule "every day": want 5 fields`,
			`faults.bad.yml:7: source "Bad_ID": article_url: error parsing regexp`,
			`faults.bad.yml:13: source "Bad_ID": discovery #2: kind "telepathy"`,
			`faults.bad.yml:13: source "Bad_ID": discovery #2: url "/relative"`,
			`faults.bad.yml:16: source "ok-one": duplicate id (first at line 2)`,
		}},
		{"unknown-key.bad.yml", []string{`unknown-key.bad.yml:7: field colour not found`}},
		{"crawler.bad.yml", []string{
			`crawler.bad.yml:1: crawler: user_agent`,
			`crawler.bad.yml:1: crawler: contact "call me (maybe)"`,
			`crawler.bad.yml:1: crawler: timeout must not be negative`,
			`crawler.bad.yml:6: source "negative-revisit": revisit must not be negative`,
		}},
		{"crawler-unknown.bad.yml", []string{`crawler-unknown.bad.yml:2: field useragent not found`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", tt.file), Options{CheckSchedule: checkSchedule})
			var faults Faults
			if !errors.As(err, &faults) {
				t.Fatalf("got %v, want Faults", err)
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if len(faults) != len(tt.want) {
				t.Errorf("got %d faults, want %d:\n%s", len(faults), len(tt.want), got)
			}
		})
	}
}

func TestCrawlerBlock(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("testdata", "crawler.good.yml"), Options{CheckSchedule: checkSchedule})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Crawler
	if c.Timeout != 20*time.Second || c.MaxBody != 4<<20 || c.Line != 1 {
		t.Errorf("crawler block: got %+v", c)
	}
	if got, want := c.Agent("Default/0.1 (+https://default.example)"), "RiversideBot/1.0 (+https://example.org/riverside-crawler)"; got != want {
		t.Errorf("Agent: got %q, want %q", got, want)
	}
	if got, want := (Crawler{Contact: "mailto:ops@example.org"}).Agent("Default/0.1 (+https://default.example)"), "Default/0.1 (+mailto:ops@example.org)"; got != want {
		t.Errorf("Agent with the default: got %q, want %q", got, want)
	}
	if got := cfg.Sources[0].Revisit; got != 0 {
		t.Errorf("explicit revisit: 0s became %v", got)
	}
	if got := cfg.Sources[1].Revisit; got != DefaultRevisit {
		t.Errorf("default revisit: got %v, want %v", got, DefaultRevisit)
	}
	// The real file stays valid, with or without a crawler block.
	if _, err := Load(filepath.Join("..", "..", "sources.yaml"), Options{CheckSchedule: checkSchedule}); err != nil {
		t.Errorf("sources.yaml: %v", err)
	}
}
