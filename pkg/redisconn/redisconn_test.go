package redisconn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/tlsclient"
)

func secretFile(t *testing.T, v string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func parse(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	var c Config
	s := config.New("test", "test")
	s.SetLookupEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	c.Register(s)
	if err := s.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestFlagsAndValidate(t *testing.T) {
	pw := secretFile(t, "pa55word-xyz\n")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // "" for valid
		mode string
	}{
		{"default", nil, nil, "", "server"},
		{"rediss with files", []string{"--redis-url", "rediss://u@r:6380/2", "--redis-password-file", pw}, nil, "", "server"},
		{"env", nil, map[string]string{"NEWSFLOW_REDIS_URL": "rediss://r:6380/0", "NEWSFLOW_REDIS_USERNAME": "cleaner", "NEWSFLOW_REDIS_PASSWORD_FILE": pw}, "", "server"},
		{"TLS files need rediss", []string{"--redis-url", "redis://r:6379/0", "--redis-tls-ca-file", "/ca.pem"}, nil, "use rediss://", ""},
		{"missing CA", []string{"--redis-url", "rediss://r:6379/0", "--redis-tls-ca-file", "/nonexistent/ca.pem"}, nil, "--redis-tls-ca-file", ""},
		{"unreadable password file", []string{"--redis-password-file", "/nonexistent"}, nil, "--redis-password-file (NEWSFLOW_REDIS_PASSWORD_FILE)", ""},
		{"cluster", []string{"--redis-url", "rediss://u@n1:6379", "--redis-cluster", "n2:6379, n3:6379"}, nil, "", "cluster"},
		{"cluster with a database", []string{"--redis-url", "redis://n1:6379/3", "--redis-cluster", "n2:6379"}, nil, "only database 0", ""},
		{"cluster bad address", []string{"--redis-cluster", "n2"}, nil, "--redis-cluster", ""},
		{"sentinel", []string{"--redis-url", "redis://s1:26379/1", "--redis-sentinel-master", "mymaster", "--redis-sentinel-addrs", "s2:26379"}, nil, "", "sentinel"},
		{"sentinels without master", []string{"--redis-sentinel-addrs", "s2:26379"}, nil, "--redis-sentinel-master", ""},
		{"cluster and sentinel", []string{"--redis-cluster", "n2:6379", "--redis-sentinel-master", "m"}, nil, "exclude each other", ""},
		{"not a redis URL", []string{"--redis-url", "http://user:pa55word-xyz@r/0"}, nil, "--redis-url", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.args, tc.env)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			case tc.want == "" && c.Mode() != tc.mode:
				t.Fatalf("mode %s, want %s", c.Mode(), tc.mode)
			}
			if err != nil && strings.Contains(err.Error(), "pa55word") {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

func TestClientKinds(t *testing.T) {
	pw := secretFile(t, "pw")
	tests := []struct {
		c    Config
		kind string
	}{
		{Config{URL: "redis://r:6379/0", Timeout: time.Second}, "*redis.Client"},
		{Config{URL: "rediss://u@n1:6379", Timeout: time.Second, PasswordFile: pw, Cluster: "n2:6379"}, "*redis.ClusterClient"},
		{Config{URL: "redis://s1:26379/0", Timeout: time.Second, SentinelMaster: "m", SentinelPasswordFile: pw}, "*redis.Client"},
	}
	for _, tc := range tests {
		c, err := tc.c.Client()
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%T", c); got != tc.kind {
			t.Errorf("%s: client %s, want %s", tc.c.Mode(), got, tc.kind)
		}
		c.Close()
	}
	// rediss:// gets a TLS configuration with the URL's host as server name.
	c := Config{URL: "rediss://u@redis.internal:6380/0", Timeout: time.Second}
	o, _ := c.options()
	tc, err := c.tlsConfig(o)
	if err != nil || tc == nil || tc.ServerName != "redis.internal" {
		t.Fatalf("TLS config %v (%v), want server name redis.internal", tc, err)
	}
	c.TLS = tlsclient.Files{ServerName: "override.example"}
	if tc, _ := c.tlsConfig(o); tc.ServerName != "override.example" {
		t.Fatalf("server name %q, want the flag's", tc.ServerName)
	}
}

func TestRedactedHidesPasswords(t *testing.T) {
	c := Config{URL: "rediss://cleaner:hunter2-pass@r:6380/1", Username: "cleaner", PasswordFile: "/run/secrets/pw", Cluster: "n2:6379"}
	r := c.Redacted()
	if strings.Contains(r, "hunter2") {
		t.Fatalf("Redacted shows the password: %s", r)
	}
	for _, want := range []string{"rediss://cleaner:xxxxx@r:6380/1", "password file /run/secrets/pw", "cluster"} {
		if !strings.Contains(r, want) {
			t.Errorf("Redacted %q lacks %q", r, want)
		}
	}
	if _, err := (Config{URL: "redis://u:hunter2-pass@r:notaport/0"}).options(); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a bad URL's error shows the password or is nil: %v", err)
	}
	if w := (Config{URL: "redis://u:p@redis.example:6379/0"}).Warnings(); len(w) != 1 {
		t.Errorf("a password over plaintext to a remote host gives warnings %v", w)
	}
	if w := (Config{URL: "redis://u:p@127.0.0.1:6379/0"}).Warnings(); len(w) != 0 {
		t.Errorf("loopback gives warnings %v", w)
	}
}

func TestAuthWithPasswordFileAndRotation(t *testing.T) {
	mr := miniredis.RunT(t)
	mr.RequireUserAuth("cleaner", "first-pw")
	pw := secretFile(t, "first-pw\n")
	c := Config{URL: "redis://cleaner@" + mr.Addr() + "/0", PasswordFile: pw, Timeout: time.Second, PoolSize: 1}
	rdb, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx := context.Background()
	if err := c.CheckAccess(ctx, rdb, []string{"nf:once:"}); err != nil {
		t.Fatalf("CheckAccess: %v", err)
	}
	// The server and the Secret rotate; a new connection logs in with the new password.
	mr.RequireUserAuth("cleaner", "second-pw")
	if err := os.WriteFile(pw, []byte("second-pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	rdb2, _ := c.Client()
	defer rdb2.Close()
	if err := c.CheckAccess(ctx, rdb2, nil); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	// A wrong password is an AccessError naming the user and the file.
	if err := os.WriteFile(pw, []byte("wrong-pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	rdb3, _ := c.Client()
	defer rdb3.Close()
	err = c.CheckAccess(ctx, rdb3, nil)
	var ae *AccessError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "AUTH failed for user cleaner (password file "+pw+")") {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-pw") || strings.Contains(err.Error(), "second-pw") {
		t.Fatalf("the error shows a password: %v", err)
	}
	// No password at all against a server that wants one.
	rdb4 := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb4.Close()
	if err := (Config{URL: "redis://" + mr.Addr()}).CheckAccess(ctx, rdb4, nil); !errors.As(err, &ae) || !strings.Contains(err.Error(), "requires a password") {
		t.Fatalf("no password: %v", err)
	}
}

func TestExplain(t *testing.T) {
	c := Config{URL: "rediss://enricher@r:6380/0", PasswordFile: "/pw"}
	tests := []struct {
		err       error
		want      string
		permanent bool
	}{
		{errors.New("failed to authenticate: WRONGPASS invalid username-password pair or user is disabled."), "AUTH failed for user enricher (password file /pw)", true},
		{errors.New("NOAUTH Authentication required."), "requires a password", true},
		{errors.New("NOPERM User enricher has no permissions to run the 'config|get' command"), "lacks an ACL permission", true},
		{errors.New("failed to resolve credentials: redis password: read secret: open /pw: no such file"), "failed to resolve credentials", true},
		{errors.New("dial tcp r:6380: connect: connection refused"), "connection refused", false},
	}
	for _, tc := range tests {
		got := c.Explain(tc.err)
		var ae *AccessError
		if !strings.Contains(got.Error(), tc.want) || errors.As(got, &ae) != tc.permanent {
			t.Errorf("Explain(%v) = %v (permanent %v), want %q (permanent %v)", tc.err, got, errors.As(got, &ae), tc.want, tc.permanent)
		}
	}
}
