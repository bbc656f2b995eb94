// Package charset turns the bytes of a fetched page into UTF-8 text.
//
// Chinese government and news sites still serve much of their content in
// GB2312/GBK, often without saying so (no HTTP charset, no meta), and
// sometimes while saying something false (a template's meta declares UTF-8
// over GBK bytes). Decode follows the WHATWG encoding-sniffing algorithm
// (https://html.spec.whatwg.org/multipage/parsing.html#determining-the-character-encoding)
// for the declared cases and replaces its last step, the locale default,
// with a byte-level sniff that tells UTF-8, GB18030 and windows-1252 apart.
package charset

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	xcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Names of the encodings Decode reports most often.
const (
	UTF8        = "utf-8"
	GB18030     = "gb18030"
	Windows1252 = "windows-1252"
)

// prescanBytes bounds the meta prescan. WHATWG reads 1024 bytes; Chinese
// portals often put long comments and scripts before their meta, so we
// look a little further.
const prescanBytes = 4096

// Decode returns raw as UTF-8 text and the name of the encoding it was
// read in. The order is: byte order mark, the HTTP Content-Type charset,
// a <meta> declaration in the head, then sniffing. It never fails: bytes
// that are invalid in the chosen encoding become U+FFFD.
func Decode(raw []byte, contentType string) (text string, name string) {
	if enc, n, body := bom(raw); enc != nil {
		return decodeWith(enc, n, body)
	}
	if label := headerLabel(contentType); label != "" {
		if enc, n := lookup(label); enc != nil {
			return decodeDeclared(raw, enc, n)
		}
	}
	if label := metaLabel(raw); label != "" {
		if enc, n := lookup(label); enc != nil {
			// A meta cannot declare UTF-16: the bytes that carry it are
			// ASCII-compatible (WHATWG "prescan", step for UTF-16 labels).
			if strings.HasPrefix(n, "utf-16") {
				enc, n = encoding.Nop, UTF8
			}
			return decodeDeclared(raw, enc, n)
		}
	}
	enc, n := Sniff(raw)
	return decodeWith(enc, n, raw)
}

// bom recognises a byte order mark and returns the encoding it names and
// the bytes after it.
func bom(raw []byte) (encoding.Encoding, string, []byte) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return encoding.Nop, UTF8, raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", raw[2:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", raw[2:]
	}
	return nil, "", raw
}

// decodeDeclared decodes with a declared encoding unless the bytes plainly
// contradict it: a UTF-8 declaration over bytes that are mostly not UTF-8,
// or a legacy declaration over bytes that are clean multi-byte UTF-8 (a
// server default such as ISO-8859-1 left in the header).
func decodeDeclared(raw []byte, enc encoding.Encoding, name string) (string, string) {
	if name == UTF8 {
		if bad, multi := utf8Stats(raw); bad > 0 && bad*10 > multi {
			enc, name = Sniff(raw)
		}
		return decodeWith(enc, name, raw)
	}
	if bad, multi := utf8Stats(raw); bad == 0 && multi >= 8 {
		return decodeWith(encoding.Nop, UTF8, raw)
	}
	return decodeWith(enc, name, raw)
}

// decodeWith decodes b and guarantees valid UTF-8 in the result.
func decodeWith(enc encoding.Encoding, name string, b []byte) (string, string) {
	if enc == encoding.Nop || name == UTF8 {
		if utf8.Valid(b) {
			return string(b), UTF8
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), UTF8
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// x/text decoders replace bad input themselves; an error here
		// means the transformer gave up, so fall back to a lossy read.
		return strings.ToValidUTF8(string(b), "\uFFFD"), name
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), name
}

// headerLabel returns the charset parameter of an HTTP Content-Type.
func headerLabel(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Malformed headers are common ("text/html;;charset=gbk"); look
		// for the parameter by hand.
		i := indexASCIIFold(contentType, "charset=")
		if i < 0 {
			return ""
		}
		v := contentType[i+len("charset="):]
		if j := strings.IndexAny(v, "; "); j >= 0 {
			v = v[:j]
		}
		return strings.Trim(v, `"' `)
	}
	return params["charset"]
}

// metaLabel runs a prescan over the start of the document: the first
// <meta charset> or <meta http-equiv="Content-Type" content="…charset=…">
// wins (WHATWG "prescan a byte stream to determine its encoding"). The
// html tokenizer skips comments and script text the way the prescan does.
func metaLabel(raw []byte) string {
	if len(raw) > prescanBytes {
		raw = raw[:prescanBytes]
	}
	z := html.NewTokenizer(bytes.NewReader(raw))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var charset, content string
			var httpEquiv bool
			for {
				k, v, more := z.TagAttr()
				switch string(k) {
				case "charset":
					charset = string(v)
				case "content":
					content = string(v)
				case "http-equiv":
					httpEquiv = strings.EqualFold(strings.TrimSpace(string(v)), "content-type")
				}
				if !more {
					break
				}
			}
			if charset != "" {
				return charset
			}
			if content != "" && (httpEquiv || indexASCIIFold(content, "charset") >= 0) {
				if l := contentCharset(content); l != "" {
					return l
				}
			}
		}
	}
}

// contentCharset extracts the charset from a meta content attribute
// (WHATWG "extracting a character encoding from a meta element").
func contentCharset(content string) string {
	i := indexASCIIFold(content, "charset")
	if i < 0 {
		return ""
	}
	v := strings.TrimLeft(content[i+len("charset"):], " \t\r\n\f")
	if !strings.HasPrefix(v, "=") {
		return ""
	}
	v = strings.TrimLeft(v[1:], " \t\r\n\f")
	if v == "" {
		return ""
	}
	if q := v[0]; q == '"' || q == '\'' {
		if j := strings.IndexByte(v[1:], q); j >= 0 {
			return v[1 : j+1]
		}
		return ""
	}
	if j := strings.IndexAny(v, "; \t\r\n\f"); j >= 0 {
		v = v[:j]
	}
	return v
}

// lookup maps a charset label to an encoding. Every GB label is read as
// GB18030, a strict superset of GB2312 and GBK: pages labelled gb2312 are
// routinely GBK (and sometimes GB18030) in fact, and decoding with the
// superset loses nothing. Labels x/net does not know in the spelling that
// sites and detectors use ("GB-18030", "gb_2312-80") are normalised first.
func lookup(label string) (encoding.Encoding, string) {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch l {
	case "":
		return nil, ""
	case "gb18030", "gb-18030", "gb_18030", "gbk", "x-gbk", "gb2312", "gb-2312", "gb_2312",
		"gb_2312-80", "gb2312-80", "gb2312-1980", "cp936", "ms936", "windows-936", "euc-cn",
		"x-euc-cn", "csgb2312", "iso-ir-58", "chinese", "csiso58gb231280", "hz-gb-2312":
		if l == "hz-gb-2312" {
			return simplifiedchinese.HZGB2312, "hz-gb-2312"
		}
		return simplifiedchinese.GB18030, GB18030
	case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return encoding.Nop, UTF8
	}
	enc, name := xcharset.Lookup(l)
	if enc == nil {
		return nil, ""
	}
	if name == "utf-8" {
		return encoding.Nop, UTF8
	}
	return enc, name
}

// Sniff guesses the encoding of undeclared bytes: UTF-8 when they are
// valid UTF-8, GB18030 when most non-ASCII bytes pair up into valid
// GB18030 characters, windows-1252 otherwise (the WHATWG fallback for
// most locales).
func Sniff(raw []byte) (encoding.Encoding, string) {
	bad, multi := utf8Stats(raw)
	if bad == 0 {
		return encoding.Nop, UTF8
	}
	// A page that is overwhelmingly UTF-8 with a few broken bytes (a
	// truncated capture, one pasted Latin-1 quote) is still UTF-8.
	if multi >= 20 && bad*50 < multi {
		return encoding.Nop, UTF8
	}
	good, strong, invalid := gbStats(raw)
	// Latin-1 text also pairs up (é followed by a letter is a valid GBK
	// pair), but Chinese text is mostly GB2312-range pairs of two high
	// bytes, which Latin-1 text almost never has.
	if good > 0 && invalid*20 <= good && strong*2 >= good {
		return simplifiedchinese.GB18030, GB18030
	}
	return xcharsetWindows1252(), Windows1252
}

// xcharsetWindows1252 returns the windows-1252 decoder, which WHATWG also
// uses for every ISO-8859-1 and US-ASCII label.
func xcharsetWindows1252() encoding.Encoding {
	enc, _ := xcharset.Lookup(Windows1252)
	return enc
}

// utf8Stats counts invalid bytes and valid multi-byte sequences. A
// sequence cut off by the end of the input is not held against it.
func utf8Stats(b []byte) (bad, multi int) {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if !utf8.FullRune(b[i:]) {
				break
			}
			bad++
			i++
			continue
		}
		multi++
		i += size
	}
	return bad, multi
}

// gbStats counts the GB18030 characters in b that are valid two- or
// four-byte sequences, those of them in the GB2312 range (both bytes
// 0xA1-0xFE), and the high bytes that start none.
func gbStats(b []byte) (good, strong, invalid int) {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
		case c == 0x80 || c == 0xFF:
			invalid++
			i++
		case i+1 >= len(b):
			i++ // cut off by the end of the input
		default:
			c2 := b[i+1]
			switch {
			case (c2 >= 0x40 && c2 <= 0x7E) || (c2 >= 0x80 && c2 <= 0xFE):
				good++
				if c >= 0xA1 && c2 >= 0xA1 {
					strong++
				}
				i += 2
			case c2 >= 0x30 && c2 <= 0x39 && i+3 < len(b) &&
				b[i+2] >= 0x81 && b[i+2] <= 0xFE && b[i+3] >= 0x30 && b[i+3] <= 0x39:
				good++
				i += 4
			default:
				invalid++
				i++
			}
		}
	}
	return good, strong, invalid
}

// indexASCIIFold is strings.Index ignoring ASCII case. strings.ToLower
// cannot be used to find offsets: it may change the length of non-ASCII
// or invalid input.
func indexASCIIFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if asciiEqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
