package enrich

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuSeconds is the user+system CPU time of the process so far. Articles
// per CPU-second is the per-core throughput even when other processes share
// the machine (wall-clock articles/s then understates it).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSSMiB returns the process's peak resident set (VmHWM) on Linux, or
// -1 where /proc is not available.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return -1
}

// article4K returns a 4 KB English story: the seed article's paragraphs,
// repeated in order until the body reaches 4096 bytes.
func article4K(t testing.TB) Input {
	in := readStory(t, "testdata/seed.txt")
	var b strings.Builder
	for i := 0; b.Len() < 4096; i++ {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(in.Paragraphs[i%len(in.Paragraphs)])
	}
	in.Text = b.String()
	in.Paragraphs = nil
	return in
}

// BenchmarkEnrich measures one full enrichment (language detection
// included) of a 4 KB article. Reported: articles/s, allocations, and the
// heap held after New (embedded lists and language models) and the peak
// resident set of the test process.
// Run: GOMAXPROCS=1 go test -run '^$' -bench Enrich -benchmem ./enrich/
func BenchmarkEnrich(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e := newEnricher(b)
	runtime.GC()
	runtime.ReadMemStats(&after)
	in := article4K(b)
	ctx := context.Background()
	b.SetBytes(int64(len(in.Text)))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	n := 0
	for b.Loop() {
		if _, err := e.Enrich(ctx, in); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "articles/s")
	if c := cpuSeconds() - cpu; c > 0 {
		b.ReportMetric(float64(n)/c, "articles/cpu-s")
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-after-New-MiB")
	if rss := peakRSSMiB(); rss > 0 {
		b.ReportMetric(rss, "peak-RSS-MiB")
	}
}

// BenchmarkEnrichKnownLanguage is the pipeline case: the cleaner already
// set the language, so no detection runs.
func BenchmarkEnrichKnownLanguage(b *testing.B) {
	e := newEnricher(b)
	in := article4K(b)
	in.Language = "en"
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	n := 0
	for b.Loop() {
		if _, err := e.Enrich(ctx, in); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "articles/s")
	if c := cpuSeconds() - cpu; c > 0 {
		b.ReportMetric(float64(n)/c, "articles/cpu-s")
	}
}

// BenchmarkParts times each part alone on the 4 KB article.
func BenchmarkParts(b *testing.B) {
	in := article4K(b)
	in.Language = "en"
	for _, p := range []Part{PartEntities, PartKeywords, PartSummary, PartCategory, PartSentiment} {
		b.Run(string(p), func(b *testing.B) {
			e := newEnricher(b, Only(p))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Enrich(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
