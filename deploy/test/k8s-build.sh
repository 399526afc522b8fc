#!/usr/bin/env bash
# k8s-build.sh: build the pinned Kubernetes and etcd binaries from the Go module proxy,
# in a throwaway module outside the tracked tree, cached by version.
#
#   deploy/test/k8s-build.sh control   # etcd, kube-apiserver, kubectl      (make test-deploy)
#   deploy/test/k8s-build.sh node      # + kube-scheduler, kube-controller-manager, kubelet (make test-k8s)
#   deploy/test/k8s-build.sh print     # print the bin dir
#   deploy/test/k8s-build.sh version   # print the pinned Kubernetes version
#
# Binaries land in ${NEWSFLOW_CACHE:-~/.cache/newsflow}/k8s-<version>/bin and are rebuilt only
# when missing. k8s.io/kubernetes is not meant to be required as a library: its go.mod
# replaces each staging module (k8s.io/api, k8s.io/apiserver, ...) with a local folder,
# and replaces in a dependency are ignored, so the throwaway module replaces each of them
# with the published v0.Y.Z of the same release. The version is stamped with -X, or
# kubectl and the apiserver report v0.0.0 and kubectl refuses to talk.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.36.3}
ETCD_VERSION=${ETCD_VERSION:-v3.6.8}
CACHE=${NEWSFLOW_CACHE:-$HOME/.cache/newsflow}
DIR=$CACHE/k8s-$K8S_VERSION
BIN=$DIR/bin
GO=${GO:-go}
NICE=${NICE:-nice -n 10}

log() { printf '[k8s-build] %s\n' "$*" >&2; }

# k8s_module prepares $DIR/src: a module requiring k8s.io/kubernetes with every staging
# module replaced by its published v0.Y.Z.
k8s_module() {
	local src=$DIR/src
	if [[ -f $src/go.sum && -f $src/.ready ]]; then return; fi
	mkdir -p "$src"
	local minor=${K8S_VERSION#v1.}
	local staging=v0.$minor
	local gomod
	gomod=$(cd "$src" && GOFLAGS=-mod=mod $GO mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
	{
		echo "module newsflow.local/k8sbuild"
		echo
		grep -E '^go [0-9.]+$' "$gomod"
		echo
		echo "require k8s.io/kubernetes $K8S_VERSION"
		echo
		# every "k8s.io/x => ./staging/src/k8s.io/x" becomes "k8s.io/x => k8s.io/x v0.Y.Z"
		sed -nE 's#^[[:space:]]*(replace[[:space:]]+)?(k8s\.io/[A-Za-z0-9._/-]+)[[:space:]]+=>[[:space:]]+\./staging/src/k8s\.io/.*#replace \2 => \2 '"$staging"'#p' "$gomod"
	} >"$src/go.mod"
	cat >"$src/tools.go" <<'GO'
//go:build tools

// Package k8sbuild only pins the commands this throwaway module builds.
package k8sbuild

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
	log "resolving k8s.io/kubernetes $K8S_VERSION with staging modules at $staging"
	(cd "$src" && GOWORK=off GOFLAGS=-mod=mod $GO mod tidy -e >/dev/null 2>"$src/tidy.log" || { cat "$src/tidy.log" >&2; exit 1; })
	touch "$src/.ready"
}

ldflags() {
	local v=$K8S_VERSION minor=${K8S_VERSION#v1.}
	minor=${minor%%.*}
	local p=k8s.io/component-base/version
	local q=k8s.io/client-go/pkg/version
	local flags="-s -w"
	for pkg in $p $q; do
		flags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
		flags+=" -X $pkg.gitTreeState=clean -X $pkg.gitCommit=0000000000000000000000000000000000000000"
		flags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
	done
	echo "$flags"
}

build_k8s() {
	local cmd
	for cmd in "$@"; do
		if [[ -x $BIN/$cmd ]]; then continue; fi
		k8s_module
		mkdir -p "$BIN"
		log "building $cmd $K8S_VERSION (cold build takes minutes)"
		local t0=$SECONDS
		(cd "$DIR/src" && GOWORK=off CGO_ENABLED=0 $NICE $GO build -trimpath -ldflags "$(ldflags)" \
			-o "$BIN/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
		mv "$BIN/$cmd.tmp" "$BIN/$cmd"
		log "built $cmd in $((SECONDS - t0))s"
	done
}

# etcd builds from go.etcd.io/etcd/server/v3 (its main package) in a module of its own,
# so its dependency versions do not fight the apiserver's.
build_etcd() {
	if [[ -x $BIN/etcd ]]; then return; fi
	local src=$CACHE/etcd-$ETCD_VERSION/src
	mkdir -p "$src" "$BIN"
	if [[ ! -f $src/go.sum ]]; then
		printf 'module newsflow.local/etcdbuild\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$src/go.mod"
		printf '//go:build tools\n\npackage etcdbuild\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$src/tools.go"
		(cd "$src" && GOWORK=off GOFLAGS=-mod=mod $GO mod tidy >/dev/null)
	fi
	log "building etcd $ETCD_VERSION"
	local t0=$SECONDS
	(cd "$src" && GOWORK=off CGO_ENABLED=0 $NICE $GO build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3)
	mv "$BIN/etcd.tmp" "$BIN/etcd"
	log "built etcd in $((SECONDS - t0))s"
}

case ${1:-control} in
control) build_etcd; build_k8s kube-apiserver kubectl ;;
node) build_etcd; build_k8s kube-apiserver kubectl kube-scheduler kube-controller-manager kubelet ;;
print) echo "$BIN" ;;
version) echo "$K8S_VERSION" ;;
*) echo "usage: $0 control|node|print|version" >&2; exit 2 ;;
esac
