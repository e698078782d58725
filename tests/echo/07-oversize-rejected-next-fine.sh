#!/usr/bin/env bash
# A frame over 65536 bytes is rejected: nothing echoed, connection closed, client exit 4; the next client is fine.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'echo-client --payload-size 70000: exit 4, nothing echoed, says the server rejected it' '
	start_echo_server --timeout 5 &&
	test_expect_code 4 echo-client localhost "$ECHO_PORT" --payload-size 70000 >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	grep -q "the 70000-byte frame is over the 65536-byte limit, so the server most likely rejected it$" err
'

test_expect_success 'the log says frame_rejected (EMSGSIZE, length 70000, max 65536), then the close' '
	wait_for_log "any(.event == \"conn_close\" and .conn_id == 1)" &&
	test_log "map(select(.event == \"frame_rejected\")) | length == 1 and (.[0] |
		.conn_id == 1 and .errno == \"EMSGSIZE\" and .length == 70000 and .max == 65536)" &&
	test_log "any(.event == \"conn_close\" and .conn_id == 1 and .reason == \"frame_rejected\"
		and .frames == 0 and .bytes_out == 0)"
'

test_expect_success 'on the wire: a 65537-byte header gets no byte back, and the server closes' '
	frame_header 65537 >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	test_must_be_empty received &&
	frame_header 16777215 >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	test_must_be_empty received &&
	wait_for_log "map(select(.event == \"frame_rejected\") | .length) == [70000, 65537, 16777215]" &&
	wait_for_log "map(select(.event == \"conn_close\" and .reason == \"frame_rejected\")) | length == 3"
'

test_expect_success 'the limit counts the payload only: 65536 bytes are echoed' '
	test_expect_code 0 echo-client 127.0.0.1 "$ECHO_PORT" --payload-size 65536 >out &&
	wait_for_log "any(.event == \"frame_echo\" and .bytes == 65536)"
'

test_expect_success 'the next client is served' '
	echo after-oversize >expect &&
	echo-client localhost "$ECHO_PORT" after-oversize >out &&
	test_cmp expect out
'

test_expect_success 'the stop summary counts the 3 rejections apart from errors' '
	stop_echo_server &&
	test_log "map(select(.event == \"server_stop\")) | .[0] | .frames_rejected == 3 and .errors == 0" &&
	grep "^echo-server stopped after .* s: 5 connections, 2 frames, 3 frames rejected, 0 timeouts, 0 errors; log: " \
		"$TEST_TRASH/server.err"
'

test_done
