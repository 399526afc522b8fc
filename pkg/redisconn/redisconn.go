// Package redisconn holds how newsflow connects to Redis: a redis:// or
// rediss:// URL (user, database, TLS) plus files mounted from Secrets (the
// password, the CA, a client certificate), for one server, a Redis Cluster or
// a Sentinel-managed primary, turned into a go-redis client.
//
// Secrets stay in files: the password is read on every new connection (so a
// rotated Secret applies without a restart) and never stored in the options,
// a log line or an error. A password inside the URL still works (the URL may
// come from a Secret) and is hidden by Redacted.
package redisconn

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/secret"
	"github.com/newsflow/newsflow/pkg/tlsclient"
)

// Config is the Redis connection of a binary.
type Config struct {
	// URL is redis://[user[:password]@]host:port/db, or rediss:// for TLS.
	// With Cluster or SentinelMaster its host is the first node or sentinel.
	URL string
	// PoolSize is the most connections per node (0: go-redis default, 10 per CPU).
	PoolSize int
	// Timeout bounds dials, reads and writes.
	Timeout time.Duration

	// Username is the ACL user; it overrides the URL's.
	Username string
	// PasswordFile holds the password (a mounted Secret); it overrides the URL's.
	PasswordFile string
	// TLS are the CA, client certificate and server name of a rediss:// URL.
	TLS tlsclient.Files
	// Cluster are more seed nodes (host:port, comma-separated) of a Redis
	// Cluster; setting it makes a cluster client.
	Cluster string
	// SentinelMaster is the name of the primary that Sentinel watches;
	// setting it makes a failover client over the sentinels.
	SentinelMaster string
	// Sentinels are more sentinel addresses (host:port, comma-separated).
	Sentinels string
	// SentinelPasswordFile holds the password of the sentinels themselves
	// (requirepass or an ACL user named by Username), when they have one.
	SentinelPasswordFile string
}

// FlagSet is what RegisterSecurity needs of a flag set: config.Set in the
// services, a pflag.FlagSet in newsctl.
type FlagSet interface {
	StringVar(p *string, name, value, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
}

// Register adds the Redis flags to a flag set.
func (c *Config) Register(s *config.Set) {
	s.StringVar(&c.URL, "redis-url", "redis://127.0.0.1:6379/0", "Redis address: redis://[user@]host:port/db, rediss:// for TLS (a password here works but prefer --redis-password-file)")
	s.IntVar(&c.PoolSize, "redis-pool-size", 0, "most Redis connections (0: 10 per CPU)")
	s.DurationVar(&c.Timeout, "redis-timeout", 3*time.Second, "timeout of Redis dials, reads and writes")
	c.RegisterSecurity(s)
}

// RegisterSecurity adds the authentication, TLS and topology flags.
func (c *Config) RegisterSecurity(s FlagSet) {
	s.StringVar(&c.Username, "redis-username", "", "Redis ACL user (overrides the user of --redis-url)")
	s.StringVar(&c.PasswordFile, "redis-password-file", "", "file holding the Redis password (a mounted Secret; re-read on every connection; overrides a password in --redis-url)")
	s.StringVar(&c.TLS.CAFile, "redis-tls-ca-file", "", "PEM file of the CAs trusted to sign the Redis server certificate (rediss:// only; empty: the system roots)")
	s.StringVar(&c.TLS.CertFile, "redis-tls-cert-file", "", "PEM client certificate for a server with tls-auth-clients yes (rediss:// only)")
	s.StringVar(&c.TLS.KeyFile, "redis-tls-key-file", "", "PEM key of --redis-tls-cert-file")
	s.StringVar(&c.TLS.ServerName, "redis-tls-server-name", "", "name the Redis certificate must hold (empty: the host of --redis-url)")
	s.BoolVar(&c.TLS.InsecureSkipVerify, "redis-tls-insecure-skip-verify", false, "DANGEROUS: accept any Redis certificate; for experiments only")
	s.StringVar(&c.Cluster, "redis-cluster", "", "Redis Cluster: more seed nodes, comma-separated host:port (the host of --redis-url is one too)")
	s.StringVar(&c.SentinelMaster, "redis-sentinel-master", "", "Redis Sentinel: name of the primary; the host of --redis-url and --redis-sentinel-addrs are sentinels")
	s.StringVar(&c.Sentinels, "redis-sentinel-addrs", "", "Redis Sentinel: more sentinels, comma-separated host:port")
	s.StringVar(&c.SentinelPasswordFile, "redis-sentinel-password-file", "", "file holding the sentinels' own password, when they require one")
}

// Validate reports the first bad field.
func (c Config) Validate() error {
	o, err := c.options()
	if err != nil {
		return config.Invalid("redis-url", "%v", err)
	}
	if c.PoolSize < 0 {
		return config.Invalid("redis-pool-size", "must not be negative, got %d", c.PoolSize)
	}
	if c.Timeout <= 0 {
		return config.Invalid("redis-timeout", "must be positive, got %s", c.Timeout)
	}
	tlsSet := c.TLS != (tlsclient.Files{})
	if tlsSet && o.TLSConfig == nil {
		return config.Invalid("redis-url", "TLS files or settings are given but the URL is redis://; use rediss:// for TLS")
	}
	if err := c.TLS.Validate(func(f string) string { return "redis-tls-" + f }); err != nil {
		return err
	}
	for _, f := range []struct{ flag, file string }{{"redis-password-file", c.PasswordFile}, {"redis-sentinel-password-file", c.SentinelPasswordFile}} {
		if f.file == "" {
			continue
		}
		if _, err := secret.Read(f.file); err != nil {
			return config.Invalid(f.flag, "%v", err)
		}
	}
	if c.Cluster != "" && c.SentinelMaster != "" {
		return config.Invalid("redis-cluster", "a Redis Cluster and a Sentinel primary exclude each other")
	}
	if err := checkAddrs(c.Cluster); err != nil {
		return config.Invalid("redis-cluster", "%v", err)
	}
	if err := checkAddrs(c.Sentinels); err != nil {
		return config.Invalid("redis-sentinel-addrs", "%v", err)
	}
	if c.Sentinels != "" && c.SentinelMaster == "" {
		return config.Invalid("redis-sentinel-master", "required with --redis-sentinel-addrs")
	}
	if c.Cluster != "" && o.DB != 0 {
		return config.Invalid("redis-url", "a Redis Cluster has only database 0, the URL names %d", o.DB)
	}
	return nil
}

func checkAddrs(list string) error {
	for _, a := range splitList(list) {
		if h, p, err := net.SplitHostPort(a); err != nil || h == "" || p == "" {
			return fmt.Errorf("%q is not host:port", a)
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// options parses the URL; errors never repeat the URL's password.
func (c Config) options() (*redis.Options, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, fmt.Errorf("%s is not a redis:// or rediss:// URL", redact(c.URL))
	}
	o, err := redis.ParseURL(c.URL)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %s", redact(c.URL), strings.ReplaceAll(err.Error(), c.URL, redact(c.URL)))
	}
	return o, nil
}

// Mode names the topology: "server", "cluster" or "sentinel".
func (c Config) Mode() string {
	switch {
	case c.Cluster != "":
		return "cluster"
	case c.SentinelMaster != "":
		return "sentinel"
	}
	return "server"
}

// User is the ACL user the connection logs in as ("default" when none is named).
func (c Config) User() string {
	if c.Username != "" {
		return c.Username
	}
	if u, err := url.Parse(c.URL); err == nil && u.User != nil && u.User.Username() != "" {
		return u.User.Username()
	}
	return "default"
}

// credentials returns the provider of user and password: the password file,
// read on every new connection, else the URL's password.
func (c Config) credentials(o *redis.Options) func(context.Context) (string, string, error) {
	user, pass, file := o.Username, o.Password, c.PasswordFile
	if c.Username != "" {
		user = c.Username
	}
	return func(context.Context) (string, string, error) {
		if file == "" {
			return user, pass, nil
		}
		p, err := secret.Read(file)
		if err != nil {
			return "", "", fmt.Errorf("redis password: %w", err)
		}
		return user, p, nil
	}
}

// tlsConfig returns the TLS configuration of a rediss:// URL (nil for redis://).
func (c Config) tlsConfig(o *redis.Options) (*tls.Config, error) {
	if o.TLSConfig == nil {
		return nil, nil
	}
	f := c.TLS
	if f.ServerName == "" {
		f.ServerName = o.TLSConfig.ServerName // the URL's host
	}
	tc, err := f.Config()
	if err != nil {
		return nil, fmt.Errorf("redis TLS: %w", err)
	}
	return tc, nil
}

// Client returns a client for the configured server, cluster or sentinel primary.
func (c Config) Client() (redis.UniversalClient, error) {
	o, err := c.options()
	if err != nil {
		return nil, err
	}
	tc, err := c.tlsConfig(o)
	if err != nil {
		return nil, err
	}
	creds := c.credentials(o)
	pool := o.PoolSize
	if c.PoolSize > 0 {
		pool = c.PoolSize
	}
	switch c.Mode() {
	case "cluster":
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:                      append([]string{o.Addr}, splitList(c.Cluster)...),
			CredentialsProviderContext: creds,
			TLSConfig:                  tc,
			PoolSize:                   pool,
			DialTimeout:                c.Timeout, ReadTimeout: c.Timeout, WriteTimeout: c.Timeout,
		}), nil
	case "sentinel":
		fo := &redis.FailoverOptions{
			MasterName:                 c.SentinelMaster,
			SentinelAddrs:              append([]string{o.Addr}, splitList(c.Sentinels)...),
			CredentialsProviderContext: creds,
			DB:                         o.DB,
			TLSConfig:                  tc,
			PoolSize:                   pool,
			DialTimeout:                c.Timeout, ReadTimeout: c.Timeout, WriteTimeout: c.Timeout,
		}
		if c.SentinelPasswordFile != "" {
			// go-redis takes the sentinels' password as a value: read once here.
			p, err := secret.Read(c.SentinelPasswordFile)
			if err != nil {
				return nil, fmt.Errorf("redis sentinel password: %w", err)
			}
			fo.SentinelUsername, fo.SentinelPassword = c.Username, p
		}
		return redis.NewFailoverClient(fo), nil
	}
	o.Username, o.Password = "", ""
	o.CredentialsProviderContext = creds
	o.TLSConfig = tc
	o.PoolSize = pool
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = c.Timeout, c.Timeout, c.Timeout
	return redis.NewClient(o), nil
}

// Redacted describes the connection for logs: the URL with any password
// hidden, the user, the password file and the topology, never a secret.
func (c Config) Redacted() string {
	s := redact(c.URL)
	var extra []string
	if c.Username != "" {
		extra = append(extra, "user "+c.Username)
	}
	if c.PasswordFile != "" {
		extra = append(extra, "password file "+c.PasswordFile)
	}
	if c.TLS.CAFile != "" {
		extra = append(extra, "CA "+c.TLS.CAFile)
	}
	if c.TLS.CertFile != "" {
		extra = append(extra, "client cert "+c.TLS.CertFile)
	}
	switch c.Mode() {
	case "cluster":
		extra = append(extra, "cluster +"+c.Cluster)
	case "sentinel":
		extra = append(extra, "sentinel primary "+c.SentinelMaster)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// Warnings lists settings that weaken security, for a log line at start.
func (c Config) Warnings() []string {
	var w []string
	if c.TLS.InsecureSkipVerify {
		w = append(w, "--redis-tls-insecure-skip-verify: the Redis certificate is NOT verified; anyone on the network path can read and change Redis traffic")
	}
	if u, err := url.Parse(c.URL); err == nil {
		if _, has := u.User.Password(); has && u.Scheme == "redis" && !isLoopback(u.Hostname()) {
			w = append(w, "the Redis password crosses the network in clear (redis:// to a remote host): use rediss://")
		}
	}
	return w
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

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
