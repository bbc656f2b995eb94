package export

import (
	"bufio"
	"container/heap"
	"errors"
	"io"
	"os"
	"slices"
)

// spool keeps lines for the end of a WARC or WACZ export (CDXJ lines,
// which must be sorted, and WACZ page lines, which go into the zip after
// the WARC) without holding them all in memory: past a few megabytes the
// lines go to temporary files — sorted runs, merged at the end, for a
// sorted spool — so that memory stays flat whatever the export's size.
type spool struct {
	sorted bool
	dir    string // for temporary files; "" is os.TempDir
	limit  int    // bytes kept in memory before a spill
	buf    []string
	size   int
	runs   []*os.File
}

// spoolLimit is how many bytes of lines a spool keeps in memory (a
// variable, so that tests can make spools spill).
var spoolLimit = 4 << 20

func newSpool(sorted bool, dir string) *spool {
	return &spool{sorted: sorted, dir: dir, limit: spoolLimit}
}

func (s *spool) add(line string) error {
	s.buf = append(s.buf, line)
	s.size += len(line) + 1
	if s.size >= s.limit {
		return s.spill()
	}
	return nil
}

// spill writes the lines in memory to a new temporary file.
func (s *spool) spill() error {
	if s.sorted {
		slices.Sort(s.buf)
	}
	f, err := os.CreateTemp(s.dir, "riverside-export-*.lines")
	if err != nil {
		return err
	}
	// Unlinked at once: the open file is all that is needed, and nothing
	// is left behind however the export ends.
	os.Remove(f.Name())
	bw := bufio.NewWriterSize(f, 64<<10)
	for _, l := range s.buf {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	s.runs = append(s.runs, f)
	s.buf, s.size = s.buf[:0], 0
	return nil
}

// writeTo writes every line, each ended by a newline, in order (sorted,
// or as added), and releases the temporary files.
func (s *spool) writeTo(w io.Writer) (err error) {
	defer s.close()
	bw := bufio.NewWriterSize(w, 64<<10)
	if len(s.runs) == 0 {
		if s.sorted {
			slices.Sort(s.buf)
		}
		for _, l := range s.buf {
			bw.WriteString(l)
			bw.WriteByte('\n')
		}
		return bw.Flush()
	}
	if len(s.buf) > 0 {
		if err := s.spill(); err != nil {
			return err
		}
	}
	var readers []*bufio.Reader
	for _, f := range s.runs {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		readers = append(readers, bufio.NewReaderSize(f, 64<<10))
	}
	if !s.sorted {
		for _, r := range readers {
			if _, err := io.Copy(bw, r); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	// k-way merge of the sorted runs.
	h := &lineHeap{}
	next := func(i int) error {
		l, err := readers[i].ReadString('\n')
		if errors.Is(err, io.EOF) && l == "" {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		heap.Push(h, headLine{line: l, run: i})
		return nil
	}
	for i := range readers {
		if err := next(i); err != nil {
			return err
		}
	}
	for h.Len() > 0 {
		top := heap.Pop(h).(headLine)
		bw.WriteString(top.line)
		if err := next(top.run); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func (s *spool) close() {
	for _, f := range s.runs {
		f.Close()
	}
	s.runs, s.buf = nil, nil
}

// headLine is the next line of a sorted run (newline included, which
// sorts the same: '\n' is below every character a CDXJ line holds).
type headLine struct {
	line string
	run  int
}

type lineHeap []headLine

func (h lineHeap) Len() int           { return len(h) }
func (h lineHeap) Less(i, j int) bool { return h[i].line < h[j].line }
func (h lineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *lineHeap) Push(x any)        { *h = append(*h, x.(headLine)) }
func (h *lineHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
