package index

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A cursor (news.Query.After, news.Result.Next) names the last hit of a
// page by its sort key. The next page is the hits after that key, so it
// neither repeats nor skips hits when articles are indexed in between
// (as page numbers do: a new article on page 1 pushes one onto page 2
// again). Under the relevance order a new article can shift scores a
// little, since they depend on the whole index; under the date orders
// the pages are exact.

// CursorError reports an after parameter that is not a cursor of this
// sort order.
type CursorError struct{ Msg string }

func (e *CursorError) Error() string { return "cursor: " + e.Msg }

// encodeCursor writes k as a cursor of the sort order sortBy.
func encodeCursor(sortBy string, k sortKey) string {
	dated := "0"
	if k.dated {
		dated = "1"
	}
	raw := strings.Join([]string{
		sortBy,
		strconv.FormatUint(math.Float64bits(k.score), 16),
		dated,
		strconv.FormatInt(k.published, 10),
		k.id,
	}, "\x00")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor reads a cursor made by encodeCursor for sortBy.
func decodeCursor(s, sortBy string) (*sortKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, &CursorError{"not a cursor of this search (use the next value of a response)"}
	}
	parts := strings.SplitN(string(raw), "\x00", 5)
	if len(parts) != 5 {
		return nil, &CursorError{"not a cursor of this search (use the next value of a response)"}
	}
	if parts[0] != sortBy {
		return nil, &CursorError{fmt.Sprintf("made for sort %s, not %s", parts[0], sortBy)}
	}
	bits, err1 := strconv.ParseUint(parts[1], 16, 64)
	published, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || (parts[2] != "0" && parts[2] != "1") {
		return nil, &CursorError{"not a cursor of this search (use the next value of a response)"}
	}
	return &sortKey{score: math.Float64frombits(bits), dated: parts[2] == "1", published: published, id: parts[4]}, nil
}
