#!/usr/bin/env bash
# bench/compare.sh: the hot-path benchmarks of a base revision against the
# work tree (HEAD plus uncommitted changes), compared by benchstat.
#   bench/compare.sh [BASE]     BASE: a git ref, default HEAD~1
# Env: BENCH_COUNT (runs per benchmark, default 6), BENCH_TIME (default 300ms).
# The base is checked out with `git worktree add` into a temporary folder and
# removed afterwards; results go to bench/compare/{base,head}.txt.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${1:-HEAD~1}
COUNT=${BENCH_COUNT:-6}
TIME=${BENCH_TIME:-300ms}
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da
GOBIN=$(go env GOPATH)/bin
if ! [ -x "$GOBIN/benchstat" ]; then
	go install "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION"
fi
OUT=$ROOT/bench/compare
mkdir -p "$OUT"
TMP=$(mktemp -d)
cleanup() {
	git -C "$ROOT" worktree remove --force "$TMP/base" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT
rev=$(git -C "$ROOT" rev-parse --verify "$BASE^{commit}")
git -C "$ROOT" worktree add --detach "$TMP/base" "$rev" >/dev/null
echo "bench-compare: base $BASE ($rev) vs the work tree; $COUNT runs of $TIME per benchmark" >&2
# interleave nothing: base first, then head, each in its own tree (the hot-path
# list is the work tree's, so benchmarks added since the base show as new)
(cd "$TMP/base" && "$ROOT/bench/hotpaths.sh" "$COUNT" "$TIME") >"$OUT/base.txt" || true
(cd "$ROOT" && "$ROOT/bench/hotpaths.sh" "$COUNT" "$TIME") >"$OUT/head.txt" || true
"$GOBIN/benchstat" base="$OUT/base.txt" head="$OUT/head.txt" | tee "$OUT/benchstat.txt"
