#!/usr/bin/env bash
# trustctl with no arguments prints the usage on stderr (nothing on stdout) and exits 2.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'no arguments: exit 2, usage on stderr, stdout empty' '
	test_expect_code 2 trustctl >out 2>err &&
	test_must_be_empty out &&
	head -n 1 err >first &&
	echo "usage: trustctl [--help] [--version] [--verbose] COMMAND [ARGS]" >expect &&
	test_cmp expect first
'

test_expect_success 'the usage on stderr is the full --help text' '
	trustctl --help >help &&
	test_cmp help err
'

test_done
