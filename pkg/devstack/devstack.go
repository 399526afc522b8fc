// Package devstack starts an embedded Kafka (franz-go's kfake, spoken to by
// kafka-go over real TCP on loopback) and an embedded Redis (miniredis) in the
// current process, with newsflow's topics created. It backs `newsctl dev` and
// fast tests: zero setup, no services installed. It is not a substitute for
// the real broker in integration tests (kfake models no replication and its
// groups form in milliseconds).
package devstack

import (
	"context"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/topics"
)

// Stack is a running embedded Kafka and Redis.
type Stack struct {
	// Broker connects to the embedded cluster.
	Broker broker.Config
	// RedisURL addresses the embedded Redis.
	RedisURL string
	// Redis is the embedded server, for tests that move its clock.
	Redis *miniredis.Miniredis

	cluster *kfake.Cluster
}

// Start starts the cluster and Redis and creates the pipeline topics with
// the given partition count.
func Start(ctx context.Context, partitions int) (*Stack, error) {
	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.GroupMinSessionTimeout(time.Second),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": "16777216"}),
	)
	if err != nil {
		return nil, fmt.Errorf("start embedded kafka: %w", err)
	}
	mr, err := miniredis.Run()
	if err != nil {
		cluster.Close()
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	s := &Stack{
		Broker:   broker.Config{Brokers: cluster.ListenAddrs(), ClientID: "newsctl-dev", DialTimeout: 5 * time.Second},
		RedisURL: "redis://" + mr.Addr() + "/0",
		Redis:    mr,
		cluster:  cluster,
	}
	opts := topics.DefaultOptions()
	opts.Partitions = partitions
	if _, err := topics.Ensure(ctx, s.Broker.Client(), topics.Pipeline(opts)); err != nil {
		s.Close()
		return nil, fmt.Errorf("create topics on embedded kafka: %w", err)
	}
	return s, nil
}

// Close stops Redis and the cluster.
func (s *Stack) Close() {
	s.Redis.Close()
	s.cluster.Close()
}
