package index

import (
	"errors"
	"fmt"
)

// ErrUnavailable is a search the index could not serve for a fault of its
// own rather than of the query: searchd answers it with a 503, and the
// next search may succeed.
var ErrUnavailable = errors.New("index unavailable")

// contain turns a panic inside Bleve into an ErrUnavailable error, so that
// one failing search does not drop its connection. Bleve panics on
// searches while a segment could not be written (disk full: scorch keeps
// the segment in memory, half set up, and retries persisting it); once the
// disk has room again its persister catches up and searches succeed.
// Called deferred, with the named error result of the search.
func contain(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: %w: %v", what, ErrUnavailable, r)
	}
}
