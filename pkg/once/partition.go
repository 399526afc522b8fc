package once

import (
	"github.com/segmentio/kafka-go"
)

// Partition is the output partition of a story: murmur2 of the key bytes,
// sign bit cleared, modulo the partition count, exactly as the Java client's
// default partitioner, librdkafka's "murmur2" and kafka-go's Murmur2Balancer
// compute it (so any other producer of the topic agrees). The Sink needs the
// partition before producing, to record the partition's high watermark in
// the claim; kafka-go does not export its murmur2, hence this copy.
func Partition(key []byte, partitions int) int {
	if partitions <= 0 {
		return 0
	}
	return int((murmur2(key) & 0x7fffffff) % uint32(partitions))
}

// murmur2 is the Java client's Utils.murmur2.
func murmur2(data []byte) uint32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	n := len(data)
	h := seed ^ uint32(n)
	for i := 0; i+4 <= n; i += 4 {
		k := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[n&^3:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}

// PinnedBalancer is the kafka-go Balancer of the Sink's writer: it sends a
// message to the partition set in its Partition field (which the Writer
// otherwise ignores), so that the partition decided and recorded at claim
// time is the one produced to, even if the topic grew partitions since. It
// does so even when the writer's cached metadata does not list that
// partition yet: sending it elsewhere would put the story where verify does
// not look, and a partition that really does not exist is refused by the
// broker (UNKNOWN_TOPIC_OR_PARTITION: not written).
type PinnedBalancer struct{}

// Balance implements kafka.Balancer.
func (PinnedBalancer) Balance(msg kafka.Message, partitions ...int) int {
	return msg.Partition
}
