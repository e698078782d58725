package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.trustctl.errors.ExitCode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Something other than a regular file where the log or its lock belongs: a FIFO (opening it to write blocked
 * every command for ever), a directory or a socket. A command that needs TRUST_HOME fails at once in one line
 * naming the file and what it is; the others run without their log line.
 */
class NotAFileLogTest {
    /** Far longer than any of these calls takes; a blocked open never returns at all. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path home;

    private Path logs() throws IOException {
        return Files.createDirectories(home.resolve("logs"));
    }

    private void make(String kind, Path where) throws Exception {
        switch (kind) {
            case "fifo" -> assertThat(new ProcessBuilder("mkfifo", where.toString()).start().waitFor()).isZero();
            case "directory" -> Files.createDirectory(where);
            case "socket" -> {
                try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    s.bind(UnixDomainSocketAddress.of(where)); // the socket file stays after the close
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    private CliResult run(String... args) {
        return assertTimeoutPreemptively(BOUND, () -> CliResult.run(home, args), "trustctl " + String.join(" ", args));
    }

    @ParameterizedTest
    @CsvSource({"fifo, a FIFO (named pipe)", "directory, a directory", "socket, a socket"})
    void aLogThatIsNotARegularFileFailsAtOnceSayingWhatItIs(String kind, String what) throws Exception {
        make(kind, logs().resolve("trustctl.log"));
        String line = "cannot write the log in " + logs() + ": trustctl.log is " + what
                + ", not a regular file: trustctl never opens one; remove it";
        run("status").isOneLineError(ExitCode.FAILURE, line);
        run("echo-server", "--port", "1").isOneLineError(ExitCode.FAILURE, line);
        CliResult version = run("version");
        assertThat(version.out()).isEqualTo("trustctl " + VersionCommand.VERSION + "\n");
        assertThat(version.code()).isEqualTo(ExitCode.OK);
    }

    @ParameterizedTest
    @CsvSource({"fifo, a FIFO (named pipe)", "directory, a directory", "socket, a socket"})
    void aLockFileThatIsNotARegularFileFailsTheServerAtOnce(String kind, String what) throws Exception {
        make(kind, logs().resolve(".trustctl.log.lock"));
        run("echo-server", "--port", "1").isOneLineError(ExitCode.FAILURE, "cannot write the log in " + logs()
                + ": .trustctl.log.lock is " + what + ", not a regular file: trustctl never opens one; remove it");
    }

    /** Through the real launcher, as a user types it: the fast path must not open the log in a blocking way either. */
    @Test
    void theLauncherStartsAndEndsWithAFifoAsTheLog() throws Exception {
        make("fifo", logs().resolve("trustctl.log"));
        for (String args : new String[] {"--version", "version", "status"}) {
            ProcessBuilder pb = new ProcessBuilder(("./trustctl " + args).split(" ")).redirectErrorStream(true);
            pb.environment().put("TRUST_HOME", home.toString());
            Process p = pb.start();
            if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("trustctl " + args + " still running after " + BOUND.toSeconds() + " s (killed)");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isEqualTo(args.equals("status") ? ExitCode.FAILURE : ExitCode.OK);
        }
    }
}
