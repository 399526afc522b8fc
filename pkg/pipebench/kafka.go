package pipebench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/fetch"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/wire"
)

// Topics of one measured pipeline: unique names, so concurrent users of the
// broker and of the once store (keyed by topic) never meet.
type Topics struct {
	Raw, Cleaned, Enriched string
}

// DLQs are the dead-letter topics.
func (t Topics) DLQs() []string { return []string{topics.DLQ(t.Raw), topics.DLQ(t.Cleaned)} }

// All lists every topic.
func (t Topics) All() []string { return append([]string{t.Raw, t.Cleaned, t.Enriched}, t.DLQs()...) }

// CreateTopics makes the topics as newsflow's own (zstd, 16 MiB records;
// news.enriched compacted) with the given partitions, and waits for leaders.
func CreateTopics(ctx context.Context, bc broker.Config, t Topics, partitions int) error {
	o := topics.DefaultOptions()
	o.Partitions, o.MaxMessageBytes, o.Retention = partitions, 16<<20, 6*time.Hour
	var specs []topics.Spec
	for _, s := range topics.Pipeline(o) {
		switch s.Name {
		case topics.Raw:
			s.Name = t.Raw
		case topics.Cleaned:
			s.Name = t.Cleaned
		case topics.Enriched:
			s.Name = t.Enriched
		case topics.DLQ(topics.Raw):
			s.Name = topics.DLQ(t.Raw)
		case topics.DLQ(topics.Cleaned):
			s.Name = topics.DLQ(t.Cleaned)
		default:
			continue
		}
		specs = append(specs, s)
	}
	c := bc.Client()
	defer broker.CloseClient(c)
	if _, err := topics.Ensure(ctx, c, specs); err != nil {
		return err
	}
	return waitLeaders(ctx, bc, t.All())
}

// DeleteTopics removes the topics (this run's own).
func DeleteTopics(ctx context.Context, bc broker.Config, names []string) error {
	c := bc.Client()
	defer broker.CloseClient(c)
	_, err := c.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: names})
	return err
}

func waitLeaders(ctx context.Context, bc broker.Config, names []string) error {
	c := bc.Client()
	defer broker.CloseClient(c)
	for {
		md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
		ready := err == nil && len(md.Topics) == len(names)
		if ready {
			for _, tp := range md.Topics {
				if tp.Error != nil || len(tp.Partitions) == 0 {
					ready = false
				}
				for _, p := range tp.Partitions {
					if p.Leader.Host == "" || p.Error != nil {
						ready = false
					}
				}
			}
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topics %v have no leaders: %w (last error %v)", names, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Feeder writes pages to news.raw as the fetcher does (zstd, acks from all
// replicas, key-hashed partitions, 2 ms batching) and remembers when each
// address was produced.
type Feeder struct {
	w *kafka.Writer

	mu       sync.Mutex
	produced map[string]time.Time // first produce time per URL
	bytes    int64
	errs     int
}

// NewFeeder returns a feeder to topic.
func NewFeeder(bc broker.Config, topic string) *Feeder {
	return &Feeder{produced: map[string]time.Time{}, w: &kafka.Writer{
		Addr: kafka.TCP(bc.Brokers...), Transport: bc.Transport(), Topic: topic,
		Balancer: kafka.Murmur2Balancer{}, RequiredAcks: kafka.RequireAll,
		BatchTimeout: 2 * time.Millisecond, BatchSize: 1000, BatchBytes: fetch.RecordBatchBytes(fetch.DefaultMaxPageBytes),
		MaxAttempts: 3, Compression: kafka.Zstd, WriteTimeout: 30 * time.Second,
	}}
}

// Close flushes and closes the writer.
func (f *Feeder) Close() error { return broker.CloseWriter(f.w) }

// Write produces items now, synchronously.
func (f *Feeder) Write(ctx context.Context, items ...Item) error {
	msgs := make([]kafka.Message, len(items))
	now := time.Now()
	var n int64
	for i, it := range items {
		m := stage.ToKafka(it.Record)
		m.Topic = ""
		m.Time = now
		msgs[i] = m
		n += int64(len(m.Value) + len(m.Key))
	}
	err := f.w.WriteMessages(ctx, msgs...)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		f.errs++
		return fmt.Errorf("feed %d pages: %w", len(items), err)
	}
	f.bytes += n
	for _, it := range items {
		if _, ok := f.produced[it.URL]; !ok {
			f.produced[it.URL] = now
		}
	}
	return nil
}

// Reset forgets what was produced so far (warm-up pages).
func (f *Feeder) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.produced, f.bytes = map[string]time.Time{}, 0
}

// Produced returns the produce time of an address.
func (f *Feeder) Produced(url string) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.produced[url]
	return t, ok
}

// Bytes is the payload (key and value) written so far.
func (f *Feeder) Bytes() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bytes
}

// Paced feeds pages from next at rate pages per second until ctx ends or
// next returns false, with up to workers writes in flight (a slow write does
// not slow the offered rate). It returns how many pages were offered and
// how many were late (the feeder itself could not keep the pace).
func (f *Feeder) Paced(ctx context.Context, rate float64, workers int, next func() (Item, bool)) (offered, late int, err error) {
	interval := time.Duration(float64(time.Second) / rate)
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-ctx.Done():
				wg.Wait()
				return offered, late, firstErr
			case <-time.After(d):
			}
		} else if d < -interval {
			late++
		}
		if ctx.Err() != nil {
			break
		}
		it, ok := next()
		if !ok {
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return offered, late, firstErr
		}
		offered++
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := f.Write(context.WithoutCancel(ctx), it); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return offered, late, firstErr
}

// OutRecord is what the benchmark keeps of one output record.
type OutRecord struct {
	// URL is the fetched address of the page the story came from.
	URL     string
	StoryID string
	Time    time.Time
	// Bytes is key plus value size.
	Bytes int
}

// ReadOutputs reads every record of topic (up to the high watermarks at the
// call) and decodes what the benchmark needs; enriched says whether the
// records are EnrichedArticle (else CleanedArticle).
func ReadOutputs(ctx context.Context, bc broker.Config, topic string, enriched bool) ([]OutRecord, error) {
	c := bc.Client()
	defer broker.CloseClient(c)
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	var out []OutRecord
	for _, tp := range md.Topics {
		for _, p := range tp.Partitions {
			recs, err := readPartition(ctx, bc, topic, p.ID, enriched)
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
		}
	}
	return out, nil
}

func readPartition(ctx context.Context, bc broker.Config, topic string, partition int, enriched bool) ([]OutRecord, error) {
	conn, err := kafka.DialLeader(ctx, "tcp", bc.Brokers[0], topic, partition)
	if err != nil {
		return nil, fmt.Errorf("dial leader of %s/%d: %w", topic, partition, err)
	}
	first, last, err := conn.ReadOffsets()
	conn.Close()
	if err != nil {
		return nil, fmt.Errorf("offsets of %s/%d: %w", topic, partition, err)
	}
	if last <= first {
		return nil, nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Topic: topic, Partition: partition, MaxBytes: 32 << 20, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(first); err != nil {
		return nil, err
	}
	var out []OutRecord
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return nil, fmt.Errorf("read %s/%d: %w", topic, partition, err)
		}
		in := stage.FromKafka(m)
		rec := OutRecord{Time: m.Time, Bytes: len(m.Key) + len(m.Value)}
		if enriched {
			var e newsflowv1.EnrichedArticle
			if err := wire.Decode(in, &e); err != nil {
				return nil, fmt.Errorf("decode %s/%d@%d: %w", topic, partition, m.Offset, err)
			}
			rec.URL, rec.StoryID = e.GetArticle().GetUrl(), e.GetArticle().GetStoryId()
		} else {
			var c newsflowv1.CleanedArticle
			if err := wire.Decode(in, &c); err != nil {
				return nil, fmt.Errorf("decode %s/%d@%d: %w", topic, partition, m.Offset, err)
			}
			rec.URL, rec.StoryID = c.GetUrl(), c.GetStoryId()
		}
		out = append(out, rec)
		if m.Offset >= last-1 {
			return out, nil
		}
	}
}

// EndOffsets returns the sum of the high watermarks of topic.
func EndOffsets(ctx context.Context, bc broker.Config, topic string) (int64, error) {
	c := bc.Client()
	defer broker.CloseClient(c)
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, err
	}
	var reqs []kafka.OffsetRequest
	for _, tp := range md.Topics {
		for _, p := range tp.Partitions {
			reqs = append(reqs, kafka.LastOffsetOf(p.ID))
		}
	}
	lo, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, err
	}
	var n int64
	for _, po := range lo.Topics[topic] {
		if po.Error != nil {
			return 0, po.Error
		}
		n += po.LastOffset
	}
	return n, nil
}

// Amplify re-produces every record of topic k-1 more times, each copy a new
// story (story id and addresses made unique), so that a fast stage has a
// backlog long enough to time. It returns the records now on the topic.
func Amplify(ctx context.Context, bc broker.Config, topic string, k int) (int, error) {
	c := bc.Client()
	defer broker.CloseClient(c)
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	var orig []kafka.Message
	for _, tp := range md.Topics {
		for _, p := range tp.Partitions {
			conn, err := kafka.DialLeader(ctx, "tcp", bc.Brokers[0], topic, p.ID)
			if err != nil {
				return 0, err
			}
			first, last, err := conn.ReadOffsets()
			conn.Close()
			if err != nil || last <= first {
				continue
			}
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Topic: topic, Partition: p.ID, MaxBytes: 32 << 20, MaxWait: 100 * time.Millisecond})
			if err := r.SetOffset(first); err != nil {
				r.Close()
				return 0, err
			}
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					r.Close()
					return 0, fmt.Errorf("read %s/%d: %w", topic, p.ID, err)
				}
				orig = append(orig, m)
				if m.Offset >= last-1 {
					break
				}
			}
			r.Close()
		}
	}
	w := &kafka.Writer{Addr: kafka.TCP(bc.Brokers...), Transport: bc.Transport(), Topic: topic, Balancer: kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: 2 * time.Millisecond, BatchSize: 1000, BatchBytes: 16 << 20, Compression: kafka.Zstd}
	defer broker.CloseWriter(w)
	for copyN := 1; copyN < k; copyN++ {
		var msgs []kafka.Message
		for _, m := range orig {
			in := stage.FromKafka(m)
			var a newsflowv1.CleanedArticle
			if err := wire.Decode(in, &a); err != nil {
				return 0, fmt.Errorf("decode %s@%d: %w", topic, m.Offset, err)
			}
			suffix := fmt.Sprintf("-x%d", copyN)
			a.StoryId += suffix
			a.CanonicalUrl += suffix
			a.Url += suffix
			v, h, err := wire.Encode(&a)
			if err != nil {
				return 0, err
			}
			out := stage.ToKafka(stage.Output{Key: []byte(a.StoryId), Value: v, Headers: append(h, stage.Header{Key: stage.HeaderStage, Value: []byte("cleaner")})})
			out.Topic = ""
			msgs = append(msgs, out)
		}
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			return 0, fmt.Errorf("amplify %s: %w", topic, err)
		}
	}
	return len(orig) * k, nil
}
