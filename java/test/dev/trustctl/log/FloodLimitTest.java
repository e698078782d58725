package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flood limit on its own, with made-up clocks: what passes, what is held back, and how that is said. */
class FloodLimitTest {
    private static final LogSettings SETTINGS = new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 100, 10, 5);

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop();
    }

    @Test
    void oneFloodingConnectionGetsHalfTheBurstThenTheRateAndOthersStillGetTheirFirstLines() {
        FloodLimit limit = new FloodLimit(SETTINGS);
        int passed = 0;
        for (int i = 0; i < 10_000; i++) {
            passed += limit.admits("frame_echo", 1, 1000) ? 1 : 0;
        }
        // 5 first lines from the whole bucket, then down to its upper half: 100 - 50 - 1 + ... = 50 in all
        assertThat(passed).isEqualTo(50);
        // the lower half, 50 lines, is the reserve: the first 5 lines of 10 more connections
        for (int conn = 2; conn <= 11; conn++) {
            for (int frame = 0; frame < 5; frame++) {
                assertThat(limit.admits("frame_echo", conn, 1000)).as("conn %d frame %d", conn, frame).isTrue();
            }
        }
        assertThat(limit.admits("frame_echo", 12, 1000)).as("the reserve is spent").isFalse();
        // a second later the bucket holds 10 more, and they go to the flood only above the reserve
        int later = 0;
        for (int i = 0; i < 1000; i++) {
            later += limit.admits("frame_echo", 1, 2000) ? 1 : 0;
        }
        assertThat(later).isZero();
    }

    @Test
    void theVerdictHoldsBackUntilTheBucketHasRefilledAndNoLonger() {
        FloodLimit limit = new FloodLimit(SETTINGS);
        assertThat(limit.skips("frame_echo", 100, 0)).as("a name never seen").isFalse();
        for (int i = 0; i < 100; i++) {
            limit.admits("frame_echo", 1, 0);
        }
        // 50 tokens left, one under the later lines' floor of 51: 1 token at 10 a second is 100 ms
        assertThat(limit.skips("frame_echo", 6, 0)).isTrue();
        assertThat(limit.skips("frame_echo", 6, 99)).isTrue();
        assertThat(limit.skips("frame_echo", 6, 100)).isFalse();
        assertThat(limit.skips("frame_echo", 5, 0)).as("a connection's first lines: the reserve is there").isFalse();
        for (int conn = 2; conn < 100; conn++) {
            limit.admits("frame_echo", conn, 0);
        }
        assertThat(limit.skips("frame_echo", 1, 0)).as("the bucket is empty: even first lines").isTrue();
        assertThat(limit.skips("frame_echo", 1, 100)).isFalse();
    }

    @Test
    void lifecycleEventsAlwaysPassAndOtherNamesHaveTheirOwnBucket() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, true, SETTINGS, System.err);
        FloodLimit limit = (FloodLimit) Log.floodVerdict();
        for (int i = 0; i < 1000; i++) {
            limit.admits("frame_echo", 1, System.currentTimeMillis());
        }
        var log = org.slf4j.LoggerFactory.getLogger("flood-limit-test");
        for (int i = 0; i < 200; i++) {
            log.atInfo().setMessage("server_start").log();
            log.atInfo().setMessage("command_done").log();
        }
        assertThat(limit.admits("conn_close", 1, System.currentTimeMillis())).isTrue();
        Log.stop();
        assertThat(SharedFileTest.events(logs.resolve(Log.FILE_NAME))).filteredOn("server_start"::equals).hasSize(200);
    }

    @Test
    void whatIsHeldBackIsSaidOncePerNameAndSecondWithItsCount() throws IOException {
        Path logs = home.resolve("logs");
        Log.start(logs, false, SETTINGS, System.err); // a log with no limit of its own: this one says what it held back there
        FloodLimit limit = new FloodLimit(SETTINGS);
        long suppressed = Log.linesSuppressed();
        for (int i = 0; i < 1000; i++) {
            limit.admits("frame_echo", 1, 5000);
        }
        limit.sayHeld(5500, false); // not a second yet
        limit.sayHeld(6000, false);
        limit.sayHeld(9000, true); // nothing left to say
        Log.stop();
        List<Map<String, Object>> lines = SharedFileTest.lines(logs.resolve(Log.FILE_NAME));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).containsEntry("event", "log_suppressed").containsEntry("suppressed_event", "frame_echo")
                .containsEntry("suppressed", BigDecimal.valueOf(950)).containsEntry("window_ms", BigDecimal.valueOf(1000))
                .containsEntry("burst", BigDecimal.valueOf(100)).containsEntry("per_second", BigDecimal.valueOf(10))
                .containsEntry("level", "WARN");
        assertThat(Log.linesSuppressed() - suppressed).isEqualTo(950);
    }

    @Test
    void aBurstOfZeroTurnsTheLimitOff() throws IOException {
        Log.start(home.resolve("logs"), true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), System.err);
        assertThat(Log.floodVerdict()).isSameAs(FloodVerdict.NONE);
    }
}
