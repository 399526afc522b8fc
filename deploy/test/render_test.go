package deploytest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// obj is one Kubernetes object as decoded YAML.
type obj = map[string]any

// render is the objects of one rendered overlay or chart configuration.
type render struct {
	name string // file name without .yaml: kustomize-prod, helm-ci, ...
	path string
	objs []obj
}

// renderDir returns NEWSFLOW_RENDER_DIR, or skips: test-deploy.sh renders there.
func renderDir(t *testing.T) string {
	t.Helper()
	d := os.Getenv("NEWSFLOW_RENDER_DIR")
	if d == "" {
		t.Skip("NEWSFLOW_RENDER_DIR is not set: run deploy/test/test-deploy.sh (make test-deploy)")
	}
	return d
}

var docSep = regexp.MustCompile(`(?m)^---\s*$`)

// decodeStream splits a multi-document YAML stream into objects, dropping empty ones.
func decodeStream(data []byte) ([]obj, error) {
	var out []obj
	for i, doc := range docSep.Split(string(data), -1) {
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		var o obj
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(o) > 0 {
			out = append(out, o)
		}
	}
	return out, nil
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func encodeStream(objs []obj) []byte {
	var buf bytes.Buffer
	for _, o := range objs {
		b, err := yaml.Marshal(o)
		if err != nil {
			panic(err) // maps decoded from YAML always marshal
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	return buf.Bytes()
}

// loadRenders reads every *.yaml of the render directory.
func loadRenders(t *testing.T) []render {
	t.Helper()
	dir := renderDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no renders in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var out []render
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := decodeStream(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, render{name: strings.TrimSuffix(filepath.Base(f), ".yaml"), path: f, objs: objs})
	}
	return out
}

func loadRender(t *testing.T, name string) render {
	t.Helper()
	for _, r := range loadRenders(t) {
		if r.name == name {
			return r
		}
	}
	t.Fatalf("render %s missing from %s", name, renderDir(t))
	return render{}
}

// get walks a dotted path of map keys; "" on a miss.
func get(o any, path string) any {
	cur := o
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func str(o any, path string) string {
	s, _ := get(o, path).(string)
	return s
}

func list(o any, path string) []any {
	l, _ := get(o, path).([]any)
	return l
}

func num(o any, path string) (float64, bool) {
	switch v := get(o, path).(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	}
	return 0, false
}

func kind(o obj) string  { return str(o, "kind") }
func name(o obj) string  { return str(o, "metadata.name") }
func ident(o obj) string { return kind(o) + "/" + name(o) }

func (r render) ofKind(k string) []obj {
	var out []obj
	for _, o := range r.objs {
		if kind(o) == k {
			out = append(out, o)
		}
	}
	return out
}

func (r render) find(k, n string) obj {
	for _, o := range r.objs {
		if kind(o) == k && name(o) == n {
			return o
		}
	}
	return nil
}

// podSpec returns the pod spec of a workload (Deployment, Job, ...), or nil.
func podSpec(o obj) map[string]any {
	m, _ := get(o, "spec.template.spec").(map[string]any)
	return m
}

func containers(ps map[string]any) []map[string]any {
	var out []map[string]any
	for _, k := range []string{"initContainers", "containers"} {
		for _, c := range list(ps, k) {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// labelsMatch reports whether a LabelSelector (matchLabels and matchExpressions) selects labels.
func labelsMatch(sel any, labels map[string]any) bool {
	if sel == nil {
		return false
	}
	for k, v := range asMap(get(sel, "matchLabels")) {
		if labels[k] != v {
			return false
		}
	}
	for _, e := range list(sel, "matchExpressions") {
		key, op := str(e, "key"), str(e, "operator")
		val, has := labels[key]
		var in bool
		for _, v := range list(e, "values") {
			if v == val {
				in = true
			}
		}
		switch op {
		case "In":
			if !has || !in {
				return false
			}
		case "NotIn":
			if has && in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		}
	}
	return true
}

// plainSelectorMatch matches a Service-style map selector.
func plainSelectorMatch(sel map[string]any, labels map[string]any) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
