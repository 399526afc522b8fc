package once

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Stats are counts of what a Sink did since it was made, per story (one
// output of a Write) unless said otherwise.
type Stats struct {
	// Claimed: first claims (the story was unknown).
	Claimed int64
	// Duplicates: dropped because the story was delivered already.
	Duplicates int64
	// DuplicatesInBatch: dropped because the same Write carried it twice.
	DuplicatesInBatch int64
	// Busy: claim answers "another owner holds it" (each wait counts).
	Busy int64
	// Recovered: claims taken over after a lapsed lease or a failed Write.
	Recovered int64
	// VerifyFound and VerifyMissing: outcomes of reading the log back.
	VerifyFound, VerifyMissing int64
	// Produced: records acknowledged by the broker.
	Produced int64
	// Uncertain and NotWritten: records of failed produce calls.
	Uncertain, NotWritten int64
	// Fenced: leases found lost before a produce (the story was re-claimed).
	Fenced int64
	// Extended: leases extended before a produce.
	Extended int64
	// Confirmed: stories marked delivered.
	Confirmed int64
	// Unkeyed: outputs without a StoryID, produced at least once.
	Unkeyed int64
	// Overruns: produce calls that took longer than Config.ProduceTimeout
	// (the Producer broke its contract; see the package documentation).
	Overruns int64
	// RedisRoundTrips: pipelines sent to Redis (one round trip each on a
	// single server).
	RedisRoundTrips int64
}

type counters struct {
	claimed, duplicates, duplicatesInBatch, busy, recovered         atomic.Int64
	verifyFound, verifyMissing, produced, uncertain, notWritten     atomic.Int64
	fenced, extended, confirmed, unkeyed, overruns, redisRoundTrips atomic.Int64
}

func (c *counters) stats() Stats {
	return Stats{
		Claimed: c.claimed.Load(), Duplicates: c.duplicates.Load(), DuplicatesInBatch: c.duplicatesInBatch.Load(),
		Busy: c.busy.Load(), Recovered: c.recovered.Load(),
		VerifyFound: c.verifyFound.Load(), VerifyMissing: c.verifyMissing.Load(),
		Produced: c.produced.Load(), Uncertain: c.uncertain.Load(), NotWritten: c.notWritten.Load(),
		Fenced: c.fenced.Load(), Extended: c.extended.Load(), Confirmed: c.confirmed.Load(),
		Unkeyed: c.unkeyed.Load(), Overruns: c.overruns.Load(), RedisRoundTrips: c.redisRoundTrips.Load(),
	}
}

// register exposes the counters as newsflow_once_stories_total{outcome} and
// friends on reg.
func (c *counters) register(reg prometheus.Registerer, topicLabel string) {
	if reg == nil {
		return
	}
	outcome := func(name string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "newsflow", Subsystem: "once", Name: "stories_total",
			Help:        "Stories handled by the exactly-once sink, by outcome.",
			ConstLabels: prometheus.Labels{"outcome": name, "sink": topicLabel},
		}, func() float64 { return float64(v.Load()) })
	}
	for name, v := range map[string]*atomic.Int64{
		"claimed": &c.claimed, "duplicate": &c.duplicates, "duplicate_in_batch": &c.duplicatesInBatch,
		"busy": &c.busy, "recovered": &c.recovered, "verify_found": &c.verifyFound,
		"verify_missing": &c.verifyMissing, "produced": &c.produced, "uncertain": &c.uncertain,
		"not_written": &c.notWritten, "fenced": &c.fenced, "extended": &c.extended,
		"confirmed": &c.confirmed, "unkeyed": &c.unkeyed, "overrun": &c.overruns,
	} {
		_ = reg.Register(outcome(name, v)) // a second Sink of one process shares nothing; ignore duplicates
	}
	_ = reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Namespace: "newsflow", Subsystem: "once", Name: "redis_round_trips_total",
		Help:        "Pipelines the exactly-once sink sent to Redis.",
		ConstLabels: prometheus.Labels{"sink": topicLabel},
	}, func() float64 { return float64(c.redisRoundTrips.Load()) }))
}
