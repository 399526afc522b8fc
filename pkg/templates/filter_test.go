package templates

import (
	"reflect"
	"strings"
	"testing"
)

func TestFilter(t *testing.T) {
	story := []string{
		"Storm Surge Floods Harbour",
		"Sea water poured over the harbour wall shortly after midnight on Sunday, flooding dozens of streets.",
		"The surge peaked at 1.9 metres above the normal level, the highest reading since records began.",
		"Forecasters warned that a second, weaker depression would reach the coast on Tuesday evening.",
		"The Harbour Herald is published by Coast Media, 1 Quay Street.",
	}
	tests := []struct {
		name    string
		title   string
		paras   []string
		flags   []bool
		opt     FilterOptions
		want    []string
		dropped int
		capped  bool
	}{
		{
			name: "drops the flagged footer", title: "Storm Surge Floods Harbour", paras: story,
			flags: []bool{false, false, false, false, true},
			want:  story[:4], dropped: 1,
		},
		{
			name: "keeps a paragraph repeating the title", title: "Storm surge floods harbour!", paras: story,
			flags: []bool{true, false, false, false, true},
			want:  story[:4], dropped: 1,
		},
		{
			name: "nothing flagged", title: "x", paras: story,
			flags: make([]bool, 5), want: story,
		},
		{
			name: "too much flagged: a duplicate story, drop nothing", title: "x", paras: story,
			flags: []bool{true, true, true, false, true}, want: story, capped: true,
		},
		{
			name: "a higher cap allows it", title: "x", paras: story,
			flags: []bool{false, true, true, false, true}, opt: FilterOptions{MaxDropShare: 0.9},
			want: []string{story[0], story[3]}, dropped: 3,
		},
		{
			name: "nil flags (Redis error) keep everything", title: "x", paras: story,
			flags: nil, want: story,
		},
		{
			name: "flags of the wrong length keep everything", title: "x", paras: story,
			flags: []bool{true}, want: story,
		},
		{
			name: "empty article", title: "x", paras: nil, flags: nil, want: nil,
		},
		{
			name: "all flagged", title: "", paras: story[1:3],
			flags: []bool{true, true}, want: story[1:3], capped: true,
		},
		{
			name: "CJK text measured by characters", title: "", paras: []string{"日本新聞社の記事はすべての権利を保有しています。", "桜の開花が各地で例年より早く、気象台は来週にも満開になると予想している。観光地では混雑が見込まれる。"},
			flags: []bool{true, false}, want: []string{"桜の開花が各地で例年より早く、気象台は来週にも満開になると予想している。観光地では混雑が見込まれる。"}, dropped: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]string(nil), tc.paras...)
			res := Filter(tc.title, tc.paras, tc.flags, tc.opt)
			if !reflect.DeepEqual(res.Paragraphs, tc.want) {
				t.Errorf("kept %q\nwant %q", res.Paragraphs, tc.want)
			}
			if res.Dropped != tc.dropped || res.Capped != tc.capped {
				t.Errorf("dropped %d capped %v, want %d %v", res.Dropped, res.Capped, tc.dropped, tc.capped)
			}
			if tc.dropped > 0 && (res.DroppedShare <= 0 || res.DroppedShare > DefaultMaxDropShare && tc.opt.MaxDropShare == 0) {
				t.Errorf("dropped share %.3f", res.DroppedShare)
			}
			if !reflect.DeepEqual(tc.paras, before) {
				t.Error("Filter modified its input")
			}
		})
	}
}

func FuzzFilter(f *testing.F) {
	f.Add("Title", "a\nb\nTitle\nc", uint8(5), 0.5)
	f.Fuzz(func(t *testing.T, title, text string, mask uint8, share float64) {
		paras := strings.Split(text, "\n")
		flags := make([]bool, len(paras))
		for i := range flags {
			flags[i] = mask&(1<<(i%8)) != 0
		}
		res := Filter(title, paras, flags, FilterOptions{MaxDropShare: share})
		if len(res.Paragraphs)+res.Dropped != len(paras) {
			t.Fatalf("kept %d + dropped %d != %d", len(res.Paragraphs), res.Dropped, len(paras))
		}
		limit := share
		if !(limit > 0 && limit <= 1) {
			limit = DefaultMaxDropShare
		}
		if res.DroppedShare > limit+1e-9 {
			t.Fatalf("dropped share %.3f over %.3f", res.DroppedShare, limit)
		}
	})
}
