package deploytest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// crossRefProblems checks that every reference in a render points at an object of the
// same render: scaleTargetRef, authenticationRef, ConfigMap and Secret references,
// ServiceAccounts, and the selectors of Deployments, Services, PDBs, NetworkPolicies and
// ServiceMonitors. A Secret may also be one that Strimzi makes for a KafkaUser of the
// render, or one of externalSecrets. Kustomize name prefixes that are not followed
// everywhere show up here as dangling names.
func crossRefProblems(r render) []string {
	var bad []string
	add := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	has := func(k, n string) bool { return r.find(k, n) != nil }
	secretOK := func(n string) bool { return has("Secret", n) || has("KafkaUser", n) || externalSecrets[n] }
	deployLabels := map[string]map[string]any{}
	var podLabels []map[string]any
	for _, o := range r.objs {
		ps := podSpec(o)
		if ps == nil {
			continue
		}
		tl := asMap(get(o, "spec.template.metadata.labels"))
		podLabels = append(podLabels, tl)
		if kind(o) == "Deployment" {
			deployLabels[name(o)] = tl
			if !labelsMatch(get(o, "spec.selector"), tl) {
				add("%s: spec.selector does not match the pod template labels", ident(o))
			}
		}
		if sa := str(ps, "serviceAccountName"); sa != "" && !has("ServiceAccount", sa) {
			add("%s: serviceAccountName %s not in the render", ident(o), sa)
		}
		for _, v := range list(ps, "volumes") {
			if cm := str(v, "configMap.name"); cm != "" && !has("ConfigMap", cm) {
				add("%s: volume %s: ConfigMap %s not in the render", ident(o), str(v, "name"), cm)
			}
			if s := str(v, "secret.secretName"); s != "" && !secretOK(s) {
				add("%s: volume %s: Secret %s not in the render", ident(o), str(v, "name"), s)
			}
		}
		for _, c := range containers(ps) {
			for _, ef := range list(c, "envFrom") {
				if cm := str(ef, "configMapRef.name"); cm != "" && !has("ConfigMap", cm) {
					add("%s: envFrom ConfigMap %s not in the render", ident(o), cm)
				}
				if s := str(ef, "secretRef.name"); s != "" && !secretOK(s) {
					add("%s: envFrom Secret %s not in the render", ident(o), s)
				}
			}
			for _, e := range list(c, "env") {
				if cm := str(e, "valueFrom.configMapKeyRef.name"); cm != "" && !has("ConfigMap", cm) {
					add("%s: env %s: ConfigMap %s not in the render", ident(o), str(e, "name"), cm)
				}
				if s := str(e, "valueFrom.secretKeyRef.name"); s != "" && !secretOK(s) {
					add("%s: env %s: Secret %s is neither in the render, made by a KafkaUser of it, nor a documented external Secret", ident(o), str(e, "name"), s)
				}
			}
		}
	}
	anyPod := func(sel func(map[string]any) bool) bool { return slices.ContainsFunc(podLabels, sel) }
	for _, s := range r.ofKind("Service") {
		sel := asMap(get(s, "spec.selector"))
		if !anyPod(func(l map[string]any) bool { return plainSelectorMatch(sel, l) }) {
			add("%s: selector %v matches no pod template", ident(s), sel)
		}
	}
	for _, p := range r.ofKind("PodDisruptionBudget") {
		if !anyPod(func(l map[string]any) bool { return labelsMatch(get(p, "spec.selector"), l) }) {
			add("%s: selector matches no pod template", ident(p))
		}
	}
	for _, np := range r.ofKind("NetworkPolicy") {
		if !anyPod(func(l map[string]any) bool { return labelsMatch(get(np, "spec.podSelector"), l) }) {
			add("%s: podSelector matches no pod template", ident(np))
		}
	}
	for _, sm := range r.ofKind("ServiceMonitor") {
		var ports []string
		for _, s := range r.ofKind("Service") {
			if labelsMatch(get(sm, "spec.selector"), asMap(get(s, "metadata.labels"))) {
				for _, p := range list(s, "spec.ports") {
					ports = append(ports, str(p, "name"))
				}
			}
		}
		if len(ports) == 0 {
			add("%s: selector matches no Service", ident(sm))
		}
		for _, ep := range list(sm, "spec.endpoints") {
			if p := str(ep, "port"); p != "" && !slices.Contains(ports, p) {
				add("%s: endpoint port %s is on no selected Service", ident(sm), p)
			}
		}
	}
	for _, k := range []string{"ScaledObject", "HorizontalPodAutoscaler"} {
		for _, so := range r.ofKind(k) {
			if t := str(so, "spec.scaleTargetRef.name"); deployLabels[t] == nil {
				add("%s: scaleTargetRef %s is not a Deployment of the render", ident(so), t)
			}
			for _, tr := range list(so, "spec.triggers") {
				if a := str(tr, "authenticationRef.name"); a != "" && !has("TriggerAuthentication", a) {
					add("%s: authenticationRef %s not in the render", ident(so), a)
				}
				if topic := str(tr, "metadata.topic"); topic != "" && len(r.ofKind("KafkaTopic")) > 0 {
					if _, ok := topicPartitions(r)[topic]; !ok {
						add("%s: topic %s has no KafkaTopic in the render", ident(so), topic)
					}
				}
				if g := str(tr, "metadata.consumerGroup"); g != "" && len(r.ofKind("KafkaUser")) > 0 && !groupInACLs(r, g) {
					add("%s: consumer group %s is in no KafkaUser ACL", ident(so), g)
				}
			}
		}
	}
	for _, ta := range r.ofKind("TriggerAuthentication") {
		for _, s := range list(ta, "spec.secretTargetRef") {
			if n := str(s, "name"); !secretOK(n) {
				add("%s: secretTargetRef %s not in the render", ident(ta), n)
			}
		}
	}
	clusters := map[string]bool{}
	for _, k := range []string{"KafkaTopic", "KafkaUser"} {
		for _, o := range r.ofKind(k) {
			clusters[asString(asMap(get(o, "metadata.labels"))["strimzi.io/cluster"])] = true
		}
	}
	if len(clusters) > 1 {
		add("KafkaTopics and KafkaUsers name more than one strimzi.io/cluster: %v", keys(clusters))
	}
	return bad
}

func groupInACLs(r render, g string) bool {
	for _, u := range r.ofKind("KafkaUser") {
		for _, a := range list(u, "spec.authorization.acls") {
			if str(a, "resource.type") != "group" {
				continue
			}
			n := str(a, "resource.name")
			if n == g || (str(a, "resource.patternType") == "prefix" && strings.HasPrefix(g, n)) {
				return true
			}
		}
	}
	return false
}

func asString(v any) string { s, _ := v.(string); return s }

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestCrossReferences(t *testing.T) {
	renders := loadRenders(t)
	for _, r := range renders {
		t.Run(r.name, func(t *testing.T) {
			if r.name == "kustomize-jobs" {
				// The Jobs run next to an installed overlay: they may use the base's objects.
				for _, b := range renders {
					if b.name == "kustomize-base" {
						r.objs = append(append([]obj{}, r.objs...), b.objs...)
					}
				}
			}
			for _, p := range crossRefProblems(r) {
				t.Error(p)
			}
		})
	}
}

// normalizeDeployment drops what may differ between the chart and kustomize: labels and
// selectors (the chart adds helm.sh/chart and friends), checksum/* annotations (the chart
// rolls pods on ConfigMap changes; kustomize does it with hashed names), and replicas
// when an autoscaler owns them.
func normalizeDeployment(d obj) obj {
	c := deepCopy(d).(map[string]any)
	meta := asMap(c["metadata"])
	delete(meta, "labels")
	delete(meta, "namespace")
	spec := asMap(c["spec"])
	delete(spec, "selector")
	tmeta := asMap(get(c, "spec.template.metadata"))
	delete(tmeta, "labels")
	if ann := asMap(tmeta["annotations"]); ann != nil {
		for k := range ann {
			if strings.HasPrefix(k, "checksum/") {
				delete(ann, k)
			}
		}
		if len(ann) == 0 {
			delete(tmeta, "annotations")
		}
	}
	for _, tsc := range list(c, "spec.template.spec.topologySpreadConstraints") {
		delete(asMap(tsc), "labelSelector")
	}
	return c
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// diff lists the paths where a and b differ.
func diff(path string, a, b any) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v != %v", path, a, b)}
		}
		var out []string
		for k := range x {
			out = append(out, diff(path+"."+k, x[k], y[k])...)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing != %v", path, k, y[k]))
			}
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return []string{fmt.Sprintf("%s: %v != %v", path, a, b)}
		}
		var out []string
		for i := range x {
			out = append(out, diff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: %v != %v", path, a, b)}
	}
	return nil
}

// TestHelmMatchesKustomize: the chart (release "newsflow", autoscaling off, the
// helm-parity render) and the kustomize base render the same Deployments, modulo labels.
func TestHelmMatchesKustomize(t *testing.T) {
	base, chart := loadRender(t, "kustomize-base"), loadRender(t, "helm-parity")
	bd, cd := base.ofKind("Deployment"), chart.ofKind("Deployment")
	if len(bd) == 0 || len(bd) != len(cd) {
		t.Fatalf("kustomize base has %d Deployments, the chart %d", len(bd), len(cd))
	}
	for _, d := range bd {
		other := chart.find("Deployment", name(d))
		if other == nil {
			t.Errorf("Deployment %s is in the kustomize base, not in the chart", name(d))
			continue
		}
		for _, p := range diff(name(d), normalizeDeployment(d), normalizeDeployment(other)) {
			t.Errorf("kustomize != helm at %s", p)
		}
	}
}

// TestRulesMatch: the chart's alert rules and the kustomize monitoring component are one.
func TestRulesMatch(t *testing.T) {
	k, h := loadRender(t, "kustomize-prod"), loadRender(t, "helm-ci")
	kr, hr := k.ofKind("PrometheusRule"), h.ofKind("PrometheusRule")
	if len(kr) != 1 || len(hr) != 1 {
		t.Fatalf("want one PrometheusRule in each, got %d and %d", len(kr), len(hr))
	}
	for _, p := range diff("spec", kr[0]["spec"], hr[0]["spec"]) {
		t.Errorf("kustomize != helm at %s", p)
	}
}
