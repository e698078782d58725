#!/usr/bin/env bash
# Disconnects: clients one after another are all served; clients that close early or mid-frame are survived.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

# early_closer FILE: connect, send FILE, close without reading a byte of the echo.
early_closer () {
	(exec 3<>"/dev/tcp/127.0.0.1/$ECHO_PORT" && cat "$1" >&3)
}

conn_closes_are () {
	test_log_holds_ --argjson n "$1" "map(select(.event == \"conn_close\")) | length == \$n"
}

# --timeout 30: far above the 5 s that wait_for_fd_count allows, so only the server's own close of
# each connection (not a timeout sweeping up a leaked one) can bring the fd count back.
test_expect_success 'quest step 6: first-client, then second-client, both echoed' '
	start_echo_server --timeout 30 &&
	fds_before=$(server_fd_count) &&
	echo first-client >expect &&
	echo-client localhost "$ECHO_PORT" first-client >out &&
	test_cmp expect out &&
	echo second-client >expect &&
	echo-client localhost "$ECHO_PORT" second-client >out &&
	test_cmp expect out &&
	wait_for_log "map(select(.event == \"conn_close\")) | length == 2 and all(.reason == \"peer_closed\")"
'

test_expect_success 'twenty clients close before reading their echoes (3 x 64 KiB each)' '
	{ frame_header 65536 && head -c 65536 /dev/zero | tr "\0" x; } >one &&
	cat one one one >three &&
	for i in $(seq 20)
	do
		early_closer three || return 1
	done &&
	test_wait_until 10 conn_closes_are 22
'

test_expect_success 'the server saw those as resets or broken pipes, closed each, and lives on' '
	test_log "[.[] | select(.event == \"conn_error\") | .errno] | length > 0 and
		all(. == \"ECONNRESET\" or . == \"EPIPE\")" &&
	kill -0 "$ECHO_PID"
'

test_expect_success 'a client that disconnects mid-frame: frame_truncated, connection closed' '
	{ frame_header 10 && printf abc; } >partial &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <partial >received &&
	test_must_be_empty received &&
	wait_for_log "any(.event == \"frame_truncated\" and .got == 3 and .expected == 10)" &&
	wait_for_log "any(.event == \"conn_close\" and .reason == \"truncated_frame\")"
'

test_expect_success 'the next client is served, and the server holds as many fds as before' '
	echo after-disconnects >expect &&
	echo-client 127.0.0.1 "$ECHO_PORT" after-disconnects >out &&
	test_cmp expect out &&
	wait_for_fd_count "$fds_before"
'

test_done
