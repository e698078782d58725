#!/usr/bin/env bash
# Framed echo: echo-client gets exactly its payload back; on the wire the whole frame, header included.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'echo-client localhost PORT "hello framed" prints exactly the payload, exit 0' '
	start_echo_server --timeout 5 &&
	echo "hello framed" >expect &&
	test_expect_code 0 echo-client localhost "$ECHO_PORT" "hello framed" >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'the server logged one frame_echo of 12 bytes with a request_id' '
	wait_for_log "any(.event == \"conn_close\" and .conn_id == 1)" &&
	test_log "map(select(.event == \"frame_echo\")) | length == 1 and (.[0] |
		.conn_id == 1 and .bytes == 12 and (.request_id | type == \"string\" and length > 0))"
'

test_expect_success 'on the wire (nc): the echo is the frame byte for byte, header included' '
	frame "hello framed" >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	hexdump sent >expect &&
	hexdump received >actual &&
	test_cmp expect actual
'

test_expect_success 'echo-client --trace: stdout is the echo alone; stderr shows the bytes and each call' '
	echo "hello framed" >expect &&
	echo-client --trace localhost "$ECHO_PORT" "hello framed" >out 2>trace &&
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	> frame 1: header 00 00 00 0c = length 12
	> payload 12 bytes
	>   0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64              |hello framed|
	>   write 16 of 16 bytes
	<   read 4 of 4 bytes
	< echo 1: header 00 00 00 0c = length 12
	<   read 12 of 12 bytes
	< payload 12 bytes
	<   0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64              |hello framed|
	EOF
	test_cmp expect trace
'

test_expect_success 'a zero-length frame is valid and echoed' '
	frame "" >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	hexdump sent >expect &&
	hexdump received >actual &&
	test_cmp expect actual
'

test_expect_success 'a 65536-byte frame of random bytes (the maximum) comes back whole' '
	{ frame_header 65536 && head -c 65536 /dev/urandom; } >sent &&
	nc -N -w 5 127.0.0.1 "$ECHO_PORT" <sent >received &&
	test_cmp sent received
'

test_expect_success 'UTF-8 text is echoed byte for byte' '
	echo "héllo wörld ✓" >expect &&
	echo-client 127.0.0.1 "$ECHO_PORT" "héllo wörld ✓" >out &&
	test_cmp expect out
'

test_done
