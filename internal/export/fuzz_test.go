package export

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"riverside/internal/news"
)

// FuzzReader feeds the import reader arbitrary bytes: it must end in an
// error or in io.EOF after a manifest that matches what it read, never
// panic or loop.
func FuzzReader(f *testing.F) {
	var valid bytes.Buffer
	src := &genSource{n: 2, a: benchArticle()}
	if _, err := Write(context.Background(), &valid, src, news.Selection{}, Options{Format: JSONL}); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add([]byte(`{"manifest":"riverside-export","versions":0,"bytes":0,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}` + "\n"))
	f.Add([]byte("{\"seq\":1}\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		n := 0
		for i := 0; ; i++ {
			a, _, err := r.Next()
			if errors.Is(err, io.EOF) {
				if m := r.Manifest(); m == nil || m.Versions != n {
					t.Fatalf("EOF after %d versions with manifest %+v", n, m)
				}
				return
			}
			if err != nil {
				return
			}
			if a == nil {
				t.Fatal("nil article without error")
			}
			n++
			if i > len(data) {
				t.Fatal("more versions than bytes")
			}
		}
	})
}
