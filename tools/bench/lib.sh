# shellcheck shell=bash
# Shared helpers for tools/bench/run-bench, tools/bench/startup, tools/bench/overhead and tools/soak:
# the bench-only Netty peer (pinned jars verified before use), servers started on 127.0.0.1 and
# stopped by the PID started here (never by name), and cleanup on exit or interrupt.
# Sourced, not run; the caller has `set -euo pipefail` and sets nothing else first.

BENCH_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
BENCH_DIR=$BENCH_ROOT/tools/bench
BENCH_BUILD=$BENCH_ROOT/build/bench
BENCH_LIB=$BENCH_ROOT/lib/bench
BENCH_CORES=$(nproc) # before any pinning narrows what nproc sees
BENCH_PIDS=()  # every process started by bench_start; bench_cleanup stops these and only these
BENCH_TMP=()   # temporary folders removed at exit

bench_say() { printf '%s\n' "$*" >&2; }
bench_die() { bench_say "$(basename "$0"): $*"; exit 1; }

bench_cleanup() {
  local pid dir
  for pid in "${BENCH_PIDS[@]}"; do
    bench_stop "$pid"
  done
  BENCH_PIDS=()
  for dir in "${BENCH_TMP[@]}"; do
    rm -rf "$dir"
  done
  BENCH_TMP=()
}
trap bench_cleanup EXIT
# bash acts on Ctrl-C only when its child dies of the signal; a JVM or python catches it and exits 130 itself,
# so callers hand such exit statuses (128 and up) to this to stop as interrupted.
bench_pass_signal() { (($1 < 128)) || exit 130; }
trap 'exit 130' INT
trap 'exit 143' TERM

# bench_tmpdir VAR: a fresh private folder in VAR, removed at exit. (It sets a variable rather than printing
# the path: in $(...) the folder would be registered in a subshell and never removed.)
bench_tmpdir() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/trustctl-bench.XXXXXX")
  BENCH_TMP+=("$dir")
  printf -v "$1" '%s' "$dir"
}

# S5 holds 1000 client and 1000 server sockets: raise the soft fd limit of this shell (and its children).
bench_raise_fd_limit() {
  local want=${1:-4096} cur
  cur=$(ulimit -n)
  if [[ $cur != unlimited && $cur -lt $want ]]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  fi
}

bench_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

bench_require_free_port() {
  if bench_listening "$1"; then
    bench_die "port $1 is already in use: $(ss -Hltnp "sport = :$1" | tr -s ' ' | head -1)"
  fi
}

# bench_start PORT LOGFILE CMD...: starts CMD in the background and waits (at most 30 s, polling) until it
# listens on 127.0.0.1:PORT. The PID is left in BENCH_PID and remembered for cleanup.
bench_start() {
  local port=$1 log=$2 i
  shift 2
  bench_require_free_port "$port"
  "$@" >>"$log" 2>&1 &
  BENCH_PID=$!
  BENCH_PIDS+=("$BENCH_PID")
  for ((i = 0; i < 300; i++)); do
    bench_listening "$port" && return 0
    kill -0 "$BENCH_PID" 2>/dev/null || break
    sleep 0.1
  done
  bench_say "server on port $port did not start listening; its output ($log):"
  tail -n 20 "$log" >&2 || true
  return 1
}

# bench_stop PID: SIGTERM, at most 10 s for a graceful exit, then SIGKILL. Only ever a PID started here.
bench_stop() {
  local pid=$1 i rest=()
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
  for i in "${BENCH_PIDS[@]}"; do
    [[ $i == "$pid" ]] || rest+=("$i")
  done
  BENCH_PIDS=("${rest[@]}")
}

# Established connections on the server side of PORT.
bench_conns() { ss -Htn state established "( sport = :$1 )" 2>/dev/null | wc -l; }

# Waits (at most 10 s) until the previous run's connections to PORT are gone.
bench_settle() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $(bench_conns "$1") -eq 0 ]] && return 0
    sleep 0.1
  done
  bench_say "note: $(bench_conns "$1") connections to port $1 still open after 10 s"
}

# The pinned Netty jars, fetched only for the bench (tools/bench/pom.xml) and verified against
# tools/bench/jars.sha256 before anything is compiled against or run with them, as the main build does.
bench_netty_jars() {
  (
    cd "$BENCH_ROOT" || exit 1
    if ! sha256sum --quiet -c tools/bench/jars.sha256 >/dev/null 2>&1; then
      command -v mvn >/dev/null || bench_die "Maven (mvn) is needed to fetch the pinned Netty jars"
      bench_say "fetching the pinned Netty jars into lib/bench/"
      # Maven colours [ERROR] lines even in batch mode: strip the escape codes from what it prints.
      mvn -q -B -Dstyle.color=never -f tools/bench/pom.xml dependency:copy-dependencies -DoutputDirectory="$BENCH_LIB" 2>&1 |
        sed -u 's/\x1b\[[0-9;]*[A-Za-z]//g' >&2
    fi
    sha256sum --quiet -c tools/bench/jars.sha256 ||
      bench_die "a jar in lib/bench/ does not match tools/bench/jars.sha256: refusing to use it"
  )
}

# Classpath of the Netty peer: its classes plus exactly the jars named in jars.sha256.
bench_netty_classpath() {
  local cp=$BENCH_BUILD/classes jar
  while read -r _ jar; do
    cp+=:$BENCH_ROOT/$jar
  done <"$BENCH_DIR/jars.sha256"
  printf '%s\n' "$cp"
}

# Compiles the Netty peer (plain javac, the project's flags) when its source or jars changed.
bench_netty_build() {
  local src=$BENCH_DIR/src/bench/NettyEcho.java stamp=$BENCH_BUILD/netty.stamp cp
  bench_netty_jars
  if [[ -f $stamp && $stamp -nt $src && $stamp -nt $BENCH_DIR/jars.sha256 ]]; then
    return 0
  fi
  cp=$(bench_netty_classpath)
  rm -rf "$BENCH_BUILD/classes" && mkdir -p "$BENCH_BUILD/classes"
  javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "${cp#*:}" -d "$BENCH_BUILD/classes" "$src"
  touch "$stamp"
}

# One line naming the machine, the OS and the JDK, for results files.
bench_machine() {
  local os
  os=$(. /etc/os-release 2>/dev/null && printf '%s' "$PRETTY_NAME")
  printf '%s cores (%s), %s MiB RAM, Linux %s, %s; %s' "$BENCH_CORES" \
    "$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)" \
    "$(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo)" "$(uname -r)" "${os:-unknown OS}" \
    "$(java -version 2>&1 | sed -n 2p)"
}

# Which trustctl was measured: the commit, whether java/main differs from it, and the jar's build time.
bench_build_id() {
  local jar=${BENCH_BIN:-$BENCH_ROOT}/build/trustctl.jar src=${BENCH_TRUSTCTL_ROOT:-$BENCH_ROOT}
  local head dirty=""
  head=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo "$src (not a git checkout)")
  [[ -z $(git -C "$src" status --porcelain -- java/main 2>/dev/null) ]] || dirty=" + uncommitted java/main changes"
  printf '%s%s, build/trustctl.jar of %s' "$head" "$dirty" \
    "$(date -u -r "$jar" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || echo '?')"
}

# A warning line when other work loads the machine (1-minute load average above half the cores): absolute
# numbers then move a lot; ratios from interleaved runs hold up better.
bench_busy_note() {
  awk -v cores="$BENCH_CORES" '{ if ($1 > cores / 2) printf "- WARNING: the machine was busy (load average %s with %d cores): rerun when it is idle before trusting absolute numbers\n", $1, cores }' /proc/loadavg
}

# A private copy of the launchers and build/trustctl.jar, so that a `make` run in the same checkout while we
# measure (another shell, a teammate) cannot swap the code under test or break a launch half-way. lib/ is
# linked, not copied (pinned and verified). The copy has no AppCDS archive (it is keyed to the jar's path):
# that only slows the load tester's JVM start, which its own figures do not include. Sets BENCH_BIN.
# BENCH_TRUSTCTL_ROOT names another built checkout to measure instead (an experiment, a branch); default: this one.
bench_snapshot() {
  local src=${BENCH_TRUSTCTL_ROOT:-$BENCH_ROOT}
  bench_tmpdir BENCH_BIN
  BENCH_BIN+=/trustctl
  mkdir -p "$BENCH_BIN/tools" "$BENCH_BIN/build"
  cp -p "$src/trustctl" "$src/echo-client" "$src/echo-load-test" "$BENCH_BIN/"
  cp -p "$src/tools/launch" "$BENCH_BIN/tools/"
  cp -p "$src/build/trustctl.jar" "$BENCH_BIN/build/"
  ln -s "$(readlink -f "$src/lib")" "$BENCH_BIN/lib"
  "$BENCH_BIN/trustctl" --version >/dev/null 2>&1 || bench_die "the copied build does not run: run 'make' first"
}

# The C load generator and the C thread-per-connection reference server (tools/bench/loadgen.c and
# ref-echo.c, copied from the course's shared bench), compiled with gcc -O2 into build/bench/ when their
# source changed. Sets BENCH_LOADGEN and BENCH_REF_ECHO.
bench_c_build() {
  command -v gcc >/dev/null ||
    bench_die "gcc is needed to build the C load generator and reference server: apt-get install -y gcc"
  mkdir -p "$BENCH_BUILD"
  BENCH_LOADGEN=$BENCH_BUILD/loadgen
  BENCH_REF_ECHO=$BENCH_BUILD/ref-echo
  if [[ ! -x $BENCH_LOADGEN || $BENCH_DIR/loadgen.c -nt $BENCH_LOADGEN ]]; then
    gcc -O2 -o "$BENCH_LOADGEN.new" "$BENCH_DIR/loadgen.c" && mv "$BENCH_LOADGEN.new" "$BENCH_LOADGEN"
  fi
  if [[ ! -x $BENCH_REF_ECHO || $BENCH_DIR/ref-echo.c -nt $BENCH_REF_ECHO ]]; then
    gcc -O2 -pthread -o "$BENCH_REF_ECHO.new" "$BENCH_DIR/ref-echo.c" && mv "$BENCH_REF_ECHO.new" "$BENCH_REF_ECHO"
  fi
}

# Pinning for the two-core runs: the load client (and this script) on BENCH_CLIENT_CPU, every server on
# BENCH_SERVER_CPU, so client and servers never compete for one core. Needs taskset and two CPUs.
bench_pin_self() {
  command -v taskset >/dev/null || bench_die "taskset (util-linux) is needed to pin client and servers"
  ((BENCH_CORES >= 2)) || bench_die "pinning needs 2 CPUs, this machine shows $BENCH_CORES"
  taskset -cp "$BENCH_CLIENT_CPU" "$$" >/dev/null
}
BENCH_CLIENT_CPU=${BENCH_CLIENT_CPU:-0}
BENCH_SERVER_CPU=${BENCH_SERVER_CPU:-1}

# CPU time a process has used so far, all its threads (ended ones too), in clock ticks (utime + stime).
bench_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Field of /proc/PID/status in its own unit (Threads, VmRSS in KiB), read without a fork.
bench_status() {
  local key value _
  while read -r key value _; do
    [[ $key == "$2:" ]] && { printf '%s\n' "$value"; return 0; }
  done <"/proc/$1/status"
}

# bench_peak_threads PID FILE: until killed or PID ends, writes the peak thread count of PID, seen every
# 50 ms, to FILE (no fork per sample: it runs beside the load client).
bench_peak_threads() {
  local peak=0 key value _
  while [[ -r /proc/$1/status ]]; do
    while read -r key value _; do
      [[ $key == Threads: ]] || continue
      ((value > peak)) && { peak=$value; printf '%s\n' "$peak" >"$2"; }
      break
    done <"/proc/$1/status"
    sleep 0.05
  done
}

# Waits (at most 5 s) until PID has used no CPU for 100 ms: what a load run set going after its last echo (an
# async log writer draining, thread-per-client threads ending) is then counted with that run, not the next.
bench_quiet() {
  local i before after
  before=$(bench_cpu_ticks "$1")
  for ((i = 0; i < 50; i++)); do
    sleep 0.1
    after=$(bench_cpu_ticks "$1")
    [[ $after == "$before" ]] && return 0
    before=$after
  done
}

# bench_threads_back PID N: waits (at most 15 s) until PID runs at most N threads: a thread-per-client server
# keeps its client threads ~10 s after S6 and then ends 10 000 of them, which must not fall on the next run.
bench_threads_back() {
  local i
  for ((i = 0; i < 150; i++)); do
    (($(bench_status "$1" Threads) <= $2)) && return 0
    sleep 0.1
  done
  bench_say "note: pid $1 still runs $(bench_status "$1" Threads) threads after 15 s"
}

# bench_virtual_java [JAVA]: the java (a path) that runs --io virtual, which needs Java 21+: JAVA if given, else
# $JAVA (or $JAVA_HOME/bin/java) when it is 21+, else the machine image's Temurin 25. Says why on failure.
bench_virtual_java() {
  local want=${1:-} candidate feature
  for candidate in "$want" "${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; do
    [[ -n $candidate ]] || continue
    candidate=$(type -P "$candidate") || continue
    feature=$("$candidate" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
    if ((${feature:-0} >= 21)); then
      # Its start-up archive made from this jar: the launcher ignores one older than the jar.
      make -s -C "$BENCH_ROOT" JAVA="$candidate" all >/dev/null
      printf '%s\n' "$candidate"
      return 0
    fi
    [[ -z $want ]] || break # asked for this one: no other will do
  done
  bench_say "$(basename "$0"): --io virtual needs Java 21 or newer: ${want:-neither \$JAVA, \$JAVA_HOME nor /usr/lib/jvm/temurin-25-jdk-amd64} is one"
  return 1
}

# bench_java_line JAVA: "OpenJDK 64-Bit Server VM (build 25...)" style name of that JDK, for results files.
bench_java_line() { "$1" -version 2>&1 | sed -n 2p; }
