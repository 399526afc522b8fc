package pipebench

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/lag"
)

// Config is one benchmark.
type Config struct {
	// Brokers and RedisURL address the real services (deploy/local).
	Brokers  []string
	RedisURL string
	// BinDir holds the cleaner and enricher binaries.
	BinDir string
	// LogDir receives the services' logs.
	LogDir string
	// Runs is how many times every measurement is repeated (median reported).
	Runs int
	// Pages is the corpus of a saturation measurement.
	Pages int
	// InProcessPages is the corpus of the in-process measurements.
	InProcessPages int
	// LatencyFor is how long pages are offered at half of saturation.
	LatencyFor time.Duration
	// Soak is how long pages are offered at 70% of saturation (0: no soak).
	Soak time.Duration
	// Partitions of every topic.
	Partitions int
	// ServiceArgs are extra flags of both services (e.g. --batch-size 20).
	ServiceArgs []string
	// ServiceEnv are extra environment variables of both services (e.g.
	// GOMEMLIMIT=200MiB).
	ServiceEnv []string
	// AltArgs and AltEnv, when set, make an extra saturation measurement
	// per run with these service flags and environment instead (e.g. a
	// memory-bounded configuration).
	AltArgs, AltEnv []string
	// Seed of the generated pages (default: random per benchmark). Texts of
	// one seed are near duplicates of each other's across tags: a rerun with
	// a fixed seed within the dedup window (1h) meets its earlier stories.
	Seed uint64
	// Sizing runs the Redis memory and broker throughput measurements.
	Sizing bool
	// Logf reports progress.
	Logf func(format string, args ...any)
}

func (c *Config) defaults() {
	if c.Runs <= 0 {
		c.Runs = 3
	}
	if c.Pages <= 0 {
		c.Pages = 2000
	}
	if c.InProcessPages <= 0 {
		c.InProcessPages = 600
	}
	if c.LatencyFor <= 0 {
		c.LatencyFor = 45 * time.Second
	}
	if c.Partitions <= 0 {
		c.Partitions = 4
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
}

// ProcResult is one service process over one measurement.
type ProcResult struct {
	Name string `json:"name"`
	// CPU seconds used between the start and the end of the measurement.
	CPU float64 `json:"cpu_s"`
	// PeakRSS is VmHWM at the end (bytes); RSS the resident set then.
	PeakRSS int64 `json:"peak_rss_bytes"`
	RSS     int64 `json:"rss_bytes"`
	// ReadBytes and WriteBytes passed through read/write system calls
	// (Kafka, Redis and ops traffic) over the measurement.
	ReadBytes  int64 `json:"read_bytes"`
	WriteBytes int64 `json:"write_bytes"`
	// Batches the stage handled, records per batch, and the exactly-once
	// sink's Redis round trips per batch.
	Batches           float64            `json:"batches"`
	RecordsPerBatch   float64            `json:"records_per_batch"`
	OnceTripsPerBatch float64            `json:"once_redis_round_trips_per_batch"`
	DeadLettered      float64            `json:"dead_lettered"`
	ResolvedByKind    map[string]float64 `json:"dedup_resolved,omitempty"`
}

// StageRun is one stage as a process alone on a backlog.
type StageRun struct {
	Stage string `json:"stage"`
	// Inputs consumed, in Wall seconds from joining the group to drained.
	Inputs int     `json:"inputs"`
	Wall   float64 `json:"wall_s"`
	// PerSec is Inputs / Wall: the time to drain a backlog. CommitPerSec
	// is the slope of the committed offsets between 10% and 90% of the
	// backlog (coarse: offsets move a batch at a time).
	PerSec       float64 `json:"per_s"`
	CommitPerSec float64 `json:"commit_slope_per_s"`
	// PerCPU is inputs per CPU second of the process.
	PerCPU float64    `json:"per_cpu_s"`
	Proc   ProcResult `json:"proc"`
}

// PipelineRun is cleaner and enricher as processes together.
type PipelineRun struct {
	Mode string `json:"mode"` // "saturation", "half", "soak"
	// OfferedRate in pages/s (0: all pages preloaded).
	OfferedRate float64 `json:"offered_rate"`
	Pages       int     `json:"pages"`
	Originals   int     `json:"originals"`
	// Stories delivered once to news.enriched; Extra are stories beyond the
	// originals (copies not recognised), Missing originals not delivered.
	Stories int     `json:"stories"`
	Extra   int     `json:"extra_stories"`
	Missing int     `json:"missing_stories"`
	Wall    float64 `json:"wall_s"`
	// PagesPerSec is Pages / Wall (saturation: from the cleaner joining
	// to both groups drained); CommitPagesPerSec the slope of the cleaner
	// group's committed offsets between 10% and 90% (coarse).
	PagesPerSec       float64 `json:"pages_per_s"`
	CommitPagesPerSec float64 `json:"commit_slope_pages_per_s,omitempty"`
	// SteadyPagesPerSec is the end-to-end rate once the pipeline is
	// running: 80% of the pages over the time between the arrival on the
	// enriched topic of 10% and of 90% of the stories (record timestamps).
	// Unlike PagesPerSec it leaves out the start (first fetches, the
	// enricher waiting for the first stories) and the enricher's tail.
	SteadyPagesPerSec float64 `json:"steady_pages_per_s,omitempty"`
	StoriesPerSec     float64 `json:"stories_per_s"`
	// PagesPerCPU is pages per CPU second of cleaner plus enricher.
	PagesPerCPU float64      `json:"pages_per_cpu_s"`
	Procs       []ProcResult `json:"procs"`
	// BrokerCPU and RedisCPU are CPU seconds of the shared servers over the
	// measurement (other users' load included).
	BrokerCPU float64 `json:"broker_cpu_s"`
	RedisCPU  float64 `json:"redis_cpu_s"`
	// FeederCPU is the benchmark process's CPU seconds (the fetcher's
	// stand-in: page generation, encoding, zstd, produce); MachineCores the
	// cores the whole machine was busy on average (everyone's work).
	FeederCPU    float64 `json:"feeder_cpu_s"`
	MachineCores float64 `json:"machine_busy_cores"`
	// Latencies from the record timestamps: produce on news.raw to
	// news.enriched, and per stage.
	Latency        Latency `json:"latency_e2e"`
	LatencyCleaner Latency `json:"latency_cleaner"`
	LatencyEnrich  Latency `json:"latency_enricher"`
	// Payload bytes (keys and values, before compression) per topic.
	RawBytes      int64 `json:"raw_bytes"`
	CleanedBytes  int64 `json:"cleaned_bytes"`
	EnrichedBytes int64 `json:"enriched_bytes"`
	Late          int   `json:"late_offers,omitempty"`
	// Timeline of a soak.
	Timeline []Sample `json:"timeline,omitempty"`
	// Slopes over the soak after its first quarter.
	RSSSlopeMiBPerMin map[string]float64 `json:"rss_slope_mib_per_min,omitempty"`
	LagSlopePerMin    map[string]float64 `json:"lag_slope_records_per_min,omitempty"`
	// AnonSlopeMiBPerMin is the slope of the anonymous part of RSS (the
	// heap): what a leak would raise, without the mapped binary's pages.
	AnonSlopeMiBPerMin map[string]float64 `json:"rss_anon_slope_mib_per_min,omitempty"`
}

// Sample is one point of a soak timeline.
type Sample struct {
	At   float64          `json:"t_s"`
	RSS  map[string]int64 `json:"rss_bytes"`
	Anon map[string]int64 `json:"rss_anon_bytes,omitempty"`
	Lag  map[string]int64 `json:"lag"`
}

// Run is one repetition.
type Run struct {
	Index         int           `json:"index"`
	LoadBefore    [3]float64    `json:"loadavg_before"`
	LoadAfter     [3]float64    `json:"loadavg_after"`
	CleanerAlone  StageRun      `json:"cleaner_alone"`
	EnricherAlone StageRun      `json:"enricher_alone"`
	FetcherAlone  *FetcherRun   `json:"fetcher_alone,omitempty"`
	Saturation    PipelineRun   `json:"saturation"`
	FedSaturation PipelineRun   `json:"fed_saturation"`
	AltSaturation *PipelineRun  `json:"alt_saturation,omitempty"`
	Dedicated     *DedicatedRun `json:"dedicated,omitempty"`
	Half          PipelineRun   `json:"half_saturation"`
	InProcess     InProcess     `json:"in_process"`
}

// Bench runs the measurements.
type Bench struct {
	cfg Config
	bc  broker.Config
	// kc is the admin client of every measurement's polling: one for the
	// whole benchmark, as each client polls the cluster's metadata.
	kc    *kafka.Client
	rdb   *redis.Client
	runID string
	// cores, while set, runs the services on dedicated cores (Dedicated).
	cores *Cores
}

// New checks the services and returns a Bench.
func New(ctx context.Context, cfg Config) (*Bench, error) {
	cfg.defaults()
	bc := broker.Config{Brokers: cfg.Brokers, ClientID: "newsflow-pipebench", DialTimeout: 5 * time.Second}
	if err := bc.Ping(ctx); err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	for _, b := range []string{"cleaner", "enricher"} {
		if _, err := os.Stat(filepath.Join(cfg.BinDir, b)); err != nil {
			return nil, fmt.Errorf("binary %s: %w (run make build)", b, err)
		}
	}
	if cfg.LogDir == "" {
		if cfg.LogDir, err = os.MkdirTemp("", "pipebench-logs-"); err != nil {
			return nil, err
		}
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	if cfg.Seed == 0 {
		var s [8]byte
		_, _ = rand.Read(s[:])
		cfg.Seed = binary.LittleEndian.Uint64(s[:]) >> 8
	}
	return &Bench{cfg: cfg, bc: bc, kc: bc.Client(), rdb: rdb, runID: "pb" + hex.EncodeToString(b[:])}, nil
}

// Close releases the Kafka and Redis clients.
func (b *Bench) Close() error {
	broker.CloseClient(b.kc)
	return b.rdb.Close()
}

// LogDir is where the services' logs are.
func (b *Bench) LogDir() string { return b.cfg.LogDir }

func (b *Bench) topics(name string) Topics {
	p := b.runID + "-" + name
	return Topics{Raw: p + ".raw", Cleaned: p + ".cleaned", Enriched: p + ".enriched"}
}

func (b *Bench) serviceArgs(stage, group, in, out string) []string {
	args := []string{"--brokers", strings.Join(b.bc.Brokers, ","), "--redis-url", b.cfg.RedisURL,
		"--group", group, "--input-topic", in, "--output-topic", out, "--dlq-topic", in + ".dlq",
		"--log-level", "info", "--once-window", "1h", "--client-id", "pipebench-" + stage}
	if stage == "cleaner" {
		args = append(args, "--dedup-window", "1h")
	}
	return append(args, b.cfg.ServiceArgs...)
}

func (b *Bench) start(ctx context.Context, stage string, t Topics, name string) (*Service, error) {
	in, out := t.Raw, t.Cleaned
	if stage == "enricher" {
		in, out = t.Cleaned, t.Enriched
	}
	var launcher []string
	if b.cores != nil {
		cpus := b.cores.Rest
		if stage == "cleaner" {
			cpus = b.cores.Stage
		}
		var err error
		if launcher, err = tasksetPrefix(cpus); err != nil {
			return nil, err
		}
	}
	s, err := startService(launcher, stage, filepath.Join(b.cfg.BinDir, stage), b.cfg.LogDir, b.cfg.ServiceEnv, b.serviceArgs(stage, b.group(name, stage), in, out)...)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.WaitReady(rctx); err != nil {
		_ = s.Stop(5 * time.Second)
		return nil, err
	}
	return s, nil
}

func (b *Bench) group(name, stage string) string { return b.runID + "-" + name + "-" + stage }

// waitJoined waits until the service has joined its consumer group and
// returns when it saw that.
func waitJoined(ctx context.Context, s *Service, stage string) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		if done, err := s.Exited(); done {
			return time.Time{}, fmt.Errorf("%s exited: %v\n%s", s.Name, err, s.LogTail(4000))
		}
		m, err := s.Metrics(ctx)
		if err == nil && m.Sum("newsflow_stage_generations_total", `stage="`+stage+`"`) >= 1 {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%s did not join its group: %w", s.Name, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// progress is a consumer group's committed offsets over time.
type progress struct {
	at   []time.Time
	done []int64
}

// rate is the slope of the committed count between 10% and 90% of total.
func (p progress) rate(total int64) float64 { return progressRate(p.at, p.done, total) }

// drained waits until group has committed every partition of topic to its
// end, and that end holds at least min records; it samples the committed
// count every poll interval.
func (b *Bench) drained(ctx context.Context, group, topic string, min int64, timeout time.Duration, procs ...*Service) (time.Time, error) {
	end, _, err := b.drainedProgress(ctx, group, topic, min, timeout, 100*time.Millisecond, procs...)
	return end, err
}

func (b *Bench) drainedProgress(ctx context.Context, group, topic string, min int64, timeout, poll time.Duration, procs ...*Service) (time.Time, progress, error) {
	var pr progress
	deadline := time.Now().Add(timeout)
	for {
		ps, err := lag.Of(ctx, b.kc, group, topic)
		if err == nil {
			var end, done int64
			ok := true
			for _, p := range ps {
				end += p.End
				done += max(0, p.Committed)
				if p.End > 0 && p.Committed != p.End {
					ok = false
				}
			}
			pr.at, pr.done = append(pr.at, time.Now()), append(pr.done, done)
			if ok && end >= min {
				return time.Now(), pr, nil
			}
		}
		for _, p := range procs {
			if done, perr := p.Exited(); done {
				return time.Time{}, pr, fmt.Errorf("%s exited: %v\n%s", p.Name, perr, p.LogTail(4000))
			}
		}
		if time.Now().After(deadline) {
			return time.Time{}, pr, fmt.Errorf("group %s not drained on %s after %s (lag %+v, %v)", group, topic, timeout, ps, err)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, pr, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// snapshot reads /proc of each service.
func snapshot(procs ...*Service) map[string]ProcStat {
	m := map[string]ProcStat{}
	for _, p := range procs {
		if st, err := ReadProc(p.Pid()); err == nil {
			m[p.Name] = st
		}
	}
	return m
}

// procResult is a process's usage between two snapshots plus its metrics.
func procResult(ctx context.Context, s *Service, before, after ProcStat) ProcResult {
	r := ProcResult{Name: s.Name, CPU: after.CPU - before.CPU, PeakRSS: after.HWM, RSS: after.RSS,
		ReadBytes: after.ReadBytes - before.ReadBytes, WriteBytes: after.WriteBytes - before.WriteBytes}
	if m, err := s.Metrics(ctx); err == nil {
		r.Batches = m.Sum("newsflow_stage_batch_records_count")
		if r.Batches > 0 {
			r.RecordsPerBatch = m.Sum("newsflow_stage_batch_records_sum") / r.Batches
			r.OnceTripsPerBatch = m.Sum("newsflow_once_redis_round_trips_total") / r.Batches
		}
		r.DeadLettered = m.Sum("newsflow_stage_dead_lettered_total")
		for _, k := range []string{"new", "url", "content", "near"} {
			if v := m.Sum("newsflow_dedup_resolved_total", `kind="`+k+`"`); v > 0 {
				if r.ResolvedByKind == nil {
					r.ResolvedByKind = map[string]float64{}
				}
				r.ResolvedByKind[k] = v
			}
		}
	}
	return r
}

// feedAll generates n pages of mix and writes them in chunks.
func (b *Bench) feedAll(ctx context.Context, f *Feeder, mix *Mix, n int) (originals int, err error) {
	const chunk = 16
	var buf []Item
	for i := 0; i < n; i++ {
		it, err := mix.Next()
		if err != nil {
			return 0, err
		}
		if it.Kind == corpus.Original {
			originals++
		}
		buf = append(buf, it)
		if len(buf) == chunk || i == n-1 {
			if err := f.Write(ctx, buf...); err != nil {
				return 0, err
			}
			buf = buf[:0]
		}
	}
	return originals, nil
}

// saturationSeed is the seed of a run's saturation pages.
func (b *Bench) saturationSeed(run int) uint64 { return b.cfg.Seed + uint64(run)*10 + 2 }

// items generates n pages of the mix for an in-process measurement.
func (b *Bench) items(name string, seed uint64, n int) ([]Item, error) {
	mix := b.mix(name, seed)
	items := make([]Item, 0, n)
	for range n {
		it, err := mix.Next()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

func (b *Bench) mix(name string, seed uint64) *Mix {
	return NewMix(MixConfig{Seed: seed, Tag: b.runID + name})
}

// StageAlone measures the cleaner alone on a backlog of Pages pages, then
// the enricher alone on what the cleaner produced.
func (b *Bench) StageAlone(ctx context.Context, run int) (StageRun, StageRun, error) {
	name := fmt.Sprintf("r%da", run)
	t := b.topics(name)
	defer b.cleanup(t)
	if err := CreateTopics(ctx, b.bc, t, b.cfg.Partitions); err != nil {
		return StageRun{}, StageRun{}, err
	}
	f := NewFeeder(b.bc, t.Raw)
	if _, err := b.feedAll(ctx, f, b.mix(name, b.cfg.Seed+uint64(run)*10+1), b.cfg.Pages); err != nil {
		f.Close()
		return StageRun{}, StageRun{}, err
	}
	f.Close()
	var res [2]StageRun
	for i, stage := range []string{"cleaner", "enricher"} {
		in := t.Raw
		if stage == "enricher" {
			in = t.Cleaned
		}
		total, err := EndOffsets(ctx, b.bc, in)
		if err != nil {
			return res[0], res[1], err
		}
		if stage == "enricher" {
			// the enricher is an order of magnitude faster: give it five
			// times the cleaner's stories (copies made new stories), so that
			// its drain lasts long enough to time
			n, err := Amplify(ctx, b.bc, in, 5)
			if err != nil {
				return res[0], res[1], err
			}
			total = int64(n)
		}
		s, err := b.start(ctx, stage, t, name)
		if err != nil {
			return res[0], res[1], err
		}
		joined, err := waitJoined(ctx, s, stage)
		before := snapshot(s)
		var end time.Time
		var pr progress
		if err == nil {
			end, pr, err = b.drainedProgress(ctx, b.group(name, stage), in, total, 15*time.Minute, 25*time.Millisecond, s)
		}
		after := snapshot(s)
		prc := procResult(ctx, s, before[stage], after[stage])
		if serr := s.Stop(30 * time.Second); serr != nil && err == nil {
			err = serr
		}
		if err != nil {
			return res[0], res[1], err
		}
		r := StageRun{Stage: stage, Inputs: int(total), Wall: end.Sub(joined).Seconds(), Proc: prc}
		r.PerSec = float64(r.Inputs) / r.Wall
		r.CommitPerSec = pr.rate(total)
		if prc.CPU > 0 {
			r.PerCPU = float64(r.Inputs) / prc.CPU
		}
		res[i] = r
		b.cfg.Logf("run %d: %s alone: %d inputs in %.1fs (join to drained) = %.1f/s, %.1f per CPU-s, peak RSS %.0f MiB",
			run, stage, r.Inputs, r.Wall, r.PerSec, r.PerCPU, float64(prc.PeakRSS)/(1<<20))
	}
	return res[0], res[1], nil
}

// startPipeline starts the enricher, then the cleaner, each joined.
func (b *Bench) startPipeline(ctx context.Context, t Topics, name string) (cl, en *Service, joined time.Time, err error) {
	en, err = b.start(ctx, "enricher", t, name)
	if err != nil {
		return nil, nil, joined, err
	}
	if _, err = waitJoined(ctx, en, "enricher"); err != nil {
		_ = en.Stop(10 * time.Second)
		return nil, nil, joined, err
	}
	cl, err = b.start(ctx, "cleaner", t, name)
	if err != nil {
		_ = en.Stop(10 * time.Second)
		return nil, nil, joined, err
	}
	if joined, err = waitJoined(ctx, cl, "cleaner"); err != nil {
		_ = cl.Stop(10 * time.Second)
		_ = en.Stop(10 * time.Second)
		return nil, nil, joined, err
	}
	return cl, en, joined, nil
}

// Saturation preloads Pages pages and measures the pipeline draining them.
func (b *Bench) Saturation(ctx context.Context, run int) (PipelineRun, error) {
	return b.saturation(ctx, run, fmt.Sprintf("r%ds", run))
}

// AltSaturation is Saturation with the services run with AltArgs and AltEnv.
func (b *Bench) AltSaturation(ctx context.Context, run int) (PipelineRun, error) {
	args, env := b.cfg.ServiceArgs, b.cfg.ServiceEnv
	b.cfg.ServiceArgs = append(append([]string(nil), args...), b.cfg.AltArgs...)
	b.cfg.ServiceEnv = append(append([]string(nil), env...), b.cfg.AltEnv...)
	defer func() { b.cfg.ServiceArgs, b.cfg.ServiceEnv = args, env }()
	r, err := b.saturation(ctx, run, fmt.Sprintf("r%dx", run))
	r.Mode = "saturation, alternative configuration"
	return r, err
}

func (b *Bench) saturation(ctx context.Context, run int, name string) (PipelineRun, error) {
	return b.saturate(ctx, run, name, false)
}

// FedSaturation starts the pipeline first and then feeds Pages pages as fast
// as the feeder goes, timing from the first page to both groups drained:
// the producing side (the fetcher's stand-in compressing pages, the broker
// taking them in) shares the machine with the pipeline, as it does in
// every offered-rate measurement on one box. It is the rate the half-rate
// and soak measurements are derived from.
func (b *Bench) FedSaturation(ctx context.Context, run int) (PipelineRun, error) {
	r, err := b.saturate(ctx, run, fmt.Sprintf("r%df", run), true)
	r.Mode = "saturation, fed while running"
	return r, err
}

func (b *Bench) saturate(ctx context.Context, run int, name string, fed bool) (PipelineRun, error) {
	t := b.topics(name)
	defer b.cleanup(t)
	r := PipelineRun{Mode: "saturation", Pages: b.cfg.Pages}
	if err := CreateTopics(ctx, b.bc, t, b.cfg.Partitions); err != nil {
		return r, err
	}
	f := NewFeeder(b.bc, t.Raw)
	defer f.Close()
	var err error
	mix := b.mix(name, b.saturationSeed(run))
	if !fed {
		if r.Originals, err = b.feedAll(ctx, f, mix, b.cfg.Pages); err != nil {
			return r, err
		}
	}
	cl, en, joined, err := b.startPipeline(ctx, t, name)
	if err != nil {
		return r, err
	}
	feed0 := selfCPU()
	fedErr := make(chan error, 1)
	if fed {
		joined = time.Now()
		go func() {
			var err error
			r.Originals, err = b.feedAll(ctx, f, mix, b.cfg.Pages)
			fedErr <- err
		}()
	} else {
		fedErr <- nil
	}
	servers := b.serverPids()
	before, sb := snapshot(cl, en), serverCPU(servers)
	busy0 := MachineBusy()
	end, pr, err := b.drainedProgress(ctx, b.group(name, "cleaner"), t.Raw, int64(b.cfg.Pages), 15*time.Minute, 50*time.Millisecond, cl, en)
	if err == nil {
		var cleaned int64
		if cleaned, err = EndOffsets(ctx, b.bc, t.Cleaned); err == nil {
			end, err = b.drained(ctx, b.group(name, "enricher"), t.Cleaned, cleaned, 5*time.Minute, cl, en)
		}
	}
	after, sa, busy1 := snapshot(cl, en), serverCPU(servers), MachineBusy()
	r.FeederCPU = selfCPU() - feed0
	r.Procs = []ProcResult{procResult(ctx, cl, before["cleaner"], after["cleaner"]), procResult(ctx, en, before["enricher"], after["enricher"])}
	r.BrokerCPU, r.RedisCPU = sa[0]-sb[0], sa[1]-sb[1]
	stopBoth(cl, en)
	if ferr := <-fedErr; ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return r, err
	}
	r.Wall = end.Sub(joined).Seconds()
	r.MachineCores = (busy1 - busy0) / r.Wall
	if err := b.collect(ctx, t, f, &r); err != nil {
		return r, err
	}
	r.PagesPerSec = float64(r.Pages) / r.Wall
	r.CommitPagesPerSec = pr.rate(int64(r.Pages))
	r.StoriesPerSec = r.PagesPerSec * float64(r.Stories) / float64(r.Pages)
	if cpu := r.Procs[0].CPU + r.Procs[1].CPU; cpu > 0 {
		r.PagesPerCPU = float64(r.Pages) / cpu
	}
	b.cfg.Logf("run %d: %s saturation: %d pages (%d stories) in %.1fs = %.1f pages/s, %.1f pages per CPU-s; peak RSS cleaner %.0f MiB, enricher %.0f MiB",
		run, name, r.Pages, r.Stories, r.Wall, r.PagesPerSec, r.PagesPerCPU, float64(r.Procs[0].PeakRSS)/(1<<20), float64(r.Procs[1].PeakRSS)/(1<<20))
	return r, nil
}

func stopBoth(cl, en *Service) {
	_ = cl.Stop(30 * time.Second)
	_ = en.Stop(30 * time.Second)
}

// Offered feeds pages at rate for d and measures latency; a soak (sample
// > 0) also records RSS and lag every sample.
func (b *Bench) Offered(ctx context.Context, name, mode string, rate float64, d, sample time.Duration, seed uint64) (PipelineRun, error) {
	t := b.topics(name)
	defer b.cleanup(t)
	r := PipelineRun{Mode: mode, OfferedRate: rate}
	if err := CreateTopics(ctx, b.bc, t, b.cfg.Partitions); err != nil {
		return r, err
	}
	f := NewFeeder(b.bc, t.Raw)
	defer f.Close()
	cl, en, _, err := b.startPipeline(ctx, t, name)
	if err != nil {
		return r, err
	}
	defer stopBoth(cl, en)
	mix := b.mix(name, seed)
	// warm up: a few pages through the whole pipeline first (connections,
	// metadata, scripts loaded); they are not measured
	warm, err := b.feedAll(ctx, f, mix, 8)
	if err == nil {
		_, err = b.drained(ctx, b.group(name, "enricher"), t.Cleaned, int64(warm), 2*time.Minute, cl, en)
	}
	if err != nil {
		return r, fmt.Errorf("warm-up: %w", err)
	}
	f.Reset()
	servers := b.serverPids()
	before, sb := snapshot(cl, en), serverCPU(servers)
	feed0, busy0 := selfCPU(), MachineBusy()
	fctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var sampled chan []Sample
	if sample > 0 {
		sampled = make(chan []Sample, 1)
		go func() { sampled <- b.sampler(fctx, start, sample, name, t, cl, en) }()
	}
	var feedErr error
	offered, late, ferr := f.Paced(fctx, rate, 16, func() (Item, bool) {
		it, err := mix.Next()
		if err != nil {
			feedErr = err
			return Item{}, false
		}
		if it.Kind == corpus.Original {
			r.Originals++
		}
		return it, true
	})
	r.Pages, r.Late = offered, late
	if err := errors.Join(feedErr, ferr); err != nil {
		return r, err
	}
	if sampled != nil {
		r.Timeline = <-sampled
	}
	end, err := b.drained(ctx, b.group(name, "cleaner"), t.Raw, int64(offered+8), 10*time.Minute, cl, en)
	if err == nil {
		var cleaned int64
		if cleaned, err = EndOffsets(ctx, b.bc, t.Cleaned); err == nil {
			end, err = b.drained(ctx, b.group(name, "enricher"), t.Cleaned, cleaned, 5*time.Minute, cl, en)
		}
	}
	if err != nil {
		return r, err
	}
	after, sa, busy1 := snapshot(cl, en), serverCPU(servers), MachineBusy()
	r.FeederCPU = selfCPU() - feed0
	r.Procs = []ProcResult{procResult(ctx, cl, before["cleaner"], after["cleaner"]), procResult(ctx, en, before["enricher"], after["enricher"])}
	r.BrokerCPU, r.RedisCPU = sa[0]-sb[0], sa[1]-sb[1]
	r.Wall = end.Sub(start).Seconds()
	r.MachineCores = (busy1 - busy0) / r.Wall
	if err := b.collect(ctx, t, f, &r); err != nil {
		return r, err
	}
	r.Stories -= warm // the warm-up pages are all originals
	r.PagesPerSec = float64(r.Pages) / r.Wall
	r.StoriesPerSec = float64(r.Stories) / r.Wall
	if cpu := r.Procs[0].CPU + r.Procs[1].CPU; cpu > 0 {
		r.PagesPerCPU = float64(r.Pages) / cpu
	}
	if len(r.Timeline) > 4 {
		r.RSSSlopeMiBPerMin, r.AnonSlopeMiBPerMin, r.LagSlopePerMin = slopes(r.Timeline)
	}
	b.cfg.Logf("%s: offered %.1f pages/s for %s (%d pages, %d late): e2e latency p50 %.0f ms p90 %.0f p99 %.0f max %.0f; peak RSS cleaner %.0f MiB enricher %.0f MiB",
		name, rate, d, offered, late, r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max,
		float64(r.Procs[0].PeakRSS)/(1<<20), float64(r.Procs[1].PeakRSS)/(1<<20))
	return r, nil
}

// sampler records RSS and lag every interval until ctx ends.
func (b *Bench) sampler(ctx context.Context, start time.Time, every time.Duration, name string, t Topics, procs ...*Service) []Sample {
	var out []Sample
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return out
		case <-tick.C:
		}
		s := Sample{At: time.Since(start).Seconds(), RSS: map[string]int64{}, Anon: map[string]int64{}, Lag: map[string]int64{}}
		for n, st := range snapshot(procs...) {
			s.RSS[n], s.Anon[n] = st.RSS, st.Anon
		}
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		for _, g := range []struct{ stage, topic string }{{"cleaner", t.Raw}, {"enricher", t.Cleaned}} {
			if ps, err := lag.Of(lctx, b.kc, b.group(name, g.stage), g.topic); err == nil {
				s.Lag[g.stage] = lag.Total(ps)
			}
		}
		cancel()
		out = append(out, s)
	}
}

// slopes fits RSS and its anonymous part (MiB/min) and lag (records/min)
// after the first quarter.
func slopes(tl []Sample) (rss, anon, lg map[string]float64) {
	rss, anon, lg = map[string]float64{}, map[string]float64{}, map[string]float64{}
	from := len(tl) / 4
	for _, n := range []string{"cleaner", "enricher"} {
		var xs, ys, as, ls []float64
		for _, s := range tl[from:] {
			xs = append(xs, s.At/60)
			ys = append(ys, float64(s.RSS[n])/(1<<20))
			as = append(as, float64(s.Anon[n])/(1<<20))
			ls = append(ls, float64(s.Lag[n]))
		}
		rss[n], anon[n], lg[n] = Slope(xs, ys), Slope(xs, as), Slope(xs, ls)
	}
	return rss, anon, lg
}

// collect reads the outputs and fills stories, latencies and bytes.
func (b *Bench) collect(ctx context.Context, t Topics, f *Feeder, r *PipelineRun) error {
	cleaned, err := ReadOutputs(ctx, b.bc, t.Cleaned, false)
	if err != nil {
		return err
	}
	enriched, err := ReadOutputs(ctx, b.bc, t.Enriched, true)
	if err != nil {
		return err
	}
	r.RawBytes = f.Bytes()
	cleanedAt := map[string]time.Time{}
	var lc, le, lx []time.Duration
	for _, c := range cleaned {
		r.CleanedBytes += int64(c.Bytes)
		cleanedAt[c.StoryID] = c.Time
		if p, ok := f.Produced(c.URL); ok {
			lc = append(lc, c.Time.Sub(p))
		}
	}
	seen := map[string]bool{}
	var arrived []time.Time
	for _, e := range enriched {
		r.EnrichedBytes += int64(e.Bytes)
		if seen[e.StoryID] {
			continue
		}
		seen[e.StoryID] = true
		arrived = append(arrived, e.Time)
		if p, ok := f.Produced(e.URL); ok {
			lx = append(lx, e.Time.Sub(p))
		}
		if c, ok := cleanedAt[e.StoryID]; ok {
			le = append(le, e.Time.Sub(c))
		}
	}
	r.Stories = len(seen)
	orig := r.Originals
	if r.Mode != "saturation" {
		orig += 8 // warm-up pages
	}
	r.Extra, r.Missing = max(0, len(seen)-orig), max(0, orig-len(seen))
	r.Latency, r.LatencyCleaner, r.LatencyEnrich = Summarise(lx), Summarise(lc), Summarise(le)
	r.SteadyPagesPerSec = steadyRate(arrived, r.Pages)
	return nil
}

// steadyRate is 80% of pages over the time from the arrival of 10% of the
// stories to that of 90% (0 when there are too few to tell). Stories are
// spread evenly over the pages, so their arrival tracks the pages'.
func steadyRate(arrived []time.Time, pages int) float64 {
	if len(arrived) < 20 {
		return 0
	}
	slices.SortFunc(arrived, func(a, b time.Time) int { return a.Compare(b) })
	lo, hi := arrived[len(arrived)/10], arrived[len(arrived)*9/10]
	if d := hi.Sub(lo).Seconds(); d > 0 {
		return 0.8 * float64(pages) / d
	}
	return 0
}

// cleanup deletes this measurement's topics.
func (b *Bench) cleanup(t Topics) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := DeleteTopics(ctx, b.bc, t.All()); err != nil {
		b.cfg.Logf("delete topics %v: %v", t.All(), err)
	}
}

// serverPids finds the broker and redis-server processes by their command
// lines (read only: the benchmark never signals them).
func (b *Bench) serverPids() [2]int {
	var p [2]int
	redisPort := ""
	if i := strings.LastIndexByte(b.cfg.RedisURL, ':'); i >= 0 {
		redisPort = strings.Split(b.cfg.RedisURL[i+1:], "/")[0]
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		c := string(cmd)
		switch {
		case p[0] == 0 && strings.Contains(c, "kafka.Kafka"):
			p[0] = pid
		case p[1] == 0 && redisPort != "" && strings.Contains(c, "redis-server") && strings.Contains(c, ":"+redisPort):
			p[1] = pid
		}
	}
	return p
}

func serverCPU(p [2]int) [2]float64 {
	var c [2]float64
	for i, pid := range p {
		if pid > 0 {
			if st, err := ReadProc(pid); err == nil {
				c[i] = st.CPU
			}
		}
	}
	return c
}

// InProcess measures the stages in this process on InProcessPages pages.
func (b *Bench) InProcess(ctx context.Context, run int) (InProcess, error) {
	items, err := b.items(fmt.Sprintf("r%di", run), b.cfg.Seed+uint64(run)*10+4, b.cfg.InProcessPages)
	if err != nil {
		return InProcess{}, err
	}
	res, err := RunInProcess(ctx, b.rdb, fmt.Sprintf("nf:bench:%s:r%d:", b.runID, run), items, 100)
	if err == nil {
		b.cfg.Logf("run %d: in-process: clean %.1f pages/s, +templates %.1f, +dedup %.1f (dedup cost %.1f%% paired, %.1f%% totals), +once %.1f; enrich %.1f stories/s, +once %.1f",
			run, res.Clean.PerSec, res.CleanTemplates.PerSec, res.CleanDedup.PerSec, 100*res.DedupCostPaired, 100*res.DedupCost, res.CleanOnce.PerSec, res.Enrich.PerSec, res.EnrichOnce.PerSec)
	}
	return res, err
}

// Config returns the configuration with its defaults.
func (b *Bench) Config() Config { return b.cfg }

// Redis is the benchmark's Redis client.
func (b *Bench) Redis() *redis.Client { return b.rdb }

// ID is this benchmark's unique name (topic, group and key prefix).
func (b *Bench) ID() string { return b.runID }
