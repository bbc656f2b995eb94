// Package news holds the domain types that every other Riverside package
// exchanges: sources, articles, search queries and hits. It does no I/O.
package news

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Shanghai is China Standard Time, the zone of every source. Times that a
// page gives without a zone are read in it.
var Shanghai = mustLoadShanghai()

func mustLoadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// The tz database may be missing on a minimal system; CST has had
		// no daylight saving since 1991, so a fixed zone is exact for news.
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
}

// Districts Riverside follows.
const (
	Binjiang = "binjiang"
	Xiaoshan = "xiaoshan"
)

// Article is one extracted news item as the store keeps it.
type Article struct {
	// ID is stable across versions and re-indexing: derived from the
	// canonical URL (see ArticleID).
	ID string `json:"id"`
	// Seq is the store's monotonic sequence number of this version.
	Seq int64 `json:"seq"`
	// Version counts the versions of the article at this URL, from 1.
	Version int `json:"version"`

	URL       string    `json:"url"`
	SourceID  string    `json:"source_id"`
	Districts []string  `json:"districts"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Author    string    `json:"author"`
	// Publisher is the issuing body or outlet as the page names it
	// (来源, 信息来源, ContentSource, "Source: …").
	Publisher string `json:"source"`
	Lang      string `json:"lang"`
	// Text is the body: paragraphs separated by a blank line.
	Text    string    `json:"text"`
	Fetched time.Time `json:"fetched"`
	// Hash identifies the body text (see TextHash); equal hashes at two
	// URLs mark reposts.
	Hash string `json:"hash"`
	// Fields holds further labelled metadata (索引号, 文号, 发布机构 …).
	Fields map[string]string `json:"fields,omitempty"`
	// Capture locates the raw response in the WARC files, when kept.
	Capture Capture `json:"capture,omitzero"`
	// DuplicateOf is the ID of the article this one is an edited copy of
	// (found at ingest by comparing fingerprints); the search shows the
	// original and lists this one's URL with it.
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

// Capture points at a WARC record.
type Capture struct {
	File   string `json:"file"`
	Offset int64  `json:"offset"`
}

// District returns the article's first district, or "" when none.
func (a *Article) District() string {
	if len(a.Districts) == 0 {
		return ""
	}
	return a.Districts[0]
}

// ArticleID derives an article's stable ID from its canonical URL.
func ArticleID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:8])
}

// TextHash fingerprints a body for duplicate detection.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}
