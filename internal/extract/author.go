package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"riverside/internal/news"
)

var (
	// Editor codes that CMSs put in the author meta ("L_104485", "wb123").
	editorCode = regexp.MustCompile(`^[A-Za-z]{0,4}[_-]?\d{2,}$`)
	// CMS vendors that sign the author meta of every page they render.
	vendorAuthor = regexp.MustCompile(`(?i)大汉网络|hanweb|\bTRS\b|admin(istrator)?|^网站|管理员|webmaster|discuz|comsenz|phpwind|dedecms|织梦|帝国cms|phpcms|powered by`)
	// Values that are markup or addresses, not names: a template's
	// unfilled attribute (size="20"), a site's domain.
	notAuthorText = regexp.MustCompile(`[=<>"{}]|(?i)\bwww\.|\.(?:com|cn|net|org)\b|://`)
	// "记者 张三 通讯员 李四", "本报记者：张三、李四".
	reporterLine = regexp.MustCompile(`(?:记者|通讯员|作者|撰文|文\s*/|文／)\s*[:：]?\s*((?:\p{Han}{2,4})(?:\s*[、,，\s]\s*\p{Han}{2,4})*)`)
	byPrefix     = regexp.MustCompile(`(?i)^\s*(by|author|作者|记者|文)\s*[:：/]?\s*`)
)

// cleanAuthor normalises a byline and rejects values that are not names.
func cleanAuthor(s string) string {
	s = cleanNickname(s)
	if allHan(s) && orgName(s) {
		return ""
	}
	return s
}

// cleanNickname is cleanAuthor for the names that people choose on
// blogs and forums ("林间小路", "放飞&心情"), which may end like a place
// or a body does; only a medium's name (…网, …报, …台) is refused.
func cleanNickname(s string) string {
	s = joinPadded(collapseSpace(s))
	s = byPrefix.ReplaceAllString(s, "")
	s = strings.Trim(s, " ,;:|.-–—()（）[]【】")
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return ""
	}
	if editorCode.MatchString(s) || vendorAuthor.MatchString(s) || notAuthorText.MatchString(s) ||
		noAuthor.MatchString(s) || strings.HasPrefix(s, "@") || mediaName(s) {
		return ""
	}
	return s
}

// mediaName reports whether s names a medium: a site, paper, station or
// agency (千龙网, 钱江晚报, 新华社, 央视频道).
func mediaName(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("网报社台刊", last) || strings.HasSuffix(s, "频道") || strings.HasSuffix(s, "在线") ||
		strings.HasSuffix(s, "新闻") || strings.HasSuffix(s, "博客") || strings.HasSuffix(s, "发布")
}

// reporters finds "记者 X 通讯员 Y" bylines in the opening lines of a
// Chinese article and returns the names joined by spaces.
func reporters(lines []string) string {
	for i, ln := range lines {
		if i >= 4 {
			break
		}
		if utf8.RuneCountInString(ln) > 200 {
			ln = string([]rune(ln)[:200])
		}
		var names []string
		for _, m := range reporterLine.FindAllStringSubmatchIndex(ln, -1) {
			if len(names) == 0 && !bylineStart(ln[:m[0]]) {
				// "…时节。记者近日走进河上镇": a reporter in the prose.
				break
			}
			end := m[3]
			if !nameEnds(ln[end:]) && !strings.ContainsFunc(ln[m[2]:end], func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
				// One glued run ("记者王晓燕报道"): the name may be a
				// shorter start of it.
				for k := end - 3; k >= m[2]+6; k -= 3 {
					if nameEnds(ln[k:]) {
						end = k
						break
					}
				}
			}
			if !nameEnds(ln[end:]) {
				// "记者从杭州市科技局获悉", "记者在景区看到": the reporter
				// is the subject of a sentence, and what follows the
				// role is prose, not a name.
				if len(names) == 0 {
					break
				}
				continue
			}
			found := strings.FieldsFunc(ln[m[2]:end], func(r rune) bool { return r == '、' || r == ',' || r == '，' || isSpace(r) })
			if strings.HasPrefix(ln[end:], "报道") && len(found) > 0 && end == m[3] {
				// "彭冲 山东冠县报道": the last word is where the report
				// was filed from.
				found = found[:len(found)-1]
			}
			for _, n := range found {
				if n != "通讯员" && n != "记者" && !strings.HasSuffix(n, "报道") {
					names = append(names, n)
				}
			}
		}
		if len(names) > 0 {
			return strings.Join(names, " ")
		}
	}
	return ""
}

// nameEnds reports whether the text after a byline name closes it: a
// byline's name ends at a space, a mark, the end of the line or the next
// credit ("记者王晓燕报道", "张三 摄"); a name running on into more Han
// characters was prose ("记者从杭州市科技局获悉").
func nameEnds(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || !unicode.Is(unicode.Han, r) {
		return true
	}
	for _, w := range []string{"报道", "摄", "通讯员", "记者", "实习生", "发自", "电"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// bylineStart reports whether the text before a "记者" mark leaves it a
// byline: at the start of the line after a short lead ("本报讯", "新华社
// 杭州1月1日电"), or opening a bracket ("（记者 张三）").
func bylineStart(lead string) bool {
	lead = strings.TrimRightFunc(lead, isSpace)
	if strings.HasSuffix(lead, "（") || strings.HasSuffix(lead, "(") || strings.HasSuffix(lead, "【") || strings.HasSuffix(lead, "[") {
		return true
	}
	return utf8.RuneCountInString(lead) <= 16 && !strings.ContainsAny(lead, "。，！？；,;")
}

// chineseNames reduces a labelled Chinese byline ("记者 王晓燕 通讯员
// 李明") to its names, space-separated, as reporters does.
func chineseNames(v string) string {
	if !strings.Contains(v, "记者") && !strings.Contains(v, "通讯员") {
		return v
	}
	if n := reporters([]string{"作者：" + v}); n != "" {
		return n
	}
	return v
}

// Class and id words of the elements that hold the byline.
var bylineWords = wordSet("byline", "by-line", "author", "authors", "author-name", "authorname", "article-author",
	"post-author", "entry-author", "writer", "reporter", "dateline-author", "contributor")

// isBylineName reports whether a lower-cased class/id string names the
// byline.
func isBylineName(name string) bool {
	if !strings.Contains(name, "by") && !strings.Contains(name, "author") && !strings.Contains(name, "writer") &&
		!strings.Contains(name, "reporter") && !strings.Contains(name, "contributor") {
		return false
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) {
		if bylineWords[w] {
			return true
		}
	}
	return false
}

// bylineElement returns the author named by the first element that calls
// itself the byline (class/id "byline", "author", itemprop or rel
// "author"), outside comment threads. Templates often print it between the
// headline and the body, where the body choice does not reach.
func bylineElement(root *html.Node) string {
	var found string
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Noscript, atom.Template, atom.Form, atom.Footer:
				return false
			}
			name := classID(n)
			if strings.Contains(name, "comment") || strings.Contains(name, "related") || strings.Contains(name, "author-bio") {
				return false
			}
			if isBylineName(name) || strings.EqualFold(attr(n, "itemprop"), "author") || strings.EqualFold(attr(n, "rel"), "author") {
				t := textOf(n)
				if utf8.RuneCountInString(t) <= 100 {
					if v := cleanAuthor(bylineText(t)); v != "" {
						found = v
						if names := bylineNames(v, false); names != nil && hasHan(v) {
							// "本报记者 孙悦 通讯员 楼小平": the names only.
							found = strings.Join(names, " ")
						}
						return true
					}
				}
				return false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(root)
	if found == "" {
		found = authorLink(root)
	}
	return found
}

// An author's archive link as blog engines print it: WordPress's
// "?author=102" and "/author/jane-roe/"; and a poster's profile as forum
// engines link it beside each post: Discuz!'s "space-uid-2231.html" and
// "home.php?mod=space&uid=2231", phpwind's "u.php?uid=", phpBB's
// "memberlist.php?mode=viewprofile&u=".
var authorHref = regexp.MustCompile(`(?i)[?&]author=[\w%.-]+(?:&|$)|/author/[^/?#]+/?$|(?:^|/)space-uid-\d+\.html|[?&]mod=space&(?:amp;)?uid=\d+|(?:^|/)(?:space|u)\.php\?uid=\d+|memberlist\.php\?mode=viewprofile`)

// mayBeAuthorHref is a cheap guard before authorHref: every link it
// matches holds one of these.
func mayBeAuthorHref(href string) bool {
	return strings.Contains(href, "author") || strings.Contains(href, "uid") || strings.Contains(href, "viewprofile")
}

// authorLink returns the text of the first link to an author's archive
// outside comment threads: on a one-author blog it names the author even
// where no byline is printed.
func authorLink(root *html.Node) string {
	var found string
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Noscript, atom.Template, atom.Form, atom.Nav, atom.Header, atom.Footer:
				return false
			case atom.A:
				if href := attr(n, "href"); mayBeAuthorHref(href) && authorHref.MatchString(href) {
					if t := textOf(n); utf8.RuneCountInString(t) <= 30 {
						if v := cleanNickname(t); v != "" {
							found = v
							return true
						}
					}
				}
				return false
			}
			if name := classID(n); strings.Contains(name, "comment") {
				return false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(root)
	return found
}

// bylineText cuts a byline's decorations: "By Jane Roe | Updated: …",
// "Jane Roe, Reuters".
func bylineText(t string) string {
	if sm := bylineLine.FindStringSubmatch(t); sm != nil {
		return sm[1]
	}
	// "Текст: Лида Буслаева", "Written by: …": a short label.
	if i := strings.IndexAny(t, ":："); i > 0 && utf8.RuneCountInString(t[:i]) <= 16 {
		t = t[i+1:]
	}
	// The name ends before a bar or the first digit (a date, a time).
	if i := strings.IndexAny(t, "|｜0123456789"); i >= 0 {
		t = t[:i]
	}
	return strings.ReplaceAll(t, " ,", ",")
}

// nearTitleByline finds a "By …" line among the few lines after the
// headline.
func nearTitleByline(lines []string, head int) string {
	if head < 0 {
		return ""
	}
	for j := head + 1; j < len(lines) && j <= head+6; j++ {
		if utf8.RuneCountInString(lines[j]) > 100 {
			continue
		}
		if sm := bylineLine.FindStringSubmatch(lines[j]); sm != nil && !endsSentence(lines[j]) {
			if v := cleanAuthor(sm[1]); v != "" {
				return v
			}
		}
	}
	return ""
}

// Common Chinese surnames, by frequency (the first ~400 of the modern
// national counts, plus the compound ones still in use). A bare run of
// two or three Han characters is read as a person's name only when it
// starts with one of them: "（常书香 马丹阳）" ends an article with its
// reporters, "（未完待续）" does not.
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由山言"

var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "独孤", "南宫", "西门", "端木", "申屠", "万俟", "闻人", "澹台", "呼延", "钟离", "完颜"}

// Last characters of organisations and places, never of a name the way a
// byline prints it: 新华社, 千龙网, 云南日报, 区经信局, 冠县.
const orgEndings = "社报网台局委厅部办院会站处所馆司团校区县市省镇乡村街路组队室科股刊栏频道讯电稿库"

// Endings of organisations and departments of two characters, which a
// byline's name slot may hold instead of a person ("作者：市政府办公厅",
// "来源：信息中心"), and government accounts that publish ("滨江发布").
var orgSuffix = regexp.MustCompile(`(?:发布|融媒|中心|政府|公司|集团|协会|学会|大学|学院|中学|小学|医院|银行|法院|公安|新闻|在线|频道|工作室|编辑部|杂志|周刊|日报|晚报|商报|时报)$`)

// orgName reports whether a name slot holds an organisation, a site or a
// department rather than a person: it ends the way their names end.
func orgName(n string) bool {
	last, _ := utf8.DecodeLastRuneInString(n)
	return strings.ContainsRune(orgEndings, last) || orgSuffix.MatchString(n)
}

// Short words that start with a surname character but are no names.
var notNames = map[string]bool{
	"原创": true, "原文": true, "全文": true, "全文完": true, "高清": true, "文章": true, "文化": true,
	"时间": true, "时政": true, "国内": true, "国际": true, "和平": true, "安全": true, "方案": true,
	"万元": true, "于是": true, "向前": true, "江苏": true, "黄金": true, "高新": true, "明天": true,
	"金融": true, "经济": true, "华东": true, "华南": true, "华北": true, "南方": true, "南京": true,
	"图片": true, "成都": true, "武汉": true, "海外": true, "海南": true, "关注": true, "公告": true,
	"通知": true, "简介": true, "商务": true, "宁波": true, "温州": true, "常州": true, "苏州": true,
	"杭州": true, "广州": true, "上海": true, "北京": true, "天津": true, "重庆": true, "查看": true,
	"更多": true, "宣传": true, "信息": true, "卫生": true, "平安": true, "安徽": true, "江西": true,
	// Channel and tag words that a page may print under a headline.
	"时评": true, "时事": true, "时尚": true, "房产": true, "房价": true, "楼市": true, "楼盘": true,
	"车市": true, "车展": true, "高考": true, "高校": true, "马上": true, "明星": true, "路况": true,
	"都市": true, "华人": true, "华侨": true, "文学": true, "文艺": true, "文史": true, "史话": true,
	"花絮": true, "花边": true, "关于": true, "简讯": true, "平台": true, "应用": true, "商业": true,
	"管理": true, "成果": true, "成就": true, "方向": true, "黄页": true, "游戏": true, "司法": true,
	"戏曲": true, "艺术": true, "朱门": true, "于是乎": true, "万象": true, "钱包": true, "任务": true,
}

// personName reports whether s looks like one person's Chinese name as
// bylines print it: two or three Han characters under a common surname,
// or a compound surname and one or two more.
func personName(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 4 || !allHan(s) || notNames[s] {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(orgEndings, last) {
		return false
	}
	for _, c := range compoundSurnames {
		if strings.HasPrefix(s, c) {
			return n >= 3
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	return n <= 3 && strings.ContainsRune(commonSurnames, first)
}

// allHan reports whether s is made of Han characters only.
func allHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

var (
	// A role word, alone or after its outlet ("本报记者", "新京报记者",
	// "光明日报特约记者") and maybe glued to a name ("记者王晓燕").
	bylineRole = regexp.MustCompile(`^(\p{Han}{0,8}?)(特约记者|实习记者|见习记者|首席记者|驻站记者|记者|特约通讯员|通讯员|实习生|作者|撰稿人|撰稿|撰文|执笔人|执笔|口述|特约评论员|评论员|采写|责任编辑|编辑|责编|编审|审核|审校|校对|美编|摄影|摄像|制图|图片|整理|编译|翻译)(\p{Han}{0,4})$`)
	// One name as bylines print it: "王燕平", "阿依古丽·买买提".
	bylineName = regexp.MustCompile(`^(?:\p{Han}{2,4}|\p{Han}{1,6}[·•．]\p{Han}{1,8})$`)
	// Two one-character halves of a name padded to the width of a
	// three-character one: "赵  培".
	paddedName = regexp.MustCompile(`(^|[^\p{Han}])(\p{Han})[ 　]{1,3}(\p{Han})([^\p{Han}]|$)`)
	// A name in brackets on an info line: "[ 黄宇 ]", "【黄宇】".
	bracketName = regexp.MustCompile(`[\[【]\s*(\p{Han}{2,4})\s*[\]】]`)
	// A parenthesis that ends an article: "…发展。（记者 胡晓蓉）".
	trailingParen = regexp.MustCompile(`[（(]([^（）()]{2,40})[）)]\s*[。.]?\s*$`)
)

// Roles whose names are the article's authors; the other roles of
// bylineRole (editors, photographers, translators) are credited but are
// not its authors.
var authorRoles = wordSet("特约记者", "实习记者", "见习记者", "首席记者", "驻站记者", "记者", "特约通讯员", "通讯员",
	"实习生", "作者", "撰稿人", "撰稿", "撰文", "执笔人", "执笔", "口述", "文", "文字", "特约评论员", "评论员", "采写")

// bylineNames reads a line that is only a Chinese byline and returns its
// authors' names: "本报实习生 刘国栋 周炜", "记者 王晓燕 通讯员 李明",
// "新京报记者 彭冲 山东冠县报道", "文/张三 图/李四". Names need a role
// before them unless bare is set; bare names ("常书香 马丹阳") must look
// like names (personName). It returns nil for anything else.
func bylineNames(ln string, bare bool) []string {
	ln = strings.TrimFunc(ln, func(r rune) bool {
		return isSpace(r) || strings.ContainsRune("□■●◆◇○★☆·•—－-–…【】[]（）()<>《》「」『』丨", r)
	})
	if ln == "" || utf8.RuneCountInString(ln) > 60 {
		return nil
	}
	ln = joinPadded(ln)
	tokens := strings.FieldsFunc(ln, func(r rune) bool {
		return isSpace(r) || strings.ContainsRune("、，,/／|｜丨:：;；", r)
	})
	var names, pending []string
	role, seenRole := "", false // "" before any role; "author" or "other"
	name := func(n string) bool {
		if !bylineName.MatchString(n) || noAuthor.MatchString(n) || orgName(n) {
			return false
		}
		switch role {
		case "author":
			names = append(names, n)
		case "":
			pending = append(pending, n)
		}
		return true
	}
	for i, t := range tokens {
		switch {
		case i == 0 && (strings.HasSuffix(t, "讯") || strings.HasSuffix(t, "电")) && utf8.RuneCountInString(t) <= 20:
			// "本报讯", "新华社北京2月1日电": the dateline before the byline.
			continue
		case strings.HasSuffix(t, "报道") || strings.HasPrefix(t, "发自"):
			// "山东冠县报道": where the reporter filed from ends the byline.
			return bylineResult(names, pending, bare, seenRole)
		case (t == "文" || t == "文字") && role == "" && len(pending) > 0:
			// "张三/文 李四/摄": the role follows the names it credits,
			// and the names after it wait for their own.
			names = append(names, pending...)
			pending, seenRole = nil, true
			continue
		case t == "文" || t == "文字":
			role, seenRole = "author", true
			continue
		case t == "图" || t == "摄" || t == "供图" || t == "视频":
			if role == "" {
				pending = nil // "蔡雪婧/摄": the names before were the photographers
			}
			role, seenRole = "other", true
			continue
		}
		if m := bylineRole.FindStringSubmatch(t); m != nil && (m[3] == "" || personName(m[3])) {
			if authorRoles[m[2]] {
				role = "author"
			} else {
				if role == "" && (m[2] == "整理" || m[2] == "编译" || m[2] == "摄影") && m[1] == "" {
					pending = nil // "张三 整理": a credit after the names
				}
				role = "other"
			}
			seenRole = true
			if m[3] != "" {
				name(m[3])
			}
			continue
		}
		if !name(t) {
			if len(names) == 0 && len(pending) == 0 && allHan(t) && utf8.RuneCountInString(t) <= 12 && (orgName(t) || noAuthor.MatchString(t)) {
				// "作者：钱江晚报 记者 方圆", "作者：县融媒体中心 周立": the
				// outlet or department before the person is the
				// publisher, not a name of the byline. After a name it is
				// the author's affiliation ("赵培：北京物资学院"), and the line
				// no byline.
				continue
			}
			return nil
		}
	}
	return bylineResult(names, pending, bare, seenRole)
}

func bylineResult(names, pending []string, bare, seenRole bool) []string {
	if len(names) > 0 {
		return names
	}
	if !bare || seenRole || len(pending) == 0 || len(pending) > 6 {
		return nil
	}
	for _, n := range pending {
		if !personName(n) {
			return nil
		}
	}
	return pending
}

// joinPadded closes the space that typesetters put between the two
// characters of a two-character name ("赵  培" → "赵培").
func joinPadded(s string) string {
	for {
		t := paddedName.ReplaceAllString(s, "$1$2$3$4")
		if t == s {
			return s
		}
		s = t
	}
}

// leadBylines collects the byline lines between the headline and the
// body ("本报实习生 刘国栋 周炜" / "本报记者 王燕平 方云凤"): in the page
// under the headline when the headline is found, else at the start of the
// body.
func leadBylines(full []string, head int, paras []string) string {
	scan := func(lines []string) string {
		var names []string
		for i, ln := range lines {
			if i >= 8 || utf8.RuneCountInString(ln) > 80 {
				break
			}
			names = appendNew(names, bylineNames(ln, false)...)
		}
		return strings.Join(names, " ")
	}
	if head >= 0 {
		if v := scan(full[head+1:]); v != "" {
			return v
		}
	}
	return scan(paraLines(paras, 8))
}

// tailByline reads the byline that Chinese reports print at their end:
// "…发展。（记者 胡晓蓉）", "（姚峰 上海报道）", "□ 本报记者 葛灵丹".
func tailByline(paras []string) string {
	lines := paraLines(paras, -1)
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-4; i-- {
		ln := lines[i]
		if m := trailingParen.FindStringSubmatch(ln); m != nil {
			if names := bylineNames(m[1], true); names != nil {
				return strings.Join(names, " ")
			}
		}
		if names := bylineNames(ln, false); names != nil {
			return strings.Join(names, " ")
		}
	}
	return ""
}

// paraLines splits paragraphs into lines; max > 0 stops after max lines.
func paraLines(paras []string, max int) []string {
	var lines []string
	for _, p := range paras {
		for _, ln := range strings.Split(p, "\n") {
			if ln = strings.TrimFunc(ln, isSpace); ln != "" {
				lines = append(lines, ln)
				if max > 0 && len(lines) == max {
					return lines
				}
			}
		}
	}
	return lines
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, l := range list {
			if l == it {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}

var (
	// Labels of the author on an info line: "作者：", "作　者：", "记者：",
	// "撰稿：", "执笔人：", "文：". A label must not run on from a word
	// ("原文：", "全文："), "本文作者：" excepted.
	authorLabel = regexp.MustCompile(`(?:^|[^\p{Han}]|本文)(?:作\s*者|记\s*者|撰\s*稿\s*人?|撰\s*文|执\s*笔\s*人?|文)\s*[:：]\s*`)
	// "编辑：山石", "【编辑:刘欢】": the plain editor label, not 责任编辑.
	editorLabel = regexp.MustCompile(`(?:^|[^\p{Han}])编\s*辑\s*[:：]\s*`)
	// "发布者：王五", "发布人：王五", "投稿人：王五": who put the piece on
	// the site, a forum or a portal.
	posterLabel = regexp.MustCompile(`(?:发布者|发布人|发表者|发帖人|投稿人|供稿人|撰写人)\s*[:：]\s*`)
	// "责任编辑：王五", "【责编：王五】": the desk editor, credited last.
	chiefEditorLabel = regexp.MustCompile(`(?:责任编辑|责编)\s*[:：]\s*`)
	// The issuing body of an official document (信息公开 tables).
	issuerLabel = regexp.MustCompile(`(?:发文机关|发文单位)\s*[:：]\s*`)
	// Blog and forum footers that name the poster and the time:
	// "由海姑娘张贴 @ 2005-06-14 03:25:55", "ggjjzhzz 发表于 2005-9-15
	// 11:46:00", "Posted by Jane Roe at 10:32 PM".
	footerBy     = regexp.MustCompile(`由\s*([^\s@：:]{1,20}?)\s*(?:张贴|发表|发布|提交|上传)\s*(?:于|@|在)`)
	footerSaid   = regexp.MustCompile(`^(?:作者\s*[:：]\s*)?([^\s:：]{1,20})\s+(?:发表于|发布于|写于|发表在)\s*[:：]?\s*\d`)
	footerPosted = regexp.MustCompile(`(?i)\bposted\s+by\s*[:：]?\s*([^|@,\n]{1,40}?)\s*(?:\s(?:at|on)\s|@|\||,|$)`)
	// Values that say there is no author.
	noAuthor = regexp.MustCompile(`^(佚名|匿名|未知|不详|无|本站|本网|本报|本刊|本站原创|原创|网络|网友|互联网|转载|综合|来源|编辑|作者|小编|管理员|站长)$`)
)

// articleAuthor decides the byline, most trusted first: a configured
// selector; the bylines printed with the article (under the headline, on
// lines the cleaner dropped, at the start or the end of the body, on a
// labelled info line, in a blog footer, a name alone under the headline);
// JSON-LD and head metas, which often hold editor codes or the CMS vendor;
// an element marked as the byline; and last the credits that name someone
// when nothing else does: the plain 编辑, a 来源 that is a person's name,
// the issuing body of an official document.
func articleAuthor(doc *goquery.Document, sel news.Selectors, meta headMeta, ld ldInfo, full []string, heads []int, labelled []string, lm *lineMeta, paras []string, title, docTitle, byline string) string {
	if v := cleanAuthor(selText(doc, sel.Author)); v != "" {
		return v
	}
	head := firstHeadline(heads)
	on := lm.off.on
	if on(RuleAuthorLead) {
		if v := leadBylines(full, head, paras); v != "" {
			return v
		}
	}
	if v := cleanAuthor(lm.author); v != "" {
		return chineseNames(v)
	}
	if on(RuleAuthorLead) {
		if v := reporters(paras); v != "" {
			return v
		}
	}
	if on(RuleAuthorTail) {
		if v := tailByline(paras); v != "" {
			return v
		}
	}
	if on(RuleAuthorLabel) {
		if v := labelledAuthor(labelled); v != "" {
			return v
		}
	}
	if on(RuleAuthorFooter) {
		if v := footerAuthor(full); v != "" {
			return v
		}
	}
	if on(RuleAuthorLead) {
		if v := nearTitleByline(full, head); v != "" {
			return v
		}
	}
	if on(RuleAuthorLeadName) {
		if v := leadName(full, head, paras, title); v != "" {
			return v
		}
	}
	if on(RuleAuthorMeta) {
		if v := cleanAuthor(ld.author); v != "" {
			return v
		}
		for _, k := range authorKeys {
			if v := cleanAuthor(meta[k]); v != "" && !strings.Contains(v, "/") {
				return v
			}
		}
	}
	if byline != "" && on(RuleAuthorElement) {
		return byline
	}
	if on(RuleAuthorCredit) {
		if v := creditedAuthor(labelled); v != "" {
			return v
		}
	}
	if on(RuleAuthorBlog) {
		return blogOwner(docTitle)
	}
	return ""
}

var (
	// "标题_张三_新浪博客", "标题 - 张三 - 搜狐博客": the owner between
	// the headline and the host's name.
	blogHostTitle = regexp.MustCompile(`[_|｜\-–]\s*([^_|｜\-–]{1,20}?)\s*[_|｜\-–]\s*\p{Han}{0,6}(?:博客|BLOG|blog|Blog)\s*$`)
	// "张三的博客", "张三的个人空间", "张三的专栏".
	blogOwnTitle = regexp.MustCompile(`(?:^|[_|｜\-–]\s*)([^_|｜\-–\s]{1,20}?)的(?:博客|BLOG|blog|Blog|个人空间|空间|专栏|日志)`)
)

// blogOwner reads the owner of a blog from the page's <title>: the last
// resort for a post that names no author in its text.
func blogOwner(docTitle string) string {
	for _, re := range []*regexp.Regexp{blogHostTitle, blogOwnTitle} {
		if m := re.FindStringSubmatch(docTitle); m != nil {
			if v := cleanNickname(m[1]); v != "" && utf8.RuneCountInString(v) <= 20 {
				return v
			}
		}
	}
	return ""
}

// labelledAuthor reads the first "作者：…" value of the page's info lines.
func labelledAuthor(labelled []string) string {
	for _, ln := range labelled {
		if len(ln) > 480 || !strings.ContainsAny(ln, "者稿文笔") {
			continue
		}
		if v := authorValue(joinPadded(ln), authorLabel); v != "" {
			return v
		}
	}
	return ""
}

// authorValue returns the names after label on ln: "记者 王晓燕 通讯员
// 李明" gives "王晓燕 李明", "赵培：北京物资学院" gives "赵培", a forum
// nickname ("放飞&心情") is kept as it is.
func authorValue(ln string, label *regexp.Regexp) string {
	v := labelValue(ln, label)
	if i := strings.IndexAny(v, ":：（("); i >= 0 {
		v = v[:i]
	}
	if names := bylineNames("作者 "+v, false); names != nil {
		return strings.Join(names, " ")
	}
	return cleanAuthor(v)
}

// footerAuthor reads the poster of a blog entry or forum post from the
// first footer line that names one.
func footerAuthor(full []string) string {
	for _, ln := range full {
		if len(ln) > 400 || !mayBeFooter(ln) {
			continue
		}
		for _, re := range []*regexp.Regexp{footerBy, footerSaid, footerPosted} {
			if m := re.FindStringSubmatch(ln); m != nil {
				if v := cleanAuthor(m[1]); v != "" && findDate(v) == nil {
					return v
				}
			}
		}
	}
	return ""
}

// mayBeFooter is a cheap guard before the footer regexps.
func mayBeFooter(ln string) bool {
	return strings.Contains(ln, "由") || strings.Contains(ln, "于") || strings.Contains(ln, "发表在") ||
		containsFold(ln, "posted")
}

// leadName finds an author's name printed alone on the line under the
// headline, as essays and blog posts do ("犬儒病(上)" / "胡平"). The name
// must look like one (personName) or be a part of the title
// ("茉莉：我是怎样卷入八九民运的").
func leadName(full []string, head int, paras []string, title string) string {
	ok := func(ln string) string {
		names := bylineNames(ln, true)
		if len(names) == 1 && names[0] == strings.TrimFunc(ln, isSpace) {
			return names[0]
		}
		if n := strings.TrimFunc(ln, isSpace); bylineName.MatchString(n) && titlePart(title, n) {
			return n
		}
		return ""
	}
	if head >= 0 && head+1 < len(full) {
		if v := ok(full[head+1]); v != "" {
			return v
		}
		// "BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]":
		// the info line under the headline names the reporter in brackets.
		for _, ln := range full[head+1 : min(head+4, len(full))] {
			if len(ln) > 300 || findDate(ln) == nil {
				continue
			}
			for _, m := range bracketName.FindAllStringSubmatch(ln, -1) {
				if personName(m[1]) {
					return m[1]
				}
			}
		}
	}
	// The body may begin with the headline lines when the page's title
	// does not match them: a name within its first lines, after short
	// heading lines only.
	lines := paraLines(paras, 3)
	for i, ln := range lines {
		if i > 0 {
			if v := ok(ln); v != "" {
				return v
			}
		}
		if utf8.RuneCountInString(ln) > 40 || endsSentence(ln) {
			break
		}
	}
	return ""
}

// titlePart reports whether name is one of the colon-separated parts of
// the title: "茉莉：我是怎样卷入八九民运的".
func titlePart(title, name string) bool {
	for _, p := range strings.FieldsFunc(title, func(r rune) bool { return r == ':' || r == '：' }) {
		if strings.TrimFunc(p, isSpace) == name {
			return true
		}
	}
	return false
}

// creditedAuthor is the last resort: the one person or body that the
// page credits when it names no author, from its info lines: the plain
// editor ("编辑：山石"), a source that is a person's name ("来源: 尹娟"),
// the issuing body of an official document ("发文机关：吉林省人民政府"),
// the poster ("发布者：王五"), the desk editor ("责任编辑：王五").
func creditedAuthor(labelled []string) string {
	var editor, source, issuer, poster, chief string
	for _, ln := range labelled {
		if len(ln) > 480 || !hasHan(ln) {
			continue
		}
		if editor == "" && strings.Contains(ln, "辑") {
			if v := authorValue(ln, editorLabel); v != "" && allHanNames(v) {
				editor = v
			}
		}
		if poster == "" && (strings.Contains(ln, "发") || strings.Contains(ln, "稿") || strings.Contains(ln, "撰")) {
			if v := cleanAuthor(labelValue(ln, posterLabel)); v != "" && !orgName(v) && utf8.RuneCountInString(v) <= 20 {
				poster = v
			}
		}
		if chief == "" && (strings.Contains(ln, "责任编辑") || strings.Contains(ln, "责编")) {
			if v := labelValue(ln, chiefEditorLabel); personNames(v) {
				chief = v
			}
		}
		if source == "" && mayHaveSourceLabel(ln) {
			if v := strings.TrimFunc(labelValue(ln, sourceLabels), isSpace); personName(v) {
				source = v
			}
		}
		if issuer == "" && strings.Contains(ln, "发文") {
			if v := cleanSource(labelValue(ln, issuerLabel)); v != "" && utf8.RuneCountInString(v) <= 40 {
				issuer = v
			}
		}
	}
	for _, v := range []string{editor, source, issuer, poster, chief} {
		if v != "" {
			return v
		}
	}
	return ""
}

// personNames reports whether v is one to three space-separated names
// that each pass personName.
func personNames(v string) bool {
	f := strings.Fields(v)
	if len(f) == 0 || len(f) > 3 {
		return false
	}
	for _, n := range f {
		if !personName(joinPadded(n)) {
			return false
		}
	}
	return true
}

// allHanNames reports whether v is space-separated Han names.
func allHanNames(v string) bool {
	for _, n := range strings.Fields(v) {
		if !bylineName.MatchString(n) {
			return false
		}
	}
	return v != ""
}
