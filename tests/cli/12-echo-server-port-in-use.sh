#!/usr/bin/env bash
# echo-server on a port already in use exits 1 with a message naming EADDRINUSE, and logs bind_failed.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'another program (nc -l) holds the port' '
	nc_port=$(test_port 1) &&
	{ nc -d -l 127.0.0.1 "$nc_port" </dev/null >/dev/null 2>nc.err & } &&
	nc_pid=$! &&
	test_atexit "kill_child $nc_pid; wait $nc_pid 2>/dev/null || true" &&
	test_wait_until 10 is_listening "$nc_port" "$nc_pid"
'

test_expect_success 'echo-server on that port: exit 1, EADDRINUSE named, no stack trace' '
	echo "Error: cannot listen on 127.0.0.1:$nc_port: EADDRINUSE (Address already in use)" >expect &&
	test_expect_code 1 timeout 10 trustctl echo-server --port "$nc_port" --io "$ECHO_IO" >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err
'

test_expect_success 'the log says bind_failed with the errno, then command_done with exit 1' '
	test_log --argjson p "$nc_port" "map(select(.event == \"bind_failed\"))
		| length == 1 and .[0].errno == \"EADDRINUSE\" and .[0].port == \$p" &&
	test_log "last | .event == \"command_done\" and .command == \"echo-server\" and .exit_code == 1"
'

test_expect_success 'the holder of the port is untouched' '
	is_listening "$nc_port" "$nc_pid"
'

test_expect_success 'a second echo-server on the port of a running one: same error, the first keeps serving' '
	start_echo_server &&
	echo "Error: cannot listen on 127.0.0.1:$ECHO_PORT: EADDRINUSE (Address already in use)" >expect &&
	test_expect_code 1 timeout 10 trustctl echo-server --port "$ECHO_PORT" --io "$ECHO_IO" >out 2>err &&
	test_cmp expect err &&
	echo still-here >expect &&
	echo-client 127.0.0.1 "$ECHO_PORT" still-here >out &&
	test_cmp expect out &&
	stop_echo_server
'

test_done
