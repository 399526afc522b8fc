#!/usr/bin/env bash
# node-build.sh: build the node runtime of the one-node test cluster from the Go module
# proxy, cached by version: containerd v2 (+ its runc shim and ctr), runc (cgo, seccomp tag,
# libseccomp-dev from apt), and the CNI loopback plugin. Prints the bin directory.
set -euo pipefail
CONTAINERD_VERSION=${CONTAINERD_VERSION:-v2.4.2}
RUNC_VERSION=${RUNC_VERSION:-v1.5.2}
CNI_VERSION=${CNI_VERSION:-v1.10.0}
CACHE=${NEWSFLOW_CACHE:-$HOME/.cache/newsflow}
BIN=$CACHE/node-containerd-$CONTAINERD_VERSION-runc-$RUNC_VERSION-cni-$CNI_VERSION/bin
GO=${GO:-go}
NICE=${NICE:-nice -n 10}
log() { printf '[node-build] %s\n' "$*" >&2; }
mkdir -p "$BIN"

build() { # out-name module@version package [cgo] [tags] [ldflags]
	local out=$1 modver=$2 pkg=$3 cgo=${4:-0} tags=${5:-} ld=${6:-}
	[[ -x $BIN/$out ]] && return
	local src=$BIN/../src-$out mod=${modver%@*} ver=${modver#*@}
	mkdir -p "$src"
	if [[ ! -f $src/go.sum ]]; then
		printf 'module newsflow.local/nodebuild\n\ngo 1.26\n\nrequire %s %s\n' "$mod" "$ver" >"$src/go.mod"
		printf '//go:build tools\n\npackage nodebuild\n\nimport _ "%s"\n' "$pkg" >"$src/tools.go"
		(cd "$src" && GOWORK=off GOFLAGS=-mod=mod $GO mod tidy >/dev/null)
	fi
	log "building $out ($modver)"
	local t0=$SECONDS
	(cd "$src" && GOWORK=off CGO_ENABLED=$cgo $NICE $GO build -trimpath ${tags:+-tags "$tags"} -ldflags "-s -w $ld" -o "$BIN/$out.tmp" "$pkg")
	mv "$BIN/$out.tmp" "$BIN/$out"
	log "built $out in $((SECONDS - t0))s"
}

if ! dpkg -s libseccomp-dev >/dev/null 2>&1; then
	log "installing libseccomp-dev (apt)"
	apt-get install -y -qq libseccomp-dev pkg-config >&2 || { apt-get update -qq >&2 && apt-get install -y -qq libseccomp-dev pkg-config >&2; }
fi
build runc "github.com/opencontainers/runc@$RUNC_VERSION" github.com/opencontainers/runc 1 seccomp "-X main.version=${RUNC_VERSION#v}"
cv="-X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION"
build containerd "github.com/containerd/containerd/v2@$CONTAINERD_VERSION" github.com/containerd/containerd/v2/cmd/containerd 0 "" "$cv"
build containerd-shim-runc-v2 "github.com/containerd/containerd/v2@$CONTAINERD_VERSION" github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 0 "" "$cv"
build ctr "github.com/containerd/containerd/v2@$CONTAINERD_VERSION" github.com/containerd/containerd/v2/cmd/ctr 0 "" "$cv"
mkdir -p "$BIN/cni"
if [[ ! -x $BIN/cni/loopback ]]; then
	build loopback "github.com/containernetworking/plugins@$CNI_VERSION" github.com/containernetworking/plugins/plugins/main/loopback
	mv "$BIN/loopback" "$BIN/cni/loopback"
fi
echo "$BIN"
