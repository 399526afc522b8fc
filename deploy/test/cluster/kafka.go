// Package cluster holds the one-node cluster test (cluster_test.go); this file only
// names the Kafka message type it reads.
package cluster

import "github.com/segmentio/kafka-go"

// Message is a Kafka record as read back from a topic.
type Message = kafka.Message
