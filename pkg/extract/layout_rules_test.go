package extract

import (
	"context"
	"strings"
	"testing"
)

// storyParas are filler story paragraphs for the layout tests: long enough
// to be the main content whatever surrounds them.
var storyParas = []string{
	"The county council voted on Tuesday to rebuild the harbour wall, ending a dispute that has lasted almost a decade and cost the town two winters of flooding.",
	"Engineers will start work in the spring, closing the promenade for eighteen months while the old stone is replaced with a higher concrete barrier faced in granite.",
	"Residents who spoke at the meeting said they welcomed the decision but feared the works would keep visitors away from the seafront shops during the summer season.",
	"The council said it would pay for temporary signs and a shuttle bus from the car park, and that the cafes on the front would stay open throughout the works.",
}

func storyHTML() string {
	var b strings.Builder
	for _, p := range storyParas {
		b.WriteString("<p>" + p + "</p>")
	}
	return b.String()
}

// TestLayoutRules checks the general layout rules on small pages built for
// each: what must be dropped is dropped, and the story stays whole.
func TestLayoutRules(t *testing.T) {
	const title = "Council votes to rebuild the harbour wall"
	head := `<html><head><meta charset="utf-8"><title>` + title + ` | The Gazette</title></head><body>`
	tests := []struct {
		name string
		body string
		keep []string // must be paragraphs of the output
		drop []string // must not appear in the text
	}{
		{
			name: "kicker and standfirst around the title, inside the content",
			body: `<div class="story"><div class="rubric">Coastal affairs</div><h1>` + title + `</h1>` +
				`<div class="dek">A decade of argument ends with a vote.</div><div class="byline">By Ann Lee</div>` + storyHTML() + `</div>`,
			drop: []string{"Coastal affairs", "A decade of argument"},
		},
		{
			name: "standfirst paragraph beside the body, before the byline",
			body: `<div class="main"><h1>` + title + `</h1><p class="lead">A decade of argument ends with a vote.</p>` +
				`<div class="autor">Von Ann Lee</div><div class="text">` + storyHTML() + `</div></div>`,
			drop: []string{"A decade of argument"},
		},
		{
			name: "image with a caption in a box of unknown class",
			body: `<div class="text">` + storyHTML()[:strings.Index(storyHTML(), "<p>Engineers")] +
				`<div class="pic"><img src="/a.jpg" width="800"><span class="ph">The old wall after the storm of January. (File photo)</span></div>` +
				storyHTML()[strings.Index(storyHTML(), "<p>Engineers"):] + `</div>`,
			drop: []string{"The old wall after the storm"},
		},
		{
			name: "emoji in a short story paragraph is no picture",
			body: `<div class="text">` + storyHTML() + `<p>The mayor said it was a good day <img class="emoji" src="/e.png" alt=""> for the town.</p></div>`,
			keep: []string{"The mayor said it was a good day for the town."},
		},
		{
			name: "pull quote repeating the story with other quote marks",
			body: `<div class="text"><p>“We have waited long enough,” said Ann Marsh, who chairs the residents’ group, after the vote on Tuesday evening in the town hall.</p>` +
				`<div class="pq"><blockquote><p>"We have waited long enough"</p></blockquote></div>` + storyHTML() + `</div>`,
			drop: []string{`"We have waited long enough"`},
		},
		{
			name: "subheading quoting the story is kept",
			body: `<div class="text">` + storyHTML() + `<h2>'The shops will suffer'</h2><p>One shop owner said: "I fear the shops will suffer all summer, and some of us will not survive it."</p></div>`,
			keep: []string{"'The shops will suffer'"},
		},
		{
			name: "contact and tip lines closing the story",
			body: `<div class="text">` + storyHTML() + `<p><em>Ann Lee can be reached at 555-0142 or alee@gazette.example.</em></p>` +
				`<p><strong>Got a story? Email us at tips@gazette.example or call 0207 000 0000.</strong></p></div>`,
			drop: []string{"can be reached", "Got a story"},
		},
		{
			name: "Chinese editor, source and statement lines",
			body: `<div class="article"><p>原标题：海堤重建获批</p>` +
				`<p>　　县议会周二投票决定重建港口海堤，结束了持续近十年的争议。工程将于明年春季开工，预计耗时十八个月，期间海滨步道将关闭。</p>` +
				`<p>　　居民表示欢迎这一决定，但担心施工会影响夏季旅游旺季的游客数量和海滨商店的生意。议会表示将提供临时指示牌和接驳巴士。</p>` +
				`<p class="editor">责任编辑：张伟</p><p>新浪声明：此消息系转载自合作媒体，登载此文出于传递更多信息之目的，并不意味着赞同其观点。</p></div>`,
			keep: []string{"县议会周二投票决定重建港口海堤，结束了持续近十年的争议。工程将于明年春季开工，预计耗时十八个月，期间海滨步道将关闭。"},
			drop: []string{"原标题", "责任编辑", "新浪声明"},
		},
		{
			name: "live posts keep their titles, not their times",
			body: `<div class="live"><h1>` + title + `</h1><ol>` +
				`<li><article><header><span class="t">14:05</span><h3>Vote passes</h3></header><div class="post-body"><p>` + storyParas[0] + `</p></div></article></li>` +
				`<li><article><header><span class="t">13:40</span><h3>Debate runs late</h3></header><div class="post-body"><p>` + storyParas[1] + `</p></div></article></li>` +
				`<li><article><header><span class="t">13:10</span><h3>Public gallery full</h3></header><div class="post-body"><p>` + storyParas[2] + `</p></div></article></li>` +
				`</ol></div>`,
			keep: []string{"Vote passes", "Debate runs late", "Public gallery full", storyParas[2]},
			drop: []string{"14:05", "13:40"},
		},
	}
	ex := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ex.Extract(context.Background(), Page{URL: "https://gazette.example/news/1", ContentType: "text/html; charset=utf-8",
				Body: []byte(head + `<nav><a href="/">Home</a> <a href="/news">News</a></nav>` + tc.body + `<footer>Gazette Media</footer></body></html>`)})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			for _, k := range tc.keep {
				if !contains(a.Paragraphs, k) {
					t.Errorf("paragraph %q missing from %q", k, a.Paragraphs)
				}
			}
			for _, d := range tc.drop {
				if strings.Contains(a.Text, d) {
					t.Errorf("%q kept in:\n%s", d, a.Text)
				}
			}
			if !strings.Contains(tc.name, "Chinese") {
				for _, p := range storyParas[:3] {
					if !strings.Contains(a.Text, p) {
						t.Errorf("story paragraph lost: %q\n%s", p[:40], a.Text)
					}
				}
			}
		})
	}
}

func TestCJKLabelLine(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"责任编辑：张伟", true},
		{"責任編輯：王小明", true},
		{"原标题：成渝中线高铁全线铺轨", true},
		{"来源：新华网", true},
		{"记者：李明", true},
		{"新浪声明：此消息系转载自新浪合作媒体，新浪网登载此文出于传递更多信息之目的。", true},
		{"记者：您认为这条高铁线路的建成会给沿线城市带来哪些变化？未来还有哪些规划？", false}, // an interview question
		{"专家表示：这条线路的建成将进一步加强两地的联系。", false},
		{"会议指出，要加快推进重点项目建设。", false},
	}
	for _, tc := range tests {
		if got := isCJKLabelLine(tc.in); got != tc.want {
			t.Errorf("isCJKLabelLine(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
