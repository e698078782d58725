#!/usr/bin/env bash
# trustctl --help lists every command on stdout and exits 0.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success '--help exits 0 and writes the usage to stdout only' '
	test_expect_code 0 trustctl --help >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	echo "usage: trustctl [--help] [--version] [--verbose] COMMAND [ARGS]" >expect &&
	test_cmp expect first
'

test_expect_success '--help names every command, each with a description' '
	for cmd in init status config version echo-server echo-client echo-load-test
	do
		grep -Eq "^  $cmd +[a-z]" out || {
			echo "--help does not list the command: $cmd"
			return 1
		}
	done
'

test_expect_success '-h is the same as --help' '
	test_expect_code 0 trustctl -h >out-h 2>err &&
	test_must_be_empty err &&
	test_cmp out out-h
'

test_done
