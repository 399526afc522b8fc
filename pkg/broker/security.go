package broker

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/secret"
	"github.com/newsflow/newsflow/pkg/tlsclient"
)

// SASL mechanisms, as given to --kafka-sasl-mechanism (case does not matter).
const (
	MechanismPlain       = "plain"
	MechanismSCRAMSHA256 = "scram-sha-256"
	MechanismSCRAMSHA512 = "scram-sha-512"
)

// TLS is the TLS side of the Kafka connection.
type TLS struct {
	// Enabled turns TLS on; any of the file, server-name or skip-verify
	// settings turns it on too.
	Enabled bool
	tlsclient.Files
}

// On reports whether connections use TLS.
func (t TLS) On() bool {
	return t.Enabled || t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != "" || t.InsecureSkipVerify
}

// SASL is how the process logs in. The password is read from a file (a
// mounted Secret) on every new connection, so it is never held in a flag, an
// environment variable or this struct, and a rotated Secret takes effect
// without a restart.
type SASL struct {
	// Mechanism is "", plain, scram-sha-256 or scram-sha-512.
	Mechanism string
	// Username is the SASL user (the Kafka principal User:<name>).
	Username string
	// PasswordFile holds the password (trailing newlines are ignored).
	PasswordFile string
}

// FlagSet is what RegisterSecurity needs of a flag set: config.Set in the
// services, a pflag.FlagSet in newsctl.
type FlagSet interface {
	StringVar(p *string, name, value, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
}

// RegisterSecurity adds the TLS and SASL flags.
func (c *Config) RegisterSecurity(s FlagSet) {
	s.BoolVar(&c.TLS.Enabled, "kafka-tls", false, "connect to the brokers with TLS (implied by any --kafka-tls-* flag)")
	s.StringVar(&c.TLS.CAFile, "kafka-tls-ca-file", "", "PEM file of the CAs trusted to sign the brokers' certificates (empty: the system roots), e.g. Strimzi's <cluster>-cluster-ca-cert ca.crt")
	s.StringVar(&c.TLS.CertFile, "kafka-tls-cert-file", "", "PEM client certificate for brokers that require one (mTLS); re-read on every connection")
	s.StringVar(&c.TLS.KeyFile, "kafka-tls-key-file", "", "PEM key of --kafka-tls-cert-file")
	s.StringVar(&c.TLS.ServerName, "kafka-tls-server-name", "", "name the brokers' certificates must hold (empty: the host dialled)")
	s.BoolVar(&c.TLS.InsecureSkipVerify, "kafka-tls-insecure-skip-verify", false, "DANGEROUS: accept any broker certificate (anyone on the path can read and change the traffic); for experiments only")
	s.StringVar(&c.SASL.Mechanism, "kafka-sasl-mechanism", "", "SASL mechanism: plain, scram-sha-256 or scram-sha-512 (empty: no SASL)")
	s.StringVar(&c.SASL.Username, "kafka-sasl-username", "", "SASL user name (the Kafka principal User:<name>)")
	s.StringVar(&c.SASL.PasswordFile, "kafka-sasl-password-file", "", "file holding the SASL password (a mounted Secret; re-read on every connection)")
}

func (t TLS) validate() error {
	return t.Files.Validate(func(field string) string { return "kafka-tls-" + field })
}

// mechanism returns the canonical mechanism name, or "" when SASL is off.
func (s SASL) mechanism() string { return strings.ToLower(strings.TrimSpace(s.Mechanism)) }

func (s SASL) validate() error {
	switch m := s.mechanism(); m {
	case "":
		if s.Username != "" || s.PasswordFile != "" {
			return config.Invalid("kafka-sasl-mechanism", "a SASL user or password file is set but no mechanism: use plain, scram-sha-256 or scram-sha-512")
		}
		return nil
	case MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512:
	default:
		return config.Invalid("kafka-sasl-mechanism", "%q is not one of plain, scram-sha-256, scram-sha-512", s.Mechanism)
	}
	if s.Username == "" {
		return config.Invalid("kafka-sasl-username", "required with --kafka-sasl-mechanism %s", s.mechanism())
	}
	if s.PasswordFile == "" {
		return config.Invalid("kafka-sasl-password-file", "required with --kafka-sasl-mechanism %s (a file, so the password is in no flag or log)", s.mechanism())
	}
	if _, err := secret.Read(s.PasswordFile); err != nil {
		return config.Invalid("kafka-sasl-password-file", "%v", err)
	}
	return nil
}

// security returns the TLS configuration and SASL mechanism of a new dialer
// or transport (nil, nil for plaintext without SASL). A CA file that became
// unreadable since Validate yields a configuration whose every handshake
// fails with that error: connections fail loudly, never fall back.
func (c Config) security() (*tls.Config, sasl.Mechanism) {
	var tc *tls.Config
	if c.TLS.On() {
		var err error
		if tc, err = c.TLS.Config(); err != nil {
			tc = failingTLS(fmt.Errorf("kafka TLS: %w", err))
		}
	}
	var mech sasl.Mechanism
	if m := c.SASL.mechanism(); m != "" {
		mech = fileMechanism{name: m, user: c.SASL.Username, file: c.SASL.PasswordFile}
	}
	return tc, mech
}

func failingTLS(err error) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Verification is replaced by a check that always fails: no
		// connection is ever made with this configuration.
		InsecureSkipVerify: true, //nolint:gosec // see VerifyConnection
		VerifyConnection:   func(tls.ConnectionState) error { return err },
	}
}

// fileMechanism is a SASL mechanism that reads its password file when a
// connection starts authenticating, then runs kafka-go's PLAIN or SCRAM.
type fileMechanism struct{ name, user, file string }

func (m fileMechanism) Name() string { return strings.ToUpper(m.name) }

func (m fileMechanism) Start(ctx context.Context) (sasl.StateMachine, []byte, error) {
	pw, err := secret.Read(m.file)
	if err != nil {
		return nil, nil, fmt.Errorf("SASL %s for user %s: %w", m.Name(), m.user, err)
	}
	var inner sasl.Mechanism
	switch m.name {
	case MechanismPlain:
		inner = plain.Mechanism{Username: m.user, Password: pw}
	case MechanismSCRAMSHA256, MechanismSCRAMSHA512:
		algo := scram.SHA512
		if m.name == MechanismSCRAMSHA256 {
			algo = scram.SHA256
		}
		if inner, err = scram.Mechanism(algo, m.user, pw); err != nil {
			// The error of SASLprep names the offending rune class, not the value.
			return nil, nil, fmt.Errorf("SASL %s for user %s: %w", m.Name(), m.user, err)
		}
	default:
		return nil, nil, fmt.Errorf("SASL mechanism %q is not supported", m.name)
	}
	return inner.Start(ctx)
}

// Warnings lists settings that weaken security, for a log line at start.
func (c Config) Warnings() []string {
	var w []string
	if c.TLS.InsecureSkipVerify {
		w = append(w, "--kafka-tls-insecure-skip-verify: broker certificates are NOT verified; anyone on the network path can read and change Kafka traffic")
	}
	if c.SASL.mechanism() == MechanismPlain && !c.TLS.On() {
		w = append(w, "--kafka-sasl-mechanism plain without TLS: the password crosses the network in clear")
	}
	return w
}

// Protocol is the Kafka security protocol in use: PLAINTEXT, SSL,
// SASL_PLAINTEXT or SASL_SSL.
func (c Config) Protocol() string {
	switch {
	case c.SASL.mechanism() != "" && c.TLS.On():
		return "SASL_SSL"
	case c.SASL.mechanism() != "":
		return "SASL_PLAINTEXT"
	case c.TLS.On():
		return "SSL"
	}
	return "PLAINTEXT"
}

// Principal is the Kafka principal the brokers are expected to see: the SASL
// user, else the client certificate's subject, else ANONYMOUS.
func (c Config) Principal() string {
	switch {
	case c.SASL.mechanism() != "":
		return "User:" + c.SASL.Username
	case c.TLS.On() && c.TLS.CertFile != "":
		if cert, err := tls.LoadX509KeyPair(c.TLS.CertFile, c.TLS.KeyFile); err == nil && cert.Leaf != nil {
			return "User:" + cert.Leaf.Subject.String()
		}
		return "User:<subject of " + c.TLS.CertFile + ">"
	}
	return "User:ANONYMOUS"
}

// Describe is a one-line summary of the connection's security for logs:
// protocol, mechanism, user and file paths, never a secret.
func (c Config) Describe() string {
	parts := []string{c.Protocol()}
	if m := c.SASL.mechanism(); m != "" {
		parts = append(parts, m+" as "+c.SASL.Username)
	}
	if c.TLS.On() {
		ca := "system roots"
		if c.TLS.CAFile != "" {
			ca = c.TLS.CAFile
		}
		parts = append(parts, "CA "+ca)
		if c.TLS.CertFile != "" {
			parts = append(parts, "client cert "+c.TLS.CertFile)
		}
		if c.TLS.ServerName != "" {
			parts = append(parts, "server name "+c.TLS.ServerName)
		}
	}
	return strings.Join(parts, ", ")
}

// Explain returns err with its cause named when it is a TLS or SASL failure
// (an untrusted certificate, a wrong password, a mechanism the broker does
// not offer), else err unchanged. Explained errors are *AccessError.
func (c Config) Explain(err error) error {
	if err == nil {
		return nil
	}
	var ae *AccessError
	if errors.As(err, &ae) {
		return err
	}
	brokers := strings.Join(c.Brokers, ",")
	if e := tlsclient.Explain(err, "Kafka broker "+brokers, c.TLS.Files); e != nil {
		return &AccessError{err: e}
	}
	if !c.TLS.On() && strings.Contains(err.Error(), "expecting TLS") {
		// kafka-go's own diagnosis of a plaintext client on a TLS listener.
		return &AccessError{err: fmt.Errorf("kafka %s: the listener expects TLS but --kafka-tls is off: %w", brokers, err)}
	}
	switch {
	case errors.Is(err, kafka.SASLAuthenticationFailed):
		return &AccessError{err: fmt.Errorf("kafka %s: SASL authentication failed for user %s with %s (password file %s): wrong password or unknown user? %w",
			brokers, c.SASL.Username, c.SASL.mechanism(), c.SASL.PasswordFile, err)}
	case errors.Is(err, kafka.UnsupportedSASLMechanism):
		return &AccessError{err: fmt.Errorf("kafka %s: the listener does not offer SASL mechanism %s (check --kafka-sasl-mechanism against the listener's sasl.enabled.mechanisms): %w",
			brokers, c.SASL.mechanism(), err)}
	case errors.Is(err, kafka.IllegalSASLState):
		return &AccessError{err: fmt.Errorf("kafka %s: the listener does not speak SASL here (is it a SASL listener? is --kafka-tls needed?): %w", brokers, err)}
	}
	return err
}
