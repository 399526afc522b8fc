package deploytest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// helm runs the pinned helm on the chart; it skips without one.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := os.Getenv("NEWSFLOW_HELM")
	if bin == "" {
		t.Skip("NEWSFLOW_HELM not set: run deploy/test/test-deploy.sh (make test-deploy)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// kubeVersion is what `helm template` renders for (a `go install`ed helm defaults to v1.20,
// below the chart's kubeVersion); test-deploy.sh passes the API server's version.
var kubeVersion = func() string {
	if v := os.Getenv("NEWSFLOW_KUBE_VERSION"); v != "" {
		return v
	}
	return "v1.36.3"
}()

// TestChartRefuses: the chart's schema and template guards reject bad values.
func TestChartRefuses(t *testing.T) {
	chart := filepath.Join("..", "helm", "newsflow")
	cases := []struct {
		name string
		set  []string
		want string
	}{
		{"scaler above partitions", []string{"autoscaling.mode=keda", "autoscaling.maxReplicas=13", "strimzi.partitions=12"}, "exceeds the partitions"},
		{"min > max replicas", []string{"autoscaling.mode=hpa", "autoscaling.minReplicas=5", "autoscaling.maxReplicas=3"}, "minReplicas exceeds"},
		{"latest tag", []string{"image.tag=latest"}, "/image/tag"},
		{"unknown autoscaling mode", []string{"autoscaling.mode=vpa"}, "/autoscaling/mode"},
		{"misspelt value", []string{"cleaner.replica=3"}, "replica"},
		{"SASL without Strimzi users", []string{"kafka.sasl.enabled=true"}, "needs strimzi.enabled"},
		{"bad quantity", []string{"cleaner.resources.limits.memory=12XB"}, "memory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"template", "newsflow", chart, "--kube-version", kubeVersion}
			for _, s := range c.set {
				args = append(args, "--set", s)
			}
			out, err := helm(t, args...)
			if err == nil {
				t.Fatalf("helm template accepted %v", c.set)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("helm refused, but not for %q:\n%s", c.want, out)
			}
		})
	}
}

// TestDashboard: the Grafana dashboard is valid JSON, the chart ships the same file, and
// every metric it or the alert rules query is one the services export (or a recording
// rule of ours).
func TestDashboard(t *testing.T) {
	canon, err := os.ReadFile(filepath.Join("..", "grafana", "newsflow.json"))
	if err != nil {
		t.Fatal(err)
	}
	copyInChart, err := os.ReadFile(filepath.Join("..", "helm", "newsflow", "files", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(canon, copyInChart) {
		t.Error("deploy/helm/newsflow/files/grafana-dashboard.json differs from deploy/grafana/newsflow.json: copy it")
	}
	checkDashboard(t, canon)
}
