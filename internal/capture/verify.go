package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
)

// FileCheck is what Verify found in one WARC file.
type FileCheck struct {
	File      string
	Records   int // whole, valid records before any fault
	Exchanges int // response, request, metadata groups among them
	// Open tells a file a live writer is still writing (NAME.open): it is
	// read up to where the writer has got, and a partial tail there is no
	// fault.
	Open bool
	// Abandoned tells a NAME.open whose writer died: it is checked like a
	// finished file, and Recover (run by the next crawler to start) cuts
	// a partial tail off and gives it its name.
	Abandoned bool
	// Err is the first fault: a record that does not read strictly, or
	// one out of the layout (see the package comment). Nil when none.
	Err error
}

// Verify reads every record of every WARC file in dir, in order, as a
// strict reader does (gzip checksums, lengths, record ends, block and
// payload digests), and checks that the records form exchanges as the
// package comment says. It stops early only when ctx is done.
func Verify(ctx context.Context, dir string) ([]FileCheck, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("capture: verify: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".warc.gz") || strings.HasSuffix(n, ".warc") ||
			strings.HasSuffix(n, ".warc.gz"+openSuffix) || strings.HasSuffix(n, ".warc"+openSuffix)) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []FileCheck
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out = append(out, verifyFile(ctx, dir, n))
	}
	return out, nil
}

func verifyFile(ctx context.Context, dir, name string) FileCheck {
	fc := FileCheck{File: name, Open: strings.HasSuffix(name, openSuffix)}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		fc.Err = err
		return fc
	}
	defer f.Close()
	if fc.Open && syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		fc.Open, fc.Abandoned = false, true // nobody holds it: its writer is gone
	}
	rr := newRecordReader(f, 0)
	var resp *parsedRecord // the response of the exchange under way
	step := 0              // records of it seen
	for {
		if ctx.Err() != nil {
			fc.Err = ctx.Err()
			return fc
		}
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			if step != 0 && !fc.Open { // an open file may be mid-exchange
				fc.Err = fmt.Errorf("the file ends inside the exchange at offset %d", resp.Offset)
			}
			return fc
		}
		if err != nil {
			if !fc.Open || !errors.Is(err, io.ErrUnexpectedEOF) { // else: where the writer has got to
				fc.Err = fmt.Errorf("record %d: %w", fc.Records+1, err)
			}
			return fc
		}
		fc.Records++
		switch {
		case step == 0 && rec.Type == "response":
			resp, step = rec, 1
		case step == 0 && fc.Records == 1 && rec.Type == "warcinfo":
		case step == 1 && rec.Type == "request", step == 2 && rec.Type == "metadata":
			if !slices.Contains(rec.concurrentTo, resp.ID) || rec.TargetURI != resp.TargetURI {
				fc.Err = fmt.Errorf("record %d at offset %d: a %s record not concurrent to the response at %d", fc.Records, rec.Offset, rec.Type, resp.Offset)
				return fc
			}
			if step++; step == 3 {
				fc.Exchanges++
				step = 0
			}
		default:
			fc.Err = fmt.Errorf("record %d at offset %d: a %s record out of place", fc.Records, rec.Offset, rec.Type)
			return fc
		}
	}
}
