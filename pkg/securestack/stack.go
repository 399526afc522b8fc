// Package securestack starts, for integration tests, the production security
// setup on loopback: a real Kafka broker (deploy/local/kafka.sh) whose
// clients must speak SASL_SSL with a client certificate, with SCRAM users
// made by the broker's own storage tool and ACLs enforced by KRaft's
// StandardAuthorizer; and a real redis-server (deploy/local/redis.sh) whose
// clients must speak TLS with a client certificate and log in as ACL users
// from a users file. The CA and every certificate are made by the test.
//
// Each Stack has its own ports and state directory, so it never touches the
// shared test broker and Redis that other tests use. Both servers also keep
// a plaintext loopback port that only answers the scripts' readiness probe:
// the broker's principal there (ANONYMOUS) holds no ACL and Redis's default
// user may only PING.
package securestack

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/redisconn"
	"github.com/newsflow/newsflow/pkg/testenv"
	"github.com/newsflow/newsflow/pkg/tlsclient"
)

// Names the certificates hold.
const (
	// AdminUser is the Kafka super user (SASL PLAIN and SCRAM-SHA-512).
	AdminUser = "admin"
	// RedisAdminUser is the Redis user with every right, for test checks.
	RedisAdminUser = "nf-test-admin"
	// KafkaServerName is in the broker certificate beside 127.0.0.1.
	KafkaServerName = "kafka.newsflow.test"
	// RedisServerName is in the Redis certificate beside 127.0.0.1.
	RedisServerName = "redis.newsflow.test"
	// brokerCN is the broker certificate's subject: the principal of the
	// broker on its controller listener (mutual TLS), a super user.
	brokerCN = "newsflow-test-broker"
)

// Options are the users of a Stack.
type Options struct {
	// KafkaUsers get SCRAM-SHA-256 and SCRAM-SHA-512 credentials (made by
	// kafka-storage format --add-scram) and no ACL: grant with CreateACLs.
	KafkaUsers []string
	// RedisACL is a users file in the format of deploy/local/redis-users.acl:
	// each placeholder SHA256_OF_<USER>_PASSWORD (user upper-cased, dashes
	// as underscores) of RedisUsers becomes the SHA-256 of the user's
	// password. Its "user default" line is replaced by a default user that
	// may only PING (the readiness probe), and an admin user is added.
	RedisACL   string
	RedisUsers []string
}

// Stack is a running secure broker and redis-server.
type Stack struct {
	// Dir holds the certificates, password files and server state.
	Dir string
	// CAFile signed every certificate of the stack; OtherCAFile signed none.
	CAFile, OtherCAFile string
	// ClientCertFile and ClientKeyFile are a client certificate of the CA.
	ClientCertFile, ClientKeyFile string
	// KafkaAddr is the SASL_SSL listener; RedisAddr the TLS port.
	KafkaAddr, RedisAddr string

	passwords map[string]string
	secrets   []string
}

// Start starts the broker and redis-server, or skips the test (fails it in
// CI) when their prerequisites are missing and cannot be installed. They
// are stopped, and their state removed, when the test ends.
func Start(t testing.TB, o Options) *Stack {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped in the -short (unit) tier")
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	s := &Stack{Dir: t.TempDir(), passwords: map[string]string{}}
	for _, u := range append([]string{AdminUser, RedisAdminUser}, append(o.KafkaUsers, o.RedisUsers...)...) {
		if _, ok := s.passwords[u]; !ok {
			s.passwords[u] = newPassword()
			s.secrets = append(s.secrets, s.passwords[u])
		}
	}
	if err := s.writeCerts(); err != nil {
		t.Fatal(err)
	}
	ports := freePorts(t, 5)
	s.KafkaAddr = "127.0.0.1:" + strconv.Itoa(ports[1])
	s.RedisAddr = "127.0.0.1:" + strconv.Itoa(ports[4])

	kafkaEnv, err := s.kafkaConfig(ports[0], ports[1], ports[2], o.KafkaUsers)
	if err != nil {
		t.Fatal(err)
	}
	redisEnv, err := s.redisConfig(ports[3], ports[4], o)
	if err != nil {
		t.Fatal(err)
	}
	script := func(name string, env []string, args ...string) error {
		cmd := exec.Command(filepath.Join(root, "deploy", "local", name), args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	t.Cleanup(func() { _ = script("redis.sh", redisEnv, "stop") })
	if err := script("redis.sh", redisEnv, "start"); err != nil {
		prerequisite(t, "redis-server", "redis-server", err)
	}
	t.Cleanup(func() { _ = script("kafka.sh", kafkaEnv, "stop") })
	t0 := time.Now()
	if err := script("kafka.sh", kafkaEnv, "start"); err != nil {
		prerequisite(t, "the Kafka broker", "java", err)
	}
	t.Logf("secure stack up in %s: Kafka SASL_SSL on %s, Redis TLS on %s, state in %s", time.Since(t0).Round(time.Millisecond), s.KafkaAddr, s.RedisAddr, s.Dir)
	return s
}

// prerequisite fails the test when the program a service needs is installed
// (then the failure is newsflow's), or in CI; else it skips loudly.
func prerequisite(t testing.TB, what, program string, err error) {
	t.Helper()
	if _, lookErr := exec.LookPath(program); lookErr == nil || os.Getenv("CI") != "" {
		t.Fatalf("start %s: %v", what, err)
	}
	t.Skipf("\n%s\n!! SKIPPED: %s could not be started (%s not installed and not installable here):\n%v\n%s",
		strings.Repeat("!", 72), what, program, err, strings.Repeat("!", 72))
}

func (s *Stack) writeCerts() error {
	ca, err := newAuthority("newsflow test CA")
	if err != nil {
		return err
	}
	other, err := newAuthority("an authority nobody trusts")
	if err != nil {
		return err
	}
	loop := []net.IP{net.IPv4(127, 0, 0, 1)}
	brokerCert, err := ca.issue(brokerCN, []string{KafkaServerName}, loop)
	if err != nil {
		return err
	}
	redisCert, err := ca.issue("newsflow-test-redis", []string{RedisServerName}, loop)
	if err != nil {
		return err
	}
	client, err := ca.issue("newsflow-test-client", nil, nil)
	if err != nil {
		return err
	}
	files := []struct {
		dst  *string
		name string
		b    []byte
	}{
		{&s.CAFile, "ca.pem", ca.pem},
		{&s.OtherCAFile, "other-ca.pem", other.pem},
		{nil, "broker.pem", append(append([]byte(nil), brokerCert.keyPEM...), brokerCert.certPEM...)},
		{nil, "redis.crt", redisCert.certPEM},
		{nil, "redis.key", redisCert.keyPEM},
		{&s.ClientCertFile, "client.crt", client.certPEM},
		{&s.ClientKeyFile, "client.key", client.keyPEM},
	}
	for _, f := range files {
		p, err := writeFile(s.Dir, f.name, f.b)
		if err != nil {
			return err
		}
		if f.dst != nil {
			*f.dst = p
		}
	}
	for _, k := range [][]byte{brokerCert.keyPEM, redisCert.keyPEM, client.keyPEM} {
		s.secrets = append(s.secrets, keyBody(k)...)
	}
	return nil
}

// keyBody returns the base64 lines of a PEM key: what a leak would show.
func keyBody(p []byte) []string {
	var out []string
	for _, l := range bytes.Split(p, []byte("\n")) {
		if len(l) >= 40 && !bytes.HasPrefix(l, []byte("-----")) {
			out = append(out, string(l))
		}
	}
	return out
}

// kafkaConfig writes the broker's extra properties and SCRAM users and
// returns the environment of kafka.sh.
func (s *Stack) kafkaConfig(probe, client, controller int, users []string) ([]string, error) {
	jaas := func(module, opts string) string {
		return "org.apache.kafka.common.security." + module + " required" + opts + ";"
	}
	admin := s.passwords[AdminUser]
	props := []string{
		fmt.Sprintf("listeners=PLAINTEXT://127.0.0.1:%d,CLIENT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", probe, client, controller),
		fmt.Sprintf("advertised.listeners=PLAINTEXT://127.0.0.1:%d,CLIENT://127.0.0.1:%d", probe, client),
		"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CLIENT:SASL_SSL,CONTROLLER:SSL",
		"inter.broker.listener.name=CLIENT",
		"sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
		"listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN",
		"listener.name.client.scram-sha-512.sasl.jaas.config=" + jaas("scram.ScramLoginModule", fmt.Sprintf(` username="%s" password="%s"`, AdminUser, admin)),
		"listener.name.client.scram-sha-256.sasl.jaas.config=" + jaas("scram.ScramLoginModule", ""),
		"listener.name.client.plain.sasl.jaas.config=" + jaas("plain.PlainLoginModule", fmt.Sprintf(` user_%s="%s"`, AdminUser, admin)),
		"listener.name.client.ssl.client.auth=required",
		"listener.name.controller.ssl.client.auth=required",
		"ssl.keystore.type=PEM",
		"ssl.keystore.location=" + filepath.Join(s.Dir, "broker.pem"),
		"ssl.truststore.type=PEM",
		"ssl.truststore.location=" + s.CAFile,
		"authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
		"super.users=User:" + AdminUser + ";User:CN=" + brokerCN,
		"allow.everyone.if.no.acl.found=false",
	}
	propsFile, err := writeFile(s.Dir, "kafka-extra.properties", []byte(strings.Join(props, "\n")+"\n"))
	if err != nil {
		return nil, err
	}
	// SCRAM credentials go into the first metadata log by the broker's own
	// storage tool (kafka-storage format --add-scram).
	args := []string{"--add-scram", fmt.Sprintf("SCRAM-SHA-512=[name=%s,password=%s]", AdminUser, admin)}
	for _, u := range users {
		for _, m := range []string{"SCRAM-SHA-256", "SCRAM-SHA-512"} {
			args = append(args, "--add-scram", fmt.Sprintf("%s=[name=%s,password=%s]", m, u, s.passwords[u]))
		}
	}
	argsFile, err := writeFile(s.Dir, "kafka-format.args", []byte(strings.Join(args, "\n")+"\n"))
	if err != nil {
		return nil, err
	}
	return []string{
		"NEWSFLOW_KAFKA_PORT=" + strconv.Itoa(probe),
		"NEWSFLOW_KAFKA_CONTROLLER_PORT=" + strconv.Itoa(controller),
		"NEWSFLOW_KAFKA_DIR=" + filepath.Join(s.Dir, "kafka"),
		"NEWSFLOW_KAFKA_HEAP=-Xms128m -Xmx512m",
		"NEWSFLOW_KAFKA_STOP_TIMEOUT=15",
		"KAFKA_EXTRA_PROPS=" + propsFile,
		"NEWSFLOW_KAFKA_FORMAT_ARGS_FILE=" + argsFile,
	}, nil
}

// redisConfig writes the TLS settings and the users file and returns the
// environment of redis.sh.
func (s *Stack) redisConfig(probe, tlsPort int, o Options) ([]string, error) {
	acl, err := RenderRedisACL(o.RedisACL, o.RedisUsers, s.passwords)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(acl, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "user" && f[1] == "default" {
			continue
		}
		lines = append(lines, l)
	}
	lines = append(lines,
		"user default on nopass resetchannels -@all +ping",
		"user "+RedisAdminUser+" on #"+sha256Hex(s.passwords[RedisAdminUser])+" ~* &* +@all")
	aclFile, err := writeFile(s.Dir, "redis-users.acl", []byte(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		return nil, err
	}
	conf := []string{
		"tls-port " + strconv.Itoa(tlsPort),
		"tls-cert-file " + filepath.Join(s.Dir, "redis.crt"),
		"tls-key-file " + filepath.Join(s.Dir, "redis.key"),
		"tls-ca-cert-file " + s.CAFile,
		"tls-auth-clients yes",
		"aclfile " + aclFile,
	}
	confFile, err := writeFile(s.Dir, "redis-extra.conf", []byte(strings.Join(conf, "\n")+"\n"))
	if err != nil {
		return nil, err
	}
	return []string{
		"NEWSFLOW_REDIS_PORT=" + strconv.Itoa(probe),
		"NEWSFLOW_REDIS_DIR=" + filepath.Join(s.Dir, "redis"),
		"REDIS_EXTRA_CONF=" + confFile,
	}, nil
}

// RenderRedisACL fills the password placeholders of a users file.
func RenderRedisACL(acl string, users []string, passwords map[string]string) (string, error) {
	for _, u := range users {
		ph := Placeholder(u)
		if !strings.Contains(acl, ph) {
			return "", fmt.Errorf("redis users file: no placeholder %s for user %s", ph, u)
		}
		acl = strings.ReplaceAll(acl, ph, sha256Hex(passwords[u]))
	}
	return acl, nil
}

// Placeholder is the users-file placeholder of a user's password hash.
func Placeholder(user string) string {
	return "SHA256_OF_" + strings.ToUpper(strings.ReplaceAll(user, "-", "_")) + "_PASSWORD"
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func newPassword() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Secrets are every password and private key line of the stack, for tests
// that check none of them leaks into logs.
func (s *Stack) Secrets() []string { return append([]string(nil), s.secrets...) }

// AddSecret records a secret the test made (a wrong password, a token).
func (s *Stack) AddSecret(v string) { s.secrets = append(s.secrets, v) }

// PasswordFile writes the user's password to a file and returns its path.
func (s *Stack) PasswordFile(t testing.TB, user string) string {
	t.Helper()
	pw, ok := s.passwords[user]
	if !ok {
		t.Fatalf("no user %s in the stack", user)
	}
	return s.SecretFile(t, user+".password", pw+"\n")
}

// SecretFile writes a secret file (recorded as a secret) and returns its path.
func (s *Stack) SecretFile(t testing.TB, name, value string) string {
	t.Helper()
	s.AddSecret(strings.TrimSpace(value))
	p, err := writeFile(s.Dir, name, []byte(value))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Kafka is a connection to the SASL_SSL listener as user with mechanism,
// trusting the stack's CA, presenting the client certificate and checking
// the broker certificate for KafkaServerName.
func (s *Stack) Kafka(t testing.TB, user, mechanism string) broker.Config {
	t.Helper()
	return broker.Config{
		Brokers: []string{s.KafkaAddr}, ClientID: "securestack-" + user, DialTimeout: 5 * time.Second,
		TLS:  broker.TLS{Enabled: true, Files: tlsclient.Files{CAFile: s.CAFile, CertFile: s.ClientCertFile, KeyFile: s.ClientKeyFile, ServerName: KafkaServerName}},
		SASL: broker.SASL{Mechanism: mechanism, Username: user, PasswordFile: s.PasswordFile(t, user)},
	}
}

// Admin is the super user's connection (SASL PLAIN).
func (s *Stack) Admin(t testing.TB) broker.Config {
	return s.Kafka(t, AdminUser, broker.MechanismPlain)
}

// KafkaArgs are the flags of a binary for bc.
func KafkaArgs(bc broker.Config) []string {
	return []string{"--brokers", strings.Join(bc.Brokers, ","),
		"--kafka-tls-ca-file", bc.TLS.CAFile, "--kafka-tls-cert-file", bc.TLS.CertFile, "--kafka-tls-key-file", bc.TLS.KeyFile,
		"--kafka-tls-server-name", bc.TLS.ServerName,
		"--kafka-sasl-mechanism", bc.SASL.Mechanism, "--kafka-sasl-username", bc.SASL.Username, "--kafka-sasl-password-file", bc.SASL.PasswordFile}
}

// Redis is a connection to the TLS port as user, with the client certificate.
func (s *Stack) Redis(t testing.TB, user string) redisconn.Config {
	t.Helper()
	return redisconn.Config{
		URL: "rediss://" + user + "@" + s.RedisAddr + "/0", Timeout: 3 * time.Second,
		PasswordFile: s.PasswordFile(t, user),
		TLS:          tlsclient.Files{CAFile: s.CAFile, CertFile: s.ClientCertFile, KeyFile: s.ClientKeyFile, ServerName: RedisServerName},
	}
}

// RedisArgs are the flags of a binary for rc.
func RedisArgs(rc redisconn.Config) []string {
	return []string{"--redis-url", rc.URL, "--redis-password-file", rc.PasswordFile,
		"--redis-tls-ca-file", rc.TLS.CAFile, "--redis-tls-cert-file", rc.TLS.CertFile, "--redis-tls-key-file", rc.TLS.KeyFile,
		"--redis-tls-server-name", rc.TLS.ServerName}
}

// AdminRedis is a client with every right, closed when the test ends.
func (s *Stack) AdminRedis(t testing.TB) redis.UniversalClient {
	t.Helper()
	c, err := s.Redis(t, RedisAdminUser).Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// CreateACLs grants ACLs as the super user.
func (s *Stack) CreateACLs(t testing.TB, acls []kafka.ACLEntry) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.Admin(t).Client().CreateACLs(ctx, &kafka.CreateACLsRequest{ACLs: acls})
	if err != nil {
		t.Fatalf("create ACLs: %v", err)
	}
	for i, e := range res.Errors {
		if e != nil {
			t.Fatalf("create ACL %+v: %v", acls[i], e)
		}
	}
	// The controller has committed them; the broker's authorizer applies
	// them when its metadata catches up, which DescribeAcls (answered from
	// the same metadata) shows.
	for {
		got, err := s.Admin(t).Client().DescribeACLs(ctx, &kafka.DescribeACLsRequest{Filter: kafka.ACLFilter{
			ResourceTypeFilter: kafka.ResourceTypeAny, ResourcePatternTypeFilter: kafka.PatternTypeAny,
			Operation: kafka.ACLOperationTypeAny, PermissionType: kafka.ACLPermissionTypeAny}})
		if err == nil && got.Error == nil && containsAll(got.Resources, acls) {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("ACLs not visible on the broker after 30s (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func containsAll(have []kafka.ACLResource, want []kafka.ACLEntry) bool {
	seen := map[kafka.ACLEntry]bool{}
	for _, r := range have {
		for _, a := range r.ACLs {
			seen[kafka.ACLEntry{ResourceType: r.ResourceType, ResourceName: r.ResourceName, ResourcePatternType: r.PatternType,
				Principal: a.Principal, Host: a.Host, Operation: a.Operation, PermissionType: a.PermissionType}] = true
		}
	}
	for _, w := range want {
		if !seen[w] {
			return false
		}
	}
	return true
}

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
