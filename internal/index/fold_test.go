package index

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The words tokenizer and the fold filter must give the token stream that
// Bleve's unicode tokenizer and the chain of filters they replace gave
// (mapping versions 5 and 6): the tests below run both
// on every text of the repository, the load corpora (fold_load_test.go),
// hand-written edge cases, every character, and FuzzFoldFilter on
// anything.

// oldChain is the analysis of mapping versions 5 and 6 up to (with trim,
// including) unigramTrim, built from Bleve's filters.
func oldChain(trim bool) *analysis.DefaultAnalyzer {
	filters := []analysis.TokenFilter{cjk.NewCJKWidthFilter(), en.NewPossessiveFilter(), lowercase.NewLowerCaseFilter(), cjk.NewCJKBigramFilter(true)}
	if trim {
		filters = append(filters, unigramTrim{})
	}
	return &analysis.DefaultAnalyzer{Tokenizer: bleveunicode.NewUnicodeTokenizer(), TokenFilters: filters}
}

// newChain is the same analysis with words and fold.
func newChain(trim bool) *analysis.DefaultAnalyzer {
	return &analysis.DefaultAnalyzer{Tokenizer: words{}, TokenFilters: []analysis.TokenFilter{fold{trim: trim}}}
}

var chains = func() (c [2][2]*analysis.DefaultAnalyzer) {
	for i, trim := range []bool{false, true} {
		c[i] = [2]*analysis.DefaultAnalyzer{oldChain(trim), newChain(trim)}
	}
	return c
}()

// diffChains analyses text with the old and the new chain, with and
// without trim, and describes the first difference ("" when none). It
// also checks that fold leaves the analysed text as it was: its terms
// share the text's bytes.
func diffChains(text []byte) string {
	if d := diffTokens(bleveunicode.NewUnicodeTokenizer().Tokenize(text), words{}.Tokenize(text), false); d != "" {
		return "tokenizer: " + d
	}
	for i, c := range chains {
		want := c[0].Analyze(bytes.Clone(text))
		in := bytes.Clone(text)
		got := c[1].Analyze(in)
		if !bytes.Equal(in, text) {
			return fmt.Sprintf("trim=%v: the text changed to %q", i == 1, in)
		}
		if d := diffTokens(want, got, true); d != "" {
			return fmt.Sprintf("trim=%v: %s", i == 1, d)
		}
	}
	return ""
}

// diffTokens describes the first difference between want and got; with
// capped, also a term of got that an append could grow into the bytes
// after it.
func diffTokens(want, got analysis.TokenStream, capped bool) string {
	seen := make(map[*analysis.Token]bool, len(got))
	for i, t := range got {
		if seen[t] {
			return fmt.Sprintf("token %d: %s is out twice", i, tokenAt(got, i))
		}
		seen[t] = true
	}
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || !sameToken(want[i], got[i]) {
			return fmt.Sprintf("token %d: got %s, want %s\n got %s\nwant %s", i, tokenAt(got, i), tokenAt(want, i), showTokens(got), showTokens(want))
		}
		if capped && cap(got[i].Term) != len(got[i].Term) {
			return fmt.Sprintf("token %d: term %q has room after it (cap %d)", i, got[i].Term, cap(got[i].Term))
		}
	}
	return ""
}

func sameToken(a, b *analysis.Token) bool {
	return bytes.Equal(a.Term, b.Term) && a.Position == b.Position && a.Start == b.Start && a.End == b.End &&
		a.Type == b.Type && a.KeyWord == b.KeyWord
}

func tokenAt(ts analysis.TokenStream, i int) string {
	if i >= len(ts) {
		return "nothing"
	}
	t := ts[i]
	return fmt.Sprintf("%q@%d[%d:%d]t%d%s", t.Term, t.Position, t.Start, t.End, t.Type, map[bool]string{true: "k"}[t.KeyWord])
}

func showTokens(ts analysis.TokenStream) string {
	var s []string
	for i := range ts {
		s = append(s, tokenAt(ts, i))
	}
	return strings.Join(s, " ")
}

// foldEdges are texts with what each filter of the old chain treats
// specially.
var foldEdges = []string{
	"", " ", "a", "A", "滨", "滨江", "滨江区人民政府", "The innovations of Binjiang",
	// Full-width forms, and half-width ones.
	"ＡＩ", "Ｉｎｎｏｖａｔｉｏｎ", "ＣＩＴＹ＇Ｓ parks", "１２３ ４５６", "ＡＢＣ滨江", "滨江ＡＩ", "！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～",
	"ｶﾀｶﾅ", "ｶﾞｷﾞｸﾞ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "ﾊﾞﾊﾟ", "ｳﾞ", "ﾜﾞｦﾞ", "ｱﾞ", "ﾞ", "ﾟ", "ｶﾞﾞ", "ｶﾟ", "ﾝﾞ", "ｰﾞ", "･ﾞ", "ｧｨｩｪｫｬｭｮｯ",
	"カﾞ", "ハﾟ", "ヽﾞ", "ワﾞ", "ヲﾟ", "ウﾞ", "アﾞイ", "滨ﾞ", "aﾞ", "ｶﾞ滨江", "滨江ｶﾞｷﾞ", "ｶﾞ ｷﾞ",
	// Possessives.
	"city's parks", "city’s parks", "city＇s parks", "CITY'S", "City’S", "'s", "’s", "s", "'", "it's'", "ss's", "O'Neil's",
	"Hangzhou’s 滨江's", "滨江’s",
	// Case, including the lower cases of other lengths and final sigma.
	"ΣΟΦΟΣ", "ΟΔΟΣ's", "Σ", "ΣA", "aΣ", "σ", "İstanbul", "İİa", "KELVIN", "Kb", "ȺȾ", "aȺb", "ẞ", "ǅ", "Ⅻ", "Ⓐⓑ", "ДОМ",
	"ÀÉÎÕÜ", "ǄA", "ᾈ", "ΐ", "ア_İa", "İ_アア", "ｱ_İ", "滨_İ", "アİ", "ア\u0301İ",
	// Runs of Chinese broken by other words, spaces, punctuation.
	"滨江AI物联网", "滨 江", "滨，江", "滨江。萧山", "a滨b江c", "滨江2024年", "2024年3月", "滨江 物联网", "滨", "滨 a", "a 滨",
	"物联网小镇", "滨江\n萧山区", "滨江…萧山", "「滨江」", "滨江：AI、IoT与5G",
	// Japanese and Korean, which the tokenizer also calls ideographic (or not).
	"ひらがな", "カタカナ", "カタカナとひらがな", "東京タワー", "한국어", "한국어 텍스트", "ㄱㄴㄷ", "アイウ滨江", "ｱｲｳ滨江",
	"ﾃｽﾄ ﾃﾞｰﾀ", "ガギグゲゴ", "ヴ", "ヷ", "ー", "〆", "々", "〇", "ㄅㄆㄇ",
	// Invalid UTF-8, U+FFFD, control and combining characters.
	"\xff", "a\xffb", "滨\xff江", "\xe6\xbb", "滨\xe6\xbb", "\xef\xbf\xbd", "e\u0301", "滨\u0301江", "a\x00b", "\u200b滨\u200d江",
	"\U0001F600滨", "𠀀𠀁", "𪚥𪚥𪚥",
	// Numbers, URLs, mixed scripts.
	"3.14 1,000 v2.6.1", "https://www.hhtz.gov.cn/art/2024/1/10/art_1.html", "user@example.com", "COVID-19疫情", "5G基站",
	"Café’s RÉSUMÉ", "naïve Straße STRASSE", "ⅰⅱⅲ ⅠⅡⅢ",
}

func TestFoldEdges(t *testing.T) {
	for _, s := range foldEdges {
		if d := diffChains([]byte(s)); d != "" {
			t.Errorf("%q: %s", s, d)
		}
	}
}

// TestFoldEveryCharacter puts every character of the first two planes
// (and a sample of the others), alone and beside others, through both
// chains.
func TestFoldEveryCharacter(t *testing.T) {
	var b strings.Builder
	n := 0
	flush := func() {
		if d := diffChains([]byte(b.String())); d != "" {
			t.Fatalf("%q: %s", b.String(), d)
		}
		b.Reset()
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		// Past the BMP and the SMP: the rarer ideographs (all alike to
		// the filters), private use, unassigned; a sample of them.
		if !utf8.ValidRune(r) || r >= 0x20000 && r%97 != 0 {
			continue
		}
		// Alone, after a letter and an ideograph, before a possessive.
		fmt.Fprintf(&b, "%c A%cs 滨%c %c's ", r, r, r, r)
		if n++; n%64 == 0 {
			flush()
		}
	}
	flush()
}

// TestFoldShorterLowerCase puts each character whose lower case is
// shorter in UTF-8 (to_lower then leaves stray bytes in the term) among
// letters, ideographs and kana.
func TestFoldShorterLowerCase(t *testing.T) {
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if utf8.RuneLen(unicode.ToLower(r)) >= utf8.RuneLen(r) {
			continue
		}
		n++
		for _, f := range []string{"%c", "%cab", "a%cb", "滨%c滨", "ア%cア", "ア\u0301%cア", "ア_%c", "%c_アア", "%c's", "%c’s"} {
			s := fmt.Sprintf(f, r)
			if d := diffChains([]byte(s)); d != "" {
				t.Errorf("%q: %s", s, d)
			}
		}
	}
	if n == 0 {
		t.Fatal("no character lower-cases to a shorter one")
	}
}

// TestFoldKana puts each katakana (and the characters around them) before
// each voicing mark, full-width and half-width kana alike.
func TestFoldKana(t *testing.T) {
	for r := rune(0x3040); r <= 0x3100; r++ {
		for _, mark := range []string{"ﾞ", "ﾟ", "ﾞﾞ", "ﾟﾞ"} {
			s := string(r) + mark
			if d := diffChains([]byte(s)); d != "" {
				t.Errorf("%q: %s", s, d)
			}
		}
	}
	for r := rune(0xFF61); r <= 0xFFA0; r++ {
		for _, mark := range []string{"ﾞ", "ﾟ", "ﾞﾟ"} {
			s := string(r) + mark
			if d := diffChains([]byte(s)); d != "" {
				t.Errorf("%q: %s", s, d)
			}
		}
	}
}

// TestNoCase checks what fold assumes to skip unicode.ToLower: no
// character in U+3000..U+A63F has a lower case.
func TestNoCase(t *testing.T) {
	for r := rune(0x3000); r < 0xA640; r++ {
		if unicode.ToLower(r) != r {
			t.Errorf("%U lower-cases to %U", r, unicode.ToLower(r))
		}
	}
}

// TestFoldTexts compares the chains on every text file of the repository
// (the mirror's seed and article texts, the extraction tests' pages and
// truth files, the docs), each whole and line by line; and on the files
// under the directories in $RIVERSIDE_FOLD_DIRS (separated by the list
// separator), for a corpus kept outside the repository.
func TestFoldTexts(t *testing.T) {
	dirs := []string{filepath.Join("..", "..")}
	if extra := os.Getenv("RIVERSIDE_FOLD_DIRS"); extra != "" {
		dirs = append(dirs, filepath.SplitList(extra)...)
	}
	files, size := 0, 0
	digest := sha256.New()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			switch filepath.Ext(path) {
			case ".txt", ".json", ".html", ".md", ".jsonl", ".yaml":
			default:
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil || len(b) > 4<<20 {
				return err
			}
			files++
			size += len(b)
			for _, t := range chains[1][1].Analyze(bytes.Clone(b)) {
				fmt.Fprintf(digest, "%q@%d[%d:%d]t%d\n", t.Term, t.Position, t.Start, t.End, t.Type)
			}
			if d := diffChains(b); d != "" {
				t.Errorf("%s: %s", path, d)
				return nil
			}
			for line := range bytes.Lines(b) {
				if d := diffChains(line); d != "" {
					t.Errorf("%s: line %q: %s", path, line, d)
					return nil
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The repository's texts: the mirror's, the extraction tests'.
	if files < 100 || size < 512<<10 {
		t.Fatalf("%d files, %d bytes: the texts were not found", files, size)
	}
	// The digest of the text analysis of every file tells builds apart
	// whose tokens differ (segment's -tags prod, another Go's Unicode
	// tables) when the two chains of one build agree.
	t.Logf("%d files, %d bytes, tokens' sha256 %x", files, size, digest.Sum(nil)[:8])
}

// FuzzFoldFilter compares the fold filter with the chain it replaces on
// any text.
func FuzzFoldFilter(f *testing.F) {
	for _, s := range foldEdges {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d := diffChains([]byte(s)); d != "" {
			t.Fatal(d)
		}
	})
}

// TestOpenRefusesOldVersions opens indexes made with mapping versions 5
// and 6, whose analyzers name Bleve's unicode tokenizer and filters,
// bigramFilter, unigramTrim and keepStem or the stem table rather than
// words and fold: Open must get far enough to refuse them with
// ErrMappingChanged (on which searchd rebuilds), not fail on a component
// it does not know.
func TestOpenRefusesOldVersions(t *testing.T) {
	for version, last := range map[string]string{"5": keepStemFilter, "6": stemTableFilter} {
		t.Run(version, func(t *testing.T) {
			m := mapping.NewIndexMapping()
			if err := m.AddCustomTokenFilter(bigramFilter, map[string]any{"type": "cjk_bigram", "output_unigram": true}); err != nil {
				t.Fatal(err)
			}
			base := []any{"cjk_width", "possessive_en", "to_lower", bigramFilter}
			for name, extra := range map[string][]any{
				textAnalyzer:  {unigramTrimFilter, last},
				queryAnalyzer: {"stop_en", "stemmer_en_snowball"},
				exactAnalyzer: nil,
			} {
				if err := m.AddCustomAnalyzer(name, map[string]any{
					"type": "custom", "tokenizer": "unicode", "token_filters": append(append([]any{}, base...), extra...),
				}); err != nil {
					t.Fatal(err)
				}
			}
			m.DefaultAnalyzer = textAnalyzer
			path := filepath.Join(t.TempDir(), "index")
			b, err := bleve.New(path, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.SetInternal([]byte(mappingKey), []byte(version)); err != nil {
				t.Fatal(err)
			}
			if err := b.Index("a", map[string]any{"text": "滨江区 The city's parks"}); err != nil {
				t.Fatal(err)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			idx, err := Open(path)
			if err == nil {
				idx.Close()
			}
			if !errors.Is(err, ErrMappingChanged) {
				t.Errorf("Open: got %v, want ErrMappingChanged", err)
			}
		})
	}
}

// BenchmarkFoldChain analyses BenchmarkTextAnalyzer's paragraphs with the
// old chain of filters and with fold (both after the unicode tokenizer,
// with trim, without keepStem).
func BenchmarkFoldChain(b *testing.B) {
	for _, c := range []struct{ name, text string }{
		{"en", strings.Repeat("The district's innovation parks announced that investors would be building more digital-economy companies along the river, and officials said the new policies were working. ", 12)},
		{"zh", strings.Repeat("滨江区人民政府召开常务会议，研究部署数字经济和人工智能产业政策，推进物联网小镇建设。", 12)},
	} {
		text := []byte(c.text)
		for i, name := range []string{"old", "fold"} {
			b.Run(c.name+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					chains[1][i].Analyze(text)
				}
			})
		}
	}
}
