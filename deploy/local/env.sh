#!/usr/bin/env bash
# env.sh: the addresses of the local test services started by kafka.sh and redis.sh.
#   . deploy/local/env.sh            (source it: exports the variables)
#   eval "$(deploy/local/env.sh)"    (or run it: prints the export lines)
# Port overrides: NEWSFLOW_KAFKA_PORT (39092), NEWSFLOW_REDIS_PORT (36379).
# No `set -e` here: this file runs inside the caller's shell.

NEWSFLOW_TEST_BROKERS="127.0.0.1:${NEWSFLOW_KAFKA_PORT:-39092}"
NEWSFLOW_TEST_REDIS="redis://127.0.0.1:${NEWSFLOW_REDIS_PORT:-36379}/0"
export NEWSFLOW_TEST_BROKERS NEWSFLOW_TEST_REDIS

# Run rather than sourced: print the exports for eval. (`return` fails outside a sourced
# file or function in bash, zsh and ksh.)
if ! (return 0 2>/dev/null); then
	printf 'export NEWSFLOW_TEST_BROKERS=%s\n' "$NEWSFLOW_TEST_BROKERS"
	printf 'export NEWSFLOW_TEST_REDIS=%s\n' "$NEWSFLOW_TEST_REDIS"
fi
