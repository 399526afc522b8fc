package pipebench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/enrich"
	"github.com/newsflow/newsflow/pkg/enricher"
	"github.com/newsflow/newsflow/pkg/extract"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/templates"
)

// Rate is the throughput of one measured piece of work.
type Rate struct {
	// Name says what ran.
	Name string `json:"name"`
	// Inputs handled and Outputs produced.
	Inputs  int `json:"inputs"`
	Outputs int `json:"outputs"`
	// Wall and CPU seconds (CPU of the whole process).
	Wall float64 `json:"wall_s"`
	CPU  float64 `json:"cpu_s"`
	// PerSec is Inputs per wall second, PerCPU Inputs per CPU second.
	PerSec float64 `json:"per_s"`
	PerCPU float64 `json:"per_cpu_s"`
	// Batches handled, and Redis round trips per batch (when Redis was used).
	Batches            int     `json:"batches,omitempty"`
	RoundTripsPerBatch float64 `json:"redis_round_trips_per_batch,omitempty"`
}

func (r *Rate) finish() {
	if r.Wall > 0 {
		r.PerSec = float64(r.Inputs) / r.Wall
	}
	if r.CPU > 0 {
		r.PerCPU = float64(r.Inputs) / r.CPU
	}
}

// selfCPU is the CPU time of this process in seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// roundTrips counts Redis commands and pipelines sent: one round trip each.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// InProcess is what the stages do alone, in this process, on the same pages
// as the pipeline: no Kafka, and Redis only where named.
type InProcess struct {
	// Clean is extraction, language, story identity without Redis.
	Clean Rate `json:"clean"`
	// CleanTemplates adds site template learning in Redis.
	CleanTemplates Rate `json:"clean_templates"`
	// CleanDedup adds dedup (the cleaner service's handler).
	CleanDedup Rate `json:"clean_templates_dedup"`
	// CleanOnce adds the exactly-once sink's claims and confirms (the
	// producer is an in-memory log): the whole Redis work of the cleaner.
	CleanOnce Rate `json:"clean_templates_dedup_once"`
	// Enrich is the enricher's handler; EnrichOnce adds its once sink.
	Enrich     Rate `json:"enrich"`
	EnrichOnce Rate `json:"enrich_once"`
	// DedupCost is CleanTemplates.PerSec / CleanDedup.PerSec - 1, over
	// all batches; DedupCostPaired the median over batches of the same
	// ratio (each batch ran through both back to back: robust to load
	// from elsewhere on the machine).
	DedupCost       float64 `json:"dedup_cost"`
	DedupCostPaired float64 `json:"dedup_cost_paired"`
	// PageTime is the time one Clean call takes, one page at a time on one
	// core (ms); LargePageMs its mean for pages of 1 MiB and more.
	PageTime    Latency `json:"clean_page_time"`
	LargePageMs float64 `json:"clean_large_page_ms"`
}

// pageTimes cleans each page alone and returns the distribution of the
// time taken, and the mean for pages of 1 MiB and more.
func pageTimes(ctx context.Context, ex *extract.Extractor, items []Item) (Latency, float64) {
	c := cleaner.New(cleaner.WithExtractor(ex))
	var ds []time.Duration
	var large time.Duration
	nLarge := 0
	for _, it := range items {
		var raw newsflowv1.RawArticle
		if err := proto.Unmarshal(it.Record.Value, &raw); err != nil {
			continue
		}
		t0 := time.Now()
		_, _ = c.Clean(ctx, &raw)
		d := time.Since(t0)
		ds = append(ds, d)
		if it.Size >= 1<<20 {
			large += d
			nLarge++
		}
	}
	mean := 0.0
	if nLarge > 0 {
		mean = float64(large) / float64(nLarge) / float64(time.Millisecond)
	}
	return Summarise(ds), mean
}

// inputs are items as the stage runner hands them to a handler.
func inputs(items []Item) []stage.Input {
	ins := make([]stage.Input, len(items))
	for i, it := range items {
		ins[i] = stage.Input{Topic: "bench.raw", Offset: int64(i), Key: it.Record.Key, Value: it.Record.Value, Headers: it.Record.Headers}
	}
	return ins
}

// RunInProcess measures the stages on items (news.raw records) in batches
// of batchSize with GOMAXPROCS workers, on rdb with keys under prefix
// (deleted afterwards).
func RunInProcess(ctx context.Context, rdb *redis.Client, prefix string, items []Item, batchSize int) (InProcess, error) {
	var res InProcess
	defer deletePrefix(context.WithoutCancel(ctx), rdb, prefix)
	rt := &roundTrips{}
	rdb.AddHook(rt)
	ins := inputs(items)
	ex := extract.New(extract.WithMaxBytes(5 << 20))
	// warm up: language models load on first use, code and caches get hot
	warm := cleaner.New(cleaner.WithExtractor(ex)).BatchHandler()
	_ = warm(ctx, ins[:min(len(ins), 20)])
	res.PageTime, res.LargePageMs = pageTimes(ctx, ex, items)

	window := time.Hour
	var cleaned []stage.Output
	variants := []struct {
		name              string
		dst               *Rate
		tpl, dedup, sinks bool
	}{
		{"clean", &res.Clean, false, false, false},
		{"clean+templates", &res.CleanTemplates, true, false, false},
		{"clean+templates+dedup", &res.CleanDedup, true, true, false},
		{"clean+templates+dedup+once", &res.CleanOnce, true, true, true},
	}
	// Each batch runs through every variant back to back (in rotating
	// order, each variant in its own key space), so that load from elsewhere
	// on the machine hits the variants alike; the dedup cost is the median
	// of the per-batch ratios. One batch at a time: the handler extracts
	// with GOMAXPROCS workers itself.
	const rounds = 2
	warmN := min(20, len(ins)/5)
	type tally struct {
		inputs, outputs, batches int
		wall, cpu                float64
		trips                    int64
	}
	tl := make([]tally, len(variants))
	var ratios []float64
	for round := 0; round < rounds; round++ {
		hs := make([]stage.BatchHandler, len(variants))
		sinks := make([]stage.Sink, len(variants))
		for i, v := range variants {
			p := fmt.Sprintf("%s%s:%d:", prefix, v.name, round)
			opts := []cleaner.Option{cleaner.WithExtractor(ex)}
			if v.tpl {
				opts = append(opts, cleaner.WithTemplates(templates.New(rdb, templates.Config{Prefix: p + "tpl:", TTL: window}), templates.FilterOptions{}))
			}
			if v.dedup {
				ix, err := dedup.NewIndex(rdb, dedup.Config{Prefix: p + "dd:", Window: window})
				if err != nil {
					return res, err
				}
				opts = append(opts, cleaner.WithDedup(ix))
			}
			if v.sinks {
				s, err := newMemSink(rdb, p+"once:")
				if err != nil {
					return res, err
				}
				sinks[i] = s
			}
			hs[i] = cleaner.New(opts...).BatchHandler()
			// the first pages load the Redis scripts, the site templates
			// and the once store's sentinel
			if _, err := runBatch(ctx, v.name, ins[:warmN], hs[i], sinks[i]); err != nil {
				return res, err
			}
		}
		rest := ins[warmN:]
		for k := 0; k*batchSize < len(rest); k++ {
			batch := rest[k*batchSize : min((k+1)*batchSize, len(rest))]
			walls := make([]float64, len(variants))
			for j := range variants {
				i := (j + k + round) % len(variants)
				runtime.GC()
				trips0, cpu0, t0 := rt.n.Load(), selfCPU(), time.Now()
				outs, err := runBatch(ctx, variants[i].name, batch, hs[i], sinks[i])
				if err != nil {
					return res, err
				}
				walls[i] = time.Since(t0).Seconds()
				t := &tl[i]
				t.wall += walls[i]
				t.cpu += selfCPU() - cpu0
				t.trips += rt.n.Load() - trips0
				t.inputs += len(batch)
				t.outputs += len(outs)
				t.batches++
				if variants[i].dedup && !variants[i].sinks && round == 0 {
					cleaned = append(cleaned, outs...)
				}
			}
			if walls[1] > 0 {
				ratios = append(ratios, walls[2]/walls[1])
			}
		}
	}
	for i, v := range variants {
		t := tl[i]
		r := Rate{Name: v.name, Inputs: t.inputs, Outputs: t.outputs, Wall: t.wall, CPU: t.cpu, Batches: t.batches}
		if t.batches > 0 {
			r.RoundTripsPerBatch = float64(t.trips) / float64(t.batches)
		}
		r.finish()
		*v.dst = r
	}
	if len(ratios) > 0 {
		res.DedupCostPaired = Median(ratios) - 1
	}
	if res.CleanDedup.PerSec > 0 {
		res.DedupCost = res.CleanTemplates.PerSec/res.CleanDedup.PerSec - 1
	}

	// the enricher sees one record per story (the cleaner's copies are
	// dropped by its once sink)
	seen := map[string]bool{}
	var stories []stage.Input
	for i, o := range cleaned {
		if seen[o.StoryID] {
			continue
		}
		seen[o.StoryID] = true
		stories = append(stories, stage.Input{Topic: "bench.cleaned", Offset: int64(i), Key: o.Key, Value: o.Value, Headers: o.Headers})
	}
	en, err := enrich.New()
	if err != nil {
		return res, fmt.Errorf("enricher: %w", err)
	}
	h := perRecord(enricher.New(en, nil).Handler(), runtime.GOMAXPROCS(0))
	// two batches at a time, as two partition workers of a service
	workers := runtime.GOMAXPROCS(0)
	warmS := min(10, len(stories)/5)
	_ = h(ctx, stories[:warmS]) // warm up
	if res.Enrich, _, err = runBatches(ctx, "enrich", stories[warmS:], batchSize, workers, h, nil, rt); err != nil {
		return res, err
	}
	s, err := newMemSink(rdb, prefix+"enrich:once:")
	if err != nil {
		return res, err
	}
	// one Write first, alone: it creates the store's sentinel. (Two first
	// Writes at once to a fresh topic can race: the second one's check finds
	// the first one's records but read the sentinel before it existed, and
	// reports the store lost; the services run with auto-rebuild, which
	// heals that by a rebuild and a retry.)
	if _, _, err := runBatches(ctx, "enrich+once", stories[:warmS], batchSize, 1, h, s, rt); err != nil {
		return res, err
	}
	if res.EnrichOnce, _, err = runBatches(ctx, "enrich+once", stories[warmS:], batchSize, workers, h, s, rt); err != nil {
		return res, err
	}
	return res, nil
}

// perRecord runs a per-record handler over a batch with n workers, as the
// stage runner does (MaxInFlight).
func perRecord(h stage.Handler, n int) stage.BatchHandler {
	return func(ctx context.Context, ins []stage.Input) []stage.Result {
		res := make([]stage.Result, len(ins))
		sem := make(chan struct{}, n)
		var wg sync.WaitGroup
		for i := range ins {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				res[i].Outputs, res[i].Err = h(ctx, ins[i])
			}()
		}
		wg.Wait()
		return res
	}
}

// runBatches feeds ins to h in batches, workers batches at a time (as
// partition workers do), and writes each batch's outputs to sink (when
// set); it measures wall and CPU time and Redis round trips.
func runBatches(ctx context.Context, name string, ins []stage.Input, size, workers int, h stage.BatchHandler, sink stage.Sink, rt *roundTrips) (Rate, []stage.Output, error) {
	runtime.GC()
	r := Rate{Name: name, Inputs: len(ins)}
	var batches [][]stage.Input
	for lo := 0; lo < len(ins); lo += size {
		batches = append(batches, ins[lo:min(lo+size, len(ins))])
	}
	outs := make([][]stage.Output, len(batches))
	errs := make([]error, len(batches))
	trips0 := rt.n.Load()
	cpu0, t0 := selfCPU(), time.Now()
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(batches) {
					return
				}
				outs[k], errs[k] = runBatch(ctx, name, batches[k], h, sink)
			}
		}()
	}
	wg.Wait()
	r.Wall, r.CPU = time.Since(t0).Seconds(), selfCPU()-cpu0
	r.Batches = len(batches)
	var all []stage.Output
	for k := range batches {
		if errs[k] != nil {
			return r, nil, errs[k]
		}
		all = append(all, outs[k]...)
	}
	r.Outputs = len(all)
	if n := rt.n.Load() - trips0; n > 0 && r.Batches > 0 {
		r.RoundTripsPerBatch = float64(n) / float64(r.Batches)
	}
	r.finish()
	return r, all, ctx.Err()
}

func runBatch(ctx context.Context, name string, batch []stage.Input, h stage.BatchHandler, sink stage.Sink) ([]stage.Output, error) {
	var bo []stage.Output
	for i, x := range h(ctx, batch) {
		if x.Err != nil {
			if _, rejected := stage.RejectClass(x.Err); rejected {
				continue // the pipeline dead-letters it: not this benchmark's business
			}
			return nil, fmt.Errorf("%s: input %d: %w", name, batch[i].Offset, x.Err)
		}
		for _, o := range x.Outputs {
			if o.Topic == "" {
				o.Topic = "bench.out"
			}
			bo = append(bo, o)
		}
	}
	if sink != nil && len(bo) > 0 {
		if err := sink.Write(ctx, bo); err != nil {
			return nil, fmt.Errorf("%s: write: %w", name, err)
		}
	}
	return bo, nil
}

// deletePrefix removes this benchmark's own keys (never anything else).
func deletePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) {
	if len(prefix) < 8 {
		return // refuse anything that could match other users' keys
	}
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			rdb.Unlink(ctx, batch...)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		rdb.Unlink(ctx, batch...)
	}
}

// newMemSink is an exactly-once sink whose log is in memory: its Redis work
// is real, its produce free.
func newMemSink(rdb redis.UniversalClient, prefix string) (*once.Sink, error) {
	l := &memLog{parts: map[string][][]once.Record{}}
	s, err := once.New(rdb, l, l, once.Config{Prefix: prefix, Window: time.Hour})
	if err != nil {
		return nil, fmt.Errorf("once sink: %w", err)
	}
	return s, nil
}

// memLog is an in-memory topic log with 4 partitions per topic.
type memLog struct {
	mu    sync.Mutex
	parts map[string][][]once.Record
}

const memPartitions = 4

func (l *memLog) topic(t string) [][]once.Record {
	p, ok := l.parts[t]
	if !ok {
		p = make([][]once.Record, memPartitions)
		l.parts[t] = p
	}
	return p
}

// Produce implements once.Producer.
func (l *memLog) Produce(_ context.Context, topic string, partition int, recs []once.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.topic(topic)
	for _, r := range recs {
		r.Offset = int64(len(p[partition]))
		r.Value = nil // the benchmark keeps no bodies
		p[partition] = append(p[partition], r)
	}
	return nil
}

// Partitions implements once.LogReader.
func (l *memLog) Partitions(context.Context, string) (int, error) { return memPartitions, nil }

// Bounds implements once.LogReader.
func (l *memLog) Bounds(_ context.Context, topic string, partitions []int) ([]once.Bounds, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.topic(topic)
	b := make([]once.Bounds, len(partitions))
	for i, id := range partitions {
		b[i] = once.Bounds{End: int64(len(p[id]))}
	}
	return b, nil
}

// Scan implements once.LogReader.
func (l *memLog) Scan(_ context.Context, topic string, partition int, from, to int64, fn func(once.Record) bool) error {
	l.mu.Lock()
	recs := append([]once.Record(nil), l.topic(topic)[partition]...)
	l.mu.Unlock()
	for _, r := range recs {
		if r.Offset >= from && r.Offset < to && !fn(r) {
			break
		}
	}
	return nil
}
