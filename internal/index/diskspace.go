package index

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// DefaultMinFree is the free space below which Apply stops indexing.
const DefaultMinFree = 64 << 20

// ErrDiskFull is indexing paused because the index's disk has less free
// space than the index's minimum (SetMinFree). Follow retries it.
var ErrDiskFull = errors.New("index: disk full, indexing paused")

// SetMinFree sets the free space (bytes) the index's disk must have for
// Apply to write a batch; 0 turns the check off.
//
// Why the check: when scorch cannot persist a batch (ENOSPC), Bleve v2.6.1
// returns the error but closes the batch's segment although it is already
// part of the live snapshot; every later read of that segment panics
// (a cleared cache map), some of them in Bleve's own goroutines, which
// ends the process. Not writing when the disk is nearly full keeps
// searchd serving, and it resumes by itself once there is room.
func (x *Index) SetMinFree(n int64) { x.minFree.Store(n) }

// roomToWrite refuses a batch when the index's disk is below its minimum
// free space.
func (x *Index) roomToWrite() error {
	need := x.minFree.Load()
	if need <= 0 {
		return nil
	}
	free := freeBytes(x.path)
	if free >= 0 && free < need {
		return fmt.Errorf("%w: %s has %d bytes free, indexing needs %d (searchd -index-min-free)", ErrDiskFull, x.path, free, need)
	}
	return nil
}

// minFreeBytes holds the minimum; a type of its own so that Index's zero
// value means DefaultMinFree.
type minFreeBytes struct{ v atomic.Int64 }

func (m *minFreeBytes) Store(n int64) {
	if n == 0 {
		n = -1 // off, as against unset
	}
	m.v.Store(n)
}

func (m *minFreeBytes) Load() int64 {
	if n := m.v.Load(); n != 0 {
		return n
	}
	return DefaultMinFree
}
