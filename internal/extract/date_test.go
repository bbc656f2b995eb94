package extract

import (
	"testing"
	"time"

	"riverside/internal/news"
)

func TestParseDate(t *testing.T) {
	at := func(s string) string { return s }
	tests := []struct {
		in, want string // want as "2006-01-02 15:04:05" in Shanghai, "" for refused
	}{
		{"2005-07-31 12:30", at("2005-07-31 12:30:00")},
		{"2005-7-31", at("2005-07-31 00:00:00")},
		{"2005年7月31日", at("2005-07-31 00:00:00")},
		{"2004年7月16日08:19", at("2004-07-16 08:19:00")},
		{"2005年08月30日, 星期二 13:22", at("2005-08-30 13:22:00")},
		{"2005年7月31日下午3时20分", at("2005-07-31 15:20:00")},
		{"２００５－０７－３１　１２：３０", at("2005-07-31 00:00:00")},
		{"２００５－０７－３１ 12:30", at("2005-07-31 12:30:00")},
		// ASP.NET's en-US default prints month first, with AM/PM.
		{"7/5/2005 9:23:57 PM", at("2005-07-05 21:23:57")},
		{"9/17/2004 5:54:13 AM", at("2004-09-17 05:54:13")},
		{"17/09/2004", at("2004-09-17 00:00:00")},
		{"06/02/2022 - 13:48", ""}, // day or month first: refused, not guessed
		{"2022-02-06T12:48:06+00:00", at("2022-02-06 20:48:06")},
		{"Nov. 14, 2022", at("2022-11-14 00:00:00")},
		{"2099-01-01", ""}, // the future
		{"1985-01-01", ""}, // before the web
		{"2005-02-30", ""},
	}
	for _, tt := range tests {
		got := ""
		if v, ok := parseDate(tt.in); ok {
			got = v.In(news.Shanghai).Format("2006-01-02 15:04:05")
		}
		if got != tt.want {
			t.Errorf("parseDate(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLineDate(t *testing.T) {
	tests := []struct{ line, want string }{
		{"发布时间：2022-02-13 04:22:18 来源：云南日报", "2022-02-13 04:22"},
		{"发布日期： 7/5/2005 9:23:57 PM", "2005-07-05 21:23"},
		{"由海姑娘张贴 @ 2005-06-14 03:25:55 (370) 共 11 篇评论", "2005-06-14 03:25"},
		{"ggjjzhzz 发表于 2005-9-15 11:46:00", "2005-09-15 11:46"},
		{"报纸网 |发布: 2021-1-29 13:18|点击: 313", "2021-01-29 13:18"},
		{"楼层： 第 1 楼 时间：2005-08-28 20:56:20", "2005-08-28 20:56"},
		{"发表于 05-07-31 12:30", "2005-07-31 12:30"},
		{"Posted on May 3, 2021", "2021-05-03 00:00"},
		{"北京时间2022年2月1日凌晨，比赛开始。", ""}, // a time in the prose
		{"Update: 2022-01-01", ""},
		{"2022-01-01 来源：新华网", ""}, // no label
	}
	for _, tt := range tests {
		got := ""
		if v, ok := lineDate(tt.line); ok {
			got = v.In(news.Shanghai).Format("2006-01-02 15:04")
		}
		if got != tt.want {
			t.Errorf("lineDate(%q): got %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestPublished(t *testing.T) {
	const headline = "<h1>杭州高新区召开数字经济高质量发展大会</h1>"
	tests := []struct{ name, head, body, url, want string }{
		{"the labelled date under the headline comes before a head meta",
			`<meta name="PubDate" content="2024-01-10 09:27">`,
			headline + `<p>发布日期：2024-01-09</p>` + zhBody, "", "2024-01-09 00:00"},
		{"a head meta that agrees gives the time",
			`<meta name="PubDate" content="2024-01-09 09:27">`,
			headline + `<p>发布日期：2024-01-09</p>` + zhBody, "", "2024-01-09 09:27"},
		{"the publication date before the update on one line", "",
			headline + `<p>更新时间：2024-01-12 发布时间：2024-01-09 10:00</p>` + zhBody, "", "2024-01-09 10:00"},
		{"a half-day word before the time", "",
			headline + `<p>发布时间：2024-1-9 下午3:05</p>` + zhBody, "", "2024-01-09 15:05"},
		{"a labelled date in Chinese numerals", "",
			headline + `<p>日期：二〇二四年一月九日</p>` + zhBody, "", "2024-01-09 00:00"},
		{"month and day in one URL segment", "",
			headline + zhBody, "http://zj.example.cn/n2/2024/0109/c186327-1.html", "2024-01-09 00:00"},
		{"an unlabelled info line above the body when no line repeats the title", "",
			`<div>2024年 1月 8日 10:05　来源：杭州日报</div>` + zhBody, "", "2024-01-08 10:05"},
		{"the unlabelled info line under the headline before a comment's labelled date", "",
			headline + `<div>2022-10-11 07:30　来源：都市快报</div>` + zhBody + `<div class="c">书虫小李 发表于 2022-10-11 12:30</div>`, "", "2022-10-11 07:30"},
		{"a today line under the headline is no date", "",
			headline + `<div>今天是2024年5月6日 星期一</div>` + zhBody, "", ""},
		{"a Chinese portal's time meta",
			`<meta name="og:time " content="2019-12-10 14:22:33">`,
			headline + zhBody, "", "2019-12-10 14:22"},
		{"a head meta without a labelled line",
			`<meta name="PubDate" content="2024-01-10 09:27">`,
			headline + zhBody, "", "2024-01-10 09:27"},
		{"a video's upload date",
			`<meta itemprop="uploadDate" content="2021-02-03 04:05:06">`,
			headline + zhBody, "", "2021-02-03 04:05"},
		{"a finer visible time completes the meta's day",
			`<meta name="publishdate" content="2022-02-13">`,
			headline + `<p>2022-02-13 07:00:00来源：央广网</p>` + zhBody, "", "2022-02-13 07:00"},
		{"the labelled date under the headline, not the page header's",
			``,
			`<div>日期：2026-01-01 星期四</div>` + headline + `<p>发布时间：2023-05-06 10:00</p>` + zhBody, "", "2023-05-06 10:00"},
		{"today's date and the copyright are no publication dates",
			``,
			`<div>今天是2023年5月7日</div>` + headline + zhBody + `<p>时间：2023-05-01 更新 © 2023</p>`, "https://example.com/2023-05/06/c_1.htm", "2023-05-06 00:00"},
		{"full-width digits",
			``,
			headline + `<p>发布时间：２０２２－０２－１３　０７：４８</p>` + zhBody, "", "2022-02-13 07:48"},
		{"a blog footer",
			``,
			headline + zhBody + `<p>由海姑娘张贴 @ 2005-06-14 03:25:55 (370)</p>`, "", "2005-06-14 03:25"},
		{"a reprint note dates an essay by its issue",
			``,
			headline + `<div class="content"><p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头，茶农们忙着采摘。</p><p>——《北京之春》1998年3月号</p></div>`, "", "1998-03-01 00:00"},
		{"the URL path, last",
			``,
			headline + zhBody, "https://www.hhtz.gov.cn/art/2024/1/10/art_1487002_59061400.html", "2024-01-10 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractString(t, "<html><head>"+tt.head+"</head><body>"+tt.body+"</body></html>", tt.url)
			got := ""
			if !p.Published.IsZero() {
				got = p.Published.In(news.Shanghai).Format("2006-01-02 15:04")
			}
			if got != tt.want {
				t.Errorf("published: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPublishedZone(t *testing.T) {
	p := extractString(t, `<html><head></head><body><h1>标题在这里</h1><p>发布时间：2023-05-06 10:00</p>`+zhBody+`</body></html>`, "")
	if want := time.Date(2023, 5, 6, 10, 0, 0, 0, news.Shanghai); !p.Published.Equal(want) {
		t.Errorf("published: got %v, want %v (a zone-less time is Shanghai's)", p.Published, want)
	}
}

func TestHanNumber(t *testing.T) {
	for s, want := range map[string]int{"七": 7, "十": 10, "十二": 12, "二十": 20, "二十七": 27, "三十一": 31, "○": 0} {
		if got := hanNumber(s); got != want {
			t.Errorf("hanNumber(%q) = %d, want %d", s, got, want)
		}
	}
}
