package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"riverside/internal/index"
	"riverside/internal/news"
)

// Bounds of the search parameters.
const (
	defaultSize = 20
	maxSize     = 100
	// maxPage keeps deep paging (which costs the index From+Size hits)
	// within reason; dates and filters are how to reach old articles.
	maxPage     = 500
	maxParamLen = 200
	// maxCursorLen is far above what the index's cursors need.
	maxCursorLen = 1000
)

// paramError is a bad request parameter.
type paramError struct {
	Param string
	Msg   string
}

func (e *paramError) Error() string {
	return fmt.Sprintf("parameter %s: %s", e.Param, e.Msg)
}

// parseQuery reads the search parameters shared by /api/search and /.
// The query language itself is checked by the index.
func parseQuery(v url.Values) (news.Query, error) {
	q := news.Query{
		// q is passed as typed: the positions of query errors count
		// from its first character.
		Q:        v.Get("q"),
		Source:   strings.TrimSpace(v.Get("source")),
		District: strings.TrimSpace(v.Get("district")),
		Lang:     strings.TrimSpace(v.Get("lang")),
		Sort:     strings.TrimSpace(v.Get("sort")),
		Page:     1,
		Size:     defaultSize,
	}
	for name, val := range map[string]string{"source": q.Source, "district": q.District, "lang": q.Lang} {
		if utf8.RuneCountInString(val) > maxParamLen {
			return q, &paramError{name, fmt.Sprintf("longer than %d characters", maxParamLen)}
		}
	}
	switch q.Sort {
	case "", news.SortRelevance, news.SortDate, news.SortDateDesc:
	default:
		return q, &paramError{"sort", fmt.Sprintf("%q is not one of relevance, date, -date", q.Sort)}
	}
	var err error
	if q.NoExpand, err = noExpand(v); err != nil {
		return q, err
	}
	if q.Facets, err = facetsParam(v); err != nil {
		return q, err
	}
	if q.After = strings.TrimSpace(v.Get("after")); len(q.After) > maxCursorLen {
		return q, &paramError{"after", fmt.Sprintf("longer than %d characters", maxCursorLen)}
	}
	if q.Page, err = intParam(v, "page", 1, 1, maxPage); err != nil {
		return q, err
	}
	if q.Size, err = intParam(v, "size", defaultSize, 1, maxSize); err != nil {
		return q, err
	}
	if q.From, err = timeParam(v, "from", false); err != nil {
		return q, err
	}
	if q.To, err = timeParam(v, "to", true); err != nil {
		return q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, &paramError{"to", "before from"}
	}
	return q, nil
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &paramError{name, fmt.Sprintf("%q is not a number from %d to %d", s, lo, hi)}
	}
	return n, nil
}

// timeParam reads a date (YYYY-MM-DD, a day in China Standard Time, where
// the news is published) or an RFC 3339 time. A date as the end of a
// range includes the whole day.
func timeParam(v url.Values, name string, end bool) (time.Time, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if d, err = time.ParseInLocation(time.DateOnly, s, news.Shanghai); err != nil {
			return time.Time{}, &paramError{name, fmt.Sprintf("%q is not a date (want YYYY-MM-DD or RFC 3339)", s)}
		}
		if end {
			d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
	}
	// Any real date is a fine bound, 9999-12-31 for "no end" included: the
	// index clamps bounds to the span it can hold (years 1678 to 2262).
	return d, nil
}

// noExpand reads expand: place names are searched under all their names
// unless expand is false (or 0, no, off).
func noExpand(v url.Values) (bool, error) {
	switch s := strings.ToLower(strings.TrimSpace(v.Get("expand"))); s {
	case "", "true", "1", "yes", "on":
		return false, nil
	case "false", "0", "no", "off":
		return true, nil
	default:
		return false, &paramError{"expand", fmt.Sprintf("%q is not true or false", s)}
	}
}

// facetsParam reads facets: absent, every facet; "none" (or empty), none;
// else a comma-separated list of source, district, lang, month.
func facetsParam(v url.Values) ([]string, error) {
	if _, ok := v["facets"]; !ok {
		return nil, nil
	}
	out := []string{}
	for _, f := range strings.Split(v.Get("facets"), ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case f == "" || f == "none":
		case slices.Contains(index.FacetNames, f):
			out = append(out, f)
		default:
			return nil, &paramError{"facets", fmt.Sprintf("%q is not one of %s, or none", f, strings.Join(index.FacetNames, ", "))}
		}
	}
	return out, nil
}
