package deploytest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// kubectl runs the test API server's kubectl with stdin; it skips without one.
func kubectl(t *testing.T, stdin []byte, args ...string) (string, error) {
	t.Helper()
	bin := os.Getenv("NEWSFLOW_KUBECTL")
	if bin == "" || os.Getenv("KUBECONFIG") == "" {
		t.Skip("NEWSFLOW_KUBECTL / KUBECONFIG not set: run deploy/test/test-deploy.sh (make test-deploy)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// dryRun submits objects with `kubectl apply --dry-run=server` (strict field validation:
// unknown fields are errors too).
func dryRun(t *testing.T, objs []obj, namespace string) (string, error) {
	args := []string{"apply", "--dry-run=server", "--validate=strict", "-f", "-"}
	if namespace != "" {
		args = append(args, "-n", namespace)
	}
	return kubectl(t, encodeStream(objs), args...)
}

// namespaceOf is the namespace to submit a render to: none when its objects carry one.
func namespaceOf(r render) string {
	for _, o := range r.objs {
		if str(o, "metadata.namespace") != "" {
			return ""
		}
	}
	return "newsflow-test"
}

// TestServerDryRun submits every render to the real kube-apiserver with the operator CRDs
// installed: every object must be accepted.
func TestServerDryRun(t *testing.T) {
	for _, r := range loadRenders(t) {
		t.Run(r.name, func(t *testing.T) {
			out, err := dryRun(t, r.objs, namespaceOf(r))
			if err != nil {
				t.Fatalf("kubectl apply --dry-run=server rejected %s: %v\n%s", r.path, err, out)
			}
			// The namespaces enforce the restricted Pod Security Standard; for workloads the
			// API server only warns, so a warning is a failure here.
			if strings.Contains(out, "violate PodSecurity") {
				t.Errorf("Pod Security (restricted) warnings:\n%s", out)
			}
			if n := strings.Count(out, "(server dry run)"); n != len(r.objs) {
				t.Errorf("%d of %d objects accepted:\n%s", n, len(r.objs), out)
			}
		})
	}
}

// mutate returns a copy of the render's objects with f applied to the first object of
// kind k; f gets the object and may change it in place.
func mutate(t *testing.T, r render, k string, f func(o obj)) []obj {
	t.Helper()
	var out []obj
	done := false
	for _, o := range r.objs {
		c := deepCopy(o).(map[string]any)
		if !done && kind(c) == k {
			f(c)
			done = true
		}
		out = append(out, c)
	}
	if !done {
		t.Fatalf("%s has no %s to plant an error in", r.name, k)
	}
	return out
}

// TestPlantedErrors plants known errors in good renders and requires the API server to
// reject each with the expected reason, so TestServerDryRun's pass means something.
func TestPlantedErrors(t *testing.T) {
	prod, plain := loadRender(t, "kustomize-prod"), loadRender(t, "kustomize-plain")
	cases := []struct {
		name string
		r    render
		kind string
		f    func(o obj)
		want string
	}{
		{"selector mismatch", prod, "Deployment", func(o obj) {
			asMap(get(o, "spec.selector.matchLabels"))["app.kubernetes.io/name"] = "someone-else"
		}, "selector` does not match template `labels`"},
		{"bad quantity", prod, "Deployment", func(o obj) {
			c := asMap(list(o, "spec.template.spec.containers")[0])
			asMap(get(c, "resources.limits"))["memory"] = "12XB"
		}, "quantities must match the regular expression"},
		{"min > max replicas (HPA)", plain, "HorizontalPodAutoscaler", func(o obj) {
			asMap(o["spec"])["minReplicas"] = 10
		}, "must be greater than or equal to `minReplicas`"},
		{"wrong CRD version (Strimzi v1beta2)", prod, "KafkaTopic", func(o obj) {
			o["apiVersion"] = "kafka.strimzi.io/v1beta2"
		}, `no matches for kind "KafkaTopic" in version "kafka.strimzi.io/v1beta2"`},
		{"unknown field (typo)", prod, "ScaledObject", func(o obj) {
			asMap(o["spec"])["maxReplicas"] = 3
		}, `unknown field "spec.maxReplicas"`},
		{"CRD schema violation", prod, "KafkaUser", func(o obj) {
			asMap(get(o, "spec.authentication"))["type"] = "plain-text"
		}, "Unsupported value"},
		{"privileged container (apiserver --allow-privileged=false)", prod, "Deployment", func(o obj) {
			c := asMap(list(o, "spec.template.spec.containers")[0])
			asMap(c["securityContext"])["privileged"] = true
		}, "privileged"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs := mutate(t, c.r, c.kind, c.f)
			out, err := dryRun(t, objs, namespaceOf(c.r))
			if err == nil {
				t.Fatalf("the API server accepted the planted error:\n%s", out)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("rejected, but not for the planted reason %q:\n%s", c.want, out)
			}
		})
	}
}

// TestCheckersCatchPlanted plants errors the API server cannot see and requires the policy
// and cross-reference checks to report them.
func TestCheckersCatchPlanted(t *testing.T) {
	prod, dev := loadRender(t, "kustomize-prod"), loadRender(t, "kustomize-dev")
	cases := []struct {
		name  string
		r     render
		kind  string
		f     func(o obj)
		check func(render) []string
		want  string
	}{
		{"scaler above partitions", prod, "ScaledObject", func(o obj) { asMap(o["spec"])["maxReplicaCount"] = 13 },
			func(r render) []string { return policyProblems(r, true) }, "partitions"},
		{"latest tag", prod, "Deployment", func(o obj) {
			asMap(list(o, "spec.template.spec.containers")[0])["image"] = "ghcr.io/newsflow/cleaner:latest"
		}, func(r render) []string { return policyProblems(r, true) }, "latest"},
		{"no readiness probe", prod, "Deployment", func(o obj) {
			delete(asMap(list(o, "spec.template.spec.containers")[0]), "readinessProbe")
		}, func(r render) []string { return policyProblems(r, true) }, "readinessProbe"},
		{"no limits", prod, "Deployment", func(o obj) {
			delete(asMap(get(asMap(list(o, "spec.template.spec.containers")[0]), "resources")), "limits")
		}, func(r render) []string { return policyProblems(r, true) }, "resources.limits"},
		{"writable root filesystem", prod, "Deployment", func(o obj) {
			asMap(asMap(list(o, "spec.template.spec.containers")[0])["securityContext"])["readOnlyRootFilesystem"] = false
		}, func(r render) []string { return policyProblems(r, true) }, "readOnlyRootFilesystem"},
		{"grace shorter than drain", prod, "Deployment", func(o obj) {
			asMap(get(o, "spec.template.spec"))["terminationGracePeriodSeconds"] = 10
		}, func(r render) []string { return policyProblems(r, true) }, "cut the drain"},
		{"inlined credential", prod, "ConfigMap", func(o obj) {
			asMap(o["data"])["NEWSFLOW_REDIS_URL"] = "redis://:hunter2@redis:6379/0"
		}, func(r render) []string { return policyProblems(r, true) }, "credential"},
		{"inlined Secret", prod, "ConfigMap", func(o obj) {
			o["kind"], o["data"] = "Secret", map[string]any{"url": "cmVkaXM6Ly8="}
		}, func(r render) []string { return policyProblems(r, true) }, "inlined data"},
		{"ScaledObject left behind by a name prefix", dev, "ScaledObject", func(o obj) {
			asMap(get(o, "spec.scaleTargetRef"))["name"] = strings.TrimPrefix(str(o, "spec.scaleTargetRef.name"), "dev-")
		}, crossRefProblems, "scaleTargetRef"},
		{"dangling KafkaUser Secret", prod, "Deployment", func(o obj) {
			for _, v := range list(o, "spec.template.spec.volumes") {
				if str(v, "name") == "kafka-credentials" {
					asMap(get(v, "secret"))["secretName"] = "dev-newsflow-cleaner"
				}
			}
		}, crossRefProblems, "Secret dev-newsflow-cleaner"},
		{"Service selecting nothing", prod, "Service", func(o obj) {
			asMap(get(o, "spec.selector"))["app.kubernetes.io/name"] = "nobody"
		}, crossRefProblems, "matches no pod"},
		{"missing ConfigMap", prod, "Deployment", func(o obj) {
			c := asMap(list(o, "spec.template.spec.containers")[0])
			asMap(asMap(list(c, "envFrom")[0])["configMapRef"])["name"] = "settings-typo"
		}, crossRefProblems, "settings-typo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.check(c.r); len(got) > 0 {
				t.Fatalf("the unplanted render already fails: %v", got)
			}
			r := c.r
			r.objs = mutate(t, c.r, c.kind, c.f)
			got := c.check(r)
			found := false
			for _, p := range got {
				found = found || strings.Contains(p, c.want)
			}
			if !found {
				t.Errorf("planted %q not reported (want %q); got %q", c.name, c.want, got)
			}
		})
	}
}
