package replay

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// NewProgress returns a progress display for w: a bar with rate and ETA on a
// terminal, a plain line every interval otherwise (logs of a Kubernetes Job).
func NewProgress(w io.Writer, total int64, label string, interval time.Duration) Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{bar: progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("msg"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionFullWidth(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)}
	}
	return &lineProgress{w: w, label: label, interval: interval, start: time.Now()}
}

type barProgress struct{ bar *progressbar.ProgressBar }

func (p *barProgress) Update(sent, total int64) {
	p.bar.ChangeMax64(total)
	_ = p.bar.Set64(sent)
}

// lineProgress prints "label: sent/total (pct) rate msg/s, eta" lines.
type lineProgress struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	interval time.Duration
	start    time.Time
	last     time.Time
}

func (p *lineProgress) Update(sent, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if sent < total && now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rate := float64(sent) / max(el, 1e-9)
	eta := "-"
	if rate > 0 && sent < total {
		eta = time.Duration(float64(total-sent) / rate * float64(time.Second)).Round(time.Second).String()
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(sent) / float64(total)
	}
	fmt.Fprintf(p.w, "%s: %d/%d (%.1f%%) %.0f msg/s, eta %s\n", p.label, sent, total, pct, rate, eta)
}
