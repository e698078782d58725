# trustctl: a plain javac build. Maven only fetches the pinned jars of tools/pom.xml into lib/;
# every jar is checked against tools/jars.sha256 before anything is compiled against it.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := all

JAVAC ?= javac
# The JVM that runs everything (tests, launchers, the start-up archive): $(JAVA), else $$JAVA_HOME/bin/java, else
# PATH's, as the launchers choose. The build itself stays on $(JAVAC) with --release 17 whatever runs it.
JAVA ?= $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)
export JAVA
JAVA_REAL := $(shell readlink -f "$$(command -v $(JAVA))" 2>/dev/null)
CDS_STAMP := build/cds-stamps/$(subst /,_,$(or $(JAVA_REAL),$(JAVA)))
JAR ?= jar
MVN ?= mvn
# Quiet by default: one line per step. `make V=1` also shows every command in full.
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif
# Maven colours its output even in batch mode (a bare ESC[0m before [ERROR]): strip every escape sequence.
MVN_FLAGS := -q -B -Dstyle.color=never
NO_ESCAPES := sed -u 's/\x1b\[[0-9;]*[A-Za-z]//g'
# -XDstringConcat=inline: string + compiles to StringBuilder calls, not invokedynamic, which spins up
# method-handle classes at every JVM start (~50 ms for a CLI call).
JAVAC_FLAGS := --release 17 -Xlint:all -Werror -encoding UTF-8 -XDstringConcat=inline

# Pinned jars: coordinates in tools/pom.xml, checksums in tools/jars.sha256 (one list each, kept in step).
MAIN_JARS := lib/commons-cli-1.11.0.jar lib/slf4j-api-2.0.17.jar \
             lib/logback-core-1.5.38.jar lib/logback-classic-1.5.38.jar lib/HdrHistogram-2.2.2.jar
TEST_JARS := lib/junit-platform-console-standalone-6.0.3.jar lib/assertj-core-3.27.7.jar \
             lib/byte-buddy-1.18.3.jar lib/jqwik-api-1.9.3.jar lib/jqwik-engine-1.9.3.jar
empty :=
space := $(empty) $(empty)
MAIN_CLASSPATH := $(subst $(space),:,$(MAIN_JARS))
TEST_CLASSPATH := build/trustctl.jar:$(subst $(space),:,$(MAIN_JARS) $(TEST_JARS))

MAIN_SRC := $(shell find java/main -name '*.java')
MAIN_RES := $(shell find java/resources -type f)
TEST_SRC := $(shell find java/test -name '*.java')
# The rest of java/test (META-INF/services: the listener that says why tests did not run) goes with the classes.
TEST_RES := $(shell find java/test -type f ! -name '*.java')

.PHONY: all help jars compile test test-junit test-shell prereqs run install bench bench-startup bench-scale bench-pinning bench-hostile bench-engines practice proof proof-check soak fuzz clean shellcheck

all: build/trustctl.jar $(CDS_STAMP) ## fetch jars, compile, package and build the start-up archive

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

jars: lib/.verified ## fetch the pinned jars and verify their SHA-256

lib/.verified: tools/pom.xml tools/jars.sha256 $(MAIN_JARS) $(TEST_JARS)
	@rm -f $@ # a failed check is checked again next time, whatever the jars' dates
	@command -v $(MVN) >/dev/null || { echo "make: Maven (mvn) is needed to fetch the pinned jars: apt-get install -y maven" >&2; exit 1; }
	@if ! sha256sum --quiet -c tools/jars.sha256 >/dev/null 2>&1; then \
	  echo "fetch   pinned jars into lib/ (Maven)"; \
	  $(MVN) $(MVN_FLAGS) -f tools/pom.xml dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/lib 2>&1 | $(NO_ESCAPES); \
	fi
	@sha256sum --quiet -c tools/jars.sha256 || { echo "make: a jar in lib/ is missing or does not match tools/jars.sha256: refusing to use it" >&2; exit 1; }
	@touch $@

# A pinned jar that went missing is made by the rule above (fetched, then checked), not taken as verified still.
$(MAIN_JARS) $(TEST_JARS):

compile: build/main.stamp ## compile the main sources

# Each tree compiles into a fresh folder that replaces the old one only when javac succeeded, so a test run
# reading build/classes never sees a half-emptied folder.
build/main.stamp: lib/.verified $(MAIN_SRC) $(MAIN_RES)
	@echo "javac   java/main ($(words $(MAIN_SRC)) files) -> build/classes/main"
	@rm -rf build/classes/main.new && mkdir -p build/classes/main.new
	$(Q)$(JAVAC) $(JAVAC_FLAGS) -cp $(MAIN_CLASSPATH) -d build/classes/main.new $(MAIN_SRC)
	@cp -r java/resources/. build/classes/main.new/
	@rm -rf build/classes/main && mv build/classes/main.new build/classes/main
	@touch $@

# A jar, not a class folder: the AppCDS archive can only hold classes that come from jars.
build/trustctl.jar: build/main.stamp
	@echo "jar     $@"
	@printf 'Class-Path: %s\n' "$(subst lib/,../lib/,$(MAIN_JARS))" > build/manifest.txt
	$(Q)$(JAR) --create --file $@.new --manifest build/manifest.txt -C build/classes/main .
	@mv $@.new $@ # a running JVM keeps reading the old jar rather than one rewritten under it

# One archive per JDK, one stamp per JDK: the launchers use an archive only with the java that made it, and
# running under another JDK (make test JAVA=...) trains that one's without touching the first's.
$(CDS_STAMP): build/trustctl.jar build/cds-training.jar tools/train-cds
	@echo "cds     start-up archive for $(or $(JAVA_REAL),$(JAVA)) -> build/cds/"
	$(Q)tools/train-cds
	@mkdir -p $(@D) && touch $@

# The archive's training run is build tooling, kept out of java/main and the jar the launchers run: a jar of its
# own (the JDK 24+ AOT cache takes no class folder on its class path) that only tools/train-cds puts on it.
build/cds-training.jar: tools/CdsTraining.java build/trustctl.jar
	@echo "javac   tools/CdsTraining.java -> $@"
	@rm -rf build/classes/tools && mkdir -p build/classes/tools
	$(Q)$(JAVAC) $(JAVAC_FLAGS) -cp build/trustctl.jar:$(MAIN_CLASSPATH) -d build/classes/tools tools/CdsTraining.java
	$(Q)$(JAR) --create --file $@ -C build/classes/tools .

build/test.stamp: build/trustctl.jar $(TEST_SRC) $(TEST_RES)
	@echo "javac   java/test ($(words $(TEST_SRC)) files) -> build/classes/test"
	@rm -rf build/classes/test.new && mkdir -p build/classes/test.new
	$(Q)$(JAVAC) $(JAVAC_FLAGS) -cp $(TEST_CLASSPATH) -d build/classes/test.new $(TEST_SRC)
	@cd java/test && find . -type f ! -name '*.java' -exec cp --parents {} ../../build/classes/test.new/ \; # SkipReasons
	@rm -rf build/classes/test && mv build/classes/test.new build/classes/test
	@touch $@

prereqs: ## check (and as root install) nc, ss and jq
	@tools/prereqs

test: all prereqs test-junit test-shell ## JUnit tests, then the 22 bash tests

test-junit: build/test.stamp ## the JUnit tests only
	@echo "junit   every *Test class in java/test (soft open-file limit raised to the hard one: $$(ulimit -Hn))"
	@# tools/c-messages: tests classify real kernel errors in-process, so the texts must be English (LC_MESSAGES=C).
	@# The soft fd limit goes up to the hard one, as the launcher does for the server: the 10 000-client test holds
	@# both ends of every connection in this JVM and its server. A test that did not run is listed with its reason.
	$(Q)ulimit -Sn "$$(ulimit -Hn)" 2>/dev/null || true; tools/c-messages $(JAVA) -jar lib/junit-platform-console-standalone-6.0.3.jar execute --fail-if-no-tests \
	  --disable-banner --disable-ansi-colors --details=summary --details-theme=ascii \
	  --config=jqwik.reporting.onlyfailures=true --config=jqwik.database=build/jqwik-database \
	  -cp build/classes/test:$(TEST_CLASSPATH) --scan-classpath build/classes/test

# IO=threads runs the bash tests' servers on the thread-per-client engine instead of the default event loop,
# IO=virtual on virtual threads (Java 21+: JAVA=... or JAVA_HOME=... picks the JDK).
IO ?= loop
test-shell: all prereqs ## the 12 CLI and 10 echo bash tests (IO=threads, IO=virtual: on that engine)
	@TEST_IO=$(IO) tests/run

# PORT unset: the server's own choice (server.port in $$TRUST_HOME/config, else 9900).
run: all ## serve in the foreground on PORT=..., else server.port from the config, else 9900; Ctrl-C stops it
	@echo "make run: trustctl echo-server$(if $(PORT), --port $(PORT)); Ctrl-C stops it and prints a summary"
	$(Q)./trustctl echo-server $(if $(PORT),--port $(PORT))

install: all ## link trustctl, echo-client, echo-load-test into ~/.local/bin
	@mkdir -p $(HOME)/.local/bin
	@for f in trustctl echo-client echo-load-test; do ln -sf "$(CURDIR)/$$f" "$(HOME)/.local/bin/$$f"; done
	@echo "linked into $(HOME)/.local/bin (put it on PATH if it is not)"

bench: all ## loop, threads, virtual engines, Netty, C ref; S1-S6, S4L-S6L, 3 pinned rounds; medians, ratios, targets, chart (15-20 min; bounded, see tools/bench/run-bench)
	@tools/bench/run-bench

bench-startup: all ## start-up of trustctl --version, status, echo-client as ratios to a bare JVM (target 2.2x); each engine to its first echo
	@tools/bench/startup

bench-scale: all ## RSS per idle connection at 10 000 and peak threads/RSS in S4-S6: loop, threads, virtual, Netty (2-4 min, bounded)
	@tools/bench/scale

bench-pinning: all ## --io virtual under load with JFR: zero jdk.VirtualThreadPinned events (Java 21+; ~30 s)
	@tools/bench/pinning

bench-hostile: all ## 400 hostile clients then a legitimate one, against each engine's defaults (~1 min)
	@tools/bench/hostile

# Every bench of the three engines, then their one table in tools/bench/RESULTS.md (and the chart, by make bench).
# make bench-engines JAVA=/path/to/jdk-21+/bin/java runs all three engines on that one JDK.
bench-engines: all ## scale, hostile, start-up, pinning, then bench; redraws the three-engine table and chart (25-30 min)
	@tools/bench/scale
	@tools/bench/hostile
	@tools/bench/startup
	@tools/bench/pinning
	@tools/bench/run-bench
	@python3 tools/bench/engines-table.py

soak: all ## bounded soak (SOAK_SECONDS, default 60): mixed clients, then fds/threads/heap checked
	@tools/soak

# SEED=... replays a run, FUZZ_SESSION=N one session of it alone; FUZZ_IO lists the engines, FUZZ_CLIENTS the
# clients at once on each, FUZZ_RSS_MIB the bound on the server's resident memory.
FUZZ_SECONDS ?= 60
FUZZ_IO ?= loop threads
FUZZ_CLIENTS ?= 8
FUZZ_RSS_MIB ?= 256
fuzz: all build/test.stamp ## randomized clients against a server process per engine, FUZZ_SECONDS=60 in all; SEED=... replays
	@tools/c-messages $(JAVA) -cp build/classes/test:$(TEST_CLASSPATH) dev.trustctl.fuzz.Fuzzer \
	  --seconds $(FUZZ_SECONDS) --io "$(FUZZ_IO)" --clients $(FUZZ_CLIENTS) --rss-mib $(FUZZ_RSS_MIB) \
	  $(if $(SEED),--seed $(SEED)) $(if $(FUZZ_SESSION),--only $(FUZZ_SESSION))

practice: all prereqs ## the quest's 14 steps verbatim (PORT=... to move off 9900): a transcript, every result checked
	@tools/practice

proof: all prereqs ## run practice and make test, then regenerate PROOF.md from that run
	@tools/proof

proof-check: ## fail when PROOF.md is stale: code, tests or tools changed since the commit it names
	@tools/proof --check

shellcheck: ## lint the bash harness and scripts
	shellcheck -x trustctl echo-client echo-load-test tools/launch tools/prereqs tools/train-cds tools/practice \
	  tools/proof tools/soak tools/bench/run-bench tools/bench/startup tools/bench/scale tools/bench/pinning tools/bench/hostile tools/bench/overhead tools/bench/ab-core tools/bench/ab-startup tools/bench/fairness \
	  tools/bench/profile tests/run tests/*.sh tests/*/*.sh .ci/run

clean: ## remove build output (lib/ stays)
	$(Q)rm -rf build
