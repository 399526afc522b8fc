// Package redisconn holds how newsflow connects to Redis: a redis:// or
// rediss:// URL (user, password, database, TLS) turned into a go-redis client.
package redisconn

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/config"
)

// Config is the Redis connection of a binary.
type Config struct {
	// URL is redis://[user:password@]host:port/db, or rediss:// for TLS.
	URL string
	// PoolSize is the most connections per node (0: go-redis default, 10 per CPU).
	PoolSize int
	// Timeout bounds dials, reads and writes.
	Timeout time.Duration
}

// Register adds the Redis flags to a flag set.
func (c *Config) Register(s *config.Set) {
	s.StringVar(&c.URL, "redis-url", "redis://127.0.0.1:6379/0", "Redis address: redis://[user:password@]host:port/db, rediss:// for TLS")
	s.IntVar(&c.PoolSize, "redis-pool-size", 0, "most Redis connections (0: 10 per CPU)")
	s.DurationVar(&c.Timeout, "redis-timeout", 3*time.Second, "timeout of Redis dials, reads and writes")
}

// Validate reports the first bad field.
func (c Config) Validate() error {
	if _, err := c.options(); err != nil {
		return config.Invalid("redis-url", "%v", err)
	}
	if c.PoolSize < 0 {
		return config.Invalid("redis-pool-size", "must not be negative, got %d", c.PoolSize)
	}
	if c.Timeout <= 0 {
		return config.Invalid("redis-timeout", "must be positive, got %s", c.Timeout)
	}
	return nil
}

func (c Config) options() (*redis.Options, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, fmt.Errorf("%s is not a redis:// or rediss:// URL", redact(c.URL))
	}
	o, err := redis.ParseURL(c.URL)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %v", redact(c.URL), err)
	}
	return o, nil
}

// Client returns a client for the configured server.
func (c Config) Client() (redis.UniversalClient, error) {
	o, err := c.options()
	if err != nil {
		return nil, err
	}
	if c.PoolSize > 0 {
		o.PoolSize = c.PoolSize
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = c.Timeout, c.Timeout, c.Timeout
	return redis.NewClient(o), nil
}

// Redacted is the URL with its password hidden, for logs.
func (c Config) Redacted() string { return redact(c.URL) }

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable redis url>"
	}
	return u.Redacted()
}

// Ping is the readiness check of Redis.
func Ping(ctx context.Context, c redis.UniversalClient) error {
	if err := c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}
