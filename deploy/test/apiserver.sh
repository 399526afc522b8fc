#!/usr/bin/env bash
# apiserver.sh: a throwaway etcd + kube-apiserver on loopback for server-side dry runs.
#   eval "$(deploy/test/apiserver.sh start)"   # exports KUBECONFIG and NEWSFLOW_APISERVER_DIR
#   deploy/test/apiserver.sh stop "$NEWSFLOW_APISERVER_DIR"
# Random free ports, a temp dir, a generated service-account key, and a static admin token
# (group system:masters) for kubectl; serving certificate self-signed by the apiserver.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${K8S_BIN:-$("$HERE/k8s-build.sh" print)}

free_ports() { python3 -c '
import socket
ss=[socket.socket() for _ in range(int('"$1"'))]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()'; }

start() {
	"$HERE/k8s-build.sh" control >&2
	local dir; dir=$(mktemp -d /tmp/newsflow-apiserver.XXXXXX)
	read -r etcd_client etcd_peer api_port <<<"$(free_ports 3)"
	mkdir -p "$dir/certs" "$dir/etcd"
	openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
	openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
	local token; token=$(openssl rand -hex 24)
	echo "$token,admin,admin,system:masters" >"$dir/tokens.csv"

	"$BIN/etcd" --name nf --data-dir "$dir/etcd" \
		--listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
		--listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
		--initial-cluster "nf=http://127.0.0.1:$etcd_peer" --log-level warn --quota-backend-bytes 1073741824 \
		>"$dir/etcd.log" 2>&1 &
	echo $! >"$dir/etcd.pid"

	"$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_client" \
		--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
		--cert-dir "$dir/certs" --token-auth-file "$dir/tokens.csv" --authorization-mode RBAC \
		--service-account-key-file "$dir/sa.pub" --service-account-signing-key-file "$dir/sa.key" \
		--service-account-issuer https://kubernetes.default.svc.cluster.local --api-audiences kubernetes \
		--service-cluster-ip-range 10.0.0.0/24 --allow-privileged=false \
		--enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota,PodSecurity \
		--profiling=false --v=1 >"$dir/apiserver.log" 2>&1 &
	echo $! >"$dir/apiserver.pid"

	cat >"$dir/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority: $dir/certs/apiserver.crt
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: test
    context: {cluster: test, user: admin}
current-context: test
KC
	local i
	for i in $(seq 1 120); do
		if [[ -f $dir/certs/apiserver.crt ]] && "$BIN/kubectl" --kubeconfig "$dir/kubeconfig" get --raw /readyz >/dev/null 2>&1; then
			echo "export KUBECONFIG=$dir/kubeconfig NEWSFLOW_APISERVER_DIR=$dir"
			echo "[apiserver] ready on https://127.0.0.1:$api_port after ${i}x0.5s (logs in $dir)" >&2
			return
		fi
		if ! kill -0 "$(cat "$dir/apiserver.pid")" 2>/dev/null; then break; fi
		sleep 0.5
	done
	echo "[apiserver] did not become ready; last log lines:" >&2
	tail -20 "$dir/apiserver.log" >&2
	stop "$dir"
	exit 1
}

stop() {
	local dir=${1:?apiserver dir}
	local p
	for p in apiserver etcd; do
		if [[ -f $dir/$p.pid ]]; then
			kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
			for _ in $(seq 1 50); do kill -0 "$(cat "$dir/$p.pid")" 2>/dev/null || break; sleep 0.1; done
			kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null || true
		fi
	done
	rm -rf "$dir"
}

case ${1:-} in
start) start ;;
stop) stop "${2:-${NEWSFLOW_APISERVER_DIR:-}}" ;;
*) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
