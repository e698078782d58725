#!/usr/bin/env bash
# An unknown command is named in a one-line error plus a hint, exit 2 (a typo gets the nearest command); so is an
# unknown option.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'unknown command: named in the error, hint, exit 2' '
	test_expect_code 2 trustctl frobnicate >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOT &&
	Error: unknown command: frobnicate
	try '\''trustctl --help'\''
	EOT
	test_cmp expect err
'

test_expect_success 'a mistyped command: the nearest one is suggested, exit 2' '
	test_expect_code 2 trustctl echo-sever >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOT &&
	Error: unknown command: echo-sever. Did you mean '\''echo-server'\''?
	try '\''trustctl --help'\''
	EOT
	test_cmp expect err
'

test_expect_success 'unknown option: named in the error, hint, exit 2' '
	test_expect_code 2 trustctl --frobnicate >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOT &&
	Error: unknown option: --frobnicate
	try '\''trustctl --help'\''
	EOT
	test_cmp expect err
'

test_done
