package stage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/compress"

	"github.com/newsflow/newsflow/pkg/broker"
)

// KafkaSink writes outputs with a kafka-go Writer: acks from all in-sync
// replicas, key-hashed partitions (murmur2, as the Java client), and a short
// batch timeout so a lone record does not wait kafka-go's default second.
// It is at-least-once: a retried write may append a record twice. Outputs that
// must reach consumers once go through pkg/once instead.
type KafkaSink struct {
	w *kafka.Writer
}

// SinkOptions tune a KafkaSink.
type SinkOptions struct {
	// BatchTimeout is how long the writer waits to fill a batch (default 2ms).
	BatchTimeout time.Duration
	// Compression of produced batches (default zstd, as the topics are).
	Compression compress.Compression
	// MaxAttempts of the writer for one batch (default 3).
	MaxAttempts int
	// BatchBytes is the largest request (default 16 MiB, above the 5 MiB page cap).
	BatchBytes int64
}

// NewKafkaSink returns a sink writing to the cluster of bc.
func NewKafkaSink(bc broker.Config, o SinkOptions) *KafkaSink {
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = 2 * time.Millisecond
	}
	if o.Compression == 0 {
		o.Compression = kafka.Zstd
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 16 << 20
	}
	return &KafkaSink{w: &kafka.Writer{
		Addr:         kafka.TCP(bc.Brokers...),
		Transport:    bc.Transport(),
		Balancer:     kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: o.BatchTimeout,
		BatchSize:    1000,
		BatchBytes:   o.BatchBytes,
		MaxAttempts:  o.MaxAttempts,
		Compression:  o.Compression,
		WriteTimeout: 30 * time.Second,
	}}
}

// Write produces outs and returns when all are acknowledged. On a partial
// failure only the failed records are sent again, so a retry does not
// duplicate the ones that landed.
func (s *KafkaSink) Write(ctx context.Context, outs []Output) error {
	if len(outs) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, len(outs))
	for i, o := range outs {
		msgs[i] = ToKafka(o)
	}
	for attempt := 0; ; attempt++ {
		err := s.w.WriteMessages(ctx, msgs...)
		if err == nil {
			return nil
		}
		var werrs kafka.WriteErrors
		if !errors.As(err, &werrs) || attempt >= 2 || ctx.Err() != nil {
			return fmt.Errorf("produce %d records: %w", len(msgs), err)
		}
		var failed []kafka.Message
		for i, e := range werrs {
			if e != nil {
				failed = append(failed, msgs[i])
			}
		}
		msgs = failed
	}
}

// Close flushes and closes the writer and its transport.
func (s *KafkaSink) Close() error { return broker.CloseWriter(s.w) }

// ToKafka converts an Output to a kafka-go message.
func ToKafka(o Output) kafka.Message {
	m := kafka.Message{Topic: o.Topic, Key: o.Key, Value: o.Value}
	if len(o.Headers) > 0 {
		m.Headers = make([]kafka.Header, len(o.Headers))
		for i, h := range o.Headers {
			m.Headers[i] = kafka.Header{Key: h.Key, Value: h.Value}
		}
	}
	return m
}

// FromKafka converts a kafka-go message to an Input.
func FromKafka(m kafka.Message) Input {
	in := Input{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Time: m.Time}
	if len(m.Headers) > 0 {
		in.Headers = make([]Header, len(m.Headers))
		for i, h := range m.Headers {
			in.Headers[i] = Header{Key: h.Key, Value: h.Value}
		}
	}
	return in
}
