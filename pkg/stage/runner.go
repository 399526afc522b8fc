package stage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
	"golang.org/x/sync/semaphore"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
)

// Config is what a Runner consumes, where it writes, and how it paces itself.
type Config struct {
	// Name of the stage: the newsflow-stage header and the metrics label.
	Name string
	// Group is the Kafka consumer group.
	Group string
	// Input is the consumed topic; Output the default topic of outputs; DLQ
	// the dead-letter topic of rejected input.
	Input, Output, DLQ string

	// BatchSize is the most records handled and committed together per partition.
	BatchSize int
	// BatchWait is how long a partition worker waits to fill a batch once it
	// has its first record.
	BatchWait time.Duration
	// MaxInFlight bounds the records being handled at once across partitions.
	MaxInFlight int
	// MaxInFlightBytes bounds the bytes of fetched, uncommitted records
	// across partitions (keys, values, headers): however many partitions a
	// replica is given, its batches hold at most this much input. A record
	// larger than the budget is handled alone.
	MaxInFlightBytes int64
	// MaxAttempts is how often a transient handler error is tried before the
	// record is dead-lettered as retries_exhausted.
	MaxAttempts int
	// RetryBackoff is the first wait between retries; it doubles up to MaxBackoff.
	RetryBackoff, MaxBackoff time.Duration
	// DrainTimeout bounds how long in-flight batches may take to finish after
	// SIGTERM or a rebalance.
	DrainTimeout time.Duration
	// SessionTimeout and HeartbeatInterval of the consumer group membership.
	SessionTimeout, HeartbeatInterval time.Duration
	// FetchMaxBytes is the most bytes one fetch request returns per partition.
	FetchMaxBytes int64
}

// Register adds the runner's flags with the stage's default topics.
func (c *Config) Register(s *config.Set, name, group, in, out, dlq string) {
	c.Name = name
	s.StringVar(&c.Group, "group", group, "Kafka consumer group of this stage")
	s.StringVar(&c.Input, "input-topic", in, "topic consumed by this stage")
	s.StringVar(&c.Output, "output-topic", out, "topic this stage produces to")
	s.StringVar(&c.DLQ, "dlq-topic", dlq, "dead-letter topic for input this stage rejects")
	batch := 100
	if c.BatchSize > 0 { // a stage's own default, e.g. fewer of the cleaner's large pages
		batch = c.BatchSize
	}
	s.IntVar(&c.BatchSize, "batch-size", batch, "most records handled and committed together per partition (1-10000)")
	s.DurationVar(&c.BatchWait, "batch-wait", 2*time.Millisecond, "how long to wait to fill a batch after its first record (each stage adds up to this much latency)")
	s.IntVar(&c.MaxInFlight, "max-in-flight", 64, "most records handled at once across partitions (back-pressure)")
	inFlightBytes := int64(64 << 20)
	if c.MaxInFlightBytes > 0 { // a stage's own default
		inFlightBytes = c.MaxInFlightBytes
	}
	s.ByteSizeVar(&c.MaxInFlightBytes, "max-in-flight-bytes", inFlightBytes, "most input bytes fetched and not yet committed across all partitions (memory bound; back-pressure)")
	s.IntVar(&c.MaxAttempts, "max-attempts", 5, "tries of a transient handler error before the record is dead-lettered")
	s.DurationVar(&c.RetryBackoff, "retry-backoff", 100*time.Millisecond, "first wait between retries (doubles, with jitter)")
	s.DurationVar(&c.MaxBackoff, "max-backoff", 5*time.Second, "longest wait between retries")
	s.DurationVar(&c.DrainTimeout, "drain-timeout", 20*time.Second, "how long in-flight batches may take to finish on shutdown or rebalance")
	s.DurationVar(&c.SessionTimeout, "session-timeout", 10*time.Second, "consumer group session timeout")
	s.DurationVar(&c.HeartbeatInterval, "heartbeat-interval", 2*time.Second, "consumer group heartbeat interval")
	s.Int64Var(&c.FetchMaxBytes, "fetch-max-bytes", 16<<20, "most bytes fetched per partition request (above the largest record)")
}

// Validate reports the first bad field by its flag name.
func (c Config) Validate() error {
	switch {
	case c.Group == "":
		return config.Invalid("group", "must not be empty")
	case c.Input == "":
		return config.Invalid("input-topic", "must not be empty")
	case c.Output == "":
		return config.Invalid("output-topic", "must not be empty")
	case c.DLQ == "":
		return config.Invalid("dlq-topic", "must not be empty")
	case c.DLQ == c.Input || c.Output == c.Input:
		return config.Invalid("output-topic", "output and DLQ topics must differ from the input topic %q", c.Input)
	case c.BatchSize < 1 || c.BatchSize > 10000:
		return config.Invalid("batch-size", "must be between 1 and 10000, got %d", c.BatchSize)
	case c.BatchWait < 0:
		return config.Invalid("batch-wait", "must not be negative, got %s", c.BatchWait)
	case c.MaxInFlight < 1:
		return config.Invalid("max-in-flight", "must be at least 1, got %d", c.MaxInFlight)
	case c.MaxInFlightBytes < 1<<20:
		return config.Invalid("max-in-flight-bytes", "must be at least 1MiB, got %d", c.MaxInFlightBytes)
	case c.MaxAttempts < 1:
		return config.Invalid("max-attempts", "must be at least 1, got %d", c.MaxAttempts)
	case c.RetryBackoff <= 0 || c.MaxBackoff < c.RetryBackoff:
		return config.Invalid("retry-backoff", "must be positive and at most --max-backoff (%s), got %s", c.MaxBackoff, c.RetryBackoff)
	case c.DrainTimeout <= 0:
		return config.Invalid("drain-timeout", "must be positive, got %s", c.DrainTimeout)
	case c.SessionTimeout < 6*time.Second:
		return config.Invalid("session-timeout", "must be at least 6s (brokers refuse less), got %s", c.SessionTimeout)
	case c.HeartbeatInterval <= 0 || c.HeartbeatInterval*3 > c.SessionTimeout:
		return config.Invalid("heartbeat-interval", "must be positive and at most a third of --session-timeout, got %s", c.HeartbeatInterval)
	case c.FetchMaxBytes < 1<<20:
		return config.Invalid("fetch-max-bytes", "must be at least 1MiB, got %d", c.FetchMaxBytes)
	}
	return nil
}

// Status receives the runner's pauses; ops.Server satisfies it.
type Status interface {
	SetNotReady(name, reason string)
	SetReady(name string)
}

// Runner consumes a topic with a consumer group and runs a Handler on every
// record.
type Runner struct {
	cfg    Config
	bc     broker.Config
	batch  BatchHandler
	sink   Sink
	dlq    Sink
	log    *zap.Logger
	m      *metrics
	status Status
	sem    chan struct{}
	budget *semaphore.Weighted // MaxInFlightBytes

	closers []func() error
}

// Option configures a Runner.
type Option func(*Runner)

// WithSink sets where outputs go (default: a KafkaSink). pkg/once provides
// the exactly-once sink.
func WithSink(s Sink) Option { return func(r *Runner) { r.sink = s } }

// WithDLQSink sets where dead letters go (default: a KafkaSink).
func WithDLQSink(s Sink) Option { return func(r *Runner) { r.dlq = s } }

// WithLogger sets the logger (default: none).
func WithLogger(l *zap.Logger) Option { return func(r *Runner) { r.log = l } }

// WithRegisterer registers the runner's metrics (default: not registered).
func WithRegisterer(reg prometheus.Registerer) Option {
	return func(r *Runner) { r.m = newMetrics(reg, r.cfg.Name) }
}

// WithStatus reports pauses to readiness.
func WithStatus(s Status) Option { return func(r *Runner) { r.status = s } }

// New builds a Runner over a per-record handler, run on up to MaxInFlight
// records at once. It validates cfg.
func New(cfg Config, bc broker.Config, h Handler, opts ...Option) (*Runner, error) {
	r, err := NewBatch(cfg, bc, nil, opts...)
	if err != nil {
		return nil, err
	}
	r.batch = r.perRecord(h)
	return r, nil
}

// NewBatch builds a Runner over a batch handler, for stages that do one
// round trip per batch (dedup lookups, claims). It validates cfg.
func NewBatch(cfg Config, bc broker.Config, bh BatchHandler, opts ...Option) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := bc.Validate(); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, bc: bc, batch: bh, log: zap.NewNop(), sem: make(chan struct{}, cfg.MaxInFlight),
		budget: semaphore.NewWeighted(cfg.MaxInFlightBytes)}
	for _, o := range opts {
		o(r)
	}
	if r.m == nil {
		r.m = newMetrics(nil, cfg.Name)
	}
	if r.sink == nil || r.dlq == nil {
		ks := NewKafkaSink(bc, SinkOptions{})
		r.closers = append(r.closers, ks.Close)
		if r.sink == nil {
			r.sink = ks
		}
		if r.dlq == nil {
			r.dlq = ks
		}
	}
	return r, nil
}

// Run consumes until ctx is cancelled, then lets in-flight batches finish
// (produce, confirm, commit) within the drain timeout, leaves the group and
// returns nil. It returns an error only when the group cannot be formed at all.
func (r *Runner) Run(ctx context.Context) error {
	defer func() {
		for _, c := range r.closers {
			_ = c()
		}
	}()
	group, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                r.cfg.Group,
		Brokers:           r.bc.Brokers,
		Dialer:            r.bc.Dialer(),
		Topics:            []string{r.cfg.Input},
		StartOffset:       kafka.FirstOffset,
		SessionTimeout:    r.cfg.SessionTimeout,
		HeartbeatInterval: r.cfg.HeartbeatInterval,
		RebalanceTimeout:  r.cfg.DrainTimeout + 5*time.Second,
		JoinGroupBackoff:  time.Second,
		ErrorLogger:       kafka.LoggerFunc(func(f string, a ...any) { r.log.Debug("kafka group: " + fmt.Sprintf(f, a...)) }),
	})
	if err != nil {
		return fmt.Errorf("join consumer group %s: %w", r.cfg.Group, err)
	}
	defer func() {
		if err := group.Close(); err != nil {
			r.log.Warn("leave consumer group", zap.Error(err))
		}
		r.log.Info("left consumer group", zap.String("group", r.cfg.Group))
	}()
	r.log.Info("stage started", zap.String("stage", r.cfg.Name), zap.String("group", r.cfg.Group),
		zap.String("input", r.cfg.Input), zap.String("output", r.cfg.Output))
	backoff := r.cfg.RetryBackoff
	for {
		gen, err := group.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				return nil
			}
			r.log.Warn("consumer group generation failed; rejoining", zap.Error(err), zap.Duration("backoff", backoff))
			if !sleep(ctx, jitter(backoff)) {
				return nil
			}
			backoff = min(backoff*2, r.cfg.MaxBackoff)
			continue
		}
		backoff = r.cfg.RetryBackoff
		r.m.rebalances.Inc()
		assigned := gen.Assignments[r.cfg.Input]
		r.log.Info("joined generation", zap.Int32("generation", gen.ID), zap.Int("partitions", len(assigned)))
		for _, a := range assigned {
			partition, offset := a.ID, a.Offset
			gen.Start(func(genCtx context.Context) {
				r.consumePartition(ctx, genCtx, gen, partition, offset)
			})
		}
	}
}

// committer commits offsets for one generation; kafka.Generation satisfies it.
type committer interface {
	CommitOffsets(map[string]map[int]int64) error
}

// consumePartition runs batches of one partition until the run or the
// generation ends. Each batch finishes (outputs acknowledged, offsets
// committed) even when cancellation arrives while it is being handled, within
// the drain timeout; what is not committed is redelivered to the next owner.
func (r *Runner) consumePartition(runCtx, genCtx context.Context, gen committer, partition int, offset int64) {
	log := r.log.With(zap.Int("partition", partition))
	reader := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        r.bc.Brokers,
		Dialer:         r.bc.Dialer(),
		Topic:          r.cfg.Input,
		Partition:      partition,
		MinBytes:       1,
		MaxBytes:       int(r.cfg.FetchMaxBytes),
		MaxWait:        250 * time.Millisecond,
		QueueCapacity:  readAhead,
		ReadBackoffMin: 50 * time.Millisecond,
		ReadBackoffMax: time.Second,
		ErrorLogger:    kafka.LoggerFunc(func(f string, a ...any) { log.Debug("kafka reader: " + fmt.Sprintf(f, a...)) }),
	})
	defer reader.Close()
	if err := reader.SetOffset(offset); err != nil {
		log.Error("set start offset", zap.Int64("offset", offset), zap.Error(err))
		return
	}
	log.Debug("partition assigned", zap.Int64("offset", offset))

	fetchCtx, cancel := context.WithCancel(genCtx)
	defer cancel()
	stop := context.AfterFunc(runCtx, cancel)
	defer stop()

	startBatcher := func() *batcher {
		return newBatcher(fetchCtx, reader, r.budget, r.cfg.MaxInFlightBytes, r.cfg.BatchSize, r.cfg.BatchWait)
	}
	b := startBatcher()
	defer func() { b.close() }()
	for {
		batch, held, err := b.next(fetchCtx)
		if len(batch) == 0 {
			if fetchCtx.Err() != nil {
				return
			}
			log.Warn("fetch failed", zap.Error(err))
			b.close() // the reader failed: its prefetch stopped
			if !sleep(fetchCtx, jitter(r.cfg.RetryBackoff)) {
				return
			}
			b = startBatcher()
			continue
		}
		start := time.Now()
		r.m.inFlight.Add(float64(len(batch)))
		r.m.inFlightBytes.Add(float64(held))
		pctx, pcancel := drainContext(fetchCtx, r.cfg.DrainTimeout)
		inputs := make([]Input, len(batch))
		for i, m := range batch {
			inputs[i] = FromKafka(m)
		}
		err = r.processBatch(pctx, inputs)
		pcancel()
		r.m.inFlight.Sub(float64(len(batch)))
		r.m.inFlightBytes.Sub(float64(held))
		r.budget.Release(held)
		if err != nil {
			log.Warn("batch not finished; it will be redelivered", zap.Int("records", len(batch)), zap.Error(err))
			return
		}
		last := batch[len(batch)-1]
		if err := gen.CommitOffsets(map[string]map[int]int64{r.cfg.Input: {partition: last.Offset + 1}}); err != nil {
			// The next batch's commit covers this one; if the generation is
			// over, the next owner gets the batch again and dedup drops it.
			r.m.commitErrors.Inc()
			log.Warn("commit offsets", zap.Int64("offset", last.Offset+1), zap.Error(err))
			if genCtx.Err() != nil {
				return
			}
		} else {
			r.m.commits.Inc()
		}
		r.m.consumed.Add(float64(len(batch)))
		r.m.batchSize.Observe(float64(len(batch)))
		r.m.batchTime.Observe(time.Since(start).Seconds())
		r.m.lag.WithLabelValues(strconv.Itoa(partition)).Set(float64(max(0, last.HighWaterMark-last.Offset-1)))
	}
}

// processBatch handles every input of a batch, writes all outputs and dead
// letters, and returns nil only when all of them are acknowledged, so the
// caller may commit. Sink failures are retried with backoff until ctx ends:
// a stage whose dependencies are down pauses instead of losing records.
func (r *Runner) processBatch(ctx context.Context, batch []Input) error {
	results, err := r.handleBatch(ctx, batch)
	if err != nil {
		return err
	}
	var outs, dead []Output
	for i, res := range results {
		if res.dead != nil {
			dead = append(dead, *res.dead)
			continue
		}
		for _, o := range res.outs {
			outs = append(outs, r.decorate(batch[i], o))
		}
	}
	if err := r.writeWithRetry(ctx, "produce", r.sink, outs); err != nil {
		return err
	}
	if err := r.writeWithRetry(ctx, "dead_letter", r.dlq, dead); err != nil {
		return err
	}
	for _, o := range outs {
		r.m.produced.WithLabelValues(o.Topic).Inc()
	}
	return nil
}

// recordResult is the fate of one input: its outputs, or the dead letter
// that replaces them.
type recordResult struct {
	outs []Output
	dead *Output
}

// handleBatch runs the batch handler, retrying the inputs that failed with a
// transient error (only those) with backoff, and dead-letters rejected,
// panicking and exhausted ones. It fails only when ctx ends.
func (r *Runner) handleBatch(ctx context.Context, batch []Input) ([]recordResult, error) {
	final := make([]recordResult, len(batch))
	pending := make([]int, len(batch))
	for i := range pending {
		pending[i] = i
	}
	backoff := r.cfg.RetryBackoff
	paused := ""
	defer func() {
		if paused != "" {
			r.resume("handler")
		}
	}()
	for attempt := 1; len(pending) > 0; attempt++ {
		ins := make([]Input, len(pending))
		for j, idx := range pending {
			ins[j] = batch[idx]
		}
		start := time.Now()
		res := r.safeBatch(ctx, ins)
		per := time.Since(start).Seconds() / float64(len(ins))
		if err := ctx.Err(); err != nil {
			return nil, err // the batch is abandoned and redelivered
		}
		var again []int
		down := ""
		for j, idx := range pending {
			r.m.handlerTime.Observe(per)
			err := res[j].Err
			if err == nil {
				final[idx].outs = res[j].Outputs
				continue
			}
			class, rejected := RejectClass(err)
			dep, unavailable := IsUnavailable(err)
			switch {
			case unavailable:
				// not the input's fault: wait for the dependency, however long
				again = append(again, idx)
				if down == "" {
					down = dep + ": " + err.Error()
				}
				continue
			case rejected:
			case errors.Is(err, errPanic):
				class = ClassPanic
			case attempt >= r.cfg.MaxAttempts:
				class = ClassRetriesExhausted
			default:
				again = append(again, idx)
				r.log.Debug("handler failed; retrying", zap.Int("attempt", attempt), zap.Int64("offset", batch[idx].Offset), zap.Error(err))
				continue
			}
			in := batch[idx]
			r.m.deadLettered.WithLabelValues(class).Inc()
			r.log.Info("record dead-lettered", zap.String("class", class), zap.String("topic", in.Topic),
				zap.Int("partition", in.Partition), zap.Int64("offset", in.Offset), zap.Error(err))
			d := r.deadLetter(in, class, err)
			final[idx].dead = &d
		}
		pending = again
		switch {
		case down != "" && paused == "":
			paused = down
			r.pause("handler", down)
		case down == "" && paused != "":
			paused = ""
			r.resume("handler")
		}
		if len(pending) > 0 {
			if down != "" {
				attempt-- // a dependency outage does not use up the input's attempts
			}
			r.m.retries.WithLabelValues("handler").Add(float64(len(pending)))
			if !sleep(ctx, jitter(backoff)) {
				return nil, ctx.Err()
			}
			backoff = min(backoff*2, r.cfg.MaxBackoff)
		}
	}
	return final, nil
}

var errPanic = errors.New("handler panicked")

// safeBatch calls the batch handler and turns a panic into errPanic results.
// When a batch of several panics, each input is run alone so that only the
// culprit is dead-lettered.
func (r *Runner) safeBatch(ctx context.Context, ins []Input) (res []Result) {
	defer func() {
		p := recover()
		if p == nil && len(res) != len(ins) {
			p = fmt.Sprintf("batch handler returned %d results for %d inputs", len(res), len(ins))
		}
		if p == nil {
			return
		}
		r.log.Error("handler panic", zap.Any("panic", p), zap.Int("records", len(ins)), zap.ByteString("stack", debug.Stack()))
		if len(ins) == 1 {
			res = []Result{{Err: fmt.Errorf("%w: %v", errPanic, p)}}
			return
		}
		res = make([]Result, len(ins))
		for i := range ins {
			res[i] = r.safeBatch(ctx, ins[i:i+1])[0]
		}
	}()
	return r.batch(ctx, ins)
}

// perRecord runs a per-record Handler over a batch, at most MaxInFlight
// records at once across the runner, each with its own panic recovery.
func (r *Runner) perRecord(h Handler) BatchHandler {
	return func(ctx context.Context, ins []Input) []Result {
		res := make([]Result, len(ins))
		var wg sync.WaitGroup
		for i := range ins {
			select {
			case r.sem <- struct{}{}:
			case <-ctx.Done():
				res[i].Err = ctx.Err()
				continue
			}
			wg.Add(1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						r.log.Error("handler panic", zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
						res[i].Err = fmt.Errorf("%w: %v", errPanic, p)
					}
					<-r.sem
					wg.Done()
				}()
				res[i].Outputs, res[i].Err = h(ctx, ins[i])
			}()
		}
		wg.Wait()
		return res
	}
}

// deadLetter builds the DLQ record: the input's key, value and headers
// untouched, plus headers that say why, where and how often.
func (r *Runner) deadLetter(in Input, class string, err error) Output {
	attempt := 1
	if v := in.Header(HeaderAttempt); v != nil {
		if n, perr := strconv.Atoi(string(v)); perr == nil {
			attempt = n + 1
		}
	}
	msg := err.Error()
	if len(msg) > 4096 {
		msg = msg[:4096]
	}
	headers := make([]Header, 0, len(in.Headers)+8)
	for _, h := range in.Headers {
		switch h.Key {
		case HeaderErrorClass, HeaderError, HeaderAttempt, HeaderOriginTopic, HeaderOriginPartition, HeaderOriginOffset, HeaderDeadLetteredAt:
			continue // replaced below: a redriven record carries its last failure
		}
		headers = append(headers, h)
	}
	headers = append(headers,
		Header{HeaderErrorClass, []byte(class)},
		Header{HeaderError, []byte(msg)},
		Header{HeaderStage, []byte(r.cfg.Name)},
		Header{HeaderAttempt, []byte(strconv.Itoa(attempt))},
		Header{HeaderOriginTopic, []byte(in.Topic)},
		Header{HeaderOriginPartition, []byte(strconv.Itoa(in.Partition))},
		Header{HeaderOriginOffset, []byte(strconv.FormatInt(in.Offset, 10))},
		Header{HeaderDeadLetteredAt, []byte(time.Now().UTC().Format(time.RFC3339Nano))},
	)
	return Output{Topic: r.cfg.DLQ, Key: in.Key, Value: in.Value, Headers: headers}
}

// decorate fills an output's topic and the headers every record carries:
// a child traceparent, the stage, and the replay id of a replayed input.
func (r *Runner) decorate(in Input, o Output) Output {
	if o.Topic == "" {
		o.Topic = r.cfg.Output
	}
	h := make([]Header, 0, len(o.Headers)+3)
	for _, x := range o.Headers {
		switch x.Key {
		case HeaderTraceparent, HeaderStage, HeaderReplay:
			continue
		}
		h = append(h, x)
	}
	h = append(h, Header{HeaderTraceparent, []byte(childTraceparent(in.Header(HeaderTraceparent)))},
		Header{HeaderStage, []byte(r.cfg.Name)})
	if v := in.Header(HeaderReplay); v != nil {
		h = append(h, Header{HeaderReplay, v})
	}
	o.Headers = h
	return o
}

func (r *Runner) writeWithRetry(ctx context.Context, op string, s Sink, outs []Output) error {
	if len(outs) == 0 {
		return nil
	}
	backoff := r.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := s.Write(ctx, outs)
		if err == nil {
			if attempt > 1 {
				r.resume(op)
			}
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		r.m.retries.WithLabelValues(op).Inc()
		if attempt == 1 || attempt%10 == 0 {
			r.log.Warn("write failed; paused and retrying", zap.String("op", op), zap.Int("attempt", attempt), zap.Error(err))
		}
		if attempt == 2 {
			r.pause(op, err.Error())
		}
		if !sleep(ctx, jitter(backoff)) {
			return fmt.Errorf("%s: %w", op, err)
		}
		backoff = min(backoff*2, r.cfg.MaxBackoff)
	}
}

// pause marks the stage paused (metric, readiness) while op cannot proceed.
func (r *Runner) pause(op, reason string) {
	r.m.paused.Set(1)
	if r.status != nil {
		r.status.SetNotReady("stage", "paused: "+op+": "+reason)
	}
	r.log.Warn("paused: a dependency is unavailable; retrying", zap.String("op", op), zap.String("reason", reason))
}

// resume undoes pause.
func (r *Runner) resume(op string) {
	r.m.paused.Set(0)
	if r.status != nil {
		r.status.SetReady("stage")
	}
	r.log.Info("resumed", zap.String("op", op))
}

// drainContext returns a context that outlives parent's cancellation by at
// most d: work started before a shutdown gets d to finish.
func drainContext(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() {
		t := time.AfterFunc(d, cancel)
		context.AfterFunc(ctx, func() { t.Stop() })
	})
	return ctx, func() { stop(); cancel() }
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// jitter spreads retries of many workers: d ± 20%.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}
