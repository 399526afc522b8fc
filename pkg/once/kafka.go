package once

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/compress"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/stage"
)

// KafkaOptions tune a KafkaProducer.
type KafkaOptions struct {
	// BatchTimeout is how long the writer waits to fill a batch (default
	// 2ms; kafka-go's default of 1s would make every Write wait a second).
	BatchTimeout time.Duration
	// WriteTimeout bounds one produce request, dial included (default 5s).
	WriteTimeout time.Duration
	// MetadataTimeout bounds the writer's metadata request (default 2s; the
	// transport caches metadata, so most calls make none).
	MetadataTimeout time.Duration
	// Compression of produced batches (default zstd, as the topics are).
	Compression compress.Compression
	// BatchBytes is the largest request (default 16 MiB).
	BatchBytes int64
	// MaxRecords is the most records one Produce call carries (default
	// 1000; a stage passes its batch size). kafka-go allocates a slice of
	// this many messages (~150 B each) for every batch it starts, so it is
	// allocation per produce call, not just a cap: 10000 cost the cleaner
	// 1.5 MB per batch of 20 stories, a tenth of its allocation.
	MaxRecords int
}

func (o KafkaOptions) withDefaults() KafkaOptions {
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = 2 * time.Millisecond
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Second
	}
	if o.MetadataTimeout <= 0 {
		o.MetadataTimeout = 2 * time.Second
	}
	if o.Compression == 0 {
		o.Compression = kafka.Zstd
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 16 << 20
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = 1000
	}
	return o
}

// Bound is the longest a KafkaProducer.Produce call takes: metadata, batch
// wait and one produce request. Config.ProduceTimeout must not be shorter.
func (o KafkaOptions) Bound() time.Duration {
	o = o.withDefaults()
	return o.MetadataTimeout + o.BatchTimeout + o.WriteTimeout
}

// KafkaProducer is the Producer of a Sink on a kafka-go Writer: acks from all
// in-sync replicas, MaxAttempts 1 (on an uncertain error the Sink decides,
// by reading the log, not the client by blindly re-sending), records pinned
// to the partition decided at claim time (PinnedBalancer).
type KafkaProducer struct {
	w *kafka.Writer
}

// NewKafkaProducer returns a producer for the cluster of bc. It must not be
// shared with anything but one Sink: the Sink serialises calls per partition,
// which is what bounds the time a call takes.
func NewKafkaProducer(bc broker.Config, o KafkaOptions) *KafkaProducer {
	o = o.withDefaults()
	return &KafkaProducer{w: &kafka.Writer{
		Addr:         kafka.TCP(bc.Brokers...),
		Transport:    bc.Transport(),
		Balancer:     PinnedBalancer{},
		RequiredAcks: kafka.RequireAll,
		MaxAttempts:  1,
		BatchTimeout: o.BatchTimeout,
		// A call's records go out as one batch, bounded by BatchBytes: one
		// Write carries at most a stage batch (MaxRecords). Not larger:
		// kafka-go allocates a slice of BatchSize messages for every batch
		// it starts; 1<<20 cost ~150 MB per produce call (measured by
		// pkg/pipebench: ~1 GiB RSS and seconds of latency at low rates,
		// where every small batch is its own produce call).
		BatchSize:    o.MaxRecords,
		BatchBytes:   o.BatchBytes,
		Compression:  o.Compression,
		WriteTimeout: o.WriteTimeout,
		ReadTimeout:  o.MetadataTimeout,
	}}
}

// Produce implements Producer. The caller's ctx is honoured only before
// anything is handed to the writer: kafka-go returns early on a cancelled
// context but keeps the batch queued and may send it later, which would void
// the time bound the protocol relies on; the writer's own timeouts bound the
// call instead.
func (p *KafkaProducer) Produce(ctx context.Context, topic string, partition int, recs []Record) error {
	if err := ctx.Err(); err != nil {
		return NotWritten(err)
	}
	msgs := make([]kafka.Message, len(recs))
	for i, r := range recs {
		m := kafka.Message{Topic: topic, Partition: partition, Key: r.Key, Value: r.Value}
		if len(r.Headers) > 0 {
			m.Headers = make([]kafka.Header, len(r.Headers))
			for j, h := range r.Headers {
				m.Headers[j] = kafka.Header{Key: h.Key, Value: h.Value}
			}
		}
		msgs[i] = m
	}
	err := p.w.WriteMessages(context.WithoutCancel(ctx), msgs...)
	if err == nil {
		return nil
	}
	var werrs kafka.WriteErrors
	if errors.As(err, &werrs) && len(werrs) == len(recs) {
		out := make(RecordErrors, len(recs))
		for i, e := range werrs {
			out[i] = classifyKafka(e)
		}
		return out
	}
	// Errors returned before batching (metadata, message too large, writer
	// closed): nothing was handed to the writer.
	return NotWritten(fmt.Errorf("produce to %s/%d: %w", topic, partition, err))
}

// Close flushes and closes the writer and its transport.
func (p *KafkaProducer) Close() error { return broker.CloseWriter(p.w) }

// classifyKafka marks produce errors after which the records are certainly
// not on the log. Anything not known to be safe is uncertain.
func classifyKafka(err error) error {
	if err == nil {
		return nil
	}
	var ke kafka.Error
	if errors.As(err, &ke) {
		switch ke {
		case kafka.UnknownTopicOrPartition, kafka.LeaderNotAvailable, kafka.NotLeaderForPartition,
			kafka.MessageSizeTooLarge, kafka.InvalidTopic, kafka.RecordListTooLarge,
			kafka.NotEnoughReplicas, kafka.InvalidRequiredAcks, kafka.TopicAuthorizationFailed,
			kafka.ClusterAuthorizationFailed, kafka.UnsupportedForMessageFormat, kafka.PolicyViolation,
			kafka.InvalidRecord, kafka.InvalidMessage, kafka.InvalidMessageSize, kafka.InvalidRequest, kafka.UnsupportedVersion, kafka.InvalidTimestamp,
			kafka.ReplicaNotAvailable, kafka.BrokerNotAvailable:
			return NotWritten(err)
		}
		// RequestTimedOut and NotEnoughReplicasAfterAppend happen after the
		// leader appended; others are unknown: uncertain.
		return err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return NotWritten(err) // no connection, nothing sent
	}
	return err
}

// KafkaLog is the LogReader of a Sink on a kafka-go Client: Metadata for
// partition counts, ListOffsets for bounds, and Fetch requests for scans.
// Fetch rather than a kafka.Reader: a verify reads a short, known range of one
// partition, and a Reader would start background fetching for it.
type KafkaLog struct {
	c        *kafka.Client
	maxBytes int64
}

// NewKafkaLog returns a LogReader for the cluster of bc.
func NewKafkaLog(bc broker.Config) *KafkaLog {
	return &KafkaLog{c: bc.Client(), maxBytes: 4 << 20}
}

// Close stops the client's background metadata refresh and closes its
// connections.
func (l *KafkaLog) Close() error {
	broker.CloseClient(l.c)
	return nil
}

// Partitions implements LogReader.
func (l *KafkaLog) Partitions(ctx context.Context, topic string) (int, error) {
	md, err := l.c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	for _, t := range md.Topics {
		if t.Name == topic {
			if t.Error != nil {
				return 0, fmt.Errorf("metadata of %s: %w", topic, t.Error)
			}
			return len(t.Partitions), nil
		}
	}
	return 0, fmt.Errorf("topic %s does not exist", topic)
}

// Bounds implements LogReader.
func (l *KafkaLog) Bounds(ctx context.Context, topic string, partitions []int) ([]Bounds, error) {
	reqs := make([]kafka.OffsetRequest, 0, 2*len(partitions))
	for _, p := range partitions {
		reqs = append(reqs, kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p))
	}
	res, err := l.c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of %s: %w", topic, err)
	}
	byPart := map[int]kafka.PartitionOffsets{}
	for _, po := range res.Topics[topic] {
		byPart[po.Partition] = po
	}
	out := make([]Bounds, len(partitions))
	for i, p := range partitions {
		po, ok := byPart[p]
		switch {
		case !ok:
			return nil, fmt.Errorf("list offsets of %s/%d: no answer", topic, p)
		case po.Error != nil:
			return nil, fmt.Errorf("list offsets of %s/%d: %w", topic, p, po.Error)
		case po.FirstOffset < 0 || po.LastOffset < po.FirstOffset:
			return nil, fmt.Errorf("list offsets of %s/%d: bad answer %d..%d", topic, p, po.FirstOffset, po.LastOffset)
		}
		out[i] = Bounds{Start: po.FirstOffset, End: po.LastOffset}
	}
	return out, nil
}

// Scan implements LogReader.
func (l *KafkaLog) Scan(ctx context.Context, topic string, partition int, from, to int64, fn func(Record) bool) error {
	offset := from
	for offset < to {
		res, err := l.c.Fetch(ctx, &kafka.FetchRequest{
			Topic: topic, Partition: partition, Offset: offset,
			MinBytes: 1, MaxBytes: l.maxBytes, MaxWait: 100 * time.Millisecond,
		})
		if err != nil {
			return fmt.Errorf("fetch %s/%d@%d: %w", topic, partition, offset, err)
		}
		if res.Error != nil {
			if errors.Is(res.Error, kafka.OffsetOutOfRange) && res.LogStartOffset > offset {
				offset = res.LogStartOffset // trimmed by retention meanwhile
				continue
			}
			return fmt.Errorf("fetch %s/%d@%d: %w", topic, partition, offset, res.Error)
		}
		next, stop, err := readRecords(res.Records, offset, to, fn)
		if err != nil {
			return fmt.Errorf("fetch %s/%d@%d: %w", topic, partition, offset, err)
		}
		if stop {
			return nil
		}
		if next == offset { // nothing at or after offset below the high watermark
			if res.HighWatermark <= offset || res.HighWatermark <= 0 {
				return nil
			}
			return fmt.Errorf("fetch %s/%d@%d: no records below high watermark %d", topic, partition, offset, res.HighWatermark)
		}
		offset = next
	}
	return nil
}

// readRecords feeds fn the records of rr in [from, to) and returns the offset
// after the last one read.
func readRecords(rr kafka.RecordReader, from, to int64, fn func(Record) bool) (next int64, stop bool, err error) {
	next = from
	for {
		r, err := rr.ReadRecord()
		if errors.Is(err, io.EOF) {
			return next, false, nil
		}
		if err != nil {
			return next, false, err
		}
		if r.Offset < from {
			continue // batches may start before the requested offset
		}
		if r.Offset >= to {
			return next, true, nil
		}
		rec := Record{Offset: r.Offset, Time: r.Time}
		if rec.Key, err = readBytes(r.Key); err != nil {
			return next, false, err
		}
		if rec.Value, err = readBytes(r.Value); err != nil {
			return next, false, err
		}
		for _, h := range r.Headers {
			rec.Headers = append(rec.Headers, stage.Header{Key: h.Key, Value: h.Value})
		}
		next = r.Offset + 1
		if !fn(rec) {
			return next, true, nil
		}
	}
}

func readBytes(b kafka.Bytes) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	defer b.Close()
	return io.ReadAll(b)
}
