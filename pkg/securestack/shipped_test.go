package securestack

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/templates"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// leastPrivilege is each service's Kafka ACLs, as documented in
// docs/security.md: "type name pattern: operations". A change to the
// shipped KafkaUsers must change this table and the documentation with it.
var leastPrivilege = map[string][]string{
	"newsflow-fetcher": {
		"topic news.raw literal: Write, Describe",
	},
	"newsflow-cleaner": {
		"topic news.raw literal: Read, Describe",
		"topic news.cleaned literal: Write, Read, Describe",
		"topic news.raw.dlq literal: Write, Describe",
		"group newsflow-cleaner literal: Read, Describe",
	},
	"newsflow-enricher": {
		"topic news.cleaned literal: Read, Describe",
		"topic news.enriched literal: Write, Read, Describe",
		"topic news.cleaned.dlq literal: Write, Describe",
		"group newsflow-enricher literal: Read, Describe",
	},
	"newsflow-ops": {
		"topic news. prefix: Read, Describe",
		"topic news.raw literal: Write",
		"topic news.cleaned literal: Write",
		"group newsctl- prefix: Read, Describe",
		"group newsflow- prefix: Describe",
	},
}

func describe(acls []kafka.ACLEntry) []string {
	type res struct{ typ, name, pattern string }
	var order []res
	ops := map[res][]string{}
	for _, a := range acls {
		r := res{map[kafka.ResourceType]string{kafka.ResourceTypeTopic: "topic", kafka.ResourceTypeGroup: "group"}[a.ResourceType], a.ResourceName,
			map[kafka.PatternType]string{kafka.PatternTypeLiteral: "literal", kafka.PatternTypePrefixed: "prefix"}[a.ResourcePatternType]}
		if _, ok := ops[r]; !ok {
			order = append(order, r)
		}
		name := map[kafka.ACLOperationType]string{kafka.ACLOperationTypeRead: "Read", kafka.ACLOperationTypeWrite: "Write", kafka.ACLOperationTypeDescribe: "Describe"}[a.Operation]
		if name == "" {
			name = fmt.Sprintf("op%d", a.Operation)
		}
		if a.PermissionType != kafka.ACLPermissionTypeAllow || a.Host != "*" {
			name += "(not allow from *)"
		}
		ops[r] = append(ops[r], name)
	}
	var out []string
	for _, r := range order {
		out = append(out, fmt.Sprintf("%s %s %s: %s", r.typ, r.name, r.pattern, strings.Join(ops[r], ", ")))
	}
	return out
}

func repoFile(t *testing.T, rel string) string {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Skip(err)
	}
	return filepath.Join(root, rel)
}

func TestShippedKafkaUsersAreLeastPrivilege(t *testing.T) {
	got, err := StrimziACLs(repoFile(t, "deploy/k8s/components/strimzi/users.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(leastPrivilege) {
		t.Errorf("users.yaml has %d KafkaUsers, want %d", len(got), len(leastPrivilege))
	}
	for user, want := range leastPrivilege {
		if d := describe(got[user]); !slices.Equal(d, want) {
			t.Errorf("KafkaUser %s:\n got  %q\n want %q", user, d, want)
		}
	}
}

// TestHelmKafkaUsersMatchKustomize reads the ACL table of the chart's
// strimzi.yaml template: it must grant what users.yaml grants.
func TestHelmKafkaUsersMatchKustomize(t *testing.T) {
	b, err := os.ReadFile(repoFile(t, "deploy/helm/newsflow/templates/strimzi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	userLine := regexp.MustCompile(`(?m)^\s*"(\w+)" \(list (.*)\)\s*$`)
	aclItem := regexp.MustCompile(`\(list "(\w+)" "([^"]+)" "(\w+)" "([^"]+)"\)`)
	users := userLine.FindAllStringSubmatch(string(b), -1)
	if len(users) != len(leastPrivilege) {
		t.Fatalf("found %d users in the chart's ACL table, want %d", len(users), len(leastPrivilege))
	}
	for _, u := range users {
		var got []string
		for _, a := range aclItem.FindAllStringSubmatch(u[2], -1) {
			got = append(got, fmt.Sprintf("%s %s %s: %s", a[1], a[2], a[3], strings.ReplaceAll(a[4], ",", ", ")))
		}
		if want := leastPrivilege["newsflow-"+u[1]]; !slices.Equal(got, want) {
			t.Errorf("chart user %s:\n got  %q\n want %q", u[1], got, want)
		}
	}
}

// TestShippedRedisACL checks the users file: loadable lines only (Redis
// refuses comments in an ACL file), the default user off, each service's key
// prefixes as the code uses them, and no dangerous grant.
func TestShippedRedisACL(t *testing.T) {
	b, err := os.ReadFile(repoFile(t, "deploy/local/redis-users.acl"))
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.Fields(l)
		if f[0] != "user" || len(f) < 3 {
			t.Fatalf("line %d is not a user line (Redis would refuse the file): %q", i+1, l)
		}
		users[f[1]] = " " + strings.Join(f[2:], " ") + " "
	}
	if !strings.Contains(users["default"], " off ") {
		t.Errorf("the default user is not off: %q", users["default"])
	}
	keys := map[string][]string{
		"newsflow-fetcher":  {"newsflow:fetch:"},
		"newsflow-cleaner":  {"nf:once:", "nf:dd:", templates.DefaultPrefix},
		"newsflow-enricher": {"nf:once:"},
		"newsflow-ops":      {"newsflow:replay:", "nf:once:", "nf:dd:"},
	}
	for user, prefixes := range keys {
		rules, ok := users[user]
		if !ok {
			t.Errorf("no user %s", user)
			continue
		}
		var patterns []string
		for _, r := range strings.Fields(rules) {
			if strings.HasPrefix(r, "~") {
				patterns = append(patterns, r)
			}
		}
		var want []string
		for _, p := range prefixes {
			want = append(want, "~"+p+"*")
		}
		if !slices.Equal(patterns, want) {
			t.Errorf("%s key patterns %v, want %v", user, patterns, want)
		}
		for _, must := range []string{" on ", " resetkeys ", " resetchannels ", " -@all ", " +ping ", " +exists ", " #" + Placeholder(user) + " "} {
			if !strings.Contains(rules, must) {
				t.Errorf("%s lacks %q", user, strings.TrimSpace(must))
			}
		}
		for _, bad := range []string{"allkeys", "~*", "+@all", "allcommands", "+config", "+keys", "+scan", "+flushall", "+flushdb", "+acl", "+debug", "+shutdown", "nopass", ">"} {
			if strings.Contains(rules, " "+bad) {
				t.Errorf("%s is granted %q", user, bad)
			}
		}
	}
	if _, err := RenderRedisACL(string(b), []string{"newsflow-nobody"}, map[string]string{}); err == nil {
		t.Error("rendering a user without a placeholder succeeded")
	}
	out, err := RenderRedisACL(string(b), []string{"newsflow-cleaner"}, map[string]string{"newsflow-cleaner": "pw"})
	if err != nil || strings.Contains(out, Placeholder("newsflow-cleaner")) || !strings.Contains(out, "#"+sha256Hex("pw")) {
		t.Errorf("render: %v", err)
	}
}
