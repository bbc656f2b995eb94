package charset

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeUTF8 checks that text declared and valid as UTF-8 comes back
// byte for byte, whatever its <meta> says: the header outranks the meta,
// and nothing is "repaired" that was not broken.
func FuzzDecodeUTF8(f *testing.F) {
	f.Add("滨江区召开会议", "text/html; charset=utf-8")
	f.Add(`<meta charset="gbk"><p>萧山区人民政府</p>`, "text/html; charset=UTF-8")
	f.Add(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">café`, `text/html;charset="utf-8"`)
	f.Add("\x00\u202e\ufffd", "text/plain; charset=utf8")
	f.Fuzz(func(t *testing.T, s string, ct string) {
		if !utf8.ValidString(s) || bytes.HasPrefix([]byte(s), []byte{0xEF, 0xBB, 0xBF}) {
			return
		}
		if label := headerLabel(ct); label == "" {
			return
		} else if _, name := lookup(label); name != UTF8 {
			return
		}
		text, name := Decode([]byte(s), ct)
		if text != s || name != UTF8 {
			t.Fatalf("Decode(%q, %q) = %q as %s, want the text unchanged as utf-8", s, ct, text, name)
		}
	})
}
