package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"riverside/internal/store"
)

// mountTmpfs mounts a tmpfs of size bytes on a new directory under dir
// and unmounts it when the test ends (after the programs using it have
// stopped: cleanups run in reverse). It skips the test where mounting is
// not allowed (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir, name, size string) string {
	t.Helper()
	mnt := filepath.Join(dir, name)
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("a size-limited file system is needed (mount -t tmpfs, as root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	return mnt
}

// fill writes a file into mnt until the file system has no space left,
// and returns a function that frees it again.
func fill(t *testing.T, mnt string) func() {
	t.Helper()
	// A file of its own each time: a second fill tops up what the first
	// left (space a program freed since).
	f, err := os.CreateTemp(mnt, "filler")
	if err != nil {
		t.Fatal(err)
	}
	path := f.Name()
	for _, chunk := range []int{1 << 20, 4 << 10, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	f.Close()
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil || st.Bavail != 0 {
		t.Fatalf("%s not full: %d blocks free (%v)", mnt, st.Bavail, err)
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}

// logged tells whether a program's stderr holds s.
func (p *proc) logged(s string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Contains(p.logs.String(), s)
}

// searchOrUnavailable searches and accepts a 200 or a 503 with an error
// message and Retry-After; anything else (a 500, a dropped connection)
// fails the test. It returns the total of a 200, -1 for a 503.
func searchOrUnavailable(t *testing.T, base string, params url.Values) int {
	t.Helper()
	resp, err := http.Get(base + "/api/search?" + params.Encode())
	if err != nil {
		t.Fatalf("search %v: %v", params, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Total int    `json:"total"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("search %v: %d %q", params, resp.StatusCode, b)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return r.Total
	case resp.StatusCode == http.StatusServiceUnavailable && r.Error != "" && resp.Header.Get("Retry-After") != "":
		return -1
	}
	t.Fatalf("search %v: %d %s", params, resp.StatusCode, b)
	return 0
}

// checkStore runs SQLite's integrity check on the store.
func checkStore(t *testing.T, data string) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestDiskFull fills the disks of the index and of the store (tmpfs file
// systems of a few MB) while searchd runs and the crawler crawls: each
// stops writing with an error that says the disk is full, searches keep
// answering (a 200, or a 503 while the index cannot serve them — never a
// 500 or a dropped connection), nothing stored is damaged (SQLite
// integrity check, every WARC record read strictly, the index count), and
// both carry on by themselves once there is space again.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	dataFS := mountTmpfs(t, dir, "datafs", "24m")
	indexFS := mountTmpfs(t, dir, "indexfs", "24m")
	data, idx := filepath.Join(dataFS, "data"), filepath.Join(indexFS, "index")
	mirror, sources := startMirror(t, dir)
	// 1 MB: the default (64 MB) is more than these small disks hold.
	args := []string{"-addr", "127.0.0.1:0", "-data", data, "-index", idx, "-poll", "100ms", "-index-min-free", "1048576"}
	sd := start(t, "searchd", args...)
	base := "http://" + sd.listenAddr(t)
	crawlOnce(t, sources, data)
	n := countArticles(t, data)
	waitIndexed(t, base, n)

	// 1. The index's disk fills up: articles keep arriving in the store.
	freeIndex := fill(t, indexFS)
	for _, title := range []string{"索引盘满第一篇", "索引盘满第二篇"} {
		publish(t, mirror, "hhtz", title, title+"：滨江区测试磁盘写满时的索引。")
	}
	crawlOnce(t, sources, data)
	waitUntil(t, "searchd to report the full disk", 30*time.Second, func() bool { return sd.logged("disk full, indexing paused") })
	unavailable := 0
	for _, q := range []string{"", "滨江", "索引盘满", "title:索引盘满第一篇", "萧山 OR 滨江"} {
		if searchOrUnavailable(t, base, url.Values{"q": {q}}) < 0 {
			unavailable++
		}
	}
	if code := status(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz %d with the index's disk full", code)
	}
	t.Logf("index disk full: %d of 5 searches answered 503, the others 200", unavailable)
	freeIndex()
	n = countArticles(t, data)
	waitUntil(t, "searchd to index the backlog once there is room", 60*time.Second, func() bool {
		return searchOrUnavailable(t, base, url.Values{"size": {"1"}}) == n
	})
	if got := search(t, base, url.Values{"q": {"索引盘满"}}); got.Total != 2 {
		t.Errorf("after the index's disk had room again: %d hits for the new articles, want 2", got.Total)
	}

	// 2. The store's disk fills up: the crawler stops with a clear error,
	// searchd keeps serving what it has.
	freeData := fill(t, dataFS)
	for _, title := range []string{"数据盘满第一篇", "数据盘满第二篇"} {
		publish(t, mirror, "hhtz", title, title+"：滨江区测试磁盘写满时的抓取。")
	}
	var out bytes.Buffer
	crawl := exec.Command(filepath.Join(binDir, "crawler"), "once", "-config", sources, "-data", data)
	crawl.Stdout, crawl.Stderr = &out, &out
	err := crawl.Run()
	if !strings.Contains(out.String(), "no space left on device") && !strings.Contains(out.String(), "disk is full") {
		t.Errorf("crawler once on a full disk (%v) does not say so:\n%s", err, out.String())
	}
	if err == nil {
		t.Errorf("crawler once on a full disk: exit status 0:\n%s", out.String())
	}
	if got := countArticles(t, data); got != n {
		t.Errorf("the store holds %d articles with its disk full, %d before", got, n)
	}
	if got := searchOrUnavailable(t, base, url.Values{"size": {"1"}}); got != n {
		t.Errorf("search total %d with the store's disk full, want %d", got, n)
	}
	// An export onto the full disk fails, says why, and leaves nothing
	// under its name, nor its temporary file.
	exportTo := filepath.Join(dataFS, "corpus.jsonl")
	if out, err := runSearchd(t, "export", "-data", data, "-format", "jsonl", "-o", exportTo); err == nil || !strings.Contains(out, "no space left") {
		t.Errorf("searchd export onto a full disk: %v:\n%s", err, out)
	}
	if left, _ := filepath.Glob(filepath.Join(dataFS, "*corpus.jsonl*")); len(left) > 0 {
		t.Errorf("searchd export onto a full disk left %v", left)
	}
	checkStore(t, data)
	if records := validateWARCs(t, filepath.Join(data, "warc")); records == 0 {
		t.Error("no WARC records with the store's disk full")
	}

	// searchd stopped and started again on the full disk: it either
	// refuses to start and says why (SQLite alone says "disk I/O error"
	// when it cannot make its WAL index), or starts and serves searches;
	// a write (a new subscription) then fails with a message.
	sd.cmd.Process.Signal(syscall.SIGTERM)
	sd.cmd.Wait()
	sd = start(t, "searchd", args...)
	exited := make(chan error, 1)
	go func() { exited <- sd.cmd.Wait() }()
	waitUntil(t, "searchd on the full disk to listen or exit", 30*time.Second, func() bool {
		select {
		case err := <-exited:
			exited <- err
			return true
		default:
			return sd.logged("listening")
		}
	})
	freeAgain := func() {}
	keptSub := ""
	select {
	case err := <-exited:
		if err == nil || !sd.logged("no space left") {
			t.Errorf("searchd on a full disk exited (%v) without saying the disk is full:\n%s", err, sd.tail())
		}
		t.Logf("searchd on a full disk: %v: %s", err, strings.TrimSpace(sd.tail()))
	default:
		base = "http://" + sd.listenAddr(t)
		if got := searchOrUnavailable(t, base, url.Values{"size": {"1"}}); got != n {
			t.Errorf("search total %d from searchd started on the full disk, want %d", got, n)
		}
		// The programs that stopped may have freed space (SQLite deletes
		// its WAL file when the last connection closes): full again.
		freeAgain = fill(t, dataFS)
		// A write then either fails with a message, or fits in space
		// SQLite holds already (its WAL file, reused from its start after
		// a checkpoint: which of the two happens depends on the pages
		// earlier writes left) and must then be kept.
		var c created
		code := postJSON(t, base+"/api/subscriptions", "", map[string]any{"query": "滨江"}, &c)
		switch {
		case code == http.StatusCreated:
			keptSub = c.ID
		case code != http.StatusServiceUnavailable || !strings.Contains(c.Error, "disk is full"):
			t.Errorf("a subscription made with the store's disk full: %d %+v", code, c)
		}
		t.Logf("searchd started on the full disk and serves searches; a new subscription: %d %q", code, c.Error)
		sd.cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}

	// 3. Room again: both carry on, nothing lost.
	freeAgain()
	freeData()
	sd = start(t, "searchd", args...)
	base = "http://" + sd.listenAddr(t)
	crawlOnce(t, sources, data)
	n2 := countArticles(t, data)
	if n2 != n+2 {
		t.Errorf("after the store's disk had room again: %d articles, want %d", n2, n+2)
	}
	waitIndexed(t, base, n2)
	if got := search(t, base, url.Values{"q": {"数据盘满"}}); got.Total != 2 {
		t.Errorf("%d hits for the articles published while the disk was full, want 2", got.Total)
	}
	if keptSub != "" {
		if code := status(t, base+"/api/subscriptions/"+keptSub); code != http.StatusOK {
			t.Errorf("the subscription made on the full disk (201) is gone after a restart: %d", code)
		}
	}
	checkStore(t, data)
	records := validateWARCs(t, filepath.Join(data, "warc"))
	out.Reset()
	verify := exec.Command(filepath.Join(binDir, "crawler"), "verify", "-data", data)
	verify.Stdout, verify.Stderr = &out, &out
	if err := verify.Run(); err != nil || !strings.Contains(out.String(), " 0 with faults") {
		t.Errorf("crawler verify: %v\n%s", err, out.String())
	}
	t.Logf("disk full (tmpfs): store %d → %d articles, integrity ok, %d WARC records valid, index = store", n, n2, records)
}
