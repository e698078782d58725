package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flood, 300 000 empty frames on one connection, through a server's queued log with the default
 * limits: server_start survives, another client's frames are still there with their request_id, and what was
 * held back is counted. And however often the file rolls, each new file starts with server_start's fields.
 */
class FloodTest {
    private static final Logger LOG = LoggerFactory.getLogger("flood-test");

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop();
    }

    private List<Map<String, Object>> allLines(Path logs) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String suffix : new String[] {".3", ".2", ".1", ""}) {
            Path f = logs.resolve(Log.FILE_NAME + suffix);
            if (Files.exists(f)) {
                lines.addAll(LogFileTest.lines(f));
            }
        }
        return lines;
    }

    private static void frame(int conn, int n) {
        LOG.atInfo().setMessage("frame_echo").addKeyValue("request_id", "run-" + conn + "-" + n)
                .addKeyValue("conn_id", conn).addKeyValue("bytes", 0).log();
    }

    @Test
    @Timeout(120)
    void aFloodFromOneClientCannotEraseServerStartNorAnotherClientsFrames() throws IOException {
        Path logs = home.resolve("logs");
        LogSettings defaults = LogSettings.defaults();
        // Files of 256 KiB instead of 10 MiB: were the flood written, it would roll all of them away 30 times over.
        Log.start(logs, true, new LogSettings(256 * 1024, defaults.keepFiles(), defaults.burst(),
                defaults.perSecond(), defaults.firstPerConnection()), System.err);
        long suppressedBefore = Log.linesSuppressed();
        LOG.atInfo().setMessage("server_start").addKeyValue("port", 9900).addKeyValue("pid", 7).log();
        for (int n = 1; n <= 300_000; n++) {
            frame(1, n);
            if (n == 150_000) {
                for (int m = 1; m <= 3; m++) {
                    frame(2, m);
                }
            }
        }
        LOG.atInfo().setMessage("server_stop").log();
        assertThat(Log.flush(30_000)).isTrue();
        Log.stop();

        List<Map<String, Object>> lines = allLines(logs);
        assertThat(lines).extracting(l -> l.get("event")).contains("server_start").endsWith("log_suppressed",
                "server_stop");
        assertThat(lines).filteredOn(l -> "frame_echo".equals(l.get("event")))
                .extracting(l -> l.get("request_id")).contains("run-2-1", "run-2-2", "run-2-3", "run-1-1");
        long said = lines.stream().filter(l -> "log_suppressed".equals(l.get("event")))
                .mapToLong(l -> ((BigDecimal) l.get("suppressed")).longValueExact()).sum();
        assertThat(said).isEqualTo(Log.linesSuppressed() - suppressedBefore).isGreaterThan(250_000);
        assertThat(logs.resolve(Log.FILE_NAME + ".3")).doesNotExist();
    }

    @Test
    void everyFileARollStartsBeginsWithServerStartsFields() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, true, new LogSettings(4096, 3, 0, 0, 0), System.err);
        LOG.atInfo().setMessage("server_start").addKeyValue("port", 9900).addKeyValue("pid", 7).log();
        for (int n = 1; n <= 400; n++) {
            frame(1, n);
            if (n % 20 == 0) {
                assertThat(Log.flush(5000)).isTrue(); // a roll is looked at after each write: keep writes small
            }
        }
        frame(1, 401); // the file rolled to last is still empty: the header comes with its first line
        assertThat(Log.flush(10_000)).isTrue();
        for (String suffix : new String[] {"", ".1", ".2", ".3"}) {
            Map<String, Object> first = LogFileTest.lines(logs.resolve(Log.FILE_NAME + suffix)).get(0);
            assertThat(first).as(suffix).containsEntry("event", "log_continued")
                    .containsEntry("port", BigDecimal.valueOf(9900))
                    .containsEntry("pid", BigDecimal.valueOf(7));
        }
    }
}
