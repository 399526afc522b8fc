package score

import (
	"fmt"
	"testing"
)

func TestScoreText(t *testing.T) {
	tests := []struct {
		got, want string
		p, r      float64
	}{
		{"a b c", "a b c", 1, 1},
		{"a b", "a b c d", 1, 0.5},
		{"a b c d", "a b", 0.5, 1},
		{"", "a", 1, 0},
		{"A, b!", "a b", 1, 1},
		{"日本", "日本語", 1, 2.0 / 3},
	}
	for _, tt := range tests {
		s := Text(tt.got, tt.want)
		if fmt.Sprintf("%.3f %.3f", s.Precision, s.Recall) != fmt.Sprintf("%.3f %.3f", tt.p, tt.r) {
			t.Errorf("ScoreText(%q, %q) = P %.3f R %.3f, want %.3f %.3f", tt.got, tt.want, s.Precision, s.Recall, tt.p, tt.r)
		}
	}
}
