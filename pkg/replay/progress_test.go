package replay

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLineProgress(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, 1000, "replay r-x", time.Hour) // a buffer is not a terminal: plain lines
	p.Update(10, 1000)                                    // first update prints
	p.Update(20, 1000)                                    // within the interval: quiet
	p.Update(1000, 1000)                                  // the end always prints
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	re := regexp.MustCompile(`^replay r-x: (\d+)/1000 \(([\d.]+)%\) \d+ msg/s, eta (\S+)$`)
	for i, want := range []struct{ sent, pct, eta string }{{"10", "1.0", ""}, {"1000", "100.0", "-"}} {
		m := re.FindStringSubmatch(lines[i])
		if m == nil || m[1] != want.sent || m[2] != want.pct || (want.eta != "" && m[3] != want.eta) {
			t.Errorf("line %d %q: want sent %s, %s%%, eta %q", i, lines[i], want.sent, want.pct, want.eta)
		}
	}
}
