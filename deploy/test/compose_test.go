package deploytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestCompose checks the laptop compose file: Kafka (KRaft) and Redis with health checks,
// the three services built from the Dockerfile targets, pinned images, the same hardening
// as the pods (non-root, read-only root, no capabilities) and a drain-sized stop grace.
func TestCompose(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "compose", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]map[string]any `json:"services"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, s := range []string{"kafka", "redis"} {
		svc := c.Services[s]
		if svc == nil {
			t.Fatalf("no %s service", s)
		}
		img := str(svc, "image")
		if _, tag, ok := strings.Cut(img, ":"); !ok || tag == "latest" {
			t.Errorf("%s: image %q not pinned", s, img)
		}
		if get(svc, "healthcheck.test") == nil {
			t.Errorf("%s: no healthcheck (the services wait for it)", s)
		}
	}
	if roles := str(c.Services["kafka"], "environment.KAFKA_PROCESS_ROLES"); !strings.Contains(roles, "controller") {
		t.Errorf("kafka: not in KRaft mode (KAFKA_PROCESS_ROLES=%q)", roles)
	}
	for _, s := range []string{"fetcher", "cleaner", "enricher"} {
		svc := c.Services[s]
		if svc == nil {
			t.Errorf("no %s service", s)
			continue
		}
		if str(svc, "build.target") != s || !strings.HasSuffix(str(svc, "build.dockerfile"), "deploy/docker/Dockerfile") {
			t.Errorf("%s: must build target %s of deploy/docker/Dockerfile, got %v", s, s, svc["build"])
		}
		if svc["read_only"] != true {
			t.Errorf("%s: read_only must be true", s)
		}
		if u := str(svc, "user"); u == "" || strings.HasPrefix(u, "0") || strings.HasPrefix(u, "root") {
			t.Errorf("%s: user %q must be non-root", s, u)
		}
		if l := list(svc, "cap_drop"); len(l) != 1 || l[0] != "ALL" {
			t.Errorf("%s: cap_drop must be [ALL]", s)
		}
		if str(svc, "environment.NEWSFLOW_BROKERS") == "" || str(svc, "environment.NEWSFLOW_REDIS_URL") == "" {
			t.Errorf("%s: NEWSFLOW_BROKERS and NEWSFLOW_REDIS_URL must be set (the merge of x-service is lost?)", s)
		}
		if str(svc, "stop_grace_period") == "" {
			t.Errorf("%s: no stop_grace_period (default 10s is shorter than the 20s drain)", s)
		}
	}
}
