package alert

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"riverside/internal/news"
)

// FuzzVerify checks the receiver's side of the signature for any secret,
// id, timestamp header, signature header and body: Verify never panics,
// accepts what Sign made (also among other signatures, as during a
// rotation), and refuses it once the body, the id or the secret changes.
func FuzzVerify(f *testing.F) {
	f.Add(vecSecret, vecID, strconv.Itoa(vecTS), vecSig, []byte(vecBody))
	f.Add("whsec_", "", "", "", []byte{})
	f.Add("whsec_!!!", "msg_x", "-1", "v1,", []byte("{}"))
	f.Add("whsec_AAAA", "msg_1", "1614265330", "v1,AAAA v2,xx", []byte(`{"articles":[]}`))
	f.Add("secret", "msg_1", "99999999999999999999", "v1,g0hM9SsE", []byte("\xff\xfe"))
	f.Add(vecSecret, "id.with.dots", "1614265330 ", "  v1,a  v1,b ", []byte("a.b.c"))
	f.Fuzz(func(t *testing.T, secret, id, ts, sigs string, body []byte) {
		now := time.Unix(vecTS, 0)
		// Arbitrary headers: no panic, and nothing verifies by chance
		// unless the header holds the right signature.
		if err := Verify(secret, id, ts, sigs, body, now, 5*time.Minute); err == nil {
			sec, _ := strconv.ParseInt(ts, 10, 64)
			want, serr := Sign(secret, id, time.Unix(sec, 0), body)
			if serr != nil || !bytes.Contains([]byte(sigs), []byte(want)) {
				t.Fatalf("Verify accepted %q for a message whose signature is %q (%v)", sigs, want, serr)
			}
		}
		sig, err := Sign(secret, id, now, body)
		if err != nil {
			if _, kerr := secretKey(secret); kerr == nil {
				t.Fatalf("Sign(%q): %v with a valid secret", secret, err)
			}
			return
		}
		stamp := strconv.FormatInt(now.Unix(), 10)
		if err := Verify(secret, id, stamp, sig, body, now, time.Minute); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
		if err := Verify(secret, id, stamp, "v1,other "+sig+" v2,x", body, now, time.Minute); err != nil {
			t.Fatalf("own signature among others refused: %v", err)
		}
		if err := Verify(secret, id+"x", stamp, sig, body, now, time.Minute); err == nil {
			t.Fatal("a signature verified for another id")
		}
		if err := Verify(secret, id, stamp, sig, append(bytes.Clone(body), 'x'), now, time.Minute); err == nil {
			t.Fatal("a signature verified for another body")
		}
		if err := Verify(secret, id, strconv.FormatInt(now.Unix()+3600, 10), sig, body, now, time.Minute); err == nil {
			t.Fatal("a signature verified an hour off")
		}
	})
}

// FuzzBody builds webhook bodies from any match fields: each is one line
// of valid JSON that decodes to the same subscription, delivery and
// articles (text that is not UTF-8 arrives as valid UTF-8), and building
// it twice gives the same bytes, so that retries carry the same signature.
func FuzzBody(f *testing.F) {
	f.Add("sub_1", "msg_1", "a1", "https://www.hhtz.gov.cn/art/1.html", "滨江 <script>alert(1)</script>", "<mark>物联网</mark> &amp;", int64(1741568400))
	f.Add("", "", "", "", "", "", int64(0))
	f.Add("sub\"x", "msg\n", "\xff", "javascript:alert(1)", "\u2028\u2029", "\x00\x01", int64(-62135596800))
	f.Fuzz(func(t *testing.T, sub, delivery, id, u, title, snippet string, unix int64) {
		m := news.Match{ArticleID: id, URL: u, Title: title, Snippet: snippet, Source: "hhtz", District: "binjiang", Lang: "zh"}
		if unix != 0 && unix > -62135596800 && unix < 253402300799 {
			m.Published = time.Unix(unix, 0).In(news.Shanghai)
		}
		body, err := Body(sub, delivery, []news.Match{m, m})
		if err != nil {
			t.Fatalf("Body: %v", err)
		}
		again, _ := Body(sub, delivery, []news.Match{m, m})
		if !bytes.Equal(body, again) {
			t.Fatal("Body is not deterministic")
		}
		if n := bytes.Count(body, []byte("\n")); n != 1 || body[len(body)-1] != '\n' {
			t.Fatalf("body is not one line: %q", body)
		}
		if bytes.ContainsAny(body, "<>") {
			t.Fatalf("body carries raw < or >: %q", body)
		}
		var p Payload
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("body does not decode: %v: %q", err, body)
		}
		if len(p.Articles) != 2 {
			t.Fatalf("%d articles, want 2", len(p.Articles))
		}
		same := func(name, got, want string) {
			if utf8.ValidString(want) && got != want {
				t.Fatalf("%s: got %q, want %q", name, got, want)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("%s: %q is not UTF-8", name, got)
			}
		}
		same("subscription", p.Subscription, sub)
		same("delivery", p.Delivery, delivery)
		a := p.Articles[1]
		same("id", a.ID, id)
		same("url", a.URL, u)
		same("title", a.Title, title)
		same("snippet", a.Snippet, snippet)
		if !m.Published.IsZero() {
			got, err := time.Parse(time.RFC3339, a.Published)
			if err != nil || !got.Equal(m.Published) {
				t.Fatalf("published %q (%v), want %v", a.Published, err, m.Published)
			}
		} else if a.Published != "" {
			t.Fatalf("published %q for no date", a.Published)
		}
	})
}
