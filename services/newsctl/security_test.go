package main

import (
	"strings"
	"testing"
)

func TestSecurityFlagsFromEnvironment(t *testing.T) {
	t.Setenv("NEWSFLOW_KAFKA_SASL_MECHANISM", "scram-sha-512")
	t.Setenv("NEWSFLOW_KAFKA_SASL_USERNAME", "newsflow-ops")
	t.Setenv("NEWSFLOW_KAFKA_TLS", "true")
	t.Setenv("NEWSFLOW_REDIS_PASSWORD_FILE", "/run/secrets/redis/password")
	root := newRoot()
	for name, want := range map[string]string{
		"kafka-sasl-mechanism": "scram-sha-512", "kafka-sasl-username": "newsflow-ops", "kafka-tls": "true",
		"redis-password-file": "/run/secrets/redis/password", "kafka-sasl-password-file": "",
	} {
		f := root.PersistentFlags().Lookup(name)
		if f == nil {
			t.Errorf("no persistent flag --%s", name)
			continue
		}
		if f.DefValue != want {
			t.Errorf("--%s defaults to %q, want %q from the environment", name, f.DefValue, want)
		}
		if !strings.Contains(f.Usage, "env NEWSFLOW_") {
			t.Errorf("--%s help does not name its variable: %q", name, f.Usage)
		}
	}
}

func TestSecurityFlagsRefuseBadEnvironment(t *testing.T) {
	t.Setenv("NEWSFLOW_KAFKA_TLS", "sometimes")
	root := newRoot()
	root.SetArgs([]string{"lag"})
	root.SetOut(&strings.Builder{})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "--kafka-tls (from NEWSFLOW_KAFKA_TLS)") {
		t.Fatalf("newsctl lag with NEWSFLOW_KAFKA_TLS=sometimes: %v", err)
	}
}

func TestSecurityFlagsValidated(t *testing.T) {
	root := newRoot()
	root.SetArgs([]string{"lag", "--kafka-sasl-mechanism", "scram-sha-512", "--kafka-sasl-username", "u", "--kafka-sasl-password-file", "/nonexistent"})
	root.SetOut(&strings.Builder{})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "--kafka-sasl-password-file") {
		t.Fatalf("a missing password file: %v", err)
	}
}
