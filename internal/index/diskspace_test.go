package index

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestMinFree: below the minimum free space Apply writes nothing and says
// the disk is full; the checkpoint stays; with the check off (or room) the
// same batch goes in.
func TestMinFree(t *testing.T) {
	if freeBytes(t.TempDir()) < 0 {
		t.Skip("free space is not known on this system")
	}
	ctx := context.Background()
	idx := openTemp(t)
	arts := loadCorpus(t)[:3]
	for i := range arts {
		arts[i].Seq = int64(i + 1)
	}
	idx.SetMinFree(math.MaxInt64)
	if err := idx.Apply(ctx, arts); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Apply with too little room: %v, want ErrDiskFull", err)
	}
	if cp, _ := idx.Checkpoint(); cp != 0 {
		t.Errorf("checkpoint %d after a refused batch", cp)
	}
	if n, _ := idx.Count(); n != 0 {
		t.Errorf("%d documents after a refused batch", n)
	}
	idx.SetMinFree(0)
	if err := idx.Apply(ctx, arts); err != nil {
		t.Fatalf("Apply with the check off: %v", err)
	}
	if cp, _ := idx.Checkpoint(); cp != 3 {
		t.Errorf("checkpoint %d, want 3", cp)
	}
	var fresh Index
	if got := fresh.minFree.Load(); got != DefaultMinFree {
		t.Errorf("unset minimum %d, want %d", got, DefaultMinFree)
	}
}
