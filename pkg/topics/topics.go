// Package topics knows newsflow's Kafka topics (their names, partitions,
// compression, retention and compaction) and creates them idempotently.
package topics

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

// The topics of the pipeline, in flow order. DLQ topics take the name of the
// input they park messages from, plus DLQSuffix.
const (
	Raw       = "news.raw"
	Cleaned   = "news.cleaned"
	Enriched  = "news.enriched"
	DLQSuffix = ".dlq"
)

// DLQ returns the dead-letter topic of an input topic.
func DLQ(input string) string { return input + DLQSuffix }

// Spec describes one topic.
type Spec struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	// Configs are topic-level settings such as cleanup.policy.
	Configs map[string]string
}

// Options shape the default topic set.
type Options struct {
	Partitions        int           // partitions of every pipeline topic
	ReplicationFactor int           // replicas of every topic
	Retention         time.Duration // retention of news.raw, news.cleaned and the DLQs
	MaxMessageBytes   int           // per-record limit on the broker
}

// DefaultOptions suits a single local broker.
func DefaultOptions() Options {
	return Options{Partitions: 6, ReplicationFactor: 1, Retention: 7 * 24 * time.Hour, MaxMessageBytes: 8 << 20}
}

// Pipeline returns the specs of every newsflow topic: the three stage topics
// (zstd compressed; news.enriched compacted by story id so consumers upsert
// revisions) and a DLQ per consumed topic.
func Pipeline(o Options) []Spec {
	retention := strconv.FormatInt(o.Retention.Milliseconds(), 10)
	base := func() map[string]string {
		return map[string]string{
			"compression.type":  "zstd",
			"retention.ms":      retention,
			"max.message.bytes": strconv.Itoa(o.MaxMessageBytes),
		}
	}
	enriched := base()
	enriched["cleanup.policy"] = "compact"
	enriched["retention.ms"] = "-1"
	enriched["min.compaction.lag.ms"] = strconv.FormatInt(time.Hour.Milliseconds(), 10)
	specs := []Spec{
		{Name: Raw, Configs: base()},
		{Name: Cleaned, Configs: base()},
		{Name: Enriched, Configs: enriched},
	}
	for _, in := range []string{Raw, Cleaned} {
		dlq := base()
		dlq["retention.ms"] = strconv.FormatInt((30 * 24 * time.Hour).Milliseconds(), 10)
		specs = append(specs, Spec{Name: DLQ(in), Partitions: 1, Configs: dlq})
	}
	for i := range specs {
		if specs[i].Partitions == 0 {
			specs[i].Partitions = o.Partitions
		}
		specs[i].ReplicationFactor = o.ReplicationFactor
	}
	return specs
}

// Result says what Ensure did with one topic.
type Result struct {
	Name    string
	Created bool
	// Partitions is the topic's partition count after Ensure.
	Partitions int
}

// Ensure creates the topics that do not exist yet; existing topics are left
// as they are (their partition count is reported). It is safe to run again.
func Ensure(ctx context.Context, c *kafka.Client, specs []Spec) ([]Result, error) {
	req := &kafka.CreateTopicsRequest{}
	for _, s := range specs {
		tc := kafka.TopicConfig{Topic: s.Name, NumPartitions: s.Partitions, ReplicationFactor: s.ReplicationFactor}
		for k, v := range s.Configs {
			tc.ConfigEntries = append(tc.ConfigEntries, kafka.ConfigEntry{ConfigName: k, ConfigValue: v})
		}
		req.Topics = append(req.Topics, tc)
	}
	resp, err := c.CreateTopics(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("create topics: %w", err)
	}
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return nil, fmt.Errorf("describe topics: %w", err)
	}
	parts := map[string]int{}
	for _, t := range md.Topics {
		parts[t.Name] = len(t.Partitions)
	}
	var results []Result
	var errs []error
	for _, s := range specs {
		terr := resp.Errors[s.Name]
		switch {
		case terr == nil:
			results = append(results, Result{Name: s.Name, Created: true, Partitions: parts[s.Name]})
		case errors.Is(terr, kafka.TopicAlreadyExists):
			results = append(results, Result{Name: s.Name, Partitions: parts[s.Name]})
		default:
			errs = append(errs, fmt.Errorf("create topic %s: %w", s.Name, terr))
		}
	}
	return results, errors.Join(errs...)
}
