#!/usr/bin/env bash
# test-deploy.sh: validate newsflow's deployment files against a real kube-apiserver.
# Run from anywhere (make test-deploy). Steps:
#   1. pinned tools (helm, kustomize via go install) and etcd + kube-apiserver + kubectl
#      built from the Go module proxy, all cached by version under ~/.cache/newsflow;
#   2. the operator CRDs (KEDA, Strimzi, prometheus-operator) from their published packages;
#   3. helm lint --strict; render every kustomize overlay and the chart into a temp dir;
#   4. etcd + kube-apiserver on loopback; install the CRDs; namespaces;
#   5. go test in deploy/test: Dockerfile rules, policy, cross-references, Helm/kustomize
#      parity, server-side dry runs of every render, planted errors;
#   6. a PASS/FAIL summary. Exit status 0 only when everything passed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DEPLOY=$(dirname "$HERE")
GO=${GO:-go}
T0=$SECONDS
declare -a RESULTS=()
FAILED=0
step() { printf '\n== %s\n' "$*"; }
record() { # name status detail
	RESULTS+=("$(printf '%-5s %-44s %s' "$2" "$1" "${3:-}")")
	[[ $2 == PASS ]] || FAILED=1
}
die() { record "$1" FAIL "$2"; summary; exit 1; }
summary() {
	printf '\n==================== test-deploy summary ====================\n'
	printf '%s\n' "${RESULTS[@]}"
	printf -- '-------------------------------------------------------------\n'
	local p f
	p=$(printf '%s\n' "${RESULTS[@]}" | grep -c '^PASS' || true)
	f=$(printf '%s\n' "${RESULTS[@]}" | grep -c '^FAIL' || true)
	printf 'took %ds\n' "$((SECONDS - T0))"
	printf 'test-deploy: %d passed, %d failed\n' "$p" "$f"
}

step "tools and Kubernetes binaries (cached by version; cold build takes long)"
t=$SECONDS
TOOLS=$("$HERE/tools.sh") || die "install helm and kustomize" "go install failed"
"$HERE/k8s-build.sh" control || die "build etcd, kube-apiserver, kubectl" "see the log above"
K8S_BIN=$("$HERE/k8s-build.sh" print)
export PATH="$TOOLS:$K8S_BIN:$PATH"
record "tools: helm, kustomize, etcd, kube-apiserver, kubectl" PASS "$((SECONDS - t))s"

step "operator CRDs"
t=$SECONDS
CRDS=$("$HERE/crds.sh") || die "fetch CRDs" "see the log above"
record "CRDs: KEDA, Strimzi (kafka.strimzi.io/v1), prometheus-operator" PASS "$(ls "$CRDS" | wc -l) files, $((SECONDS - t))s"

WORK=$(mktemp -d /tmp/newsflow-test-deploy.XXXXXX)
RENDER=$WORK/render
mkdir -p "$RENDER"
APISERVER_DIR=
cleanup() {
	[[ -n $APISERVER_DIR ]] && "$HERE/apiserver.sh" stop "$APISERVER_DIR"
	rm -rf "$WORK"
}
trap cleanup EXIT

step "helm lint --strict"
# A `go install`ed helm assumes Kubernetes v1.20 (below the chart's kubeVersion): render for ours.
KUBE_VERSION=$("$HERE/k8s-build.sh" version)
KV=(--kube-version "$KUBE_VERSION")
export NEWSFLOW_KUBE_VERSION=$KUBE_VERSION
CHART=$DEPLOY/helm/newsflow
for v in "" "$CHART/ci/ci-values.yaml" "$CHART/ci/lean-values.yaml"; do
	label="helm lint --strict ${v:+-f $(basename "$v")}"
	if out=$(helm lint --strict "${KV[@]}" "$CHART" ${v:+-f "$v"} 2>&1); then
		record "${label:-helm lint --strict (defaults)}" PASS
	else
		echo "$out"
		record "${label}" FAIL "see the log above"
	fi
done

step "render overlays and chart"
render_ok=1
for o in base; do kustomize build "$DEPLOY/k8s/$o" >"$RENDER/kustomize-$o.yaml" || render_ok=0; done
for o in dev prod plain; do kustomize build "$DEPLOY/k8s/overlays/$o" >"$RENDER/kustomize-$o.yaml" || render_ok=0; done
kustomize build "$DEPLOY/k8s/jobs" >"$RENDER/kustomize-jobs.yaml" || render_ok=0
helm template newsflow "$CHART" "${KV[@]}" >"$RENDER/helm-default.yaml" || render_ok=0
helm template newsflow "$CHART" "${KV[@]}" -f "$CHART/ci/ci-values.yaml" >"$RENDER/helm-ci.yaml" || render_ok=0
helm template newsflow "$CHART" "${KV[@]}" -f "$CHART/ci/lean-values.yaml" >"$RENDER/helm-lean.yaml" || render_ok=0
# The parity render: the chart with autoscaling off, as the kustomize base has none.
helm template newsflow "$CHART" "${KV[@]}" --set autoscaling.mode=none >"$RENDER/helm-parity.yaml" || render_ok=0
if [[ -d $DEPLOY/test/k8s/overlay ]]; then
	kustomize build "$DEPLOY/test/k8s/overlay" >"$RENDER/test-cluster.yaml" || render_ok=0
fi
if [[ $render_ok == 1 ]]; then
	record "render $(ls "$RENDER" | wc -l) configurations" PASS "$(cat "$RENDER"/*.yaml | grep -c '^kind:') objects"
else
	record "render overlays and chart" FAIL "see the log above"
fi

step "etcd + kube-apiserver on loopback"
t=$SECONDS
if env_lines=$("$HERE/apiserver.sh" start); then
	eval "$env_lines"
	APISERVER_DIR=$NEWSFLOW_APISERVER_DIR
	record "start etcd + kube-apiserver $(kubectl version -o json 2>/dev/null | python3 -c 'import json,sys;print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')" PASS "$((SECONDS - t))s"
else
	die "start etcd + kube-apiserver" "see the log above"
fi
if kubectl apply --server-side -f "$CRDS" >"$WORK/crds.log" 2>&1 &&
	kubectl wait --for condition=Established --timeout 60s crd --all >>"$WORK/crds.log" 2>&1; then
	record "install CRDs" PASS "$(kubectl get crd -o name | wc -l) CRDs established"
else
	cat "$WORK/crds.log"
	die "install CRDs" "see the log above"
fi
for ns in newsflow newsflow-dev newsflow-test; do
	kubectl create namespace "$ns" >/dev/null
	# The restricted Pod Security Standard, enforced: the manifests must meet it.
	kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted >/dev/null
done
# The test-cluster overlay uses hostNetwork (loopback CNI only), which restricted forbids.
kubectl create namespace newsflow-k8stest >/dev/null

step "go test (deploy/test)"
export NEWSFLOW_RENDER_DIR=$RENDER NEWSFLOW_KUBECTL=$K8S_BIN/kubectl NEWSFLOW_HELM=$TOOLS/helm
(cd "$HERE" && GOWORK=off $GO test -count=1 -v . 2>&1) | tee "$WORK/go-test.log" |
	grep -vE '^=== (RUN|PAUSE|CONT)'
status=${PIPESTATUS[0]}
while read -r res name dur; do
	record "$name" "$res" "$dur"
done < <(sed -nE 's/^--- (PASS|FAIL|SKIP): ([A-Za-z0-9_]+) \((.*)\)$/\1 \2 \3/p' "$WORK/go-test.log")
if grep -q '^--- SKIP' "$WORK/go-test.log"; then FAILED=1; fi
if [[ $status == 0 ]]; then
	record "go test deploy/test" PASS "$(grep -c '^    --- PASS' "$WORK/go-test.log") subtests"
else
	record "go test deploy/test" FAIL "exit $status (see the log above)"
fi

summary
exit $FAILED
