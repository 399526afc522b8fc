package deploytest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// instruction is one Dockerfile instruction with its flags and arguments.
type instruction struct {
	cmd   string // lower case: from, run, copy, ...
	flags []string
	args  []string
	line  int
	json  bool // exec (JSON) form
}

// stage is one FROM ... AS name block.
type stage struct {
	name, base string
	inst       []instruction
}

func parseDockerfile(t *testing.T, path string) ([]instruction, []stage) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var all []instruction
	var stages []stage
	for _, n := range res.AST.Children {
		in := instruction{cmd: strings.ToLower(n.Value), flags: n.Flags, line: n.StartLine, json: n.Attributes["json"]}
		for a := n.Next; a != nil; a = a.Next {
			in.args = append(in.args, a.Value)
		}
		all = append(all, in)
		if in.cmd == "from" {
			st := stage{base: in.args[0]}
			if len(in.args) == 3 && strings.EqualFold(in.args[1], "as") {
				st.name = in.args[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].inst = append(stages[len(stages)-1].inst, in)
		}
	}
	return all, stages
}

// dockerfileProblems returns the rule violations of one Dockerfile, one string each.
// Rules: every base image pinned (no latest, no untagged), build stages resolve ARGs with
// defaults; every final target (a stage named after a service) runs as a numeric non-root
// USER, has an exec-form ENTRYPOINT, inherits the OCI labels, and copies a binary built
// with CGO_ENABLED=0; no ADD of URLs; no apt-get/apk in the runtime stages.
func dockerfileProblems(t *testing.T, path string, targets []string) []string {
	all, stages := parseDockerfile(t, path)
	var bad []string
	args := map[string]string{}
	for _, in := range all {
		if in.cmd == "arg" {
			for _, a := range in.args {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					continue
				}
				args[k] = v
			}
		}
	}
	expand := regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	byName := map[string]*stage{}
	for i := range stages {
		if stages[i].name != "" {
			byName[stages[i].name] = &stages[i]
		}
	}
	for _, st := range stages {
		base := expand.ReplaceAllStringFunc(st.base, func(m string) string {
			k := expand.FindStringSubmatch(m)[1]
			if v, ok := args[k]; ok {
				return v
			}
			bad = append(bad, "FROM "+st.base+": ARG "+k+" has no default")
			return m
		})
		if _, ok := byName[base]; ok || base == "scratch" {
			continue
		}
		ref := base
		if i := strings.LastIndex(ref, "/"); i >= 0 {
			ref = ref[i+1:]
		}
		_, tag, hasTag := strings.Cut(ref, ":")
		if !strings.Contains(base, "@sha256:") && (!hasTag || tag == "latest" || tag == "") {
			bad = append(bad, "FROM "+base+": base image not pinned to a tag or digest (or uses latest)")
		}
	}
	// Walk a stage and its parents (FROM <stage>) for what a target inherits.
	var chain func(name string) []instruction
	chain = func(name string) []instruction {
		st := byName[name]
		if st == nil {
			return nil
		}
		return append(chain(st.base), st.inst...)
	}
	oci := []string{"org.opencontainers.image.version", "org.opencontainers.image.revision",
		"org.opencontainers.image.created", "org.opencontainers.image.source", "org.opencontainers.image.title"}
	for _, target := range targets {
		st := byName[target]
		if st == nil {
			bad = append(bad, "no target stage "+target)
			continue
		}
		inst := chain(target)
		var user, entry string
		var entryJSON bool
		labels := map[string]bool{}
		copied := false
		for _, in := range inst {
			switch in.cmd {
			case "user":
				user = in.args[0]
			case "entrypoint":
				entry, entryJSON = strings.Join(in.args, " "), in.json
			case "label":
				for i := 0; i+1 < len(in.args); i += 3 { // key, value, "=" triples
					labels[in.args[i]] = true
				}
			case "copy":
				for _, f := range in.flags {
					if strings.HasPrefix(f, "--from=") {
						copied = true
					}
				}
			case "run":
				if s := strings.Join(in.args, " "); strings.Contains(s, "apt-get") || strings.Contains(s, "apk ") {
					bad = append(bad, target+": package manager in a runtime stage (line "+strconv.Itoa(in.line)+")")
				}
			case "add":
				for _, a := range in.args {
					if strings.Contains(a, "://") {
						bad = append(bad, target+": ADD of a URL (line "+strconv.Itoa(in.line)+")")
					}
				}
			}
		}
		uid, _, _ := strings.Cut(user, ":")
		if user == "" || uid == "0" || uid == "root" || !regexp.MustCompile(`^[0-9]+$`).MatchString(uid) {
			bad = append(bad, target+": USER must be a numeric non-root uid (runAsNonRoot needs it), got "+strconv.Quote(user))
		}
		if entry == "" || !entryJSON {
			bad = append(bad, target+": ENTRYPOINT must be in exec (JSON) form")
		} else if !strings.Contains(entry, target) {
			bad = append(bad, target+": ENTRYPOINT "+entry+" does not run "+target)
		}
		for _, l := range oci {
			if !labels[l] {
				bad = append(bad, target+": missing OCI label "+l)
			}
		}
		if !copied {
			bad = append(bad, target+": the binary must be COPY --from the build stage")
		}
	}
	static := false
	for _, st := range stages {
		for _, in := range st.inst {
			if (in.cmd == "env" || in.cmd == "arg") && slices.Contains(in.args, "CGO_ENABLED") {
				for i, a := range in.args {
					if a == "CGO_ENABLED" && i+1 < len(in.args) && in.args[i+1] == "0" {
						static = true
					}
				}
			}
		}
	}
	if !static {
		bad = append(bad, "the build stage must set CGO_ENABLED=0 (static binaries for distroless/static)")
	}
	return bad
}

var serviceTargets = []string{"fetcher", "cleaner", "enricher", "newsctl"}

func TestDockerfile(t *testing.T) {
	path := filepath.Join("..", "docker", "Dockerfile")
	if bad := dockerfileProblems(t, path, serviceTargets); len(bad) > 0 {
		t.Errorf("%s breaks the image rules:\n  %s", path, strings.Join(bad, "\n  "))
	}
	if _, err := os.Stat(filepath.Join("..", "docker", "Dockerfile.dockerignore")); err != nil {
		t.Errorf("Dockerfile.dockerignore: %v", err)
	}
}

// TestDockerfileRulesCatch feeds the checker Dockerfiles that break one rule each and
// requires it to name the break, so TestDockerfile cannot pass by checking nothing.
func TestDockerfileRulesCatch(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "docker", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to, want string
	}{
		{"latest base", "gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/static-debian12:latest", "not pinned"},
		{"untagged base", "golang:${GO_VERSION}-bookworm", "golang", "not pinned"},
		{"root user", "USER 65532:65532", "USER root", "non-root"},
		{"shell entrypoint", `ENTRYPOINT ["/usr/local/bin/cleaner"]`, "ENTRYPOINT /usr/local/bin/cleaner", "exec (JSON) form"},
		{"no version label", `org.opencontainers.image.version="${VERSION}" \`, `\`, "org.opencontainers.image.version"},
		{"cgo", "CGO_ENABLED=0", "CGO_ENABLED=1", "CGO_ENABLED=0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(string(good), c.from) {
				t.Fatalf("the Dockerfile no longer contains %q; update the case", c.from)
			}
			p := filepath.Join(t.TempDir(), "Dockerfile")
			if err := os.WriteFile(p, []byte(strings.Replace(string(good), c.from, c.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			bad := dockerfileProblems(t, p, serviceTargets)
			if !slices.ContainsFunc(bad, func(s string) bool { return strings.Contains(s, c.want) }) {
				t.Errorf("planted %q not reported; got %q", c.name, bad)
			}
		})
	}
}
