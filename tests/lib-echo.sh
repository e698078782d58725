# shellcheck shell=bash
# tests/lib-echo.sh: run `trustctl echo-server` under test and talk to it with plain tools, in the spirit
# of git's t/lib-git-daemon.sh. Source it after lib.sh.
#
# Ports: 19500 + 8*SEQ + K (K = 0..7), SEQ = NN for tests/cli/NN-*.sh and 12+NN for tests/echo/NN-*.sh,
# so every script owns its own ports inside 19500-19699 and scripts can never collide with each other.
# The server binds 127.0.0.1 only; every wait is a bounded poll on a condition, never a fixed sleep.

[[ -n ${TEST_NAME:-} ]] || { echo "lib-echo.sh: source lib.sh first" >&2; exit 1; }

test_seq_ () {
	local group=${TEST_NAME%%/*} base=${TEST_NAME#*/}
	local nn=$((10#${base%%-*}))
	case $group in
	cli) printf '%d\n' "$nn" ;;
	echo) printf '%d\n' $((12 + nn)) ;;
	*) test_error_ "no port range for $TEST_NAME" ;;
	esac
}

# test_port K: this script's K-th port (K = 0..7).
test_port () {
	local k=${1:-0}
	((k >= 0 && k < 8)) || test_error_ "test_port: K must be 0..7, got $k"
	printf '%d\n' $((19500 + 8 * $(test_seq_) + k))
}

ECHO_PORT=$(test_port 0)
# The engine every server of the suite runs on: `make test IO=threads` or `IO=virtual` (Java 21+; tests/run
# passes it on as TEST_IO).
ECHO_IO=${TEST_IO:-loop}
case $ECHO_IO in loop | threads | virtual) ;; *) test_error_ "TEST_IO must be loop, threads or virtual, got '$ECHO_IO'" ;; esac
ECHO_PID=
ECHO_STOP_REGISTERED_=

# is_listening PORT PID: ss shows a LISTEN socket on 127.0.0.1:PORT owned by process PID.
is_listening () {
	ss -Htlnp "sport = :$1" |
		awk -v addr="127.0.0.1:$1" -v owner="pid=$2," '$1 == "LISTEN" && $4 == addr && index($0, owner) { found = 1 }
			END { exit !found }'
}

# start_echo_server [ARGS...]: `trustctl echo-server --port $ECHO_PORT --io $ECHO_IO ARGS...` in the background; returns
# once ss shows it listening and it has said so on stderr (at most 15 s): only then is its start-up over
# (the socket listens a moment before, while start-up still holds a file or two open), so an fd count
# taken after this is its steady one. Sets ECHO_PID (the JVM's own pid: the launcher execs java).
# Its stdout and stderr go to server.out / server.err in the trash directory. Stopped when the script ends.
start_echo_server () {
	[[ -z $ECHO_PID ]] || { echo "start_echo_server: a server is already running (pid $ECHO_PID)" >&2; return 1; }
	# Started without the harness's own descriptors (the TAP log, the runner's pipes): the server's fd count
	# is then its own alone. The subshell closes every fd above 2, then execs, so $! is still the JVM.
	(
		close_inherited_fds_
		exec trustctl echo-server --port "$ECHO_PORT" --io "$ECHO_IO" "$@"
	) >>"$TEST_TRASH/server.out" 2>>"$TEST_TRASH/server.err" &
	ECHO_PID=$!
	if [[ -z $ECHO_STOP_REGISTERED_ ]]; then
		test_atexit stop_echo_server
		ECHO_STOP_REGISTERED_=1
	fi
	local tries=300
	while ((tries-- > 0)); do
		is_listening "$ECHO_PORT" "$ECHO_PID" && grep -q '^echo-server listening on ' "$TEST_TRASH/server.err" &&
			return 0
		if ! kill -0 "$ECHO_PID" 2>/dev/null; then
			local rc=0
			wait "$ECHO_PID" || rc=$?
			printf 'start_echo_server: the server exited with %d before listening; its stderr:\n' "$rc" >&2
			cat "$TEST_TRASH/server.err" >&2
			ECHO_PID=
			return 1
		fi
		sleep 0.05
	done
	printf 'start_echo_server: pid %s not listening on 127.0.0.1:%s after 15 s; ss says:\n' "$ECHO_PID" "$ECHO_PORT" >&2
	ss -tlnp "sport = :$ECHO_PORT" >&2
	return 1
}

# close_inherited_fds_: closes every descriptor above 2 of the calling (sub)shell.
close_inherited_fds_ () {
	local fd
	for fd in /proc/self/fd/*; do
		fd=${fd##*/}
		((fd > 2)) || continue
		eval "exec $fd>&-" 2>/dev/null || true # the glob's own directory fd is already gone
	done
}

# start_with_sigint_ignored_ PORT ERRFILE: an echo server in the background with SIGINT ignored, as a script's
# `&` job gets it where the shell does not trap INT (this harness does). A fresh bash closes what it inherited,
# ignores INT and execs the server; stderr goes to ERRFILE. Find it with listener_pid.
start_with_sigint_ignored_ () {
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null; done
		trap "" INT
		exec trustctl echo-server --port "$1" --io "$2"' _ "$1" "$ECHO_IO" </dev/null >/dev/null 2>"$2" &
}

# listener_pid PORT: the pid of the process listening on 127.0.0.1:PORT, as ss shows it; fails if none.
listener_pid () {
	ss -Htlnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1 | grep .
}

# kill_listener_ PORT: for a cleanup: SIGTERM to whatever listens on PORT, SIGKILL if it is still there 15 s on.
kill_listener_ () {
	local pid tries=300
	pid=$(listener_pid "$1") || return 0
	kill "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || :
}

# stop_echo_server: SIGTERM, then wait (at most 15 s, then SIGKILL). A graceful stop must exit 0.
stop_echo_server () {
	[[ -n $ECHO_PID ]] || return 0
	local pid=$ECHO_PID rc=0 tries=300 kids kid
	ECHO_PID=
	# The launchers exec java, so $! has no children. If it has, the JVM is one of them: stop it too
	# (it would hold the port after the test), and fail: $! was meant to be the JVM itself.
	kids=$(cat "/proc/$pid/task/"*/children 2>/dev/null || true)
	if [[ -n ${kids// /} ]]; then
		printf 'stop_echo_server: pid %s has child processes (%s): the launcher did not exec java\n' "$pid" "$kids" >&2
		for kid in $kids; do
			kill -TERM "$kid" 2>/dev/null || true
		done
		rc=1
	fi
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		printf 'stop_echo_server: pid %s still running 15 s after SIGTERM; killing it\n' "$pid" >&2
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 1
	fi
	local status=0
	wait "$pid" || status=$?
	((status == 0)) && return "$rc"
	printf 'stop_echo_server: expected exit 0 after SIGTERM, got %d; server stderr:\n' "$status" >&2
	cat "$TEST_TRASH/server.err" >&2
	return 1
}

# frame_header N: the 4-byte big-endian length prefix of an N-byte payload.
frame_header () {
	local n=$1 esc
	printf -v esc '\\0%03o\\0%03o\\0%03o\\0%03o' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255))
	printf '%b' "$esc"
}

# frame PAYLOAD...: one length-prefixed frame per argument, back to back (git's packetize for this wire).
frame () {
	local LC_ALL=C payload
	for payload in "$@"; do
		frame_header "${#payload}"
		printf '%s' "$payload"
	done
}

# hexdump FILE: the bytes of FILE as hex, 16 per line, for test_cmp of binary data.
hexdump () {
	od -An -v -tx1 -- "$1" | sed 's/^ *//'
}

# server_fd_count [PID]: how many file descriptors the server holds (/proc/PID/fd).
server_fd_count () {
	local pid=${1:-$ECHO_PID} fds
	fds=(/proc/"$pid"/fd/*)
	[[ -e ${fds[0]} ]] || { echo "server_fd_count: cannot read /proc/$pid/fd" >&2; return 1; }
	printf '%d\n' "${#fds[@]}"
}

# settled_fd_count [PID]: the server's fd count once it holds still: the same count 5 times in a row, 50 ms
# apart (at most 5 s). A count taken while a log write briefly holds the lock file open would be one too high.
settled_fd_count () {
	local pid=${1:-$ECHO_PID} tries=100 same=0 last=-1 got
	while ((tries-- > 0)); do
		got=$(server_fd_count "$pid") || return 1
		if ((got == last)); then
			((++same >= 4)) && { printf '%d\n' "$got"; return 0; }
		else
			same=0 last=$got
		fi
		sleep 0.05
	done
	printf 'settled_fd_count: pid %s never held one count for 250 ms; last %d:\n' "$pid" "$got" >&2
	ls -l "/proc/$pid/fd" >&2
	return 1
}

# wait_for_fd_count N: poll (at most 5 s: closing sockets takes the server a moment) until the server
# holds exactly N fds; otherwise show what it holds.
wait_for_fd_count () {
	local want=$1 tries=100 got
	while ((tries-- > 0)); do
		got=$(server_fd_count "$ECHO_PID") || return 1
		((got == want)) && return 0
		sleep 0.05
	done
	printf 'wait_for_fd_count: expected %d fds, server pid %s holds %d:\n' "$want" "$ECHO_PID" "$got" >&2
	ls -l "/proc/$ECHO_PID/fd" >&2
	return 1
}

# wait_for_log [JQ ARGS...] FILTER: poll (at most 10 s) until the slurped log satisfies FILTER. The server
# logs through an async appender, so an event shows up a moment after it happened.
wait_for_log () {
	local tries=200
	while ((tries-- > 0)); do
		test_log_holds_ "$@" && return 0
		sleep 0.05
	done
	test_log "$@"
}

# wait_for_exit PID [SECONDS]: poll until PID (a child of this shell) has exited, then reap it; status in
# WAITED_RC. Fails after SECONDS (default 10) with the process still running.
# shellcheck disable=SC2034 # WAITED_RC is read by the test scripts
wait_for_exit () {
	local pid=$1 tries=$((${2:-10} * 20))
	while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		printf 'wait_for_exit: pid %s still running after %s s\n' "$pid" "${2:-10}" >&2
		return 1
	fi
	WAITED_RC=0
	wait "$pid" || WAITED_RC=$?
}
