package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.core.Appender;
import dev.trustctl.Main;
import dev.trustctl.testing.StrictJson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log file as processes share it: never written through a symbolic link, rolled under a lock by whichever
 * process finds it too big, and a server's next line lands in the new file whoever rolled; rolled files 0600.
 */
class LogFileTest {
    private static final Logger LOG = LoggerFactory.getLogger("log-file-test");
    private static final LogSettings SMALL = new LogSettings(8 * 1024, 3, 0, 0, 0);

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop();
    }

    private Path logs() {
        return home.resolve("logs");
    }

    private Path file(String suffix) {
        return logs().resolve(Log.FILE_NAME + suffix);
    }

    static List<Map<String, Object>> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(StrictJson::object).toList();
    }

    static List<Object> events(Path file) throws IOException {
        return lines(file).stream().map(l -> l.get("event")).toList();
    }

    @Test
    void aLogFileThatIsASymbolicLinkIsNeverWrittenThrough() throws IOException {
        Files.createDirectories(logs());
        Path victim = Files.writeString(home.resolve("victim"), "precious\n");
        Files.createSymbolicLink(file(""), victim);
        assertThatThrownBy(() -> Log.start(logs(), false)).hasMessageContaining("symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
    }

    @Test
    void aLinkSwappedInWhileTheServerRunsIsNotFollowed() throws IOException {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Log.start(logs(), true, SMALL, new PrintStream(stderr, true, StandardCharsets.UTF_8));
        LOG.atInfo().setMessage("before").log();
        assertThat(Log.flush(5000)).isTrue();
        Path victim = Files.writeString(home.resolve("victim"), "precious\n");
        Files.move(file(""), home.resolve("moved-away"));
        Files.createSymbolicLink(file(""), victim);
        long lost = Log.linesLost();
        LOG.atInfo().setMessage("after").log();
        assertThat(Log.flush(5000)).isTrue();
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(Log.linesLost()).isEqualTo(lost + 1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).as("said once, on stderr")
                .isEqualTo("trustctl: cannot write the log " + file("") + ": is a symbolic link: trustctl never writes"
                        + " through one; remove it; lines are lost (and counted) until it can\n");
    }

    @Test
    void aLogsDirectoryThatIsASymbolicLinkIsRefused() throws IOException {
        Path elsewhere = Files.createDirectory(home.resolve("elsewhere"));
        Files.createSymbolicLink(logs(), elsewhere);
        assertThatThrownBy(() -> Log.start(logs(), false)).hasMessageContaining("symbolic link")
                .hasMessageContaining(logs().toString());
        try (var left = Files.list(elsewhere)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aLogsDirectoryOthersCanWriteInIsRefusedWithWhatToDo() throws IOException {
        Files.createDirectory(logs(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(logs(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> Log.start(logs(), false))
                .hasMessage("logs directory " + logs() + " is writable by group or others (rwxrwxrwx): run chmod go-w "
                        + logs());
    }

    @Test
    void aLogsDirectoryOfAnotherUserIsRefused() throws IOException {
        Files.createDirectory(logs());
        try {
            Files.setAttribute(logs(), "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException notRoot) {
            Assumptions.abort("needs root to give a directory away: " + notRoot);
        }
        assertThatThrownBy(() -> Log.start(logs(), false)).hasMessageContaining("belongs to uid 4321, not to you");
    }

    @Test
    void rolledFilesAreOwnerOnlyEvenOnesAnOlderVersionLeftReadable() throws IOException {
        Files.createDirectories(logs());
        Files.writeString(file(".1"), "{\"event\":\"old\"}\n");
        Files.setPosixFilePermissions(file(".1"), PosixFilePermissions.fromString("rw-r--r--"));
        Log.start(logs(), false, SMALL, System.err);
        for (int i = 0; i < 200; i++) {
            LOG.atInfo().setMessage("filler").addKeyValue("pad", "x".repeat(100)).log();
        }
        for (String suffix : new String[] {"", ".1", ".2", ".3"}) {
            assertThat(file(suffix)).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file(suffix)))).as(suffix)
                    .isEqualTo("rw-------");
        }
        assertThat(file(".4")).doesNotExist();
    }

    /** The case: a server idle, the log past its limit, and a CLI call (another process) rolls it. */
    @Test
    @Timeout(60)
    void afterAnotherProcessRollsTheLogTheServersNextLineLandsInTheNewFile() throws Exception {
        Log.start(logs(), true, SMALL, System.err);
        LOG.atInfo().setMessage("server_start").addKeyValue("port", 9900).addKeyValue("pid", 42).log();
        assertThat(Log.flush(5000)).isTrue();
        Files.writeString(file(""), ("{\"event\":\"filler\",\"pad\":\"" + "x".repeat(100) + "\"}\n").repeat(100),
                StandardOpenOption.APPEND);
        // A short command that logs events of its own writes through the same locked, rolling log file.
        Child.Result version = Child.trustctl(home, Map.of("trustctl.log.max_bytes", "8192"), "echo-client",
                "--help");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(events(file(".1"))).startsWith("server_start").endsWith("command_done");
        assertThat(file("")).isEmptyFile(); // the CLI rolled after its own line: nothing new has been logged yet

        LOG.atInfo().setMessage("conn_open").addKeyValue("conn_id", 1).log();
        assertThat(Log.flush(5000)).isTrue();
        List<Map<String, Object>> fresh = lines(file(""));
        assertThat(fresh).extracting(l -> l.get("event")).containsExactly("log_continued", "conn_open");
        assertThat(fresh.get(0)).containsEntry("pid", BigDecimal.valueOf(42))
                .containsEntry("port", BigDecimal.valueOf(9900)).containsKey("server_start_ts");
        assertThat(events(file(".1"))).doesNotContain("conn_open");
    }

    @Test
    @Timeout(30)
    void aProcessThatKeepsTheLockDelaysOneWriteButNeverStopsTheLog() throws Exception {
        Log.start(logs(), false, SMALL, System.err);
        Process holder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                Child.classPath(), LockHolderChild.class.getName(), logs().resolve(LogFile.LOCK_NAME).toString()).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8)).readLine()).isEqualTo("locked true");
            long started = System.nanoTime();
            LOG.atInfo().setMessage("while_locked").log();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(millis).isBetween(LogFile.LOCK_WAIT_MILLIS, LogFile.LOCK_WAIT_MILLIS + 5000);
            started = System.nanoTime();
            LOG.atInfo().setMessage("still_locked").log();
            assertThat((System.nanoTime() - started) / 1_000_000).as("no second wait").isLessThan(LogFile.LOCK_WAIT_MILLIS);
            assertThat(events(file(""))).containsExactly("while_locked", "still_locked");
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }

    @Test
    void twoWritersTakingTurnsLeaveOnlyWholeLines() throws Exception {
        Log.start(logs(), true, new LogSettings(64 * 1024, 3, 0, 0, 0), System.err);
        Thread server = new Thread(() -> {
            for (int i = 0; i < 3000; i++) {
                LOG.atInfo().setMessage("frame_echo").addKeyValue("conn_id", 1).addKeyValue("n", i).log();
            }
        });
        server.start();
        Child.Result r = Child.trustctl(home, Map.of("trustctl.log.max_bytes", "65536"), "version");
        server.join();
        assertThat(Log.flush(5000)).isTrue();
        assertThat(r.code()).isZero();
        long echoes = 0;
        boolean sawCli = false;
        for (String suffix : new String[] {"", ".1", ".2", ".3"}) {
            if (Files.exists(file(suffix))) {
                for (Map<String, Object> line : lines(file(suffix))) { // StrictJson fails on any torn line
                    echoes += "frame_echo".equals(line.get("event")) ? 1 : 0;
                    sawCli |= "command_done".equals(line.get("event"));
                }
            }
        }
        assertThat(sawCli).isTrue();
        assertThat(echoes).isGreaterThan(0);
    }

    /** Runs trustctl's Main in a JVM of its own: another process, as a CLI call next to a server is. */
    static final class Child {
        /** Where trustctl, its jars and these tests were loaded from (the console launcher's -cp is not ours). */
        static String classPath() {
            StringBuilder path = new StringBuilder();
            for (Class<?> c : new Class<?>[] {Main.class, LogFileTest.class, Logger.class,
                    Level.class, Appender.class,
                    org.apache.commons.cli.Options.class}) {
                try {
                    path.append(path.length() == 0 ? "" : ":")
                            .append(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return path.toString();
        }

        record Result(int code, String out, String err) {
        }

        static Result trustctl(Path trustHome, Map<String, String> properties, String... args) throws Exception {
            return java(trustHome, properties, Map.of(), "dev.trustctl.Main", args);
        }

        static Result java(Path trustHome, Map<String, String> properties, Map<String, String> env, String main,
                           String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse("java"), "-cp", classPath()));
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add(main);
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("TRUST_HOME", trustHome.toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            errReader.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            errReader.join();
            return new Result(code, out, err.toString(StandardCharsets.UTF_8));
        }
    }
}
