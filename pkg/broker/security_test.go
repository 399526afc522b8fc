package broker

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/tlsclient"
)

// parse registers a Config's flags, parses args and env, and validates.
func parse(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	var c Config
	s := config.New("test", "test")
	s.SetLookupEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	c.Register(s, "newsflow-test")
	if err := s.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func writeSecret(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSecurityFlags(t *testing.T) {
	pw := writeSecret(t, "s3cr3t-value\n")
	empty := writeSecret(t, "\n")
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantErr  string // "" for valid
		protocol string
	}{
		{"plaintext by default", nil, nil, "", "PLAINTEXT"},
		{"tls flag", []string{"--kafka-tls"}, nil, "", "SSL"},
		{"a CA file implies TLS", []string{"--kafka-tls-ca-file", "/nonexistent/ca.pem"}, nil, "--kafka-tls-ca-file", ""},
		{"server name implies TLS", []string{"--kafka-tls-server-name", "kafka.example"}, nil, "", "SSL"},
		{"scram from flags", []string{"--kafka-sasl-mechanism", "scram-sha-512", "--kafka-sasl-username", "u", "--kafka-sasl-password-file", pw}, nil, "", "SASL_PLAINTEXT"},
		{"scram from env, any case", nil, map[string]string{
			"NEWSFLOW_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256", "NEWSFLOW_KAFKA_SASL_USERNAME": "u",
			"NEWSFLOW_KAFKA_SASL_PASSWORD_FILE": pw, "NEWSFLOW_KAFKA_TLS": "true"}, "", "SASL_SSL"},
		{"plain", []string{"--kafka-sasl-mechanism", "plain", "--kafka-sasl-username", "u", "--kafka-sasl-password-file", pw}, nil, "", "SASL_PLAINTEXT"},
		{"unknown mechanism", []string{"--kafka-sasl-mechanism", "gssapi", "--kafka-sasl-username", "u", "--kafka-sasl-password-file", pw}, nil, "--kafka-sasl-mechanism (NEWSFLOW_KAFKA_SASL_MECHANISM)", ""},
		{"mechanism without user", []string{"--kafka-sasl-mechanism", "plain", "--kafka-sasl-password-file", pw}, nil, "--kafka-sasl-username", ""},
		{"mechanism without password file", []string{"--kafka-sasl-mechanism", "plain", "--kafka-sasl-username", "u"}, nil, "--kafka-sasl-password-file", ""},
		{"unreadable password file", []string{"--kafka-sasl-mechanism", "plain", "--kafka-sasl-username", "u", "--kafka-sasl-password-file", "/nonexistent"}, nil, "--kafka-sasl-password-file", ""},
		{"empty password file", []string{"--kafka-sasl-mechanism", "plain", "--kafka-sasl-username", "u", "--kafka-sasl-password-file", empty}, nil, "is empty", ""},
		{"user without mechanism", []string{"--kafka-sasl-username", "u"}, nil, "--kafka-sasl-mechanism", ""},
		{"client cert without key", []string{"--kafka-tls-cert-file", "/x.pem"}, nil, "--kafka-tls-cert-file / --kafka-tls-key-file", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.args, tc.env)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one naming %q", err, tc.wantErr)
			case tc.wantErr == "" && c.Protocol() != tc.protocol:
				t.Fatalf("protocol %s, want %s", c.Protocol(), tc.protocol)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

func TestDialerAndTransportCarrySecurity(t *testing.T) {
	pw := writeSecret(t, "pw")
	for _, tc := range []struct {
		mech, want string
	}{{"plain", "PLAIN"}, {"scram-sha-256", "SCRAM-SHA-256"}, {"SCRAM-SHA-512", "SCRAM-SHA-512"}} {
		c := Config{Brokers: []string{"b:9093"}, ClientID: "x", DialTimeout: time.Second,
			TLS:  TLS{Files: tlsclient.Files{ServerName: "kafka.example"}},
			SASL: SASL{Mechanism: tc.mech, Username: "u", PasswordFile: pw}}
		d, tr := c.Dialer(), c.Transport()
		if d.TLS == nil || d.TLS.ServerName != "kafka.example" || tr.TLS == nil || tr.TLS.MinVersion != tls.VersionTLS12 {
			t.Errorf("%s: TLS not set on dialer (%v) and transport (%v)", tc.mech, d.TLS, tr.TLS)
		}
		if d.SASLMechanism == nil || d.SASLMechanism.Name() != tc.want || tr.SASL == nil || tr.SASL.Name() != tc.want {
			t.Errorf("%s: SASL mechanism %v / %v, want %s", tc.mech, d.SASLMechanism, tr.SASL, tc.want)
		}
		if _, _, err := d.SASLMechanism.Start(context.Background()); err != nil {
			t.Errorf("%s: start: %v", tc.mech, err)
		}
	}
	plain := Config{Brokers: []string{"b:9092"}, DialTimeout: time.Second}
	if d := plain.Dialer(); d.TLS != nil || d.SASLMechanism != nil {
		t.Errorf("plaintext dialer has TLS %v / SASL %v", d.TLS, d.SASLMechanism)
	}
}

func TestPasswordFileIsReadPerConnection(t *testing.T) {
	pw := writeSecret(t, "first")
	c := Config{SASL: SASL{Mechanism: "plain", Username: "u", PasswordFile: pw}}
	_, mech := c.security()
	_, first, err := mech.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pw, []byte("rotated\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, second, err := mech.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// PLAIN's first message is "\x00user\x00password".
	if string(first) != "\x00u\x00first" || string(second) != "\x00u\x00rotated" {
		t.Fatalf("PLAIN messages %q then %q: the rotated password was not read", first, second)
	}
	if err := os.Remove(pw); err != nil {
		t.Fatal(err)
	}
	if _, _, err := mech.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "user u") {
		t.Fatalf("a vanished password file: %v, want an error naming the user", err)
	}
}

func TestUnreadableCAFailsEveryHandshake(t *testing.T) {
	c := Config{TLS: TLS{Enabled: true, Files: tlsclient.Files{CAFile: "/nonexistent/ca.pem"}}}
	tc, _ := c.security()
	if tc == nil || tc.VerifyConnection == nil {
		t.Fatal("an unreadable CA must yield a configuration that refuses every connection")
	}
	if err := tc.VerifyConnection(tls.ConnectionState{}); err == nil || !strings.Contains(err.Error(), "ca.pem") {
		t.Fatalf("VerifyConnection: %v, want the CA error", err)
	}
}

func TestExplain(t *testing.T) {
	c := Config{Brokers: []string{"k:9093"}, SASL: SASL{Mechanism: "scram-sha-512", Username: "newsflow-cleaner", PasswordFile: "/run/pw"}}
	tests := []struct {
		name      string
		err       error
		want      string
		permanent bool
	}{
		{"sasl failed", fmt.Errorf("kafka.(*Client).Metadata: %w", kafka.SASLAuthenticationFailed), "SASL authentication failed for user newsflow-cleaner with scram-sha-512 (password file /run/pw)", true},
		{"mechanism not offered", kafka.UnsupportedSASLMechanism, "does not offer SASL mechanism scram-sha-512", true},
		{"plaintext to TLS", errors.New("unexpected EOF: broker appears to be expecting TLS"), "expects TLS but --kafka-tls is off", true},
		{"network", errors.New("dial tcp k:9093: connect: connection refused"), "connection refused", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Explain(tc.err)
			if !strings.Contains(got.Error(), tc.want) || IsPermanent(got) != tc.permanent {
				t.Fatalf("Explain: %v (permanent %v), want %q (permanent %v)", got, IsPermanent(got), tc.want, tc.permanent)
			}
			if !errors.Is(got, tc.err) {
				t.Fatalf("Explain lost the cause: %v", got)
			}
		})
	}
}

func TestDescribeAndWarnings(t *testing.T) {
	pw := writeSecret(t, "hunter2-secret")
	c := Config{Brokers: []string{"k:9093"}, TLS: TLS{Files: tlsclient.Files{CAFile: "/ca.pem", InsecureSkipVerify: true}},
		SASL: SASL{Mechanism: "plain", Username: "ops", PasswordFile: pw}}
	d := c.Describe()
	for _, want := range []string{"SASL_SSL", "plain as ops", "CA /ca.pem"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe %q lacks %q", d, want)
		}
	}
	if strings.Contains(d, "hunter2") || strings.Contains(fmt.Sprintf("%+v", c), "hunter2") {
		t.Errorf("the configuration shows the password: %s", d)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "NOT verified") {
		t.Errorf("warnings %v, want the skip-verify one", w)
	}
	c.TLS = TLS{}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "in clear") {
		t.Errorf("warnings %v, want PLAIN without TLS", w)
	}
	if p := c.Principal(); p != "User:ops" {
		t.Errorf("principal %s", p)
	}
}

func TestOpList(t *testing.T) {
	if got := opList(1<<3 | 1<<8); got != "READ, DESCRIBE" {
		t.Errorf("opList = %q", got)
	}
	if got := opList(0); got != "nothing" {
		t.Errorf("opList(0) = %q", got)
	}
}
