#!/usr/bin/env bash
# --timeout: an idle client and a stalled half frame are cut off by the server, which goes on serving.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'an idle nc (quest step 7) and a client stalled mid-frame connect' '
	start_echo_server --timeout 1 &&
	{ nc -w 20 127.0.0.1 "$ECHO_PORT" </dev/null >idle.out 2>&1 & } &&
	idle_pid=$! &&
	test_atexit "kill_child $idle_pid" &&
	{ frame_header 10 && printf abc; } >partial &&
	{ nc -w 20 127.0.0.1 "$ECHO_PORT" <partial >stalled.out 2>&1 & } &&
	stalled_pid=$! &&
	test_atexit "kill_child $stalled_pid" &&
	wait_for_log "map(select(.event == \"conn_open\")) | length == 2"
'

test_expect_success 'the idle one times out in phase idle after 1000 ms and is closed by the server' '
	wait_for_log "map(select(.event == \"conn_timeout\" and .phase == \"idle\"))
		| length == 1 and .[0].timeout_ms == 1000 and .[0].errno == \"ETIMEDOUT\"" &&
	wait_for_log "(map(select(.event == \"conn_timeout\" and .phase == \"idle\")) | .[0].conn_id) as \$id
		| any(.event == \"conn_close\" and .conn_id == \$id and .reason == \"timeout\" and .bytes_in == 0)" &&
	wait_for_exit "$idle_pid" 5 &&
	test_must_be_empty idle.out
'

test_expect_success 'the stalled one times out in phase frame: a started frame is bounded as a whole' '
	wait_for_log "map(select(.event == \"conn_timeout\" and .phase == \"frame\")) | length == 1" &&
	wait_for_log "map(select(.event == \"conn_close\" and .reason == \"timeout\")) | length == 2" &&
	wait_for_exit "$stalled_pid" 5 &&
	test_must_be_empty stalled.out
'

test_expect_success 'the server goes on: echo-client "after-timeout" is echoed' '
	kill -0 "$ECHO_PID" &&
	echo after-timeout >expect &&
	echo-client localhost "$ECHO_PORT" after-timeout >out &&
	test_cmp expect out
'

test_done
