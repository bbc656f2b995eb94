package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
)

// TestShutdownAbandonsExport: an export to a client that stopped reading
// does not hold searchd up at shutdown. run returns nil (exit status 0)
// after its grace period, and the client sees the export broken off,
// never a clean end of a short file.
func TestShutdownAbandonsExport(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "data", store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// Some 24 MB of JSONL: more than the socket buffers hold.
	const n = 6000
	text := strings.Repeat("杭州高新区（滨江）数字经济高质量发展。", 80)
	im, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := fmt.Sprintf("http://a.example/%d", i)
		body := fmt.Sprintf("%d %s", i, text)
		if err := im.Add(ctx, &news.Article{Seq: int64(i + 1), Version: 1, ID: news.ArticleID(u), URL: u, SourceID: "s",
			Text: body, Hash: news.TextHash(body), Fetched: time.Now()}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()

	base, stop, log := start(t, dir)
	// A client with a small receive buffer, that reads a little and then
	// stops reading.
	dialer := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		if err != nil {
			return err
		}
		return serr
	}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext, DisableCompression: true}}
	resp, err := client.Get(base + "/api/export?format=jsonl")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %v %v", err, resp)
	}
	defer resp.Body.Close()
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("run after cancel with an export open: %v, want nil\n%s", err, log)
	}
	got, err := io.Copy(io.Discard, resp.Body)
	if err == nil {
		t.Errorf("the export ended cleanly after %d more bytes: want it broken off", got)
	}
	if !strings.Contains(log.String(), "abandon") {
		t.Errorf("the log does not say requests were abandoned:\n%s", log)
	}
}
