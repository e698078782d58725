#!/usr/bin/env bash
# The server listens: ss shows LISTEN on 127.0.0.1:PORT owned by the JVM whose pid is $! of the launcher.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-echo.sh
. "$TEST_DIR/lib-echo.sh"

test_expect_success 'echo-server & : ss shows LISTEN on 127.0.0.1:PORT with pid $!' '
	start_echo_server --timeout 5 &&
	ss -Htlnp "sport = :$ECHO_PORT" >ss.out &&
	awk -v addr="127.0.0.1:$ECHO_PORT" -v owner="pid=$ECHO_PID," \
		"\$1 == \"LISTEN\" && \$4 == addr && index(\$0, owner)" ss.out >listen &&
	test_line_count = 1 listen
'

test_expect_success '$! is the JVM itself (the launchers exec java)' '
	echo java >expect &&
	cat "/proc/$ECHO_PID/comm" >actual &&
	test_cmp expect actual
'

test_expect_success 'it listens on loopback only: one listening socket on the port' '
	ss -Htln "sport = :$ECHO_PORT" >all &&
	test_line_count = 1 all
'

test_expect_success 'server_start is logged with port, bind, engine, timeout, max_clients and pid' '
	case $ECHO_IO in
	threads) max=128 ;;
	loop | virtual) fds=$(awk "/^Max open files/ { print \$4 }" "/proc/$ECHO_PID/limits") &&
		max=$((fds - 32 < 10000 ? fds - 32 : 10000)) ;;
	esac &&
	wait_for_log --argjson port "$ECHO_PORT" --argjson pid "$ECHO_PID" --arg io "$ECHO_IO" --argjson max "$max" "
		map(select(.event == \"server_start\")) | length == 1 and (.[0] |
			.port == \$port and .bind == \"127.0.0.1\" and .timeout_ms == 5000 and .io == \$io and
			.max_clients == \$max and .pid == \$pid and (.run_id | test(\"^[0-9a-f]{16}$\")))"
'

test_expect_success 'kill + wait: exit 0, the port is free again, server_stop logged' '
	pid=$ECHO_PID &&
	stop_echo_server &&
	test_must_fail is_listening "$ECHO_PORT" "$pid" &&
	test_log "map(.event) | .[-2:] == [\"server_stop\", \"command_done\"]" &&
	test_log "last | .command == \"echo-server\" and .exit_code == 0"
'

test_expect_success 'its last line on stderr is a summary that agrees with server_stop' '
	test_log "map(select(.event == \"server_stop\")) | length == 1" &&
	cat >summary.jq <<-\EOF &&
	def n(c; noun): "\(c) \(noun)\(if c == 1 then "" else "s" end)";
	select(.event == "server_stop") | [n(.connections; "connection"), n(.frames; "frame"),
		n(.frames_rejected; "frame") + " rejected", n(.timeouts; "timeout"), n(.errors; "error")] | join(", ")
	EOF
	jq -r -f summary.jq "$TRUST_HOME/logs/trustctl.log" >counters &&
	tail -n 1 "$TEST_TRASH/server.err" >last &&
	grep "^echo-server stopped after [0-9][0-9]*\.[0-9] s: $(cat counters); log: $TRUST_HOME/logs/trustctl.log\$" last
'

# A fresh bash sets SIGINT to ignored (this harness traps INT, so its children get it), closes what it inherited
# and execs the server. The server is found by its port and stopped with the pid it names, as a learner would.
test_expect_success 'a server started with SIGINT ignored says so at start, shrugs off kill -INT, stops on kill' '
	port=$(test_port 1) &&
	test_when_finished "kill_listener_ $port" &&
	start_with_sigint_ignored_ "$port" ignoring.err &&
	for _ in $(seq 300); do
		grep -q "^echo-server listening on" ignoring.err && break
		sleep 0.05
	done &&
	jvm=$(listener_pid "$port") &&
	ign=$(awk "/^SigIgn:/ { print \$2 }" "/proc/$jvm/status") &&
	test $(( (16#$ign >> 1) & 1 )) = 1 &&
	grep "^echo-server ignores SIGINT here .*: stop it with kill $jvm (SIGTERM)\$" ignoring.err &&
	kill -INT "$jvm" &&
	echo-client 127.0.0.1 "$port" still-here >out &&
	echo still-here >expect &&
	test_cmp expect out &&
	kill "$jvm" &&
	for _ in $(seq 300); do
		kill -0 "$jvm" 2>/dev/null || break
		sleep 0.05
	done &&
	test_must_fail kill -0 "$jvm" 2>/dev/null &&
	tail -n 1 ignoring.err | grep "^echo-server stopped after "
'

test_expect_success 'and says nothing of SIGINT when it was not ignored (this harness traps INT: its servers get it)' '
	test_must_fail grep -q "SIGINT" "$TEST_TRASH/server.err"
'

test_done
