// Package source reads sources.yaml: it decodes the file strictly (unknown
// keys are errors), fills in defaults and validates every entry, reporting
// each fault as "file:line: message".
package source

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"riverside/internal/news"
)

// Defaults for fields a source entry may leave out.
const (
	DefaultSchedule = "*/30 * * * *"
	DefaultDelay    = time.Second
	DefaultMaxPages = 5
	DefaultRevisit  = 6 * time.Hour
	// DefaultMaxArticles bounds the article pages one pass requests from
	// a source: a site that suddenly lists thousands of links (a broken
	// template, a trap) costs one bounded pass, and a backlog is worked
	// through over several.
	DefaultMaxArticles = 1000
)

// Crawler is the optional top-level `crawler:` block: how the crawler
// presents itself and bounds its requests, for every source.
type Crawler struct {
	// UserAgent replaces the default product token and version
	// ("RiversideBot/0.1").
	UserAgent string `yaml:"user_agent"`
	// Contact is a URL (or mailto:) where site owners reach whoever runs
	// the crawler; it is appended to the User-Agent as "(+URL)".
	Contact string `yaml:"contact"`
	// Timeout bounds one request (0: the crawler's default).
	Timeout time.Duration `yaml:"timeout"`
	// MaxBody bounds a response body in bytes (0: the crawler's default).
	MaxBody int `yaml:"max_body"`

	Line int `yaml:"-"`
}

// Agent returns the User-Agent header the block asks for, or "" for the
// crawler's default.
func (c Crawler) Agent(def string) string {
	ua := cmp.Or(c.UserAgent, def)
	if c.Contact == "" || strings.Contains(ua, c.Contact) {
		return ua
	}
	if i := strings.Index(ua, " ("); i >= 0 && c.UserAgent == "" {
		ua = ua[:i] // the default's own contact gives way to the configured one
	}
	return ua + " (+" + c.Contact + ")"
}

// Config is a whole sources file.
type Config struct {
	Crawler Crawler
	Sources []news.Source
}

// Fault is one problem found in a sources file.
type Fault struct {
	File string
	Line int
	Msg  string
}

func (f Fault) Error() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Msg) }

// Faults collects every problem of a file, so that one run of
// `crawler check` names them all.
type Faults []Fault

func (fs Faults) Error() string {
	msgs := make([]string, len(fs))
	for i, f := range fs {
		msgs[i] = f.Error()
	}
	return strings.Join(msgs, "\n")
}

// Options tune validation.
type Options struct {
	// CheckSchedule validates a cron spec; nil accepts any non-empty one.
	// (The cron library belongs to the daemon, which passes its parser.)
	CheckSchedule func(spec string) error
}

type file struct {
	Crawler *Crawler      `yaml:"crawler"`
	Sources []news.Source `yaml:"sources"`
}

// Load reads and validates the sources file at path.
func Load(path string, opts Options) ([]news.Source, error) {
	cfg, err := LoadConfig(path, opts)
	if err != nil {
		return nil, err
	}
	return cfg.Sources, nil
}

// LoadConfig reads and validates the sources file at path, crawler block
// included.
func LoadConfig(path string, opts Options) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return ParseConfig(path, data, opts)
}

// Parse decodes and validates a sources file; name is used in messages.
// A non-nil error is a Faults value unless the file is not YAML at all.
func Parse(name string, data []byte, opts Options) ([]news.Source, error) {
	cfg, err := ParseConfig(name, data, opts)
	if err != nil {
		return nil, err
	}
	return cfg.Sources, nil
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// ParseConfig is Parse with the crawler block.
func ParseConfig(name string, data []byte, opts Options) (*Config, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			var faults Faults
			for _, msg := range te.Errors {
				faults = append(faults, faultFromYAML(name, msg))
			}
			return nil, faults
		}
		return nil, Faults{faultFromYAML(name, strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	lines, err := entryLines(data)
	if err != nil {
		return nil, Faults{faultFromYAML(name, err.Error())}
	}
	explicitDelay := make([]bool, len(f.Sources))
	explicitRevisit := make([]bool, len(f.Sources))
	for i := range f.Sources {
		if i < len(lines) {
			explicitDelay[i] = lines[i].hasDelay
			explicitRevisit[i] = lines[i].hasRevisit
			f.Sources[i].Line = lines[i].entry
			for j := range f.Sources[i].Discovery {
				if j < len(lines[i].discovery) {
					f.Sources[i].Discovery[j].Line = lines[i].discovery[j]
				}
			}
		}
	}
	faults := validate(name, f.Sources, explicitDelay, explicitRevisit, opts)
	cfg := &Config{Sources: f.Sources}
	if f.Crawler != nil {
		cfg.Crawler = *f.Crawler
		cfg.Crawler.Line = crawlerLine(data)
		faults = append(faults, validateCrawler(name, cfg.Crawler)...)
	}
	if len(faults) > 0 {
		return nil, faults
	}
	return cfg, nil
}

// validateCrawler checks the crawler block.
func validateCrawler(name string, c Crawler) Faults {
	var faults Faults
	fault := func(format string, args ...any) {
		faults = append(faults, Fault{File: name, Line: max(c.Line, 1), Msg: "crawler: " + fmt.Sprintf(format, args...)})
	}
	for _, r := range c.UserAgent {
		if r < 0x20 || r > 0x7e {
			fault("user_agent %q: want printable ASCII (an HTTP header value)", c.UserAgent)
			break
		}
	}
	if c.Contact != "" {
		u, err := url.Parse(c.Contact)
		switch {
		case err != nil, strings.ContainsAny(c.Contact, " ()\t\r\n"):
			fault("contact %q: want a URL without spaces or parentheses", c.Contact)
		case u.Scheme == "mailto" && u.Opaque != "":
		case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		default:
			fault("contact %q: want an http(s) or mailto: URL", c.Contact)
		}
	}
	if c.Timeout < 0 {
		fault("timeout must not be negative")
	}
	if c.MaxBody < 0 {
		fault("max_body must not be negative")
	}
	return faults
}

func crawlerLine(data []byte) int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 1
	}
	n := doc.Content[0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "crawler" {
			return n.Content[i].Line
		}
	}
	return 1
}

func faultFromYAML(name, msg string) Fault {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return Fault{File: name, Line: line, Msg: m[2]}
	}
	return Fault{File: name, Line: 1, Msg: msg}
}

type lineInfo struct {
	entry     int
	discovery []int
	// hasDelay tells an explicit "delay: 0s" (no pause) from no delay key;
	// hasRevisit does the same for revisit.
	hasDelay, hasRevisit bool
}

// entryLines finds where each source entry (and each of its discovery
// entries) starts, from the YAML node tree.
func entryLines(data []byte) ([]lineInfo, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	seq := mapValue(doc.Content[0], "sources")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, nil
	}
	out := make([]lineInfo, len(seq.Content))
	for i, entry := range seq.Content {
		out[i].entry = entry.Line
		out[i].hasDelay = mapValue(entry, "delay") != nil
		out[i].hasRevisit = mapValue(entry, "revisit") != nil
		if d := mapValue(entry, "discovery"); d != nil && d.Kind == yaml.SequenceNode {
			for _, de := range d.Content {
				out[i].discovery = append(out[i].discovery, de.Line)
			}
		}
	}
	return out, nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func validate(name string, srcs []news.Source, explicitDelay, explicitRevisit []bool, opts Options) Faults {
	var faults Faults
	fault := func(line int, format string, args ...any) {
		faults = append(faults, Fault{File: name, Line: max(line, 1), Msg: fmt.Sprintf(format, args...)})
	}
	if len(srcs) == 0 {
		fault(1, "no sources: the file needs a non-empty `sources:` list")
	}
	seen := map[string]int{}
	for i := range srcs {
		s := &srcs[i]
		where := fmt.Sprintf("source %q", s.ID)
		switch {
		case s.ID == "":
			where = fmt.Sprintf("source #%d", i+1)
			fault(s.Line, "%s: id is required", where)
		case !idRE.MatchString(s.ID):
			fault(s.Line, "%s: id must match [a-z0-9-]+", where)
		case seen[s.ID] != 0:
			fault(s.Line, "%s: duplicate id (first at line %d)", where, seen[s.ID])
		default:
			seen[s.ID] = s.Line
		}
		if s.Name == "" {
			s.Name = s.ID
		}
		switch s.District {
		case "", news.Binjiang, news.Xiaoshan:
		default:
			fault(s.Line, "%s: district %q: want binjiang, xiaoshan or empty", where, s.District)
		}
		switch s.Lang {
		case "", "zh", "en":
		default:
			fault(s.Line, "%s: lang %q: want zh, en or empty", where, s.Lang)
		}
		if s.Schedule == "" {
			s.Schedule = DefaultSchedule
		} else if opts.CheckSchedule != nil {
			if err := opts.CheckSchedule(s.Schedule); err != nil {
				fault(s.Line, "%s: schedule %q: %v", where, s.Schedule, err)
			}
		}
		if s.Delay == 0 && !explicitDelay[i] {
			s.Delay = DefaultDelay
		} else if s.Delay < 0 {
			fault(s.Line, "%s: delay must not be negative", where)
		}
		if s.Revisit == 0 && !explicitRevisit[i] {
			s.Revisit = DefaultRevisit
		} else if s.Revisit < 0 {
			fault(s.Line, "%s: revisit must not be negative", where)
		}
		if s.MaxPages == 0 {
			s.MaxPages = DefaultMaxPages
		} else if s.MaxPages < 0 {
			fault(s.Line, "%s: max_pages must not be negative", where)
		}
		if s.MaxArticles == 0 {
			s.MaxArticles = DefaultMaxArticles
		} else if s.MaxArticles < 0 {
			fault(s.Line, "%s: max_articles must not be negative", where)
		}
		if s.ArticleURL == "" {
			fault(s.Line, "%s: article_url (a regular expression for article links) is required", where)
		} else if _, err := regexp.Compile(s.ArticleURL); err != nil {
			fault(s.Line, "%s: article_url: %v", where, err)
		}
		if len(s.Discovery) == 0 {
			fault(s.Line, "%s: at least one discovery entry is required", where)
		}
		for j, d := range s.Discovery {
			line := cmp.Or(d.Line, s.Line)
			if !slices.Contains(news.DiscoveryKinds, d.Kind) {
				fault(line, "%s: discovery #%d: kind %q: want one of %s", where, j+1, d.Kind,
					strings.Join(news.DiscoveryKinds, ", "))
			}
			u, err := url.Parse(d.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				fault(line, "%s: discovery #%d: url %q: want an absolute http(s) URL", where, j+1, d.URL)
			}
		}
		for j, term := range s.Require {
			if strings.TrimSpace(term) == "" {
				fault(s.Line, "%s: require #%d is empty", where, j+1)
			}
		}
	}
	return faults
}
