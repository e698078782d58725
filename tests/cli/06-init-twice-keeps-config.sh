#!/usr/bin/env bash
# trustctl init is idempotent: a second run exits 0 and keeps the config and the log.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'init, then a setting' '
	trustctl init &&
	trustctl config set server.port 9901 &&
	cp "$TRUST_HOME/config" config.before
'

test_expect_success 'init again: exit 0, says the config was kept' '
	echo "already initialised $TRUST_HOME (config kept)" >expect &&
	test_expect_code 0 trustctl init >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'the config file is byte for byte the same and the setting still reads back' '
	test_cmp config.before "$TRUST_HOME/config" &&
	echo 9901 >expect &&
	trustctl config get server.port >out &&
	test_cmp expect out
'

test_expect_success 'the log kept every earlier line (init did not truncate it)' '
	test_log "map(select(.event == \"command_done\") | .command)
		| . == [\"init\", \"config\", \"init\", \"config\"]"
'

test_done
