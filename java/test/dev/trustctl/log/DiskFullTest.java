package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.testing.StrictJson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, made real with {@code ulimit -f} (the kernel then writes what fits and fails the rest, as on
 * ENOSPC; the JVM ignores SIGXFSZ): no torn line is ever left, the loss is said once on stderr and counted,
 * and once the file can grow again the log says how many lines it lost.
 */
class DiskFullTest {
    private static final int LIMIT_KIB = 8;

    @TempDir
    Path home;

    @Test
    @Timeout(60)
    void aFullDiskLosesWholeLinesOnlySaysSoOnceAndCountsThem() throws Exception {
        Path logs = home.resolve("logs");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -f " + LIMIT_KIB + " && exec \"$@\"", "child",
                java, "-XX:-UsePerfData", "-Xshare:off", "-cp", LogFileTest.Child.classPath(),
                DiskFullChild.class.getName(), logs.toString());
        Process child = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                child.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the child ended
            }
        });
        errReader.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as(err.toString(StandardCharsets.UTF_8)).startsWith("lost ");
        long lost = Long.parseLong(first.substring(5));
        assertThat(lost).isPositive();

        Path full = logs.resolve(Log.FILE_NAME);
        String text = Files.readString(full);
        assertThat(text).endsWith("\n");
        assertThat(Files.size(full)).isLessThanOrEqualTo(LIMIT_KIB * 1024L);
        List<String> lines = Files.readAllLines(full);
        lines.forEach(StrictJson::object); // fails on a torn line
        assertThat((long) lines.size() + lost).isEqualTo(120);

        Files.move(full, home.resolve("full.log")); // space comes back: the file may grow again
        try (OutputStream in = child.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(out.readLine()).isEqualTo("lost " + lost);
        assertThat(child.waitFor()).isZero();
        errReader.join();

        List<Map<String, Object>> after = LogFileTest.lines(full);
        assertThat(after).extracting(l -> l.get("event"))
                .containsExactly("log_lines_lost", "after", "after", "after", "after", "after");
        assertThat(after.get(0)).containsEntry("lines", BigDecimal.valueOf(lost)).containsEntry("level", "WARN");
        List<String> said = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(said).hasSize(1);
        assertThat(said.get(0)).startsWith("trustctl: cannot write the log " + full + ": ").endsWith("; lines are lost (and counted) until it can");
    }
}
