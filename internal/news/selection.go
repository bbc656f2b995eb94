package news

import "time"

// Selection chooses article versions out of the store's log, for exports:
// the search filters, a sequence number to start after (incremental
// exports) and, for an export of a search, the IDs the search found.
type Selection struct {
	// AfterSeq keeps only versions committed after this sequence number.
	AfterSeq int64
	Source   string
	District string
	Lang     string
	// From and To bound the published time, inclusive; zero means open.
	// An article without a publication time is outside any bounded range,
	// as in search.
	From, To time.Time
	// IDs, when not nil, keeps only the versions of these articles.
	IDs map[string]struct{}
}

// Match reports whether version a is selected. The store applies the
// cheap filters in SQL too; Match is the definition.
func (s *Selection) Match(a *Article) bool {
	if a.Seq <= s.AfterSeq {
		return false
	}
	if s.Source != "" && a.SourceID != s.Source {
		return false
	}
	if s.Lang != "" && a.Lang != s.Lang {
		return false
	}
	if s.District != "" {
		found := false
		for _, d := range a.Districts {
			if d == s.District {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if !s.From.IsZero() || !s.To.IsZero() {
		if a.Published.IsZero() {
			return false
		}
		if !s.From.IsZero() && a.Published.Before(s.From) {
			return false
		}
		if !s.To.IsZero() && a.Published.After(s.To) {
			return false
		}
	}
	if s.IDs != nil {
		if _, ok := s.IDs[a.ID]; !ok {
			return false
		}
	}
	return true
}
