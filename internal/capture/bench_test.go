package capture

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchExchange is a 60 KB HTML page of varied words, sent gzip-coded
// (about 20 KB on the wire), as the district portals send theirs.
func benchExchange(b *testing.B) Exchange {
	words := strings.Fields("杭州 高新区 滨江 萧山 区政府 新闻 发布 会议 项目 企业 district government news library residents " +
		"opened branch Saturday books shelves queued doors said more would follow coming years 人民 经济 发展 建设 服务")
	rng := rand.New(rand.NewPCG(1, 2))
	var pb strings.Builder
	for pb.Len() < 60<<10 {
		pb.WriteString("<p>")
		for range 20 {
			pb.WriteString(words[rng.IntN(len(words))])
			pb.WriteString(strconv.Itoa(rng.IntN(1000)))
			pb.WriteByte(' ')
		}
		pb.WriteString("</p>\n")
	}
	page := pb.String()
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(page))
	zw.Close()
	raw := append(fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", z.Len()), z.Bytes()...)
	return Exchange{URL: "http://127.0.0.1:1/art/1.html", Status: 200, Fetched: time.Now(),
		RawRequest: []byte("GET /art/1.html HTTP/1.1\r\nHost: 127.0.0.1:1\r\nAccept-Encoding: gzip\r\n\r\n"), RawResponse: raw}
}

// BenchmarkWrite measures Write without and with the fsync each
// exchange gets in production.
func BenchmarkWrite(b *testing.B) {
	for _, sync := range []bool{false, true} {
		b.Run(fmt.Sprintf("sync=%v", sync), func(b *testing.B) {
			ex := benchExchange(b)
			w, err := Open(b.TempDir(), Options{NoSync: !sync})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			b.SetBytes(int64(len(ex.RawResponse) + len(ex.RawRequest)))
			for b.Loop() {
				if _, err := w.Write(ex); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadExchange measures reading one exchange back (digests
// checked), as export does for every article.
func BenchmarkReadExchange(b *testing.B) {
	dir := b.TempDir()
	w, err := Open(dir, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	c, err := w.Write(benchExchange(b))
	if err != nil {
		b.Fatal(err)
	}
	w.Close()
	for b.Loop() {
		if _, err := ReadExchange(dir, c.File, c.Offset); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecover measures the scan of a dead writer's file of 1,000
// exchanges (about 19 MB) with a torn tail, fsyncs included: bytes of
// file per second.
func BenchmarkRecover(b *testing.B) {
	src := b.TempDir()
	w, err := Open(src, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	ex := benchExchange(b)
	var name string
	for range 1000 {
		c, err := w.Write(ex)
		if err != nil {
			b.Fatal(err)
		}
		name = c.File
	}
	w.Close()
	data, err := os.ReadFile(filepath.Join(src, name))
	if err != nil {
		b.Fatal(err)
	}
	data = data[:len(data)-100]
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name+openSuffix), data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if r, err := Recover(dir); err != nil || len(r) != 1 || r[0].Records != 1+3*999 {
			b.Fatalf("%+v %v", r, err)
		}
	}
}
