#!/usr/bin/env bash
# test-k8s.sh: newsflow on a real one-node Kubernetes cluster, built from the Go module proxy.
#   etcd + kube-apiserver (apiserver.sh), kube-controller-manager, kube-scheduler, kubelet
#   (cgroup v1, cgroupfs, no QoS cgroups), containerd v2 + runc (restrict_oom_score_adj),
#   loopback CNI only (pods use hostNetwork), images built with go-containerregistry from
#   static binaries and imported into containerd (no pulls).
# Then deploy/test/cluster (go test) deploys the test overlay against the loopback Kafka
# (127.0.0.1:39092) and Redis (127.0.0.1:36379), which must be running (make up).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GO=${GO:-go}
T0=$SECONDS
log() { printf '[test-k8s] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; printf 'test-k8s: 0 passed, 1 failed\n'; exit 1; }

"$HERE/k8s-build.sh" node >&2 || fail "build the Kubernetes binaries"
K8S=$("$HERE/k8s-build.sh" print)
NODE=$("$HERE/node-build.sh") || fail "build containerd, runc and the CNI loopback plugin"
TOOLS=$("$HERE/tools.sh") || fail "install kustomize"
export PATH="$NODE:$K8S:$TOOLS:$PATH"

WORK=$(mktemp -d /tmp/newsflow-k8s.XXXXXX)
APISERVER_DIR=
PIDS=()
cleanup() {
	log "stopping the cluster"
	if [[ -n $APISERVER_DIR ]]; then
		kubectl delete namespace newsflow-k8stest --wait=true --timeout=60s >/dev/null 2>&1
	fi
	# Containers the kubelet has not removed yet (sandboxes), so nothing outlives the run.
	if [[ -S $WORK/containerd.sock ]]; then
		local c
		for c in $(ctr --address "$WORK/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
			ctr --address "$WORK/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1
		done
		sleep 1
	fi
	local i
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill "${PIDS[i]}" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "${PIDS[i]}" 2>/dev/null || break; sleep 0.1; done
		kill -9 "${PIDS[i]}" 2>/dev/null
	done
	# Shims outlive containerd: stop the ones this run started, then its mounts.
	for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $WORK/containerd.sock" || true); do kill -9 "$p" 2>/dev/null; done
	grep -o " $WORK/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	[[ -n $APISERVER_DIR ]] && "$HERE/apiserver.sh" stop "$APISERVER_DIR"
	rm -rf "$WORK"
}
trap cleanup EXIT

log "service binaries and OCI images (go-containerregistry, no Docker)"
mkdir -p "$WORK/bin" "$WORK/images"
for s in cleaner enricher; do
	(cd "$ROOT" && CGO_ENABLED=0 $GO build -trimpath -ldflags "-s -w" -o "$WORK/bin/$s" "./services/$s") || fail "build $s"
done
(cd "$HERE" && GOWORK=off CGO_ENABLED=0 $GO build -o "$WORK/bin/pause" ./cmd/pause && GOWORK=off $GO build -o "$WORK/ociimage" ./cmd/ociimage) || fail "build pause and ociimage"
for s in cleaner enricher pause; do
	"$WORK/ociimage" -binary "$WORK/bin/$s" -name "newsflow.local/$s:test" -o "$WORK/images/$s.tar" || fail "image $s"
done

log "etcd + kube-apiserver"
env_lines=$("$HERE/apiserver.sh" start) || fail "start the API server"
eval "$env_lines"
APISERVER_DIR=$NEWSFLOW_APISERVER_DIR
free_ports() { python3 -c 'import socket
ss=[socket.socket() for _ in range('"$1"')]
[s.bind(("127.0.0.1",0)) for s in ss]
print(" ".join(str(s.getsockname()[1]) for s in ss))'; }
read -r cm_port sched_port kubelet_port kubelet_healthz <<<"$(free_ports 4)"

log "kube-controller-manager and kube-scheduler"
kube-controller-manager --kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
	--bind-address 127.0.0.1 --secure-port "$cm_port" --leader-elect=false \
	--service-account-private-key-file "$APISERVER_DIR/sa.key" --root-ca-file "$APISERVER_DIR/certs/apiserver.crt" \
	--use-service-account-credentials=false --controllers '*,-nodeipam,-service-lb-controller,-cloud-node-lifecycle' \
	>"$WORK/controller-manager.log" 2>&1 &
PIDS+=($!)
kube-scheduler --kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
	--bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false >"$WORK/scheduler.log" 2>&1 &
PIDS+=($!)

log "containerd (restrict_oom_score_adj) with the loopback CNI"
mkdir -p "$WORK/cni" "$WORK/containerd"
cat >"$WORK/cni/10-loopback.conflist" <<CNI
{"cniVersion": "1.0.0", "name": "newsflow-loopback", "plugins": [{"type": "loopback"}]}
CNI
python3 "$HERE/containerd-config.py" --default <(containerd config default) --work "$WORK" --cni-bin "$NODE/cni" \
	--runc "$NODE/runc" --sandbox newsflow.local/pause:test >"$WORK/containerd.toml" || fail "containerd config"
containerd --config "$WORK/containerd.toml" >"$WORK/containerd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [[ -S $WORK/containerd.sock ]] && break; sleep 0.1; done
for s in cleaner enricher pause; do
	ctr --address "$WORK/containerd.sock" -n k8s.io images import "$WORK/images/$s.tar" >/dev/null || fail "import $s"
done

log "kubelet (cgroup v1, cgroupfs, no QoS cgroups)"
mkdir -p "$WORK/kubelet"
cat >"$WORK/kubelet.yaml" <<KC
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
containerRuntimeEndpoint: unix://$WORK/containerd.sock
imageServiceEndpoint: unix://$WORK/containerd.sock
address: 127.0.0.1
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_healthz
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
failSwapOn: false
registerNode: true
resolvConf: /etc/resolv.conf
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
serializeImagePulls: false
KC
kubelet --config "$WORK/kubelet.yaml" --kubeconfig "$KUBECONFIG" --root-dir "$WORK/kubelet" --cert-dir "$WORK/kubelet/pki" \
	--hostname-override newsflow-node --node-ip 127.0.0.1 >"$WORK/kubelet.log" 2>&1 &
PIDS+=($!)
# `kubectl wait` fails at once on a node not registered yet: wait for it to exist first.
for _ in $(seq 1 60); do kubectl get node newsflow-node >/dev/null 2>&1 && break; sleep 1; done
if ! kubectl wait --for=condition=Ready node/newsflow-node --timeout=120s >/dev/null 2>&1; then
	for f in kubelet containerd; do log "$f log:"; tail -25 "$WORK/$f.log" >&2; done
	kubectl get nodes -o wide >&2
	fail "the node did not become Ready"
fi
log "node Ready after $((SECONDS - T0))s"

kustomize build "$HERE/k8s/overlay" >"$WORK/overlay.yaml" || fail "render the test overlay"
eval "$("$ROOT/deploy/local/env.sh")"
export NEWSFLOW_K8S_RENDER=$WORK/overlay.yaml NEWSFLOW_KUBECTL=$K8S/kubectl
(cd "$HERE" && GOWORK=off $GO test -count=1 -v -timeout 15m ./cluster/) 2>&1 | tee "$WORK/go-test.log"
status=${PIPESTATUS[0]}
if [[ $status != 0 ]]; then
	for f in kubelet containerd; do log "$f log (tail):"; tail -15 "$WORK/$f.log" >&2; done
fi
log "took $((SECONDS - T0))s"
exit "$status"
