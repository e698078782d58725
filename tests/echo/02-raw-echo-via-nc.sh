#!/usr/bin/env bash
# Raw sanity mode: bytes that do not start with 0x00 come back as they are, to plain nc.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'echo "raw test" | nc -N returns exactly the bytes sent' '
	start_echo_server --timeout 1 &&
	echo "raw test" >expect &&
	echo "raw test" | nc -N -w 5 127.0.0.1 "$ECHO_PORT" >actual &&
	test_cmp expect actual
'

test_expect_success 'the connection is logged as raw, 9 bytes in and 9 out, closed by the peer' '
	wait_for_log "any(.event == \"conn_close\" and .conn_id == 1)" &&
	test_log "any(.event == \"conn_mode\" and .conn_id == 1 and .mode == \"raw\")" &&
	test_log "map(select(.event == \"conn_close\" and .conn_id == 1)) | length == 1 and (.[0] |
		.reason == \"peer_closed\" and .bytes_in == 9 and .bytes_out == 9 and .frames == 0)"
'

test_expect_success 'quest step 3 as written (no -N, localhost): the bytes come back, the idle timeout ends it' '
	echo "raw test" | nc -w 10 localhost "$ECHO_PORT" >actual &&
	test_cmp expect actual &&
	wait_for_log "any(.event == \"conn_timeout\" and .conn_id == 2 and .phase == \"idle\")"
'

test_expect_success 'a raw connection stays raw: later NUL bytes are echoed as they are' '
	printf "x\0\0\0\5abc\0" >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	hexdump sent >expect &&
	hexdump received >actual &&
	test_cmp expect actual
'

test_done
