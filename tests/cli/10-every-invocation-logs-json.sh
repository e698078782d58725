#!/usr/bin/env bash
# Every invocation, failed ones included, appends one JSON line with ts, level, request_id, command, exit_code.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'nine invocations, each with its own exit code' '
	refused_port=$(test_port 0) &&
	test_expect_code 0 trustctl version >/dev/null &&
	test_expect_code 0 trustctl --version >/dev/null &&
	test_expect_code 2 trustctl frobnicate 2>/dev/null &&
	test_expect_code 0 trustctl init >/dev/null &&
	test_expect_code 0 trustctl config set server.port 9901 &&
	test_expect_code 2 trustctl config get no.such.key 2>/dev/null &&
	test_expect_code 0 trustctl status --json >/dev/null &&
	test_expect_code 2 trustctl echo-server --port 0 2>/dev/null &&
	test_expect_code 3 echo-client 127.0.0.1 "$refused_port" hello 2>/dev/null
'

test_expect_success 'the log holds exactly one command_done line per invocation, in order' '
	test_log "map(.event) == [range(8) | \"command_done\"] + [\"connect_failed\", \"command_done\"]" &&
	test_log "map(select(.event == \"command_done\") | .command) == [\"version\", \"--version\", \"frobnicate\", \"init\", \"config\",
		\"config\", \"status\", \"echo-server\", \"echo-client\"]" &&
	test_log "map(select(.event == \"command_done\") | .exit_code) == [0, 0, 2, 0, 0, 2, 0, 2, 3]"
'

test_expect_success 'a failure says why in the log: usage errors their message, echo-client its errno and peer' '
	test_log "map(select(.event == \"command_done\" and .exit_code == 2) | .error)
		| .[0] == \"unknown command: frobnicate\" and (.[1] | startswith(\"unknown config key: no.such.key\"))
		and .[2] == \"--port must be an integer from 1 to 65535, got \u00270\u0027\"" &&
	test_log --arg peer "127.0.0.1:$refused_port" "map(select(.event == \"connect_failed\"))
		| length == 1 and .[0].errno == \"ECONNREFUSED\" and .[0].peer == \$peer and .[0].action == \"exit\""
'

test_expect_success 'every line has a request_id of its own, a UTC timestamp, a level and a duration' '
	test_log "all(.request_id | type == \"string\" and length > 0)" &&
	test_log "map(select(.event == \"command_done\") | .request_id) | (unique | length) == length" &&
	test_log "all(.ts | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?Z$\"))" &&
	test_log "map(select(.event == \"command_done\")) | all(.level == \"INFO\")" &&
	test_log "map(select(.event == \"command_done\")) | all(.duration_ms | type == \"number\" and . >= 0)"
'

test_expect_success 'running with no command at all is logged too, with exit code 2' '
	test_expect_code 2 trustctl 2>/dev/null &&
	test_log "length == 11 and (last | .event == \"command_done\" and .exit_code == 2
		and (.command | type == \"string\"))"
'

test_done
