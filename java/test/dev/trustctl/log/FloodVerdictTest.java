package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines the flood limit would hold back are not even made: the thread that logs asks the log's
 * {@link FloodVerdict} first, as each connection asks the one its server was handed.
 * Nothing is lost from the record: every line is either written or counted in log_suppressed, and a connection's
 * first lines are always written.
 */
class FloodVerdictTest {
    private static final Logger LOG = LoggerFactory.getLogger("throttle-test");
    private static final int FRAMES = 20_000;

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop();
    }

    /** What ConnectionEvents does for each echo: ask, then log only if not skipped. */
    private static boolean frame(FloodVerdict verdict, int conn, long n) {
        if (verdict.skips("frame_echo", n)) {
            return false;
        }
        LOG.atInfo().setMessage("frame_echo").addKeyValue("conn_id", conn).addKeyValue("n", n).log();
        return true;
    }

    @Test
    @Timeout(60)
    void aFloodIsSkippedAtTheSourceAndEveryLineIsWrittenOrCounted() throws Exception {
        Path logs = home.resolve("logs");
        Log.start(logs, true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 100, 10, 5), System.err);
        FloodVerdict verdict = Log.floodVerdict();
        long suppressedBefore = Log.linesSuppressed();
        int skipped = 0;
        for (long n = 1; n <= FRAMES; n++) {
            skipped += frame(verdict, 1, n) ? 0 : 1;
            if (n % 1000 == 0) {
                assertThat(Log.flush(5000)).isTrue(); // lets the writer pass its verdict back, as it does every 2 ms
            }
        }
        for (long n = 1; n <= 5; n++) {
            assertThat(frame(verdict, 2, n)).as("a second connection's first lines: skipped only once the bucket is empty")
                    .isTrue();
        }
        LOG.atInfo().setMessage("server_stop").log();
        assertThat(Log.flush(5000)).isTrue();
        assertThat(skipped).as("lines never made").isPositive();

        List<Map<String, Object>> lines = LogFileTest.lines(logs.resolve(Log.FILE_NAME));
        long written = lines.stream().filter(l -> "frame_echo".equals(l.get("event"))).count();
        long said = lines.stream().filter(l -> "log_suppressed".equals(l.get("event"))
                && "frame_echo".equals(l.get("suppressed_event")))
                .mapToLong(l -> ((BigDecimal) l.get("suppressed")).longValue()).sum();
        assertThat(written + said).as("written or counted, every one").isEqualTo(FRAMES + 5);
        assertThat(Log.linesSuppressed() - suppressedBefore).isEqualTo(said);
        assertThat(lines.stream().filter(l -> "frame_echo".equals(l.get("event"))
                && new BigDecimal(2).equals(l.get("conn_id")))).hasSize(5);
    }

    /** A storm of connections empties the bucket: then even a connection's first line is skipped, and counted. */
    @Test
    @Timeout(60)
    void onceTheBucketIsEmptyFirstLinesAreSkippedTooAndCounted() throws Exception {
        Path logs = home.resolve("logs");
        Log.start(logs, true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 20, 1, 5), System.err);
        FloodVerdict verdict = Log.floodVerdict();
        int skipped = 0;
        for (int conn = 1; conn <= 2000; conn++) {
            if (verdict.skips("conn_open", 1)) {
                skipped++;
            } else {
                LOG.atInfo().setMessage("conn_open").addKeyValue("conn_id", conn).log();
            }
            if (conn % 100 == 0) {
                assertThat(Log.flush(5000)).isTrue();
            }
        }
        LOG.atInfo().setMessage("server_stop").log();
        assertThat(Log.flush(5000)).isTrue();
        assertThat(skipped).as("first lines skipped once nothing would pass").isPositive();
        List<Map<String, Object>> lines = LogFileTest.lines(logs.resolve(Log.FILE_NAME));
        long written = lines.stream().filter(l -> "conn_open".equals(l.get("event"))).count();
        long said = lines.stream().filter(l -> "log_suppressed".equals(l.get("event")))
                .mapToLong(l -> ((BigDecimal) l.get("suppressed")).longValue()).sum();
        assertThat(written + said).isEqualTo(2000);
    }
}
