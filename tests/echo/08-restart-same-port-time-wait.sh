#!/usr/bin/env bash
# Restart at once: the server listens again on its port while its old connections sit in TIME_WAIT, no EADDRINUSE.
# That takes SO_REUSEADDR, which the JDK already sets on Linux listeners, so this passes whoever sets it; Server
# sets it explicitly (visible, portable), and java/test/dev/trustctl/server/ReuseAddressTest shows the bind failing without it.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

time_wait_count () {
	ss -Htan state time-wait "sport = :$ECHO_PORT" | wc -l
}

test_expect_success 'connections the server closed itself (idle timeout) are left in TIME_WAIT on its port' '
	start_echo_server --timeout 0.3 &&
	nc_pids= &&
	for i in 1 2 3
	do
		{ nc -w 20 127.0.0.1 "$ECHO_PORT" </dev/null >/dev/null 2>&1 & } &&
		nc_pids="$nc_pids $!" || return 1
	done &&
	test_atexit "kill_child $nc_pids" &&
	wait_for_log "map(select(.event == \"conn_close\" and .reason == \"timeout\")) | length == 3" &&
	for pid in $nc_pids
	do
		wait_for_exit "$pid" 5 || return 1
	done &&
	test "$(time_wait_count)" -ge 3
'

test_expect_success 'kill + wait: the server exits 0' '
	stop_echo_server
'

test_expect_success 'restart on the same port at once: it listens, no EADDRINUSE' '
	test "$(time_wait_count)" -ge 3 &&
	start_echo_server --timeout 5 &&
	wait_for_log "map(select(.event == \"server_start\")) | length == 2" &&
	test_log "all(.event != \"bind_failed\")"
'

test_expect_success 'the restarted server echoes "restarted"' '
	echo restarted >expect &&
	echo-client localhost "$ECHO_PORT" restarted >out &&
	test_cmp expect out
'

test_done
