package once

import (
	"fmt"
	"testing"

	"github.com/segmentio/kafka-go"
)

// The partition of a story is the one kafka-go's Murmur2Balancer (and the
// Java client) picks, for any key and partition count.
func TestPartitionMatchesMurmur2Balancer(t *testing.T) {
	var bal kafka.Murmur2Balancer
	for n := 1; n <= 64; n *= 2 {
		parts := make([]int, n+1)
		for i := range parts {
			parts[i] = i
		}
		for i := range 2000 {
			key := []byte(fmt.Sprintf("%x-story-%d", i*7919, i))
			key = key[:min(i%40, len(key))]
			if got, want := Partition(key, len(parts)), bal.Balance(kafka.Message{Key: key}, parts...); got != want {
				t.Fatalf("key %q over %d partitions: Partition %d, Murmur2Balancer %d", key, len(parts), got, want)
			}
		}
	}
	if got := (PinnedBalancer{}).Balance(kafka.Message{Key: []byte("k"), Partition: 3}, 0, 1, 2, 3); got != 3 {
		t.Errorf("pinned balancer: got %d, want 3", got)
	}
	if got := (PinnedBalancer{}).Balance(kafka.Message{Key: []byte("k"), Partition: 9}, 0, 1, 2); got != 9 {
		t.Errorf("pinned balancer, partition not in the writer's metadata yet: got %d, want 9", got)
	}
}
