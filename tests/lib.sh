# shellcheck shell=bash
# tests/lib.sh: the one helper library of the bash tests, in the spirit of git's t/test-lib.sh.
#
# A test script starts with a one-line description, sources this file, holds small
#   test_expect_success 'title' '
#           cmd1 &&
#           cmd2
#   '
# blocks whose bodies are &&-chained, and ends with test_done. Each script gets a fresh TRUST_HOME and a
# fresh trash directory (its working directory), both removed when every test passed and kept otherwise.
# Output is TAP: "ok N - title" / "not ok N - title"; a failure prints its body and what it saw.
# Run a script alone with -v to see the output of passing tests too.

set -euo pipefail

TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$TEST_DIR")
TEST_SCRIPT=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
TEST_NAME=$(basename "$(dirname "$TEST_SCRIPT")")/$(basename "$TEST_SCRIPT" .sh) # e.g. cli/05-init-...
TEST_VERBOSE=${TEST_VERBOSE:-}
[[ ${1:-} == -v || ${1:-} == --verbose ]] && TEST_VERBOSE=1

# The launchers (trustctl, echo-client, echo-load-test) are found the way the quest calls them: on PATH.
PATH=$REPO_ROOT:$PATH
# UTF-8 so the JVM's own messages and default charset do not depend on the caller's locale.
export LC_ALL=C.UTF-8
unset TRUST_HOME
TEST_TRASH=$(mktemp -d "${TMPDIR:-/tmp}/trustctl-test.XXXXXX")
TRUST_HOME=$(mktemp -d "${TMPDIR:-/tmp}/trustctl-home.XXXXXX")
# A test that loses TRUST_HOME must never write to the real ~/.trustctl.
HOME=$TEST_TRASH
export TRUST_HOME HOME
mkdir "$TEST_TRASH/.harness"
cd "$TEST_TRASH"
# fd 6: the script's own stdout, for TAP lines written while a body's output is redirected.
exec 6>&1

test_count_=0
test_failures_=0
test_done_=
test_in_body_=
test_cleanups_=()
test_atexit_=()

test_error_ () {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# Prints every line of stdin with a prefix (TAP comment lines).
test_indent_ () {
	local prefix=$1 line
	while IFS= read -r line || [[ -n $line ]]; do
		printf '%s%s\n' "$prefix" "$line"
	done
}

# The ERR trap of a body: remembers the first command that failed (the eval itself says nothing new; a
# failing function only shows as its `return`, so it is named as such: its own message says more).
test_on_err_ () {
	[[ -z $test_failed_cmd_ && $BASH_COMMAND != 'eval "$1"' ]] || return 0
	if [[ $BASH_COMMAND == return* ]]; then
		test_failed_cmd_="a function call (exit $1)"
	else
		test_failed_cmd_="$BASH_COMMAND (exit $1)"
	fi
}

# A function of its own, so that a body may `return 1` (out of a loop, say), as in git's tests.
test_eval_ () {
	trap 'test_on_err_ $?' ERR
	eval "$1"
}

# Runs one body in the current shell (so test_when_finished and variables work), then its cleanups.
# An ERR trap stands in for `set -e`: a failing command that is not inside an && chain fails the test too.
test_run_ () {
	test_failed_cmd_=
	set +e
	test_eval_ "$1"
	test_rc_=$?
	trap - ERR
	local i
	for ((i = ${#test_cleanups_[@]} - 1; i >= 0; i--)); do
		if ! eval "${test_cleanups_[i]}"; then
			printf 'test_when_finished: cleanup failed: %s\n' "${test_cleanups_[i]}" >&2
			((test_rc_)) || test_rc_=1
		fi
	done
	set -e
	if ((test_rc_ == 0)) && [[ -n $test_failed_cmd_ ]]; then
		printf 'a command outside the && chain failed: %s\n' "$test_failed_cmd_" >&2
		test_rc_=1
	fi
}

# test_expect_success 'title' 'body': one claim about the program.
test_expect_success () {
	(($# == 2)) || test_error_ "usage: test_expect_success 'title' 'body' (got $# arguments)"
	[[ -z $test_in_body_ ]] || test_error_ "test_expect_success inside a test body"
	test_count_=$((test_count_ + 1))
	local title=$1 body=$2 out=$TEST_TRASH/.harness/output
	test_title_=$title
	test_cleanups_=()
	test_in_body_=1
	test_run_ "$body" >"$out" 2>&1
	test_in_body_=
	if ((test_rc_ == 0)); then
		printf 'ok %d - %s\n' "$test_count_" "$title"
		[[ -z $TEST_VERBOSE ]] || test_indent_ '#	' <"$out"
	else
		test_failures_=$((test_failures_ + 1))
		printf 'not ok %d - %s\n' "$test_count_" "$title"
		printf '%s\n' "$body" | sed '/^[[:space:]]*$/d' | test_indent_ '#	'
		if [[ -n $test_failed_cmd_ ]]; then
			printf '# failed: %s\n' "$test_failed_cmd_"
		else
			printf '# the body exited %d\n' "$test_rc_"
		fi
		if [[ -s $out ]]; then
			printf '# output:\n'
			test_indent_ '#	' <"$out"
		fi
	fi
}

# test_when_finished CMD: run CMD after the current test, pass or fail (registered next to what it cleans).
test_when_finished () {
	[[ -n $test_in_body_ ]] || test_error_ "test_when_finished outside a test body"
	test_cleanups_+=("$*")
}

# test_atexit CMD: run CMD when the script ends, however it ends (for what outlives one test: servers).
test_atexit () {
	test_atexit_+=("$*")
}

# Runs the test_atexit commands, last registered first; fails if any of them failed.
test_run_atexit_ () {
	local i failed=0
	for ((i = ${#test_atexit_[@]} - 1; i >= 0; i--)); do
		if ! eval "${test_atexit_[i]}"; then
			printf '# at exit: failed: %s\n' "${test_atexit_[i]}"
			failed=1
		fi
	done
	test_atexit_=()
	return "$failed"
}

test_exit_ () {
	local rc=$?
	set +e
	trap - ERR
	exec 1>&6 2>&1
	if [[ -n $test_in_body_ ]]; then
		printf 'not ok %d - %s\n# the script died inside this test (exit %d); its output:\n' \
			"$test_count_" "$test_title_" "$rc"
		test_indent_ '#	' <"$TEST_TRASH/.harness/output"
	fi
	if [[ -z $test_done_ ]]; then
		printf '# %s ended before test_done (exit %d) after %d test(s)\n' "$TEST_NAME" "$rc" "$test_count_"
		((rc)) || rc=1
	fi
	test_run_atexit_ || { ((rc)) || rc=1; }
	if ((rc == 0)); then
		rm -rf "$TEST_TRASH" "$TRUST_HOME"
	else
		printf '# kept for inspection: trash %s, TRUST_HOME %s\n' "$TEST_TRASH" "$TRUST_HOME"
	fi
	exit "$rc"
}
trap test_exit_ EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# test_done: the plan line and the verdict; exit 0 only if every test passed.
test_done () {
	test_done_=1
	printf '1..%d\n' "$test_count_"
	if ((test_count_ == 0)); then
		printf '# no tests ran\n'
		exit 1
	elif ((test_failures_ == 0)); then
		printf '# passed all %d test(s)\n' "$test_count_"
		exit 0
	else
		printf '# failed %d among %d test(s)\n' "$test_failures_" "$test_count_"
		exit 1
	fi
}

## Assertions. Each prints what it expected and what it saw when it fails.

# test_expect_code N CMD...: CMD must exit with exactly N.
test_expect_code () {
	local want=$1 got=0
	shift
	"$@" || got=$?
	((got == want)) && return 0
	printf 'test_expect_code: expected exit %d, got %d from: %s\n' "$want" "$got" "$*" >&2
	return 1
}

# test_must_fail CMD...: CMD must fail in an orderly way; death by a signal or "cannot run" is not a failure.
test_must_fail () {
	local got=0
	"$@" || got=$?
	if ((got == 0)); then
		printf 'test_must_fail: expected a failure, the command succeeded: %s\n' "$*" >&2
		return 1
	elif ((got > 128)); then
		printf 'test_must_fail: died by signal %d (exit %d): %s\n' $((got - 128)) "$got" "$*" >&2
		return 1
	elif ((got == 126 || got == 127)); then
		printf 'test_must_fail: could not run (exit %d): %s\n' "$got" "$*" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECT ACTUAL: the files must be equal; shows a unified diff (- expected, + seen) otherwise.
test_cmp () {
	(($# == 2)) || test_error_ "usage: test_cmp expect actual"
	diff -u -- "$1" "$2" >&2 && return 0
	printf 'test_cmp: %s (expected) and %s (seen) differ\n' "$1" "$2" >&2
	return 1
}

test_must_be_empty () {
	[[ -f $1 ]] || { printf 'test_must_be_empty: %s does not exist\n' "$1" >&2; return 1; }
	[[ -s $1 ]] || return 0
	printf 'test_must_be_empty: %s should be empty but holds:\n' "$1" >&2
	cat -- "$1" >&2
	return 1
}

test_path_is_file () {
	[[ -f $1 ]] && return 0
	printf 'test_path_is_file: %s is not a regular file\n' "$1" >&2
	return 1
}

test_path_is_dir () {
	[[ -d $1 ]] && return 0
	printf 'test_path_is_dir: %s is not a directory\n' "$1" >&2
	return 1
}

test_path_is_missing () {
	[[ ! -e $1 && ! -L $1 ]] && return 0
	printf 'test_path_is_missing: %s exists\n' "$1" >&2
	return 1
}

# test_line_count OP N FILE: the number of lines of FILE compared with N (OP: = != -lt -le -gt -ge).
test_line_count () {
	(($# == 3)) || test_error_ "usage: test_line_count OP N FILE"
	local lines
	lines=$(wc -l <"$3")
	case $1 in
	=) ((lines == $2)) ;;
	!=) ((lines != $2)) ;;
	-lt) ((lines < $2)) ;;
	-le) ((lines <= $2)) ;;
	-gt) ((lines > $2)) ;;
	-ge) ((lines >= $2)) ;;
	*) test_error_ "test_line_count: unknown operator $1" ;;
	esac && return 0
	printf 'test_line_count: expected the line count of %s %s %s, it is %d:\n' "$3" "$1" "$2" "$lines" >&2
	cat -- "$3" >&2
	return 1
}

# test_no_stack_trace FILE: what a user sees must never be a Java stack trace.
test_no_stack_trace () {
	grep -En 'Exception|^[[:space:]]+at [[:alnum:]_$.]+\(' -- "$1" >/dev/null || return 0
	printf 'test_no_stack_trace: %s holds a stack trace:\n' "$1" >&2
	cat -- "$1" >&2
	return 1
}

# kill_child PID...: SIGTERM each PID that is still a child of this script (so a pid reaped long ago and
# reused by some other process is never touched); for test_atexit cleanup of background clients.
kill_child () {
	local pid stat ppid
	for pid in "$@"; do
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		stat=${stat##*) } # fields after "pid (comm) ": state, ppid, ...
		read -r _ ppid _ <<<"$stat"
		((ppid == $$)) && kill -TERM "$pid" 2>/dev/null
	done
	return 0
}

# test_wait_until SECONDS CMD...: poll CMD (every 50 ms) until it succeeds; fail after SECONDS.
test_wait_until () {
	local seconds=$1 tries
	shift
	tries=$((seconds * 20))
	while ((tries-- > 0)); do
		"$@" && return 0
		sleep 0.05
	done
	"$@" && return 0
	printf 'test_wait_until: still false after %d s: %s\n' "$seconds" "$*" >&2
	return 1
}

## The JSON log ($TRUST_HOME/logs/trustctl.log), always read with jq, never grepped.

test_log_file () {
	printf '%s\n' "$TRUST_HOME/logs/trustctl.log"
}

# test_log_holds_ [JQ ARGS...] FILTER: quiet check, jq -e FILTER over the whole log slurped into one array.
test_log_holds_ () {
	local log=$TRUST_HOME/logs/trustctl.log
	[[ -f $log ]] && jq -e -s "${@:1:$#-1}" "${!#}" "$log" >/dev/null 2>&1
}

# test_log [JQ ARGS...] FILTER: the log, slurped into one array of events, must satisfy FILTER.
# JQ ARGS are jq's own (--arg NAME VALUE, --argjson NAME JSON).
test_log () {
	test_log_holds_ "$@" && return 0
	printf 'test_log: expected the log to satisfy: %s\n' "${!#}" >&2
	(($# == 1)) || printf '  with jq arguments: %s\n' "${*:1:$#-1}" >&2
	test_log_show_
	return 1
}

test_log_show_ () {
	local log=$TRUST_HOME/logs/trustctl.log
	if [[ -f $log ]]; then
		printf 'last lines of %s:\n' "$log" >&2
		tail -n 15 -- "$log" >&2
	else
		printf '%s does not exist\n' "$log" >&2
	fi
}
