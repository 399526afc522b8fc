#!/usr/bin/env bash
# with-services.sh: run a command with the local Kafka broker and redis-server up.
# Starts each one that is not already answering, exports NEWSFLOW_TEST_BROKERS and
# NEWSFLOW_TEST_REDIS, runs the command, and stops again only what it started.
#   deploy/local/with-services.sh go test ./...
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

started=()
cleanup() {
	local s
	for s in "${started[@]}"; do
		"$HERE/$s.sh" stop || true
	done
}
trap cleanup EXIT

for s in redis kafka; do
	if "$HERE/$s.sh" status >/dev/null 2>&1; then
		echo "with-services: $s already running; using it" >&2
	else
		"$HERE/$s.sh" start
		started+=("$s")
	fi
done
# shellcheck source=deploy/local/env.sh
. "$HERE/env.sh"
echo "with-services: NEWSFLOW_TEST_BROKERS=$NEWSFLOW_TEST_BROKERS NEWSFLOW_TEST_REDIS=$NEWSFLOW_TEST_REDIS" >&2
"$@"
