package web

import "io"

// ExportObserver is what an Observer may also implement to be told of
// every export: its format, the bytes sent (as sent, compressed or not)
// and whether it went to its end.
type ExportObserver interface {
	ObserveExport(format string, bytes int64, complete bool)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
