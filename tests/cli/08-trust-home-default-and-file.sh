#!/usr/bin/env bash
# TRUST_HOME unset means $HOME/.trustctl; a TRUST_HOME that is a file or cannot be created fails cleanly, exit 1.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'TRUST_HOME unset: init uses $HOME/.trustctl' '
	mkdir fakehome &&
	home=$PWD/fakehome &&
	echo "initialised $home/.trustctl" >expect &&
	env -u TRUST_HOME HOME="$home" trustctl init >out &&
	test_cmp expect out &&
	test_path_is_file "$home/.trustctl/config" &&
	test_path_is_dir "$home/.trustctl/logs"
'

test_expect_success 'TRUST_HOME unset: status, config and the log all live there' '
	env -u TRUST_HOME HOME="$home" trustctl config set server.port 9902 &&
	env -u TRUST_HOME HOME="$home" trustctl status --json >status.json &&
	jq -e --arg h "$home/.trustctl" ".trust_home == \$h and .log_file == \$h + \"/logs/trustctl.log\"" status.json &&
	jq -e -s "map(.command) == [\"init\", \"config\", \"status\"]" "$home/.trustctl/logs/trustctl.log" &&
	printf "%s\n" "server.port=9902" >expect &&
	grep "^server.port=" "$home/.trustctl/config" >actual &&
	test_cmp expect actual
'

test_expect_success 'TRUST_HOME is a regular file: one line on stderr, exit 1, file untouched' '
	echo "not a directory" >plainfile &&
	cp plainfile plainfile.before &&
	echo "Error: TRUST_HOME is not a directory: $PWD/plainfile" >expect &&
	for cmd in init status "config list"
	do
		test_expect_code 1 env TRUST_HOME="$PWD/plainfile" trustctl $cmd >out 2>err &&
		test_must_be_empty out &&
		test_cmp expect err || return 1
	done &&
	test_cmp plainfile.before plainfile
'

test_expect_success 'TRUST_HOME cannot be created (under a file): one line on stderr, exit 1, no stack trace' '
	test_expect_code 1 env TRUST_HOME="$PWD/plainfile/sub" trustctl init >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	test_no_stack_trace err &&
	grep -q "^Error: .*$PWD/plainfile/sub" err
'

test_done
