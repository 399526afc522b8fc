package once

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// DefaultPrefix starts every Redis key of a Sink unless Config.Prefix says
// otherwise.
const DefaultPrefix = "nf:once:"

// Config tunes a Sink. The zero value means the defaults; the timing fields
// must keep Lease > ProduceTimeout + SettleGrace + drift (Validate checks).
type Config struct {
	// Owner names this process in claims, for operators (default
	// hostname:pid). Each Write adds a unique suffix: the lease owner is the
	// Write, not the process, so two partition workers of one process that
	// carry the same story do not both produce it.
	Owner string
	// Prefix of every Redis key (default "nf:once:").
	Prefix string
	// Window is how long a delivered story is remembered (default 7 days).
	// A copy arriving later is delivered again.
	Window time.Duration
	// Lease is how long a claim excludes other owners (default 30s). A Write
	// that is still working on a story extends it before producing.
	Lease time.Duration
	// ProduceTimeout is the longest one Producer.Produce call may take
	// (default 10s); KafkaProducer enforces it.
	ProduceTimeout time.Duration
	// SettleGrace is how long after a produce call returned the broker may
	// still append what it was sent (default 5s): verify waits this long after
	// an uncertain error before reading the log, and an owner starts a produce
	// only if ProduceTimeout + SettleGrace fit in what is left of its lease.
	SettleGrace time.Duration
	// ClockDrift is the assumed worst rate difference between this host's
	// monotonic clock and Redis's (default 0.01, i.e. 1%).
	ClockDrift float64
	// OffsetsMaxAge is how old a cached high watermark may be when it is
	// recorded in a claim (default 2s). Any past value is a safe lower bound;
	// a fresher one only shortens the verify scans.
	OffsetsMaxAge time.Duration
	// MetadataMaxAge is how long a topic's partition count is cached
	// (default 30s).
	MetadataMaxAge time.Duration
	// BusyBackoff is the first wait for a story another owner holds (default
	// 5ms); it doubles up to BusyBackoffMax (default 500ms) and never exceeds
	// what is left of that owner's lease.
	BusyBackoff, BusyBackoffMax time.Duration
	// MaxProduceAttempts is how many times one Write produces a story before
	// it returns an error and leaves the retry to the Runner (default 3).
	MaxProduceAttempts int
	// AutoRebuild makes the Sink run Rebuild when it finds the store empty
	// but the output topic not (default false: Write fails with ErrStoreLost
	// until `newsctl dedup-rebuild` has run).
	AutoRebuild bool
	// Logger (default: none).
	Logger *zap.Logger
	// Registerer registers the Sink's metrics (default: not registered).
	Registerer prometheus.Registerer
	// now is the clock; tests replace it.
	now func() time.Time
	// beforeFence, if set, runs before the lease check of each produce call
	// (tests use it to stall an owner).
	beforeFence func(topic string, partition int)
}

func (c Config) withDefaults() Config {
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = host + ":" + strconv.Itoa(os.Getpid())
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.Window == 0 {
		c.Window = 7 * 24 * time.Hour
	}
	if c.Lease == 0 {
		c.Lease = 30 * time.Second
	}
	if c.ProduceTimeout == 0 {
		c.ProduceTimeout = 10 * time.Second
	}
	if c.SettleGrace == 0 {
		c.SettleGrace = 5 * time.Second
	}
	if c.ClockDrift == 0 {
		c.ClockDrift = 0.01
	}
	if c.OffsetsMaxAge == 0 {
		c.OffsetsMaxAge = 2 * time.Second
	}
	if c.MetadataMaxAge == 0 {
		c.MetadataMaxAge = 30 * time.Second
	}
	if c.BusyBackoff == 0 {
		c.BusyBackoff = 5 * time.Millisecond
	}
	if c.BusyBackoffMax == 0 {
		c.BusyBackoffMax = 500 * time.Millisecond
	}
	if c.MaxProduceAttempts == 0 {
		c.MaxProduceAttempts = 3
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// fenceMargin is the least lease an owner must have left to start a produce:
// the produce call, the broker's settling, and the clock drift over a lease.
func (c Config) fenceMargin() time.Duration {
	return c.ProduceTimeout + c.SettleGrace + time.Duration(float64(c.Lease)*c.ClockDrift)
}

// Validate reports the first field out of range.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Window < time.Minute:
		return fmt.Errorf("once window %s: must be at least a minute", c.Window)
	case c.Lease <= 0 || c.ProduceTimeout <= 0 || c.SettleGrace < 0:
		return fmt.Errorf("once lease %s, produce timeout %s, settle grace %s: must be positive", c.Lease, c.ProduceTimeout, c.SettleGrace)
	case c.ClockDrift < 0 || c.ClockDrift >= 0.5:
		return fmt.Errorf("once clock drift %v: must be in [0, 0.5)", c.ClockDrift)
	case c.Lease <= c.fenceMargin()+c.fenceMargin()/2:
		return fmt.Errorf("once lease %s: must exceed 1.5 x (produce timeout %s + settle grace %s + drift), so that an owner can produce after a claim",
			c.Lease, c.ProduceTimeout, c.SettleGrace)
	case c.Window <= c.Lease:
		return fmt.Errorf("once window %s: must be longer than the lease %s", c.Window, c.Lease)
	case c.MaxProduceAttempts < 1:
		return fmt.Errorf("once max produce attempts %d: must be positive", c.MaxProduceAttempts)
	case c.BusyBackoff <= 0 || c.BusyBackoffMax < c.BusyBackoff:
		return fmt.Errorf("once busy backoff %s..%s: must be positive and ordered", c.BusyBackoff, c.BusyBackoffMax)
	}
	return nil
}
