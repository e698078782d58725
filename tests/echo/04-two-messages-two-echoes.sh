#!/usr/bin/env bash
# Framing boundaries: two messages give two separate echoes, even when both frames arrive in one write.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'echo-client PORT MSG_A MSG_B prints two lines, in order, exit 0' '
	start_echo_server --timeout 5 &&
	printf "%s\n" MSG_A MSG_B >expect &&
	test_expect_code 0 echo-client localhost "$ECHO_PORT" MSG_A MSG_B >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'the server echoed two frames on one connection, each with its own request_id' '
	wait_for_log "any(.event == \"conn_close\" and .conn_id == 1)" &&
	test_log "map(select(.event == \"frame_echo\")) | length == 2 and all(.conn_id == 1 and .bytes == 5)
		and (map(.request_id) | unique | length == 2)" &&
	test_log "any(.event == \"conn_close\" and .conn_id == 1 and .frames == 2)"
'

test_expect_success 'two frames in one write (nc): two echoes, byte for byte' '
	frame MSG_A MSG_B >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	hexdump sent >expect &&
	hexdump received >actual &&
	test_cmp expect actual &&
	wait_for_log "any(.event == \"conn_close\" and .conn_id == 2 and .frames == 2)"
'

test_expect_success 'frames of different sizes back to back keep their boundaries' '
	frame "" a "$(printf "%0300d" 7)" bb >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	hexdump sent >expect &&
	hexdump received >actual &&
	test_cmp expect actual &&
	wait_for_log "any(.event == \"conn_close\" and .conn_id == 3 and .frames == 4)"
'

test_done
