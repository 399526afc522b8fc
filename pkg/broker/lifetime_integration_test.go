package broker_test

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/goleak"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// TestIntegrationClosedClientsStopPolling checks that nothing of a client
// or a writer outlives its close. A kafka-go transport, once used, keeps a
// goroutine that fetches the whole cluster's metadata every few seconds and
// a connection per broker; a process that leaves them behind (a client per
// poll, a writer closed without its transport) piles up pollers that cost
// the broker more with every topic it holds.
func TestIntegrationClosedClientsStopPolling(t *testing.T) {
	bc := testenv.Kafka(t)
	topic := testenv.Name("lifetime")
	testenv.CreateTopics(t, bc, 1, topic)

	tests := []struct {
		name string
		use  func(ctx context.Context) error
	}{
		{"Ping", bc.Ping},
		{"Partitions", func(ctx context.Context) error {
			_, err := bc.Partitions(ctx, topic)
			return err
		}},
		{"CheckAccess", func(ctx context.Context) error {
			return bc.CheckAccess(ctx, broker.Need{Read: []string{topic}})
		}},
		{"Client then CloseClient", func(ctx context.Context) error {
			c := bc.Client()
			defer broker.CloseClient(c)
			_, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(0)}}})
			return err
		}},
		{"Writer then CloseWriter", func(ctx context.Context) error {
			w := &kafka.Writer{Addr: kafka.TCP(bc.Brokers...), Transport: bc.Transport(), Topic: topic, BatchTimeout: time.Millisecond}
			err := w.WriteMessages(ctx, kafka.Message{Value: []byte("x")})
			if cerr := broker.CloseWriter(w); err == nil {
				err = cerr
			}
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// goleak retries until the goroutines started here are gone, or
			// fails listing them.
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := tc.use(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
