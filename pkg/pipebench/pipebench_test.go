package pipebench

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/corpus"
)

func TestSummarise(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := Summarise(ds)
	want := Latency{N: 100, P50: 50, P90: 90, P99: 99, Max: 100}
	if l != want {
		t.Errorf("Summarise = %+v, want %+v", l, want)
	}
	if (Summarise(nil) != Latency{}) {
		t.Error("no samples must give zeros")
	}
	if l := Summarise([]time.Duration{7 * time.Millisecond}); l.P50 != 7 || l.P99 != 7 || l.Max != 7 {
		t.Errorf("one sample: %+v", l)
	}
}

func TestSlopeAndMedian(t *testing.T) {
	cases := []struct {
		name   string
		xs, ys []float64
		want   float64
	}{
		{"rising", []float64{0, 1, 2, 3}, []float64{1, 3, 5, 7}, 2},
		{"flat", []float64{0, 1, 2}, []float64{4, 4, 4}, 0},
		{"falling with noise", []float64{0, 1, 2, 3}, []float64{10, 9.5, 8, 7.5}, -0.9},
		{"one point", []float64{1}, []float64{1}, 0},
	}
	for _, c := range cases {
		if got := Slope(c.xs, c.ys); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: slope %v, want %v", c.name, got, c.want)
		}
	}
	if m := Median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median %v", m)
	}
	if m := Median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median %v", m)
	}
}

func TestParseStatCPU(t *testing.T) {
	// the command name may hold spaces and parentheses
	line := "1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 1000 50 18446744073709551615"
	cpu, err := parseStatCPU([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if cpu != 3.0 {
		t.Errorf("cpu %v s, want 3 (250+50 ticks)", cpu)
	}
	if _, err := parseStatCPU([]byte("garbage")); err == nil {
		t.Error("garbage parsed")
	}
}

func TestReadProcSelf(t *testing.T) {
	st, err := ReadProc(pidSelf())
	if err != nil {
		t.Fatal(err)
	}
	if st.RSS <= 0 || st.HWM < st.RSS || st.Anon <= 0 || st.Anon > st.RSS || st.CPU < 0 {
		t.Errorf("implausible %+v", st)
	}
}

func TestParseMetrics(t *testing.T) {
	text := `# HELP newsflow_stage_batch_records Records per processed batch.
# TYPE newsflow_stage_batch_records histogram
newsflow_stage_batch_records_bucket{stage="cleaner",le="1"} 3
newsflow_stage_batch_records_sum{stage="cleaner"} 250
newsflow_stage_batch_records_count{stage="cleaner"} 10
newsflow_once_redis_round_trips_total{sink="cleaner@h:1"} 24
newsflow_dedup_resolved_total{kind="new"} 7
newsflow_dedup_resolved_total{kind="near"} 2
go_goroutines 42
`
	m, err := ParseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"newsflow_stage_batch_records_count", nil, 10},
		{"newsflow_stage_batch_records_sum", []string{`stage="cleaner"`}, 250},
		{"newsflow_once_redis_round_trips_total", nil, 24},
		{"newsflow_dedup_resolved_total", nil, 9},
		{"newsflow_dedup_resolved_total", []string{`kind="near"`}, 2},
		{"go_goroutines", nil, 42},
		{"absent", nil, 0},
	} {
		if got := m.Sum(c.name, c.labels...); got != c.want {
			t.Errorf("Sum(%s %v) = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

func TestMixShares(t *testing.T) {
	m := NewMix(MixConfig{Seed: 1, Tag: "t1"})
	const n = 400
	kinds := map[corpus.Kind]int{}
	langs := map[string]int{}
	big, small := 0, 0
	urls := map[string]bool{}
	for i := 0; i < n; i++ {
		it, err := m.Next()
		if err != nil {
			t.Fatal(err)
		}
		kinds[it.Kind]++
		langs[it.Lang]++
		if it.Size >= 2<<20 {
			big++
		}
		if it.Size < 20000 { // 20 KB
			small++
		}
		if it.Kind == corpus.Original && urls[it.URL] {
			t.Errorf("original %s twice", it.URL)
		}
		urls[it.URL] = true
		if !strings.Contains(it.URL, "t1") {
			t.Errorf("url %s lacks the run tag", it.URL)
		}
		if len(it.Record.Key) != 32 || len(it.Record.Value) < it.Size {
			t.Errorf("record of %s: key %q, value %d bytes for a %d byte page", it.URL, it.Record.Key, len(it.Record.Value), it.Size)
		}
	}
	copies := n - kinds[corpus.Original]
	if share := float64(copies) / n; share < 0.2 || share > 0.4 {
		t.Errorf("copies are %.2f of pages, want 0.2-0.4 (%v)", share, kinds)
	}
	for _, k := range []corpus.Kind{corpus.ExactCopy, corpus.TrackingCopy, corpus.AMPCopy, corpus.ChangedCopy} {
		if kinds[k] == 0 {
			t.Errorf("no %s copies", k)
		}
	}
	if len(langs) != 4 || langs["en"] < n/3 {
		t.Errorf("languages %v", langs)
	}
	if big == 0 || small > 0 {
		t.Errorf("%d pages of 2 MiB, %d under 20 KB", big, small)
	}
}

func TestParseMachineBusy(t *testing.T) {
	stat := "cpu  1000 50 300 9000 200 10 20 5 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
	// user+nice+system+irq+softirq+steal = 1000+50+300+10+20+5 ticks
	if got := parseMachineBusy([]byte(stat)); got != 13.85 {
		t.Errorf("busy %v s, want 13.85", got)
	}
	if parseMachineBusy([]byte("intr 1 2 3")) != 0 {
		t.Error("a file without the cpu line must give 0")
	}
}

func TestSteadyRateLeavesOutStartAndTail(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	even := func(n int, every time.Duration) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = t0.Add(time.Duration(i) * every)
		}
		return out
	}
	// 100 stories 10 ms apart from 100 pages, then a 5 s tail of 5 stories:
	// the tail lies beyond the 90th story and must not lower the rate.
	tail := append(even(100, 10*time.Millisecond), even(5, time.Second)[1:]...)
	for i := 100; i < len(tail); i++ {
		tail[i] = tail[i].Add(time.Second)
	}
	tests := []struct {
		name    string
		arrived []time.Time
		pages   int
		want    float64
	}{
		{"even arrivals", even(100, 10*time.Millisecond), 100, 0.8 * 100 / 0.8},
		{"shuffled arrivals", slices.Concat(even(100, 10*time.Millisecond)[50:], even(100, 10*time.Millisecond)[:50]), 100, 0.8 * 100 / 0.8},
		{"too few to tell", even(10, time.Millisecond), 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := steadyRate(tt.arrived, tt.pages); math.Abs(got-tt.want) > 0.01*tt.want+1e-9 {
				t.Errorf("steadyRate = %.2f, want %.2f", got, tt.want)
			}
		})
	}
	if got, wall := steadyRate(tail, 104), 104/tail[len(tail)-1].Sub(t0).Seconds(); got < 4*wall {
		t.Errorf("with a slow tail: steady %.1f/s is not well above the wall rate %.1f/s", got, wall)
	}
}

func TestPlumbingTarget(t *testing.T) {
	run := func(steady, inClean float64, ded *DedicatedRun) Run {
		return Run{
			Saturation: PipelineRun{Pages: 100, Stories: 70, PagesPerSec: steady, SteadyPagesPerSec: steady},
			InProcess:  InProcess{Clean: Rate{PerSec: inClean, PerCPU: inClean / 2}, Enrich: Rate{PerSec: 1000, PerCPU: 500}},
			Dedicated:  ded,
		}
	}
	dedicated := func(pipe, clean float64) *DedicatedRun {
		return &DedicatedRun{Cores: Cores{Stage: []int{0}, Rest: []int{1}},
			Clean: Rate{PerSec: clean}, Pipeline: PipelineRun{Pages: 100, SteadyPagesPerSec: pipe, PagesPerSec: pipe}}
	}
	tests := []struct {
		name string
		runs []Run
		met  bool
		got  string
	}{
		{"shared cores only, below", []Run{run(60, 100, nil)}, false, "all stages, broker and Redis on the same cores: 60.0 / 100.0"},
		{"shared cores only, above", []Run{run(85, 100, nil)}, true, "= 85%"},
		{"dedicated judged, shared below", []Run{run(60, 100, dedicated(42, 50))}, true, "cleaner on dedicated cores: 42.0 / 50.0 pages/s = 84%"},
		{"dedicated below", []Run{run(85, 100, dedicated(35, 50))}, false, "= 70% in the steady state"},
		{"median of run ratios", []Run{run(60, 100, dedicated(30, 50)), run(60, 100, dedicated(45, 50)), run(60, 100, dedicated(41, 50))}, true, "= 82%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Runs: tt.runs}
			r.Summarise()
			t1 := r.Targets[0]
			if t1.Met != tt.met || !strings.Contains(t1.Got, tt.got) {
				t.Errorf("target 1 met=%v got %q; want met=%v and %q", t1.Met, t1.Got, tt.met, tt.got)
			}
		})
	}
}

func TestSoakSlopes(t *testing.T) {
	// 8 samples a minute apart: the first quarter (2) is left out of the fit.
	var tl []Sample
	for i := range 8 {
		m := int64(i)
		tl = append(tl, Sample{At: float64(60 * i),
			RSS:  map[string]int64{"cleaner": (100 + 3*m) << 20, "enricher": 150 << 20},
			Anon: map[string]int64{"cleaner": (80 + 1*m) << 20, "enricher": 120 << 20},
			Lag:  map[string]int64{"cleaner": 10 * m, "enricher": 0}})
	}
	tl[0].RSS["enricher"] = 999 << 20 // a start-up spike in the first quarter does not count
	rss, anon, lg := slopes(tl)
	want := map[string][3]float64{"cleaner": {3, 1, 10}, "enricher": {0, 0, 0}}
	for n, w := range want {
		if got := [3]float64{rss[n], anon[n], lg[n]}; math.Abs(got[0]-w[0]) > 1e-9 || math.Abs(got[1]-w[1]) > 1e-9 || math.Abs(got[2]-w[2]) > 1e-9 {
			t.Errorf("%s: slopes (rss, anon, lag) %v, want %v", n, got, w)
		}
	}
}
