#!/usr/bin/env bash
# status --json prints one JSON object that jq parses, with the TRUST_HOME, config and log paths.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'status --json before init: one object, not initialised, exit 0' '
	test_expect_code 0 trustctl status --json >out 2>err &&
	test_must_be_empty err &&
	jq -e -s "length == 1 and (.[0] | type) == \"object\"" out &&
	jq -e ".initialised == false" out
'

test_expect_success 'status --json after init reports every path and the version' '
	trustctl init &&
	trustctl status --json >out &&
	jq -e --arg h "$TRUST_HOME" "
		.trust_home == \$h and
		.config_file == \$h + \"/config\" and
		.log_file == \$h + \"/logs/trustctl.log\" and
		.initialised == true and
		.version == \"0.1.0\"" out
'

test_expect_success 'the reported log file is the one being written' '
	log=$(jq -r .log_file out) &&
	jq -e -s "last | .command == \"status\"" "$log"
'

test_expect_success 'plain status shows the same facts for a human' '
	cat >expect <<-EOT &&
	trust_home:  $TRUST_HOME
	initialised: true
	config_file: $TRUST_HOME/config
	log_file:    $TRUST_HOME/logs/trustctl.log
	version:     0.1.0
	EOT
	trustctl status >actual &&
	test_cmp expect actual
'

test_done
