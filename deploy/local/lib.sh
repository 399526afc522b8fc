# shellcheck shell=bash
# Helpers shared by deploy/local/kafka.sh and deploy/local/redis.sh. Sourced, never run.
# The caller sets NF_PROG (its name in messages) and runs under `set -euo pipefail`.

NF_PROG=${NF_PROG:-local}

# nf_log prints one progress line on stderr.
nf_log() { printf '%s: %s\n' "$NF_PROG" "$*" >&2; }

# nf_die prints an error on stderr and exits 1.
nf_die() {
	printf '%s: error: %s\n' "$NF_PROG" "$*" >&2
	exit 1
}

# nf_cache_root is where downloaded artefacts (the Kafka jars) are kept, outside the tree.
nf_cache_root() { printf '%s/newsflow\n' "${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}"; }

# nf_local_dir is the parent of the services' state dirs (data, logs, pid files).
nf_local_dir() { printf '%s\n' "${NEWSFLOW_LOCAL_DIR:-$(nf_cache_root)/local}"; }

# nf_check_port fails unless $2 is a TCP port number; $1 names it in the message.
nf_check_port() {
	case $2 in
	'' | *[!0-9]*) nf_die "$1 must be a port number, got '$2'" ;;
	esac
	if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
		nf_die "$1 out of range: $2"
	fi
}

# nf_run_quiet runs a command with its output in a temporary file, shown only on failure.
# A failure names the command line, or NF_QUIET_LABEL instead when set (for command lines
# that hold secrets).
nf_run_quiet() {
	local out rc=0
	out=$(mktemp "${TMPDIR:-/tmp}/newsflow-local.XXXXXX")
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '%s: command failed (exit %d): %s\n' "$NF_PROG" "$rc" "${NF_QUIET_LABEL:-$*}" >&2
		tail -n 40 "$out" >&2 || true
		rm -f "$out"
		return "$rc"
	fi
	rm -f "$out"
}

_nf_apt_updated=0
_nf_sudo=()

# nf_apt_update runs `apt-get update` once per script run (root, or sudo without a prompt).
nf_apt_update() {
	[ "$_nf_apt_updated" -eq 0 ] || return 0
	command -v apt-get >/dev/null 2>&1 || nf_die "apt-get not found: install the prerequisites by hand"
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || nf_die "not root and no sudo: install the prerequisites by hand"
		_nf_sudo=(sudo -n)
	fi
	nf_log "apt-get update"
	nf_run_quiet "${_nf_sudo[@]}" apt-get update -q || nf_die "apt-get update failed"
	_nf_apt_updated=1
}

# nf_apt_install installs Debian packages non-interactively.
nf_apt_install() {
	nf_apt_update
	nf_log "apt-get install $*"
	# A package's maintainer script may start its service: it must not inherit our locks.
	nf_run_quiet "${_nf_sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "$@" 8>&- 9>&- || nf_die "apt-get install $* failed"
}

# nf_apt_has tells whether apt can install a package (call nf_apt_update first).
nf_apt_has() {
	local candidate
	candidate=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
	[ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

# nf_pid_alive prints the pid in pid file $1 when that process is alive and its command line
# contains every further argument (guards against a pid reused by another program, and
# against zombies, whose command line is empty).
nf_pid_alive() {
	local pidfile=$1 pid cmd pat
	shift
	[ -r "$pidfile" ] || return 1
	pid=$(tr -dc '0-9' <"$pidfile")
	[ -n "$pid" ] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	if [ -r "/proc/$pid/cmdline" ]; then
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
		for pat in "$@"; do
			case $cmd in
			*"$pat"*) ;;
			*) return 1 ;;
			esac
		done
	fi
	printf '%s\n' "$pid"
}

# nf_wait_gone waits up to $2 seconds for pid $1 to exit; fails if it is still there.
nf_wait_gone() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null; do
		# A zombie has exited already: its command line is empty.
		if [ -r "/proc/$pid/cmdline" ] && [ -z "$(tr -d '\0' <"/proc/$pid/cmdline")" ]; then
			return 0
		fi
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# nf_stop_pid sends SIGTERM to pid $1, waits up to $2 seconds, then sends SIGKILL.
nf_stop_pid() {
	local pid=$1 timeout=$2
	kill -TERM "$pid" 2>/dev/null || return 0
	if ! nf_wait_gone "$pid" "$timeout"; then
		nf_log "pid $pid still running after ${timeout}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		nf_wait_gone "$pid" 10 || nf_die "pid $pid survived SIGKILL"
	fi
}

# nf_port_open tells whether something accepts TCP connections on 127.0.0.1:$1.
# shellcheck disable=SC2016 # $1 expands in the inner shell
nf_port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

# nf_lock takes an exclusive lock on file $1 through file descriptor $2 (8 or 9) for the rest
# of the script, waiting up to 5 minutes, so that concurrent calls do not race. Programs
# started while it is held must get `8>&- 9>&-`, or they would hold the lock forever.
nf_lock() {
	mkdir -p "$(dirname "$1")"
	case $2 in
	8) exec 8>"$1" ;;
	9) exec 9>"$1" ;;
	*) nf_die "nf_lock: fd must be 8 or 9" ;;
	esac
	flock -w 300 "$2" || nf_die "could not lock $1 within 300s"
}
