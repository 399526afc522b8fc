// Package broker holds how newsflow connects to Kafka: bootstrap addresses,
// client id, timeouts, TLS and SASL, turned into the kafka-go dialers,
// transports and clients that readers, writers and admin calls share. Every
// Kafka connection of every binary is made from a Config, so one set of
// flags secures them all; CheckAccess verifies at start that the process may
// do what it needs (see access.go).
package broker

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/config"
)

// Config is the Kafka connection of a binary.
type Config struct {
	// Brokers are the bootstrap addresses, host:port.
	Brokers []string
	// ClientID names this process to the brokers (it shows in broker logs and quotas).
	ClientID string
	// DialTimeout bounds each connection attempt.
	DialTimeout time.Duration
	// TLS encrypts (and, with a client certificate, authenticates) the
	// connections; off by default.
	TLS TLS
	// SASL authenticates this process to the brokers; off by default.
	SASL SASL
}

// Register adds the connection flags to a flag set.
func (c *Config) Register(s *config.Set, clientID string) {
	s.ListVar(&c.Brokers, "brokers", []string{"127.0.0.1:9092"}, "Kafka bootstrap brokers, comma-separated host:port")
	s.StringVar(&c.ClientID, "client-id", clientID, "Kafka client id of this process")
	s.DurationVar(&c.DialTimeout, "kafka-dial-timeout", 10*time.Second, "timeout of one connection attempt to a broker")
	c.RegisterSecurity(s)
}

// Validate reports the first bad field.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return config.Invalid("brokers", "at least one host:port is required")
	}
	for _, b := range c.Brokers {
		host, port, err := net.SplitHostPort(b)
		if err != nil || host == "" || port == "" {
			return config.Invalid("brokers", "%q is not host:port", b)
		}
	}
	if c.DialTimeout <= 0 {
		return config.Invalid("kafka-dial-timeout", "must be positive, got %s", c.DialTimeout)
	}
	if err := c.TLS.validate(); err != nil {
		return err
	}
	return c.SASL.validate()
}

// Dialer returns the dialer used by readers and consumer groups, with the
// configured TLS and SASL.
func (c Config) Dialer() *kafka.Dialer {
	tc, mech := c.security()
	return &kafka.Dialer{ClientID: c.ClientID, Timeout: c.DialTimeout, DualStack: true, TLS: tc, SASLMechanism: mech}
}

// Transport returns the transport used by writers and the admin client, with
// the configured TLS and SASL. A transport, once used, keeps a connection
// pool per broker address and refreshes the cluster's metadata in the
// background until CloseIdleConnections: its owner must call that when done,
// or the pool, its connections and its metadata requests outlive the owner.
func (c Config) Transport() *kafka.Transport {
	tc, mech := c.security()
	return &kafka.Transport{
		ClientID:    c.ClientID,
		DialTimeout: c.DialTimeout,
		IdleTimeout: 30 * time.Second,
		MetadataTTL: 15 * time.Second,
		TLS:         tc,
		SASL:        mech,
	}
}

// Client returns an admin and metadata client on a transport of its own.
// Close it with CloseClient when done: until then its transport polls the
// whole cluster's metadata every few seconds over a connection of its own
// (a process making a client per call and never closing them was measured
// by pkg/pipebench piling up hundreds of such pollers in ten minutes).
func (c Config) Client() *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Timeout: 30 * time.Second, Transport: c.Transport()}
}

// CloseClient stops the background metadata refresh of a client from Client
// and closes its idle connections. It does nothing for other transports.
func CloseClient(cl *kafka.Client) {
	if t, ok := cl.Transport.(*kafka.Transport); ok {
		t.CloseIdleConnections()
	}
}

// CloseWriter flushes and closes w, and then its transport: a kafka-go
// Writer closes only a transport it made itself, never one it was given.
func CloseWriter(w *kafka.Writer) error {
	err := w.Close()
	if t, ok := w.Transport.(*kafka.Transport); ok {
		t.CloseIdleConnections()
	}
	return err
}

// Ping asks the cluster for its metadata; it is the readiness check of Kafka.
func (c Config) Ping(ctx context.Context) error {
	cl := c.Client()
	defer CloseClient(cl)
	if _, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}}); err != nil {
		return fmt.Errorf("kafka metadata from %s: %w", strings.Join(c.Brokers, ","), c.Explain(err))
	}
	return nil
}

// Partitions returns the number of partitions of a topic.
func (c Config) Partitions(ctx context.Context, topic string) (int, error) {
	cl := c.Client()
	defer CloseClient(cl)
	md, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("metadata of topic %s: %w", topic, err)
	}
	for _, t := range md.Topics {
		if t.Name == topic {
			if t.Error != nil {
				return 0, fmt.Errorf("metadata of topic %s: %w", topic, t.Error)
			}
			return len(t.Partitions), nil
		}
	}
	return 0, fmt.Errorf("topic %s does not exist (create it with `newsctl topics create`)", topic)
}
