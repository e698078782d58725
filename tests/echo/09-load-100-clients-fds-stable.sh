#!/usr/bin/env bash
# Load: 100 sequential clients x 10 messages = 1000 round trips, 0 failures, server fd count the same after.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

# --timeout 30: far above the 5 s that wait_for_fd_count allows, so only the server's own close of
# each connection (not a timeout sweeping up a leaked one) can bring the fd count back.
test_expect_success 'the server is up; its settled fd count is taken, none of them inherited from the harness' '
	start_echo_server --timeout 30 &&
	fds_before=$(settled_fd_count) &&
	test "$fds_before" -gt 0 &&
	find "/proc/$ECHO_PID/fd" -mindepth 1 -maxdepth 1 -printf "%l\n" >targets &&
	test_must_fail grep "\.tap$" targets
'

test_expect_success 'echo-load-test --clients 100 --messages 10: exit 0, 1000/1000 ok, 0 failed' '
	test_expect_code 0 echo-load-test --host localhost --port "$ECHO_PORT" --clients 100 --messages 10 \
		>summary 2>err &&
	test_must_be_empty err &&
	grep "^round trips: " summary >line &&
	echo "round trips: 1000/1000 ok, 0 failed (connect 0, reset 0, timeout 0, closed 0, mismatch 0, deadline 0, other 0)" >expect &&
	test_cmp expect line
'

test_expect_success 'the server saw 100 connections of 10 frames each, all closed by their clients' '
	wait_for_log "map(select(.event == \"conn_close\")) | length == 100" &&
	test_log "map(select(.event == \"conn_open\")) | length == 100" &&
	test_log "map(select(.event == \"conn_close\")) | all(.frames == 10 and .reason == \"peer_closed\")" &&
	test_log "map(select(.event == \"frame_echo\")) | length == 1000" &&
	test_log "all(.event != \"conn_error\" and .event != \"conn_timeout\")"
'

test_expect_success 'the server holds exactly as many fds as before the load' '
	wait_for_fd_count "$fds_before"
'

test_expect_success 'the JSON summary agrees on a second run, and fds are still stable' '
	echo-load-test --port "$ECHO_PORT" --clients 100 --messages 10 --json >summary.json &&
	jq -e ".expected == 1000 and .ok == 1000 and .failed == 0" summary.json &&
	wait_for_fd_count "$fds_before"
'

test_done
