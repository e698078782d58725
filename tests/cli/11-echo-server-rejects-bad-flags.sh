#!/usr/bin/env bash
# echo-server refuses --port 0, --port 70000, --port abc, --timeout -1, --timeout 0.0001 and a repeated --port with a
# specific message each, exit 2.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Every run is bounded: a validation that let a bad value through would otherwise start a server.
bad_flag () {
	local expected_message=$1
	shift
	printf '%s\n' "$expected_message" "try 'trustctl echo-server --help'" >expect &&
	test_expect_code 2 timeout 10 trustctl echo-server "$@" >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err
}

test_expect_success '--port 0 is refused' '
	bad_flag "Error: --port must be an integer from 1 to 65535, got '\''0'\''" --port 0
'

test_expect_success '--port 70000 is refused' '
	bad_flag "Error: --port must be an integer from 1 to 65535, got '\''70000'\''" --port 70000
'

test_expect_success '--port abc is refused' '
	bad_flag "Error: --port must be an integer from 1 to 65535, got '\''abc'\''" --port abc
'

test_expect_success '--timeout -1 is refused' '
	bad_flag "Error: --timeout must be a number of seconds from 0.01 to 86400, got '\''-1'\''" --timeout -1
'

test_expect_success '--timeout 0 is refused' '
	bad_flag "Error: --timeout must be a number of seconds from 0.01 to 86400, got '\''0'\''" --timeout 0
'

test_expect_success '--timeout 0.0001 is refused: 10 ms is the least' '
	bad_flag "Error: --timeout must be a number of seconds from 0.01 to 86400, got '\''0.0001'\''" --timeout 0.0001
'

test_expect_success '--port given twice is refused, not first-wins: the second one escaped every check' '
	bad_flag "Error: option --port given more than once" --port 9901 --port 0
'

test_expect_success 'no server ever started: no server_start, seven usage exits in the log' '
	test_log "all(.event != \"server_start\")" &&
	test_log "map(select(.event == \"command_done\") | .exit_code) == [2, 2, 2, 2, 2, 2, 2]"
'

test_done
