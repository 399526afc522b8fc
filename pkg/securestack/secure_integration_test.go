package securestack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/e2e"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/redisconn"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/wire"
)

// The Kafka and Redis users of the pipeline, as shipped in
// deploy/k8s/components/strimzi/users.yaml and deploy/local/redis-users.acl.
const (
	userFetcher  = "newsflow-fetcher"
	userCleaner  = "newsflow-cleaner"
	userEnricher = "newsflow-enricher"
	userOps      = "newsflow-ops"
	// userNoWrite holds the cleaner's shipped ACLs except WRITE on news.cleaned.
	userNoWrite = "newsflow-cleaner-nowrite"
	// userProbe holds the ACLs of the CheckAccess table.
	userProbe = "newsflow-probe"
)

// secureRun is one run of the pipeline over the secure stack: its processes
// and every other output, for the final scan for secrets.
type secureRun struct {
	s     *Stack
	admin broker.Config
	bin   string
	procs []*e2e.Proc
	other map[string]string // name -> output (metrics, newsctl, server logs)
}

// TestIntegrationSecurePipeline is issue 10's acceptance test. On a broker
// whose only client listener is SASL_SSL (SCRAM users made by kafka-storage
// format --add-scram, client certificates required, StandardAuthorizer with
// exactly the ACLs of the shipped Strimzi KafkaUsers) and a redis-server that
// speaks only TLS to clients that log in as the users of the shipped ACL file:
//
//  1. fetcher, cleaner and enricher, as processes, deliver every submitted
//     page as one enriched story, and newsctl reads them back as the ops user;
//  2. a wrong Kafka password, a wrong Redis password, an untrusted CA (Kafka
//     and Redis) and a user without the WRITE ACL on the output topic each
//     stop the service at start with exit status 1 and a log line naming the
//     cause, and nothing is consumed or committed;
//  3. no password, token or private key of the run appears in any log, any
//     /metrics or /readyz answer, or newsctl's output.
func TestIntegrationSecurePipeline(t *testing.T) {
	testenv.SkipIfShort(t)
	start := time.Now()
	bin := e2e.Binaries(t)
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	aclFile, err := os.ReadFile(filepath.Join(root, "deploy", "local", "redis-users.acl"))
	if err != nil {
		t.Fatal(err)
	}
	s := Start(t, Options{
		KafkaUsers: []string{userFetcher, userCleaner, userEnricher, userOps, userNoWrite, userProbe},
		RedisACL:   string(aclFile),
		RedisUsers: []string{userFetcher, userCleaner, userEnricher, userOps},
	})
	r := &secureRun{s: s, admin: s.Admin(t), bin: bin, other: map[string]string{}}
	t.Cleanup(func() { r.scanAfterFailure(t) })

	// The pipeline's real topic names: this broker is the test's own.
	testenv.CreateTopics(t, r.admin, 3, topics.Raw, topics.Cleaned, topics.Enriched, topics.Raw+".dlq", topics.Cleaned+".dlq")
	shipped, err := StrimziACLs(filepath.Join(root, "deploy", "k8s", "components", "strimzi", "users.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var grants []kafka.ACLEntry
	for _, u := range []string{userFetcher, userCleaner, userEnricher, userOps} {
		if len(shipped[u]) == 0 {
			t.Fatalf("users.yaml has no ACLs for KafkaUser %s", u)
		}
		grants = append(grants, shipped[u]...)
	}
	for _, a := range shipped[userCleaner] {
		if a.ResourceType == kafka.ResourceTypeTopic && a.ResourceName == topics.Cleaned && a.Operation == kafka.ACLOperationTypeWrite {
			continue
		}
		a.Principal = "User:" + userNoWrite
		grants = append(grants, a)
	}
	s.CreateACLs(t, grants)
	t.Logf("granted %d ACLs from users.yaml (%d users) after %s", len(grants), len(shipped), time.Since(start).Round(time.Millisecond))

	// The news site, on loopback.
	pages := corpus.New(10)
	site := http.NewServeMux()
	const n = 12
	var urls []string
	var want []corpus.Page
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	for i := range n {
		pg := pages.Article(5000+i, 4+i%3, 0)
		path := fmt.Sprintf("/news/story-%d.html", i)
		site.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(pg.HTML)
		})
		urls = append(urls, srv.URL+path)
		want = append(want, pg)
	}

	// The fetcher logs in with SCRAM-SHA-256, configured by environment
	// variables (the Kubernetes way); the stages use flags and SCRAM-SHA-512.
	token := "tok-" + newPassword()
	tokenFile := s.SecretFile(t, "api.token", token+"\n")
	apiAddr, opsAddrs := freeAddr(t), map[string]string{"fetcher": freeAddr(t), "cleaner": freeAddr(t), "enricher": freeAddr(t)}
	fetcherKafka := s.Kafka(t, userFetcher, broker.MechanismSCRAMSHA256)
	fetcherRedis := s.Redis(t, userFetcher)
	fetcher := e2e.Start(t, filepath.Join(bin, "fetcher"), []string{"--api-addr", apiAddr, "--api-token-file", tokenFile,
		"--contact-url", "https://newsflow.example/bot", "--allow-cidrs", "127.0.0.0/8", "--host-interval", "5ms",
		"--ops-addr", opsAddrs["fetcher"], "--log-level", "debug"}, envOf(fetcherKafka, fetcherRedis)...)
	r.procs = append(r.procs, fetcher)
	waitReady(t, fetcher, opsAddrs["fetcher"])
	submit(t, "http://"+apiAddr, token, urls)
	waitEnd(t, r.admin, topics.Raw, n)
	t.Logf("fetcher: %d pages fetched into %s over SASL_SSL after %s", n, topics.Raw, time.Since(start).Round(time.Millisecond))

	t.Run("CheckAccess judges ACLs", func(t *testing.T) { checkAccessTable(t, s, r.admin) })

	// 2. Each bad setting stops a service at start, naming the cause.
	t.Run("fails at start", func(t *testing.T) {
		wrong := s.SecretFile(t, "wrong.password", "wrong-"+newPassword()+"\n")
		good := func(kafkaUser, redisUser string) []string {
			return append(KafkaArgs(s.Kafka(t, kafkaUser, broker.MechanismSCRAMSHA512)), RedisArgs(s.Redis(t, redisUser))...)
		}
		cases := []struct {
			name, bin string
			args      func() []string
			want      string
		}{
			{"wrong kafka password", "cleaner", func() []string {
				return replaceFlag(good(userCleaner, userCleaner), "--kafka-sasl-password-file", wrong)
			}, "SASL authentication failed for user newsflow-cleaner with scram-sha-512"},
			{"wrong redis password", "cleaner", func() []string {
				return replaceFlag(good(userCleaner, userCleaner), "--redis-password-file", wrong)
			}, "AUTH failed for user newsflow-cleaner"},
			{"untrusted kafka CA", "cleaner", func() []string {
				return replaceFlag(good(userCleaner, userCleaner), "--kafka-tls-ca-file", s.OtherCAFile)
			}, "TLS to Kafka broker " + s.KafkaAddr + ": certificate signed by unknown authority (not trusted by CA file " + s.OtherCAFile + ")"},
			{"untrusted redis CA", "enricher", func() []string {
				return replaceFlag(good(userEnricher, userEnricher), "--redis-tls-ca-file", s.OtherCAFile)
			}, "TLS to Redis rediss://newsflow-enricher@" + s.RedisAddr + "/0"},
			{"no WRITE ACL on the output topic", "cleaner", func() []string {
				return good(userNoWrite, userCleaner)
			}, "User:newsflow-cleaner-nowrite is not authorised to WRITE topic news.cleaned"},
			{"fetcher without WRITE ACL on news.raw", "fetcher", func() []string {
				bc := s.Kafka(t, userCleaner, broker.MechanismSCRAMSHA512)
				return append(append(KafkaArgs(bc), RedisArgs(s.Redis(t, userFetcher))...),
					"--api-addr", "", "--contact-url", "https://newsflow.example/bot")
			}, "User:newsflow-cleaner is not authorised to WRITE topic news.raw"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				args := append(tc.args(), "--ops-addr", "127.0.0.1:0")
				if tc.bin != "fetcher" {
					args = append(args, "--drain-timeout", "5s")
				}
				t0 := time.Now()
				p := e2e.Start(t, filepath.Join(bin, tc.bin), args)
				r.procs = append(r.procs, p)
				err := p.Wait(45 * time.Second)
				var ee *exec.ExitError
				if !asExit(err, &ee) || ee.ExitCode() != 1 {
					t.Fatalf("%s: exit %v, want status 1 at start; log:\n%s", tc.bin, err, p.Log())
				}
				log := p.Log()
				if !strings.Contains(log, tc.want) {
					t.Errorf("the log does not name the cause %q:\n%s", tc.want, log)
				}
				if !strings.Contains(log, "start-up check failed: not starting") || strings.Contains(log, "retrying") {
					t.Errorf("want one failed start-up check and no retries:\n%s", log)
				}
				if strings.Contains(log, "stage started") || strings.Contains(log, "joined generation") {
					t.Errorf("the stage started consuming:\n%s", log)
				}
				t.Logf("%s exited 1 after %s: %s", tc.bin, time.Since(t0).Round(time.Millisecond), causeLine(log))
			})
		}
		// Nothing was consumed, committed, produced or claimed.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, g := range []struct{ group, topic string }{{"newsflow-cleaner", topics.Raw}, {"newsflow-enricher", topics.Cleaned}} {
			ps, err := lag.Of(ctx, r.admin.Client(), g.group, g.topic)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Committed != -1 {
					t.Errorf("group %s committed offset %d on %s/%d", g.group, p.Committed, g.topic, p.Partition)
				}
			}
		}
		for _, tp := range []string{topics.Cleaned, topics.Enriched, topics.Raw + ".dlq", topics.Cleaned + ".dlq"} {
			if got := endOf(t, r.admin, tp); got != 0 {
				t.Errorf("%d records on %s after the failed starts", got, tp)
			}
		}
		if keys, err := s.AdminRedis(t).Keys(ctx, "nf:*").Result(); err != nil || len(keys) != 0 {
			t.Errorf("redis keys of the stages after the failed starts: %v (%v)", keys, err)
		}
	})

	// 1. The stages, over SASL_SSL and TLS Redis, deliver every page once.
	t.Run("pipeline delivers", func(t *testing.T) {
		stageArgs := func(user, name string) []string {
			return append(append(KafkaArgs(s.Kafka(t, user, broker.MechanismSCRAMSHA512)), RedisArgs(s.Redis(t, user))...),
				"--ops-addr", opsAddrs[name], "--drain-timeout", "10s", "--log-level", "debug")
		}
		cl := e2e.Start(t, filepath.Join(bin, "cleaner"), stageArgs(userCleaner, "cleaner"))
		en := e2e.Start(t, filepath.Join(bin, "enricher"), stageArgs(userEnricher, "enricher"))
		r.procs = append(r.procs, cl, en)
		waitReady(t, cl, opsAddrs["cleaner"])
		waitReady(t, en, opsAddrs["enricher"])
		waitDrained(t, r.admin, "newsflow-enricher", topics.Cleaned, n, 90*time.Second, cl, en)

		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		ms, err := e2e.ReadTopic(ctx, r.admin, topics.Enriched)
		if err != nil {
			t.Fatal(err)
		}
		byTitle := map[string]int{}
		for _, m := range ms {
			var e newsflowv1.EnrichedArticle
			if err := wire.Decode(stage.FromKafka(m), &e); err != nil {
				t.Fatalf("decode enriched: %v", err)
			}
			byTitle[e.GetArticle().GetTitle()]++
		}
		for _, pg := range want {
			if byTitle[pg.Title] != 1 {
				t.Errorf("story %q delivered %d times, want once", pg.Title, byTitle[pg.Title])
			}
		}
		if len(ms) != n {
			t.Errorf("%d enriched stories, want %d", len(ms), n)
		}

		// The ops user reads them back with newsctl (flags from the environment).
		out := r.newsctl(t, userOps, "tail", "--topic", topics.Enriched, "--from-beginning", "--exit-at-end", "--json")
		if got := strings.Count(out, "\n"); got < n {
			t.Errorf("newsctl tail printed %d lines, want %d stories:\n%s", got, n, out)
		}
		out = r.newsctl(t, userOps, "lag") // DESCRIBE on the stage groups, nothing more
		if !strings.Contains(out, "newsflow-enricher") || !strings.Contains(out, "newsflow-cleaner") {
			t.Errorf("newsctl lag does not list the stage groups:\n%s", out)
		}
		out = r.newsctl(t, userOps, "story", want[0].URL, "--json")
		if !strings.Contains(out, want[0].URL) {
			t.Errorf("newsctl story does not show %s:\n%s", want[0].URL, out)
		}
		checkRedisDenials(t, s)
		for name, addr := range opsAddrs {
			r.other[name+" /metrics"] = httpGet(t, "http://"+addr+"/metrics")
			r.other[name+" /readyz"] = httpGet(t, "http://"+addr+"/readyz")
		}
		for _, p := range []*e2e.Proc{cl, en, fetcher} {
			_ = p.Signal(syscall.SIGTERM)
		}
		for _, p := range []*e2e.Proc{cl, en, fetcher} {
			if err := p.Wait(30 * time.Second); err != nil {
				t.Errorf("%s after SIGTERM: %v", p.Name, err)
			}
		}
		t.Logf("%d pages -> fetcher -> cleaner -> enricher: %d stories, each once, over SASL_SSL + TLS Redis; %s after start",
			n, len(ms), time.Since(start).Round(time.Millisecond))
	})

	// 3. No secret of the run in any output.
	t.Run("no secret in any output", func(t *testing.T) { r.scan(t) })
}

// newsctl runs newsctl as user, configured by NEWSFLOW_ variables.
func (r *secureRun) newsctl(t *testing.T, user string, args ...string) string {
	t.Helper()
	bc := r.s.Kafka(t, user, broker.MechanismSCRAMSHA512)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(r.bin, "newsctl"), args...)
	cmd.Env = append(os.Environ(), envOf(bc, r.s.Redis(t, user))...)
	out, err := cmd.CombinedOutput()
	r.other["newsctl "+strings.Join(args, " ")] = string(out)
	if err != nil {
		t.Fatalf("newsctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// outputs are every output of the run by name.
func (r *secureRun) outputs() map[string]string {
	all := map[string]string{}
	for k, v := range r.other {
		all[k] = v
	}
	for i, p := range r.procs {
		all[fmt.Sprintf("%s #%d log", p.Name, i)] = p.Log()
	}
	for _, f := range []string{"kafka/server.log", "kafka/kafka.out", "redis/redis.log"} {
		if b, err := os.ReadFile(filepath.Join(r.s.Dir, f)); err == nil {
			all[f] = string(b)
		}
	}
	return all
}

// scan fails the test for every secret found in an output.
func (r *secureRun) scan(t *testing.T) {
	secrets := r.s.Secrets()
	outs := r.outputs()
	var bytesScanned int
	for name, out := range outs {
		bytesScanned += len(out)
		for _, sec := range secrets {
			if len(sec) >= 8 && strings.Contains(out, sec) {
				i := strings.Index(out, sec)
				t.Errorf("secret %.4s… found in %s: …%s…", sec, name, out[max(0, i-120):i])
			}
		}
	}
	// Control: the broker's SCRAM arguments hold the passwords by design; the
	// scan must find them there, or it could not find a leak anywhere.
	control, err := os.ReadFile(filepath.Join(r.s.Dir, "kafka-format.args"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, sec := range secrets {
		if strings.Contains(string(control), sec) {
			found++
		}
	}
	if found < 6 {
		t.Errorf("control: the scan finds %d secrets in the SCRAM arguments file, want the 6 Kafka users' passwords", found)
	}
	if len(outs) < 10 || bytesScanned < 10000 {
		t.Errorf("scanned only %d outputs, %d bytes: the run produced too little to judge", len(outs), bytesScanned)
	}
	t.Logf("scanned %d outputs (%d KB: service logs at debug level, newsctl output, /metrics and /readyz, broker and redis logs) for %d secrets: none found",
		len(outs), bytesScanned/1024, len(secrets))
}

// scanAfterFailure scans whatever was produced when the test failed early,
// so a leak is reported even then.
func (r *secureRun) scanAfterFailure(t *testing.T) {
	if t.Failed() {
		for name, out := range r.outputs() {
			for _, sec := range r.s.Secrets() {
				if len(sec) >= 8 && strings.Contains(out, sec) {
					t.Errorf("secret %.4s… found in %s", sec, name)
				}
			}
		}
	}
}

// envOf configures a binary by NEWSFLOW_ variables.
func envOf(bc broker.Config, rc redisconn.Config) []string {
	args := append(KafkaArgs(bc), RedisArgs(rc)...)
	var env []string
	for i := 0; i+1 < len(args); i += 2 {
		env = append(env, strings.ToUpper("NEWSFLOW_"+strings.ReplaceAll(strings.TrimPrefix(args[i], "--"), "-", "_"))+"="+args[i+1])
	}
	return env
}

func replaceFlag(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == flag {
			out[i+1] = value
			return out
		}
	}
	return append(out, flag, value)
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

// causeLine is the log line of the failed start-up check.
func causeLine(log string) string {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "start-up check failed") {
			return l
		}
	}
	return "(no start-up check line)"
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// waitReady waits until the process's /readyz answers 200.
func waitReady(t *testing.T, p *e2e.Proc, addr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if p.Exited() {
			t.Fatalf("%s exited: %v\n%s", p.Name, p.Wait(0), p.Log())
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 60s:\n%s", p.Name, p.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// submit posts urls to the fetcher's API and waits for their fetch.
func submit(t *testing.T, base, token string, urls []string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"urls": urls, "wait": true})
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/submit", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %s: %s", resp.Status, b)
	}
	if c := strings.Count(string(b), `"emitted"`); c != len(urls) {
		t.Fatalf("submit: %d of %d emitted: %s", c, len(urls), b)
	}
}

// endOf is the number of records on a topic.
func endOf(t *testing.T, bc broker.Config, topic string) int64 {
	t.Helper()
	ps, err := lag.Offsets(context.Background(), bc.Client(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range ps {
		n += p.End - p.Start
	}
	return n
}

func waitEnd(t *testing.T, bc broker.Config, topic string, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for endOf(t, bc, topic) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d records after 30s, want %d", topic, endOf(t, bc, topic), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitDrained waits until group has committed all of topic (n records).
func waitDrained(t *testing.T, bc broker.Config, group, topic string, n int64, timeout time.Duration, procs ...*e2e.Proc) {
	t.Helper()
	c := bc.Client()
	defer broker.CloseClient(c)
	deadline := time.Now().Add(timeout)
	for {
		ps, err := lag.Of(context.Background(), c, group, topic)
		var committed int64
		for _, p := range ps {
			if p.Committed > 0 {
				committed += p.Committed
			}
		}
		if err == nil && lag.Total(ps) == 0 && committed >= n {
			return
		}
		for _, p := range procs {
			if p.Exited() {
				t.Fatalf("%s exited: %v\n%s", p.Name, p.Wait(0), p.Log())
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s not drained on %s after %s: %+v (%v)", group, topic, timeout, ps, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkAccessTable runs broker.CheckAccess against the real authorizer:
// what the broker says a principal may do, including prefixed and DENY ACLs.
func checkAccessTable(t *testing.T, s *Stack, admin broker.Config) {
	testenv.CreateTopics(t, admin, 1, "probe.read", "probe.write", "probe.denied", "probe.none")
	acl := func(rt kafka.ResourceType, name string, pt kafka.PatternType, op kafka.ACLOperationType, perm kafka.ACLPermissionType) kafka.ACLEntry {
		return kafka.ACLEntry{ResourceType: rt, ResourceName: name, ResourcePatternType: pt, Principal: "User:" + userProbe, Host: "*", Operation: op, PermissionType: perm}
	}
	const (
		topic, group       = kafka.ResourceTypeTopic, kafka.ResourceTypeGroup
		literal, prefixed  = kafka.PatternTypeLiteral, kafka.PatternTypePrefixed
		allow, deny        = kafka.ACLPermissionTypeAllow, kafka.ACLPermissionTypeDeny
		read, write, descr = kafka.ACLOperationTypeRead, kafka.ACLOperationTypeWrite, kafka.ACLOperationTypeDescribe
	)
	s.CreateACLs(t, []kafka.ACLEntry{
		acl(topic, "probe.read", literal, read, allow),
		acl(topic, "probe.w", prefixed, write, allow), // probe.write and probe.wx...
		acl(topic, "probe.denied", literal, read, allow),
		acl(topic, "probe.denied", literal, write, allow),
		acl(topic, "probe.denied", literal, write, deny), // a DENY wins over an ALLOW
		acl(group, "probe-reader", literal, read, allow),
		acl(group, "probe-watcher", literal, descr, allow),
	})
	bc := s.Kafka(t, userProbe, broker.MechanismSCRAMSHA512)
	tests := []struct {
		name      string
		bc        broker.Config
		need      broker.Need
		permanent bool
		want      string // "" for no error
	}{
		{"read granted", bc, broker.Need{Read: []string{"probe.read"}}, false, ""},
		{"write granted by a prefixed ACL", bc, broker.Need{Write: []string{"probe.write"}}, false, ""},
		{"write on a read-only topic", bc, broker.Need{Read: []string{"probe.read"}, Write: []string{"probe.read"}}, true, "not authorised to WRITE topic probe.read (it may: READ, DESCRIBE)"},
		{"read on a write-only topic", bc, broker.Need{Read: []string{"probe.write"}}, true, "not authorised to READ topic probe.write (it may: WRITE, DESCRIBE)"},
		{"write denied by a DENY ACL", bc, broker.Need{Write: []string{"probe.denied"}}, true, "not authorised to WRITE topic probe.denied"},
		{"topic without any ACL", bc, broker.Need{Read: []string{"probe.none"}}, true, "not authorised to DESCRIBE topic probe.none"},
		{"group granted", bc, broker.Need{Groups: []string{"probe-reader"}}, false, ""},
		{"group with DESCRIBE only", bc, broker.Need{Groups: []string{"probe-watcher"}}, true, "not authorised to READ consumer group probe-watcher (it may: DESCRIBE)"},
		{"group without any ACL", bc, broker.Need{Groups: []string{"probe-other"}}, true, "not authorised to DESCRIBE consumer group probe-other"},
		{"missing topic, seen by the super user", admin, broker.Need{Read: []string{"probe.missing"}}, false, "topic probe.missing does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			// A group coordinator may still be loading: retry what may pass.
			for deadline := time.Now().Add(30 * time.Second); ; {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err = tc.bc.CheckAccess(ctx, tc.need)
				cancel()
				if err == nil || broker.IsPermanent(err) || tc.want != "" && strings.Contains(err.Error(), tc.want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("CheckAccess: %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("CheckAccess: %v, want an error with %q", err, tc.want)
			case tc.want != "" && broker.IsPermanent(err) != tc.permanent:
				t.Fatalf("CheckAccess: %v: permanent %v, want %v", err, broker.IsPermanent(err), tc.permanent)
			}
		})
	}
}

// checkRedisDenials reads Redis's ACL LOG after the run: the services under
// the shipped users file were refused nothing but what they are meant not
// to have (CONFIG GET, the exactly-once self-check of eviction and
// persistence, which then stays silent; CLIENT SETINFO, go-redis's optional
// client name), so no refused command was silently retried or ignored.
func checkRedisDenials(t *testing.T, s *Stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	entries, err := s.AdminRedis(t).Do(ctx, "ACL", "LOG", "1000").Slice()
	if err != nil {
		t.Fatal(err)
	}
	expected := map[string]bool{"config|get": true, "client|setinfo": true}
	seen := map[string]int{}
	for _, e := range entries {
		m := map[string]string{}
		fields, _ := e.([]any)
		if len(fields) == 0 {
			if mm, ok := e.(map[any]any); ok {
				for k, v := range mm {
					m[fmt.Sprint(k)] = fmt.Sprint(v)
				}
			}
		}
		for i := 0; i+1 < len(fields); i += 2 {
			m[fmt.Sprint(fields[i])] = fmt.Sprint(fields[i+1])
		}
		if m["username"] == "default" || m["reason"] == "auth" {
			continue // the readiness PING of redis.sh; the wrong-password case
		}
		key := m["username"] + " " + m["reason"] + " " + m["object"]
		seen[key]++
		if !(m["reason"] == "command" && expected[m["object"]]) {
			t.Errorf("redis refused %s the %s %q (context %s): the users file lacks it", m["username"], m["reason"], m["object"], m["context"])
		}
	}
	t.Logf("redis ACL LOG after the run: %v", seen)
}
