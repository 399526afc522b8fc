#!/usr/bin/env bash
# tools.sh: install the pinned deploy tools with `go install`, cached by version, and print
# the directory that holds them (put it first on PATH).
#   PATH="$(deploy/test/tools.sh):$PATH"
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-v3.22.0}
KUSTOMIZE_VERSION=${KUSTOMIZE_VERSION:-v5.8.2}
CACHE=${NEWSFLOW_CACHE:-$HOME/.cache/newsflow}
GO=${GO:-go}
NICE=${NICE:-nice -n 10}
DIR=$CACHE/tools/helm-$HELM_VERSION-kustomize-$KUSTOMIZE_VERSION
mkdir -p "$DIR"

install() { # name module@version
	[[ -x $DIR/$1 ]] && return
	echo "[tools] go install $2" >&2
	local t0=$SECONDS
	GOWORK=off GOBIN=$DIR CGO_ENABLED=0 $NICE $GO install -trimpath -ldflags "-s -w" "$2" >&2
	echo "[tools] $1 built in $((SECONDS - t0))s" >&2
}
# helm stamps its version through -X in its own Makefile; `go install` leaves it "v3.x-dev",
# which is fine: lint and template do not depend on it.
install helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
install kustomize "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
echo "$DIR"
