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

test_expect_success 'a home others may write in is refused in one line; init tightens it to 0700/0600' '
	chmod 0777 "$TRUST_HOME" "$TRUST_HOME/logs" &&
	chmod 0666 "$TRUST_HOME/config" "$TRUST_HOME/logs/trustctl.log" &&
	echo "Error: TRUST_HOME $TRUST_HOME is writable by group or others (rwxrwxrwx): run chmod go-w $TRUST_HOME" >expect &&
	test_expect_code 1 trustctl status >out 2>err &&
	test_cmp expect err &&
	trustctl init >out &&
	stat -c "%a %n" "$TRUST_HOME" "$TRUST_HOME/logs" "$TRUST_HOME/config" "$TRUST_HOME/logs/trustctl.log" >modes &&
	printf "%s\n" "700 $TRUST_HOME" "700 $TRUST_HOME/logs" "600 $TRUST_HOME/config" \
		"600 $TRUST_HOME/logs/trustctl.log" >expect &&
	test_cmp expect modes
'

test_done
