package deploytest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// defaultPartitions is what `newsctl topics create` makes (pkg/topics.DefaultOptions) when no
// KafkaTopic in the render says otherwise.
const defaultPartitions = 6

// externalSecrets are the Secrets newsflow expects the platform to provide (documented in
// the overlays, the chart's NOTES and the README); every other Secret reference must
// resolve inside the render.
var externalSecrets = map[string]bool{"newsflow-redis": true}

// credentialLike finds values that look like a credential put in plain text.
var credentialLike = regexp.MustCompile(`(?i)(://[^/\s:@]*:[^/\s@]+@|-----BEGIN [A-Z ]*PRIVATE KEY)`)
var secretishName = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|TOKEN|SECRET|API_KEY|CREDENTIAL)`)

// policyProblems checks the rules every deployable render must follow.
func policyProblems(r render, requireScalers bool) []string {
	var bad []string
	add := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	settings := map[string]string{}
	for _, cm := range r.ofKind("ConfigMap") {
		for k, v := range asMap(cm["data"]) {
			s, _ := v.(string)
			settings[k] = s
			if credentialLike.MatchString(s) {
				add("%s: key %s holds a credential in plain text", ident(cm), k)
			}
		}
	}
	for _, s := range r.ofKind("Secret") {
		if len(asMap(s["data"])) > 0 || len(asMap(s["stringData"])) > 0 {
			add("%s: Secret with inlined data; reference an existing Secret instead", ident(s))
		}
	}
	for _, o := range r.objs {
		ps := podSpec(o)
		if ps == nil {
			continue
		}
		isDeploy := kind(o) == "Deployment"
		podRunAsNonRoot := get(ps, "securityContext.runAsNonRoot") == true
		podSeccomp := str(ps, "securityContext.seccompProfile.type")
		if get(ps, "hostNetwork") == true && !strings.HasPrefix(r.name, "test-") {
			add("%s: hostNetwork outside the test overlay", ident(o))
		}
		if get(ps, "automountServiceAccountToken") != false {
			add("%s: automountServiceAccountToken must be false (the services call no Kubernetes API)", ident(o))
		}
		drain := 20 * time.Second
		for _, c := range containers(ps) {
			cn := ident(o) + " container " + str(c, "name")
			img := str(c, "image")
			if i := strings.LastIndex(img, "/"); !strings.Contains(img, "@sha256:") {
				_, tag, ok := strings.Cut(img[i+1:], ":")
				if !ok || tag == "" || tag == "latest" {
					add("%s: image %q has no pinned tag (or uses latest)", cn, img)
				}
			}
			for _, k := range []string{"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"} {
				if get(c, "resources."+k) == nil {
					add("%s: no resources.%s", cn, k)
				}
			}
			sc := asMap(c["securityContext"])
			if sc["allowPrivilegeEscalation"] != false {
				add("%s: allowPrivilegeEscalation must be false", cn)
			}
			if sc["readOnlyRootFilesystem"] != true {
				add("%s: readOnlyRootFilesystem must be true", cn)
			}
			if sc["privileged"] == true {
				add("%s: privileged", cn)
			}
			if !slices.Contains(list(sc, "capabilities.drop"), any("ALL")) {
				add("%s: capabilities.drop must contain ALL", cn)
			}
			if !podRunAsNonRoot && sc["runAsNonRoot"] != true {
				add("%s: runAsNonRoot must be true", cn)
			}
			if podSeccomp != "RuntimeDefault" && str(sc, "seccompProfile.type") != "RuntimeDefault" {
				add("%s: seccompProfile must be RuntimeDefault", cn)
			}
			for _, e := range list(c, "env") {
				n, v := str(e, "name"), str(e, "value")
				// A *_FILE variable names a mounted Secret's path, not a credential.
				fileRef := strings.HasSuffix(n, "_FILE") && strings.HasPrefix(v, "/")
				if v != "" && (credentialLike.MatchString(v) || secretishName.MatchString(n) && !fileRef) {
					add("%s: env %s carries a literal credential; use valueFrom.secretKeyRef", cn, n)
				}
				if n == "NEWSFLOW_DRAIN_TIMEOUT" && v != "" {
					if d, err := time.ParseDuration(v); err == nil {
						drain = d
					}
				}
			}
			for _, ef := range list(c, "envFrom") {
				if d, err := time.ParseDuration(settings["NEWSFLOW_DRAIN_TIMEOUT"]); err == nil && str(ef, "configMapRef.name") != "" {
					drain = d
				}
			}
			if isDeploy {
				if str(c, "livenessProbe.httpGet.path") != "/healthz" {
					add("%s: livenessProbe must GET /healthz", cn)
				}
				if str(c, "readinessProbe.httpGet.path") != "/readyz" {
					add("%s: readinessProbe must GET /readyz", cn)
				}
				grace, ok := num(ps, "terminationGracePeriodSeconds")
				if !ok {
					grace = 30
				}
				stop, _ := num(c, "lifecycle.preStop.sleep.seconds")
				need := stop + drain.Seconds()
				if grace < need {
					add("%s: terminationGracePeriodSeconds %v < preStop %vs + drain %v: SIGKILL would cut the drain", cn, grace, stop, drain)
				}
			}
		}
	}
	bad = append(bad, scalerProblems(r, requireScalers)...)
	return bad
}

// topicPartitions maps topic name -> partitions from the render's KafkaTopics.
func topicPartitions(r render) map[string]int {
	out := map[string]int{}
	for _, t := range r.ofKind("KafkaTopic") {
		topic := str(t, "spec.topicName")
		if topic == "" {
			topic = name(t)
		}
		if p, ok := num(t, "spec.partitions"); ok {
			out[topic] = int(p)
		}
	}
	return out
}

// scalerProblems: every consumer Deployment (newsflow.io/input-topic) has exactly one scaler
// (ScaledObject or HPA) whose maximum stays at or below the input topic's partitions.
func scalerProblems(r render, requireScalers bool) []string {
	var bad []string
	parts := topicPartitions(r)
	type scaler struct {
		id  string
		max float64
		min float64
	}
	byTarget := map[string][]scaler{}
	for _, so := range r.ofKind("ScaledObject") {
		mx, ok := num(so, "spec.maxReplicaCount")
		if !ok {
			mx = 100 // KEDA's default
		}
		mn, _ := num(so, "spec.minReplicaCount")
		byTarget[str(so, "spec.scaleTargetRef.name")] = append(byTarget[str(so, "spec.scaleTargetRef.name")], scaler{ident(so), mx, mn})
		for _, tr := range list(so, "spec.triggers") {
			if str(tr, "type") == "kafka" {
				topic := str(tr, "metadata.topic")
				p, known := parts[topic]
				if !known {
					p = defaultPartitions
				}
				if mx > float64(p) {
					bad = append(bad, fmt.Sprintf("%s: maxReplicaCount %v > %d partitions of %s", ident(so), mx, p, topic))
				}
			}
		}
	}
	for _, h := range r.ofKind("HorizontalPodAutoscaler") {
		mx, _ := num(h, "spec.maxReplicas")
		mn, ok := num(h, "spec.minReplicas")
		if !ok {
			mn = 1
		}
		byTarget[str(h, "spec.scaleTargetRef.name")] = append(byTarget[str(h, "spec.scaleTargetRef.name")], scaler{ident(h), mx, mn})
	}
	for _, d := range r.ofKind("Deployment") {
		topic, _ := asMap(get(d, "metadata.annotations"))["newsflow.io/input-topic"].(string)
		if topic == "" {
			continue
		}
		sc := byTarget[name(d)]
		switch {
		case len(sc) == 0 && requireScalers:
			bad = append(bad, fmt.Sprintf("%s: consumer of %s without a ScaledObject or HPA", ident(d), topic))
		case len(sc) > 1:
			bad = append(bad, fmt.Sprintf("%s: more than one autoscaler (%v): they would fight", ident(d), sc))
		}
		p, known := parts[topic]
		if !known {
			p = defaultPartitions
		}
		for _, s := range sc {
			if s.max > float64(p) {
				bad = append(bad, fmt.Sprintf("%s: %s allows %v replicas, %s has %d partitions", ident(d), s.id, s.max, topic, p))
			}
			if s.min > s.max {
				bad = append(bad, fmt.Sprintf("%s: min replicas %v > max %v", s.id, s.min, s.max))
			}
		}
	}
	return bad
}

// deployable reports whether a render is installed as is (the base is a building block:
// the overlays add its autoscalers).
func deployable(r render) bool { return r.name != "kustomize-base" && r.name != "helm-parity" }

func TestPolicy(t *testing.T) {
	for _, r := range loadRenders(t) {
		t.Run(r.name, func(t *testing.T) {
			if len(r.ofKind("Deployment"))+len(r.ofKind("Job")) == 0 {
				t.Fatalf("%s renders no workload", r.path)
			}
			for _, p := range policyProblems(r, deployable(r) && !strings.HasPrefix(r.name, "kustomize-jobs") && !strings.HasPrefix(r.name, "test-")) {
				t.Error(p)
			}
		})
	}
}
