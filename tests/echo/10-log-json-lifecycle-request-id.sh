#!/usr/bin/env bash
# The log: every line one JSON object; every connection has conn_open and conn_close; every echo a request_id.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

conn_closes_are () {
	test_log_holds_ --argjson n "$1" "map(select(.event == \"conn_close\")) | length == \$n"
}

test_expect_success 'a run with every kind of connection: framed, raw, oversize, truncated, reset, idle' '
	start_echo_server --timeout 1 &&
	echo-client 127.0.0.1 "$ECHO_PORT" "s3cr3t-one" "s3cr3t-two" >/dev/null &&
	echo "s3cr3t-raw" | nc -N -w 5 127.0.0.1 "$ECHO_PORT" >/dev/null &&
	test_expect_code 4 echo-client 127.0.0.1 "$ECHO_PORT" --payload-size 70000 2>/dev/null &&
	{ frame_header 10 && printf abc; } | nc -N -w 5 127.0.0.1 "$ECHO_PORT" >/dev/null &&
	{ frame_header 65536 && head -c 65536 /dev/zero && frame_header 65536 && head -c 65536 /dev/zero; } >two &&
	(exec 3<>"/dev/tcp/127.0.0.1/$ECHO_PORT" && cat two >&3) &&
	nc -w 20 127.0.0.1 "$ECHO_PORT" </dev/null >/dev/null &&
	test_wait_until 10 conn_closes_are 6 &&
	stop_echo_server
'

test_expect_success 'every line of the log is one valid JSON object' '
	test_line_count -gt 10 "$(test_log_file)" &&
	jq -R -r "select((try fromjson catch null) | type != \"object\")" "$(test_log_file)" >bad &&
	test_must_be_empty bad
'

test_expect_success 'every line has ts, level, event and a request_id' '
	test_log "all(has(\"ts\") and has(\"level\") and (.event | type == \"string\")
		and (.request_id | type == \"string\" and length > 0))"
'

test_expect_success 'every connection has exactly one conn_open and one conn_close' '
	test_log "[.[] | select(.event == \"conn_open\") | .conn_id] as \$open
		| [.[] | select(.event == \"conn_close\") | .conn_id] as \$close
		| (\$open | length) == 6 and (\$open | sort) == (\$close | sort) and (\$open | unique) == (\$open | sort)"
'

test_expect_success 'each conn_close comes after its conn_open, with its reason and counters' '
	test_log "to_entries | map(select(.value.event == \"conn_open\" or .value.event == \"conn_close\")
		| {id: .value.conn_id, event: .value.event, at: .key}) | group_by(.id)
		| all(length == 2 and .[0].event == \"conn_open\" and .[1].event == \"conn_close\")" &&
	test_log "map(select(.event == \"conn_close\")) | all(has(\"reason\") and (.frames | type == \"number\")
		and (.bytes_in | type == \"number\") and (.bytes_out | type == \"number\") and .duration_ms >= 0)" &&
	test_log "map(select(.event == \"conn_close\") | .reason | if . == \"broken_pipe\" then \"reset\" else . end)
		| sort == [\"frame_rejected\", \"peer_closed\", \"peer_closed\", \"reset\", \"timeout\", \"truncated_frame\"]"
'

test_expect_success 'every frame_echo has a request_id of its own, naming its connection' '
	test_log "map(select(.event == \"frame_echo\")) | length >= 3
		and all(. as \$e | \$e.request_id | type == \"string\" and test(\"^[0-9a-f]+-\(\$e.conn_id)-[1-9][0-9]*$\"))
		and (map(.request_id) | unique | length) == length"
'

test_expect_success 'server_start and server_stop frame the run; the counters add up' '
	test_log "map(.event) | first == \"server_start\" and .[-2:] == [\"server_stop\", \"command_done\"]" &&
	test_log "(map(select(.event == \"frame_echo\")) | length) as \$frames
		| map(select(.event == \"server_stop\")) | length == 1 and .[0].connections == 6
		and .[0].frames == \$frames and .[0].timeouts == 1"
'

test_expect_success 'no payload byte is ever logged' '
	test_log "[.. | strings] | all(contains(\"s3cr3t\") | not)"
'

test_done
