#!/usr/bin/env bash
# bench/hotpaths.sh: run the hot-path benchmarks of the newsflow tree in the
# current folder (the repo root) and print `go test -bench` output, for
# `make bench` (one pass) and `make bench-compare` (base vs HEAD via benchstat).
#   bench/hotpaths.sh [count] [benchtime]      (defaults: 1, 1s)
# A package or benchmark missing in the tree (an older base) is skipped.
# BenchmarkWriteBatch100 and BenchmarkResolveBatch100 use NEWSFLOW_TEST_REDIS
# when it is set (make runs them under deploy/local/with-services.sh), else miniredis.
set -uo pipefail
COUNT=${1:-1}
TIME=${2:-1s}
# package : benchmark regexp (what each hot path is)
BENCHES=(
	"./pkg/extract:^BenchmarkExtract(CorpusHTML|Large)$"   # extract
	"./pkg/urlnorm:^BenchmarkCanonical$"                    # canonicalise
	"./pkg/dedup:^Benchmark(Fingerprint|ResolveBatch100)$"  # simhash / minhash sketch, dedup batch
	"./pkg/enrich:^BenchmarkEnrichKnownLanguage$"           # enrich
	"./pkg/once:^BenchmarkWriteBatch100$"                   # claim batch
	"./pkg/wire:^Benchmark(Encode|Decode)$"                 # protobuf encode / decode
	"./pkg/cleaner:^BenchmarkClean$"                        # the cleaner stage's handler
	"./pkg/enricher:^BenchmarkEnrich$"                      # the enricher stage's handler
)
status=0
for e in "${BENCHES[@]}"; do
	pkg=${e%%:*}
	re=${e#*:}
	[ -d "$pkg" ] || { echo "# skipped $pkg: not in this tree" >&2; continue; }
	# -cpu 2: the numbers of the pipeline benchmark's machine, comparable across runs
	go test -run '^$' -bench "$re" -benchmem -count "$COUNT" -benchtime "$TIME" -cpu 2 "$pkg" 2>&1 |
		grep -E '^(Benchmark|goos|goarch|pkg|cpu|ok|FAIL|---)' || status=1
done
exit $status
