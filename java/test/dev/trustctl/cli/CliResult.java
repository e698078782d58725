package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** What one in-process {@code trustctl} call did: its exit code and everything it printed. */
record CliResult(int code, String out, String err) {

    /** Runs {@code trustctl ARGS} in this JVM with {@code env} as its whole environment. */
    static CliResult run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new TrustCtl(new Terminal(o, e, env)).run(args);
        } finally {
            Log.stop(); // as Main does: a log left running outlives its folder, and later tests' lines would fail there
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code trustctl ARGS} with {@code TRUST_HOME} set to {@code home} and nothing else. */
    static CliResult run(Path home, String... args) {
        return run(Map.of("TRUST_HOME", home.toString()), args);
    }

    /** Exactly one line on stderr, {@code Error: LINE}, and that exit code. */
    void isOneLineError(int expectedCode, String expectedLine) {
        assertThat(err).as("stderr").isEqualTo("Error: " + expectedLine + "\n");
        assertThat(code).as(err).isEqualTo(expectedCode);
    }
}
