#!/usr/bin/env bash
# bench.sh: benchmark a legato binary with loadgen.
#
#   loadtest/bench.sh path/to/legato [loadgen flags...]
#
# For each mode in $BENCH_MODES (default "throughput latency retries idle
# timers fanout loop")
# it starts a fresh `legato server` on a free 127.0.0.1 port with an empty
# temporary data directory, waits for GET /health, runs loadgen against it
# with -server-pid, then stops that server (SIGTERM, SIGKILL after 10s) and
# removes the directory. A mode is a loadgen -mode, or "latency":
# throughput with 80 workflows in flight (the load for the p99 target), or
# "retries": throughput with 20% of first attempts failing (-fail-rate
# 0.2), or "novis": throughput on a server started with --visibility none
# (the read side off), to compare the throughput mode with. Extra
# flags go to every loadgen run; -mode, -addr and -server-pid are set by
# this script.
#
# Environment: BENCH_MODES, LOADGEN (a prebuilt loadgen binary; default:
# built from this directory), BENCH_READY_TIMEOUT (seconds, default 30).
set -euo pipefail

if [[ $# -lt 1 ]]; then
	echo "usage: $0 path/to/legato [loadgen flags...]" >&2
	exit 2
fi
legato=$1
shift
if [[ ! -x $legato ]]; then
	echo "bench: $legato is not an executable" >&2
	exit 2
fi
legato=$(cd "$(dirname "$legato")" && pwd)/$(basename "$legato")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
modes=${BENCH_MODES:-throughput novis latency retries idle timers fanout loop}
ready_timeout=${BENCH_READY_TIMEOUT:-30}

work=$(mktemp -d "${TMPDIR:-/tmp}/legato-bench.XXXXXX")
server_pid=""

# stop_server stops only the server this script started.
stop_server() {
	[[ -n $server_pid ]] || return 0
	if kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 100); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$server_pid" 2>/dev/null; then
			echo "bench: server $server_pid ignored SIGTERM for 10s; killing it" >&2
			kill -KILL "$server_pid" 2>/dev/null || true
		fi
	fi
	wait "$server_pid" 2>/dev/null || true
	server_pid=""
}

cleanup() {
	stop_server
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadgen=${LOADGEN:-}
if [[ -z $loadgen ]]; then
	loadgen=$work/loadgen
	echo "bench: building loadgen" >&2
	(cd "$here" && go build -o "$loadgen" ./cmd/loadgen)
fi

# healthy reports whether GET /health on port $1 answers 200 (pure bash, so
# no curl is needed).
healthy() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
		IFS= read -r -t 2 line <&3 || exit 1
		[[ $line == HTTP/1.?" 200"* ]]
	) 2>/dev/null
}

# start_server starts legato on a free port with a fresh data dir and waits
# until it is healthy. It sets server_pid and port.
start_server() {
	local name=$1 data log server_flags=()
	# The fanout mode's 100,000-branch fork is over the default limits (50,000
	# branches, 100,000 tasks per workflow), and one script builds its fork
	# list, which needs more than the default 64 MiB of script memory.
	[[ $name == fanout ]] && server_flags=(--max-fork-branches 100000 --max-workflow-tasks 100010
		--script-max-memory $((512 << 20)))
	# novis: the throughput run without the read side, to compare with.
	[[ $name == novis ]] && server_flags=(--visibility none)
	data=$work/$name-data
	log=$work/$name-server.log
	mkdir -p "$data"
	port=$("$loadgen" -free-port)
	# Started directly (not in a subshell) so that $! is the server itself.
	"$legato" server --addr "127.0.0.1:$port" --data "$data" "${server_flags[@]}" >"$log" 2>&1 &
	server_pid=$!
	local deadline=$((SECONDS + ready_timeout))
	until healthy "$port"; do
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "bench: server exited during startup; its log:" >&2
			tail -n 50 "$log" >&2
			server_pid=""
			return 1
		fi
		if ((SECONDS >= deadline)); then
			echo "bench: server not healthy after ${ready_timeout}s; its log:" >&2
			tail -n 50 "$log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "bench: $name: legato server pid $server_pid on 127.0.0.1:$port, data $data" >&2
}

status=0
for mode in $modes; do
	start_server "$mode"
	case $mode in
	latency) mode_flags=(-mode throughput -concurrency 80) ;;
	retries) mode_flags=(-mode throughput -fail-rate 0.2) ;;
	novis) mode_flags=(-mode throughput) ;;
	*) mode_flags=(-mode "$mode") ;;
	esac
	if ! "$loadgen" "$@" "${mode_flags[@]}" -addr "http://127.0.0.1:$port" -server-pid "$server_pid"; then
		echo "bench: loadgen -mode $mode failed; last server log lines:" >&2
		tail -n 20 "$work/$mode-server.log" >&2
		status=1
	fi
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "bench: server died during the $mode run" >&2
		status=1
	fi
	stop_server
done
exit $status
