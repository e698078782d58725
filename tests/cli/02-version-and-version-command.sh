#!/usr/bin/env bash
# --version and the version command both print "trustctl 0.1.0" and exit 0.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success '--version prints the version line, exit 0' '
	echo "trustctl 0.1.0" >expect &&
	test_expect_code 0 trustctl --version >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'version prints the same line, exit 0' '
	test_expect_code 0 trustctl version >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'version takes no arguments' '
	test_expect_code 2 trustctl version extra >out 2>err &&
	test_must_be_empty out &&
	test_no_stack_trace err
'

test_done
