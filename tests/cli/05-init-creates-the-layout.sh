#!/usr/bin/env bash
# trustctl init creates the TRUST_HOME layout: config and logs/.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

test_expect_success 'a fresh TRUST_HOME is not initialised' '
	trustctl status --json >status.json &&
	jq -e ".initialised == false" status.json &&
	test_path_is_missing "$TRUST_HOME/config"
'

test_expect_success 'init creates config and logs/, says where, exit 0' '
	echo "initialised $TRUST_HOME" >expect &&
	test_expect_code 0 trustctl init >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test_path_is_file "$TRUST_HOME/config" &&
	test_path_is_dir "$TRUST_HOME/logs" &&
	trustctl status --json >status.json &&
	jq -e ".initialised == true" status.json
'

test_expect_success 'the new config holds no setting, so every key reads its default' '
	cat >expect <<-\EOT &&
	server.port=9900  # default
	server.bind=127.0.0.1  # default
	server.timeout=30  # default
	server.max_clients=auto  # default
	server.io=loop  # default
	server.loops=auto  # default
	EOT
	trustctl config list >out &&
	test_cmp expect out
'

test_expect_success 'init creates a TRUST_HOME that does not exist yet, parents included' '
	saved_home=$TRUST_HOME &&
	test_when_finished "TRUST_HOME=\$saved_home" &&
	TRUST_HOME=$TEST_TRASH/new/nested/home &&
	test_expect_code 0 trustctl init >out &&
	echo "initialised $TRUST_HOME" >expect &&
	test_cmp expect out &&
	test_path_is_file "$TRUST_HOME/config" &&
	test_path_is_dir "$TRUST_HOME/logs"
'

test_done
