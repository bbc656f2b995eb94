package index

import (
	"errors"
	"strings"
	"testing"
)

// TestContain: a panic under contain becomes an ErrUnavailable error
// saying what failed; without a panic the error is left alone.
func TestContain(t *testing.T) {
	search := func(fail bool) (err error) {
		defer contain("search", &err)
		if fail {
			// What Bleve does on a segment it could not write.
			panic("assignment to entry in nil map")
		}
		return errors.New("plain")
	}
	err := search(true)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "nil map") {
		t.Errorf("after a panic: %v", err)
	}
	if err := search(false); errors.Is(err, ErrUnavailable) || err.Error() != "plain" {
		t.Errorf("without a panic: %v", err)
	}
}
