package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short commands' fast path, through the real launcher: setting logback up costs a short call two thirds of
 * its start-up, so a bookkeeping command must never do it (a static logger in any command class would: every
 * call makes every command). Time itself is measured by {@code make bench-startup}, not here.
 */
class FastStartTest {
    @TempDir
    Path home;

    private String classesLoadedBy(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "./trustctl";
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TRUST_HOME", home.toString());
        // JDK 24+: the launcher's AOT cache loads every class it holds at start-up, used or not (JEP 483), so
        // only without it does a loaded class say what the code asked for.
        pb.environment().put("TRUSTCTL_JAVA_OPTS",
                "-Xlog:class+load=info" + (Runtime.version().feature() >= 24 ? " -XX:AOTMode=off" : ""));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void versionAndStatusNeverSetUpLogback() throws Exception {
        for (String[] args : new String[][] {{"--version"}, {"version"}, {"status"}}) {
            String loaded = classesLoadedBy(args);
            assertThat(loaded).as(String.join(" ", args)).contains("dev.trustctl.cli.TrustCtl")
                    .doesNotContain("ch.qos.logback.classic.util.ContextInitializer");
        }
    }

    @Test
    void theLoadTestsHistogramIsLoadedOnlyWhenARunStarts() throws Exception {
        for (String[] args : new String[][] {{"--version"}, {"status"}, {"echo-load-test", "--help"}}) {
            assertThat(classesLoadedBy(args)).as(String.join(" ", args)).contains("dev.trustctl.cli.TrustCtl")
                    .doesNotContain("org.HdrHistogram");
        }
    }

    @Test
    void versionSpinsUpNoLambdaAndNoVarHandle() throws Exception {
        // Each is milliseconds of a call that takes a hundred: a lambda's first use generates classes, a VarHandle
        // (LongAdder's, say) initialises the method-handle machinery. --version once paid for both, unnoticed.
        assumeTrue(Runtime.version().feature() < 24, "on JDK 24+ the JDK's own start-up code (ProcessImpl, ZoneOffset)"
                + " uses lambdas and VarHandles, which its AOT cache makes cheap: the check is for JDK 17-23's CDS");
        assertThat(classesLoadedBy("--version")).contains("dev.trustctl.cli.TrustCtl")
                .doesNotContain("java.lang.invoke.LambdaMetafactory", "java.lang.invoke.VarHandles");
    }

    @Test
    void echoClientDoesSetItUp() throws Exception {
        // The check above can fail: a command that logs events of its own loads exactly that class.
        assertThat(classesLoadedBy("echo-client", "--help")).contains("ch.qos.logback.classic.util.ContextInitializer");
    }
}
