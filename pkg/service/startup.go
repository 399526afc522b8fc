package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/redisconn"
)

// Startup is what a process verifies before it consumes or produces
// anything: that it can reach, trust, log in to and use Kafka and Redis.
type Startup struct {
	Kafka broker.Config
	// Need are the Kafka ACLs the process needs.
	Need broker.Need
	// Redis and RedisConfig are the client and its settings (nil: no Redis).
	Redis       redis.UniversalClient
	RedisConfig redisconn.Config
	// RedisPrefixes are the key prefixes the process uses.
	RedisPrefixes []string
	// Timeout bounds how long failures that may pass (a broker still
	// starting, a topic not yet created) are retried; failures that cannot
	// pass (wrong password, untrusted certificate, missing ACL) end the
	// check at once.
	Timeout time.Duration
}

// startupTimeoutUsage is the help of --startup-timeout.
const startupTimeoutUsage = "how long the start-up checks of Kafka and Redis retry while a dependency is unreachable or a topic missing; a wrong password, an untrusted certificate or a missing ACL fails at once"

// CheckStartup runs the start-up checks and returns nil once they pass. It
// logs each retry as a warning (nothing is retried silently) and returns the
// error that ends the check: at once when it cannot pass, else after
// Timeout. The caller exits with it; the process never became ready.
func CheckStartup(ctx context.Context, log *zap.Logger, s Startup) error {
	for _, w := range s.Kafka.Warnings() {
		log.Warn("insecure Kafka setting", zap.String("setting", w))
	}
	for _, w := range s.RedisConfig.Warnings() {
		log.Warn("insecure Redis setting", zap.String("setting", w))
	}
	deadline := time.Now().Add(s.Timeout)
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := checkOnce(ctx, s)
		if err == nil {
			log.Info("start-up checks passed", zap.String("kafka", s.Kafka.Describe()), zap.String("kafka_principal", s.Kafka.Principal()),
				zap.String("redis", s.RedisConfig.Redacted()), zap.Int("attempts", attempt))
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if broker.IsPermanent(err) {
			log.Error("start-up check failed: not starting", zap.Error(err))
			return fmt.Errorf("start-up check: %w", err)
		}
		if time.Now().Add(backoff).After(deadline) {
			log.Error("start-up check failed: gave up", zap.Duration("after", s.Timeout), zap.Error(err))
			return fmt.Errorf("start-up check: gave up after %s: %w", s.Timeout, err)
		}
		log.Warn("start-up check failed; retrying", zap.Int("attempt", attempt), zap.Duration("backoff", backoff), zap.Error(err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func checkOnce(ctx context.Context, s Startup) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var errs []error
	if s.Redis != nil {
		if err := s.RedisConfig.CheckAccess(ctx, s.Redis, s.RedisPrefixes); err != nil {
			errs = append(errs, err)
		}
	}
	if err := s.Kafka.CheckAccess(ctx, s.Need); err != nil {
		errs = append(errs, err)
	}
	// A permanent failure is reported first: it is the one to act on.
	for _, e := range errs {
		if broker.IsPermanent(e) {
			return e
		}
	}
	return errors.Join(errs...)
}
