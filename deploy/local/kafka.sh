#!/usr/bin/env bash
# kafka.sh: a real single-node Apache Kafka broker (KRaft, combined broker+controller) on
# loopback for tests and benchmarks. No Docker: the broker's jars come from Maven Central
# (deploy/local/kafka/pom.xml) into a cache outside the tree, and the JVM runs directly.
#
# usage: deploy/local/kafka.sh start|stop|restart|kill|status|wait|reset|logs
#   start    start the broker unless it is running; wait until it answers (idempotent);
#            on a timeout the log tail is printed and the JVM is left to `wait` or `stop`
#   stop     SIGTERM, wait, SIGKILL after NEWSFLOW_KAFKA_STOP_TIMEOUT seconds
#   restart  stop then start; the data is kept
#   kill     SIGKILL (for chaos tests); the data is kept, `start` recovers it
#   status   exit 0 when the broker answers, 1 otherwise
#   wait     wait until the broker answers (NEWSFLOW_KAFKA_START_TIMEOUT seconds)
#   reset    stop, delete all data, start (a new, empty cluster)
#   logs     print the last 100 lines of the broker log
#
# environment:
#   NEWSFLOW_KAFKA_PORT             PLAINTEXT listener on 127.0.0.1 (39092)
#   NEWSFLOW_KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1 (39093)
#   NEWSFLOW_KAFKA_VERSION          Apache Kafka version from Maven Central (4.3.1)
#   NEWSFLOW_LOCAL_DIR              parent of the state dir (~/.cache/newsflow/local)
#   NEWSFLOW_KAFKA_DIR              state dir: config, data, log, pid (NEWSFLOW_LOCAL_DIR/kafka)
#   NEWSFLOW_KAFKA_HEAP             heap options ("-Xms256m -Xmx768m")
#   NEWSFLOW_KAFKA_JVM_OPTS         more JVM options (e.g. -Djava.security.auth.login.config=...)
#   NEWSFLOW_KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (120)
#   NEWSFLOW_KAFKA_STOP_TIMEOUT     seconds between SIGTERM and SIGKILL (30)
#   KAFKA_EXTRA_PROPS               a file whose lines, or else server.properties lines
#                                   themselves, appended to the generated server.properties
#                                   (later lines win, so listeners can be redefined)
#   NEWSFLOW_KAFKA_FORMAT_ARGS_FILE a file of extra arguments to the storage format, one per
#                                   line (e.g. --add-scram and SCRAM-SHA-512=[name=u,password=p]
#                                   to create SCRAM users); used once, when the data dir is
#                                   formatted. Keep it mode 0600: it may hold passwords, which
#                                   is why they are never echoed
#   XDG_CACHE_HOME                  jar cache root (~/.cache): newsflow/kafka-<version>/libs
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NF_PROG=kafka.sh
# shellcheck source=deploy/local/lib.sh
. "$HERE/lib.sh"

# Pinned; keep in step with <kafka.version> in kafka/pom.xml.
KAFKA_VERSION=${NEWSFLOW_KAFKA_VERSION:-4.3.1}
HOST=127.0.0.1
PORT=${NEWSFLOW_KAFKA_PORT:-39092}
CPORT=${NEWSFLOW_KAFKA_CONTROLLER_PORT:-39093}
STATE=${NEWSFLOW_KAFKA_DIR:-$(nf_local_dir)/kafka}
DATA=$STATE/data
PIDFILE=$STATE/kafka.pid
LOG=$STATE/server.log
OUT=$STATE/kafka.out
PROPS=$STATE/server.properties
LIBS=$(nf_cache_root)/kafka-$KAFKA_VERSION/libs
START_TIMEOUT=${NEWSFLOW_KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${NEWSFLOW_KAFKA_STOP_TIMEOUT:-30}
read -r -a HEAP <<<"${NEWSFLOW_KAFKA_HEAP:--Xms256m -Xmx768m}"
read -r -a JVM_OPTS <<<"${NEWSFLOW_KAFKA_JVM_OPTS:-}"
STARTED_MESSAGE='Kafka Server started'

nf_check_port NEWSFLOW_KAFKA_PORT "$PORT"
nf_check_port NEWSFLOW_KAFKA_CONTROLLER_PORT "$CPORT"
[ "$PORT" != "$CPORT" ] || nf_die "broker and controller ports must differ ($PORT)"
case $KAFKA_VERSION in
4.*) ;;
*) nf_die "NEWSFLOW_KAFKA_VERSION must be a 4.x version (KRaft standalone), got '$KAFKA_VERSION'" ;;
esac

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# ---- prerequisites -------------------------------------------------------------------

JAVA=

java_major() {
	local v
	v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
	v=${v#1.}
	printf '%s\n' "${v%%[!0-9]*}"
}

# find_java sets JAVA to a Java 17+ binary: JAVA_HOME, then PATH, then Debian's JVMs.
find_java() {
	local c m
	for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
		/usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java; do
		if [ -z "$c" ] || [ ! -x "$c" ]; then
			continue
		fi
		m=$(java_major "$c")
		if [ -n "$m" ] && [ "$m" -ge 17 ]; then
			JAVA=$c
			return 0
		fi
	done
	return 1
}

ensure_java() {
	find_java && return 0
	nf_apt_update
	local pkg
	for pkg in openjdk-17-jre-headless openjdk-21-jre-headless default-jre-headless; do
		if nf_apt_has "$pkg"; then
			nf_apt_install "$pkg"
			break
		fi
	done
	find_java || nf_die "no Java 17+ found after installing one; set JAVA_HOME"
}

ensure_mvn() {
	command -v mvn >/dev/null 2>&1 || nf_apt_install maven
}

# fetch_libs copies the broker's jars from Maven Central into the version-keyed cache,
# once: a cache with its .complete marker is used as it is.
fetch_libs() {
	[ -f "$LIBS/.complete" ] && return 0
	nf_lock "$(dirname "$LIBS")/.lock" 8
	[ -f "$LIBS/.complete" ] && return 0
	ensure_mvn
	local tmp=$LIBS.tmp.$$
	rm -rf "$tmp"
	nf_log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
	JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")") \
		nf_run_quiet mvn -B -q -Dstyle.color=never -f "$HERE/kafka/pom.xml" \
		-Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
		-DoutputDirectory="$tmp" || nf_die "maven could not fetch Kafka $KAFKA_VERSION"
	[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || nf_die "kafka_2.13-$KAFKA_VERSION.jar missing after the fetch"
	rm -rf "$LIBS"
	mv "$tmp" "$LIBS"
	touch "$LIBS/.complete"
}

# ---- configuration -------------------------------------------------------------------

write_config() {
	mkdir -p "$DATA"
	cat >"$PROPS" <<EOF
# Generated by deploy/local/kafka.sh on every start: edits are lost, use KAFKA_EXTRA_PROPS.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CPORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA

# One node: every replication factor and ISR minimum is 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Test-friendly: groups form at once, topics exist only when created, shutdown is quick.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
# After a SIGKILL the restarted node waits for its old broker session to expire before it
# can register again: a 5 s session (default 9 s) makes kill + start recover sooner.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
num.partitions=1
offsets.topic.num.partitions=10
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=2
log.retention.hours=24
log.segment.bytes=67108864
EOF
	if [ -n "${KAFKA_EXTRA_PROPS:-}" ]; then
		printf '\n# KAFKA_EXTRA_PROPS\n' >>"$PROPS"
		if [ -f "$KAFKA_EXTRA_PROPS" ]; then
			cat "$KAFKA_EXTRA_PROPS" >>"$PROPS"
		else
			printf '%s\n' "$KAFKA_EXTRA_PROPS" >>"$PROPS"
		fi
	fi

	cat >"$STATE/log4j2.properties" <<EOF
# Generated by deploy/local/kafka.sh: the broker logs to $LOG (rolled at 64 MB).
status = warn
name = newsflow-local-kafka
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $LOG
appender.file.filePattern = $LOG.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 64MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
}

# new_cluster_id prints a random Kafka Uuid: 16 bytes, URL-safe base64 without padding,
# not starting with '-' (Kafka's own Uuid.randomUuid rule), so no extra JVM start is needed.
new_cluster_id() {
	local id
	while :; do
		id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		case $id in
		-*) ;;
		*) break ;;
		esac
	done
	printf '%s\n' "$id"
}

# format_storage formats the KRaft log dir once (a standalone controller quorum of this node).
format_storage() {
	local formatted_port=
	if [ -f "$DATA/meta.properties" ]; then
		[ -f "$STATE/controller.port" ] && formatted_port=$(cat "$STATE/controller.port")
		if [ -n "$formatted_port" ] && [ "$formatted_port" != "$CPORT" ]; then
			nf_die "$DATA was formatted for controller port $formatted_port, not $CPORT: use another NEWSFLOW_KAFKA_DIR or '$0 reset'"
		fi
		return 0
	fi
	local id extra=()
	if [ -n "${NEWSFLOW_KAFKA_FORMAT_ARGS_FILE:-}" ]; then
		[ -r "$NEWSFLOW_KAFKA_FORMAT_ARGS_FILE" ] || nf_die "NEWSFLOW_KAFKA_FORMAT_ARGS_FILE $NEWSFLOW_KAFKA_FORMAT_ARGS_FILE is not readable"
		mapfile -t extra < <(grep -v '^[[:space:]]*$' "$NEWSFLOW_KAFKA_FORMAT_ARGS_FILE")
	fi
	id=$(new_cluster_id)
	nf_log "formatting KRaft storage in $DATA (cluster id $id${extra:+, ${#extra[@]} extra arguments})"
	# The extra arguments may hold passwords: a failure names the step, not the command line.
	NF_QUIET_LABEL="kafka.tools.StorageTool format --config $PROPS" \
		nf_run_quiet "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$STATE/log4j2.properties" \
		-cp "$LIBS/*" kafka.tools.StorageTool format --standalone \
		--cluster-id "$id" --config "$PROPS" "${extra[@]}" || nf_die "storage format failed"
	printf '%s\n' "$CPORT" >"$STATE/controller.port"
}

# ---- process -------------------------------------------------------------------------

# running prints the broker's pid when the one started from this state dir is alive.
running() { nf_pid_alive "$PIDFILE" kafka.Kafka "$PROPS"; }

# probe sends an ApiVersions v0 request and succeeds when the broker answers it without
# error: the socket server accepts requests only once the broker has started.
probe() {
	local hex
	# shellcheck disable=SC2016 # $1, $2 expand in the inner shell
	hex=$(timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		# size 15 | api key 18 (ApiVersions) | version 0 | correlation id 1 | client id "probe"
		printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x01\x00\x05probe" >&3
		head -c 10 <&3 | od -An -tx1 | tr -d " \n"
	' _ "$HOST" "$PORT" 2>/dev/null) || return 1
	# response: size (4 bytes) | correlation id 1 | error code 0
	[ "${hex:8:12}" = 000000010000 ]
}

log_tail() {
	{
		printf -- '--- last lines of %s ---\n' "$LOG"
		tail -n 40 "$LOG" 2>/dev/null || true
		if [ -s "$OUT" ]; then
			printf -- '--- last lines of %s ---\n' "$OUT"
			tail -n 20 "$OUT"
		fi
	} >&2
}

# wait_ready waits until the broker logged that it started (this run) and answers
# ApiVersions. With a pid it fails as soon as that process dies.
wait_ready() {
	local pid=${1:-} deadline=$((SECONDS + START_TIMEOUT))
	while :; do
		if [ -n "$pid" ] && ! nf_pid_alive "$PIDFILE" kafka.Kafka >/dev/null; then
			log_tail
			nf_die "the broker exited during startup"
		fi
		if { [ -z "$pid" ] || grep -qF "$STARTED_MESSAGE" "$LOG" 2>/dev/null; } && probe; then
			return 0
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			log_tail
			nf_die "the broker did not answer on $HOST:$PORT within ${START_TIMEOUT}s"
		fi
		sleep 0.3
	done
}

do_start() {
	nf_lock "$STATE/.lock" 9
	local pid
	if pid=$(running); then
		wait_ready "$pid"
		nf_log "already running (pid $pid) on $HOST:$PORT"
		return 0
	fi
	if probe; then
		nf_log "a Kafka broker not started from $STATE already answers on $HOST:$PORT: using it"
		return 0
	fi
	nf_port_open "$PORT" && nf_die "port $PORT is taken by something that is not Kafka"
	nf_port_open "$CPORT" && nf_die "controller port $CPORT is already taken"

	ensure_java
	fetch_libs
	write_config
	format_storage

	# This run's log starts empty, so wait_ready sees only this run's started line.
	[ -f "$LOG" ] && mv -f "$LOG" "$STATE/server.prev.log"
	rm -f "$PIDFILE"
	nf_log "starting Kafka $KAFKA_VERSION on $HOST:$PORT (controller $CPORT), state in $STATE"
	# setsid: the broker outlives this script and ignores the caller's terminal signals;
	# the inner shell writes its own pid, which exec hands over to the JVM.
	# shellcheck disable=SC2016 # $$, $1, $@ expand in the inner shell
	setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' _ "$PIDFILE" \
		"$JAVA" "${HEAP[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
		-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
		-XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$STATE/log4j2.properties" -Dkafka.logs.dir="$STATE" \
		"${JVM_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$PROPS" \
		>"$OUT" 2>&1 </dev/null 8>&- 9>&- &
	local tries=50
	while [ ! -s "$PIDFILE" ] && [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		sleep 0.1
	done
	pid=$(cat "$PIDFILE" 2>/dev/null || true)
	[ -n "$pid" ] || nf_die "the broker did not start (no pid file)"
	wait_ready "$pid"
	nf_log "up (pid $pid) on $HOST:$PORT after ${SECONDS}s"
}

do_stop() {
	nf_lock "$STATE/.lock" 9
	local pid
	if ! pid=$(running); then
		rm -f "$PIDFILE"
		nf_log "not running"
		return 0
	fi
	nf_log "stopping (pid $pid)"
	nf_stop_pid "$pid" "$STOP_TIMEOUT"
	rm -f "$PIDFILE"
	nf_log "stopped"
}

do_kill() {
	nf_lock "$STATE/.lock" 9
	local pid
	if ! pid=$(running); then
		nf_log "not running"
		return 0
	fi
	nf_log "SIGKILL (pid $pid)"
	kill -KILL "$pid" 2>/dev/null || true
	nf_wait_gone "$pid" 10 || nf_die "pid $pid survived SIGKILL"
	rm -f "$PIDFILE"
}

do_status() {
	local pid
	if pid=$(running) && probe; then
		printf 'kafka: up (pid %s) on %s:%s, state in %s\n' "$pid" "$HOST" "$PORT" "$STATE"
		return 0
	fi
	if probe; then
		printf 'kafka: up on %s:%s (not started from %s)\n' "$HOST" "$PORT" "$STATE"
		return 0
	fi
	if [ -n "$pid" ]; then
		printf 'kafka: starting or not answering (pid %s) on %s:%s\n' "$pid" "$HOST" "$PORT"
	else
		printf 'kafka: down (%s:%s)\n' "$HOST" "$PORT"
	fi
	return 1
}

do_wait() {
	local pid
	pid=$(running || true)
	wait_ready "$pid"
	nf_log "up on $HOST:$PORT"
}

case ${1:-} in
start) do_start ;;
stop) do_stop ;;
restart)
	do_stop
	do_start
	;;
kill) do_kill ;;
status) do_status ;;
wait) do_wait ;;
reset)
	do_stop
	nf_log "deleting $DATA"
	rm -rf "$DATA" "$STATE/controller.port"
	do_start
	;;
logs) tail -n 100 "$LOG" ;;
-h | --help | help) usage ;;
*) usage ;;
esac
