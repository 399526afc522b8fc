// Package lag measures how far consumer groups are behind their topics: the
// committed offset of each partition against its end (high watermark).
package lag

import (
	"context"
	"fmt"
	"sort"

	"github.com/segmentio/kafka-go"
)

// Partition is the lag of one partition.
type Partition struct {
	Partition int
	// Committed is the group's committed offset (-1: nothing committed).
	Committed int64
	// End is the partition's high watermark.
	End int64
	// Start is the first offset still in the log.
	Start int64
}

// Lag is how many records the group has yet to commit on this partition.
func (p Partition) Lag() int64 {
	from := p.Committed
	if from < 0 {
		from = p.Start
	}
	return max(0, p.End-from)
}

// Of returns the lag of group on every partition of topic, in partition order.
func Of(ctx context.Context, c *kafka.Client, group, topic string) ([]Partition, error) {
	res, err := Offsets(ctx, c, topic)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(res))
	for i, p := range res {
		ids[i] = p.Partition
	}
	of, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: ids}})
	if err != nil {
		return nil, fmt.Errorf("committed offsets of group %s: %w", group, err)
	}
	if of.Error != nil {
		return nil, fmt.Errorf("committed offsets of group %s: %w", group, of.Error)
	}
	committed := map[int]int64{}
	for _, po := range of.Topics[topic] {
		if po.Error == nil {
			committed[po.Partition] = po.CommittedOffset
		}
	}
	for i := range res {
		if c, ok := committed[res[i].Partition]; ok {
			res[i].Committed = c
		}
	}
	return res, nil
}

// Offsets returns the start and end offsets of every partition of topic,
// in partition order, with Committed -1.
func Offsets(ctx context.Context, c *kafka.Client, topic string) ([]Partition, error) {
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	var ids []int
	for _, t := range md.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("metadata of %s: %w", topic, t.Error)
		}
		for _, p := range t.Partitions {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("topic %s has no partitions (does it exist?)", topic)
	}
	sort.Ints(ids)
	var reqs []kafka.OffsetRequest
	for _, id := range ids {
		reqs = append(reqs, kafka.FirstOffsetOf(id), kafka.LastOffsetOf(id))
	}
	lo, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of %s: %w", topic, err)
	}
	out := make(map[int]*Partition, len(ids))
	for _, id := range ids {
		out[id] = &Partition{Partition: id, Committed: -1}
	}
	for _, po := range lo.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("offsets of %s/%d: %w", topic, po.Partition, po.Error)
		}
		if p := out[po.Partition]; p != nil {
			p.Start, p.End = po.FirstOffset, po.LastOffset
		}
	}
	res := make([]Partition, 0, len(ids))
	for _, id := range ids {
		res = append(res, *out[id])
	}
	return res, nil
}

// Total sums the lag of partitions.
func Total(ps []Partition) int64 {
	var n int64
	for _, p := range ps {
		n += p.Lag()
	}
	return n
}
