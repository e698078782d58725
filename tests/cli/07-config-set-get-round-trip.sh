#!/usr/bin/env bash
# config set then get round-trips every key; an unknown key or a bad value fails cleanly with exit 2.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'set then get round-trips each key' '
	trustctl init &&
	while read -r key value
	do
		test_expect_code 0 trustctl config set "$key" "$value" >out 2>err &&
		test_must_be_empty err &&
		echo "$value" >expect &&
		trustctl config get "$key" >actual &&
		test_cmp expect actual || return 1
	done <<-\EOT
	server.port 9901
	server.bind 0.0.0.0
	server.timeout 2.5
	server.max_clients 4
	server.io threads
	server.loops 2
	EOT
'

test_expect_success 'config list shows the stored values' '
	cat >expect <<-\EOT &&
	server.port=9901
	server.bind=0.0.0.0
	server.timeout=2.5
	server.max_clients=4
	server.io=threads
	server.loops=2
	EOT
	trustctl config list >out &&
	test_cmp expect out
'

test_expect_success 'the atomic write leaves no temporary file behind' '
	printf "%s\n" config logs >expect &&
	ls -A "$TRUST_HOME" >actual &&
	test_cmp expect actual
'

test_expect_success 'an unknown key fails cleanly: exit 2, one named error, no stack trace' '
	cp "$TRUST_HOME/config" config.before &&
	cat >expect <<-\EOT &&
	Error: unknown config key: no.such.key (known: server.port, server.bind, server.timeout, server.max_clients, server.io, server.loops)
	try '\''trustctl config --help'\''
	EOT
	test_expect_code 2 trustctl config get no.such.key >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err &&
	test_expect_code 2 trustctl config set no.such.key 1 >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err &&
	test_cmp config.before "$TRUST_HOME/config"
'

test_expect_success 'a bad value is refused with the rule it breaks, config unchanged' '
	cat >expect <<-\EOT &&
	Error: server.port must be an integer from 1 to 65535, got '\''abc'\''
	try '\''trustctl config --help'\''
	EOT
	test_expect_code 2 trustctl config set server.port abc >out 2>err &&
	test_cmp expect err &&
	test_cmp config.before "$TRUST_HOME/config"
'

test_done
