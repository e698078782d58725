package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.trustctl.testing.StrictJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The flood limit on its own, with made-up clocks: what passes, what is held back, and how that is said. */
class FloodLimitTest {
    private static final LogSettings SETTINGS = new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 100, 10, 5);

    @TempDir
    Path home;

    private static LoggingEvent event(String name, long millis, Integer connId) {
        LoggingEvent e = new LoggingEvent();
        e.setLevel(Level.INFO);
        e.setMessage(name);
        e.setTimeStamp(millis);
        if (connId != null) {
            e.setKeyValuePairs(new ArrayList<>(List.of(new KeyValuePair("conn_id", connId))));
        }
        return e;
    }

    @Test
    void oneFloodingConnectionGetsHalfTheBurstThenTheRateAndOthersStillGetTheirFirstLines() {
        FloodLimit limit = new FloodLimit(SETTINGS);
        int passed = 0;
        for (int i = 0; i < 10_000; i++) {
            passed += limit.admits(event("frame_echo", 1000, 1)) ? 1 : 0;
        }
        // 5 first lines from the whole bucket, then down to its upper half: 100 - 50 - 1 + ... = 50 in all
        assertThat(passed).isEqualTo(50);
        // the lower half, 50 lines, is the reserve: the first 5 lines of 10 more connections
        for (int conn = 2; conn <= 11; conn++) {
            for (int frame = 0; frame < 5; frame++) {
                assertThat(limit.admits(event("frame_echo", 1000, conn))).as("conn %d frame %d", conn, frame).isTrue();
            }
        }
        assertThat(limit.admits(event("frame_echo", 1000, 12))).as("the reserve is spent").isFalse();
        // a second later the bucket holds 10 more, and they go to the flood only above the reserve
        int later = 0;
        for (int i = 0; i < 1000; i++) {
            later += limit.admits(event("frame_echo", 2000, 1)) ? 1 : 0;
        }
        assertThat(later).isZero();
    }

    @Test
    void lifecycleEventsAlwaysPassAndOtherNamesHaveTheirOwnBucket() {
        FloodLimit limit = new FloodLimit(SETTINGS);
        for (int i = 0; i < 1000; i++) {
            limit.admits(event("frame_echo", 0, 1));
        }
        assertThat(limit.admits(event("server_start", 0, null))).isTrue();
        assertThat(limit.admits(event("server_stop", 0, null))).isTrue();
        assertThat(limit.admits(event("conn_close", 0, 1))).isTrue();
    }

    @Test
    void whatIsHeldBackIsSaidOncePerNameAndSecondWithItsCount() {
        FloodLimit limit = new FloodLimit(SETTINGS);
        long suppressed = Log.linesSuppressed();
        for (int i = 0; i < 1000; i++) {
            limit.admits(event("frame_echo", 5000, 1));
        }
        StringBuilder out = new StringBuilder();
        limit.say(5500, false, out);
        assertThat(out).as("not a second yet").isEmpty();
        limit.say(6000, false, out);
        Map<String, Object> line = StrictJson.object(out.toString().strip());
        assertThat(line).containsEntry("event", "log_suppressed").containsEntry("suppressed_event", "frame_echo")
                .containsEntry("suppressed", BigDecimal.valueOf(950)).containsEntry("level", "WARN")
                .containsEntry("window_ms", BigDecimal.valueOf(1000));
        assertThat(Log.linesSuppressed() - suppressed).isEqualTo(950);
        StringBuilder after = new StringBuilder();
        limit.say(9000, true, after);
        assertThat(after).as("all of it was said").isEmpty();
    }

    @Test
    void whatIsSkippedWhereLinesAreMadeIsSaidToo() {
        FloodLimit limit = new FloodLimit(SETTINGS);
        for (int i = 0; i < 1000; i++) {
            limit.admits(event("frame_echo", 5000, 1));
        }
        limit.say(5000, false, new StringBuilder()); // the writer's pass shows the bucket where lines are made
        assertThat(limit.skips("frame_echo", 6)).as("a later line of a connection").isTrue();
        assertThat(limit.skips("frame_echo", 1)).as("a first line: the reserve is still there").isFalse();
        assertThat(limit.skips("conn_open", 1)).as("another name").isFalse();
        StringBuilder out = new StringBuilder();
        limit.say(5000, true, out);
        assertThat(StrictJson.object(out.toString().strip())).containsEntry("suppressed", BigDecimal.valueOf(951));
        assertThat(limit.skips("frame_echo", 6)).as("nothing is skipped once the log stops").isFalse();
    }

    @Test
    void aBurstOfZeroTurnsTheLimitOff() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), System.err);
        try {
            assertThat(Log.floodVerdict()).isSameAs(FloodVerdict.NONE);
            for (int i = 0; i < 5000; i++) {
                LoggerFactory.getLogger("flood").atInfo().setMessage("frame_echo").addKeyValue("conn_id", 1).log();
            }
        } finally {
            Log.stop();
        }
        assertThat(Files.readAllLines(logs.resolve(Log.FILE_NAME))).hasSize(5000);
    }
}
