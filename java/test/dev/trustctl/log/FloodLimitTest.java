package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.trustctl.testing.StrictJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The flood limit on its own, with made-up clocks: what passes, what is held back, and how that is said. */
class FloodLimitTest {
    private static final LogSettings SETTINGS = new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 100, 10, 5);

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
        FloodLimit limit = new FloodLimit(SETTINGS, new LogCounters());
        int passed = 0;
        for (int i = 0; i < 10_000; i++) {
            passed += limit.admit(event("frame_echo", 1000, 1)) ? 1 : 0;
        }
        // 5 first lines from the whole bucket, then down to its upper half: 100 - 50 - 1 + ... = 50 in all
        assertThat(passed).isEqualTo(50);
        // the lower half, 50 lines, is the reserve: the first 5 lines of 10 more connections
        for (int conn = 2; conn <= 11; conn++) {
            for (int frame = 0; frame < 5; frame++) {
                assertThat(limit.admit(event("frame_echo", 1000, conn))).as("conn %d frame %d", conn, frame).isTrue();
            }
        }
        assertThat(limit.admit(event("frame_echo", 1000, 12))).as("the reserve is spent").isFalse();
        // a second later the bucket holds 10 more, and they go to the flood only above the reserve
        int later = 0;
        for (int i = 0; i < 1000; i++) {
            later += limit.admit(event("frame_echo", 2000, 1)) ? 1 : 0;
        }
        assertThat(later).isZero();
    }

    @Test
    void lifecycleEventsAlwaysPassAndOtherNamesHaveTheirOwnBucket() {
        FloodLimit limit = new FloodLimit(SETTINGS, new LogCounters());
        for (int i = 0; i < 1000; i++) {
            limit.admit(event("frame_echo", 0, 1));
        }
        assertThat(limit.admit(event("server_start", 0, null))).isTrue();
        assertThat(limit.admit(event("server_stop", 0, null))).isTrue();
        assertThat(limit.admit(event("conn_close", 0, 1))).isTrue();
    }

    @Test
    void whatIsHeldBackIsSaidOncePerNameAndSecondWithItsCount() {
        LogCounters counters = new LogCounters();
        FloodLimit limit = new FloodLimit(SETTINGS, counters);
        for (int i = 0; i < 1000; i++) {
            limit.admit(event("frame_echo", 5000, 1));
        }
        StringBuilder out = new StringBuilder();
        assertThat(limit.summaries(5500, false, out)).as("not a second yet").isZero();
        assertThat(limit.summaries(6000, false, out)).isEqualTo(1);
        Map<String, Object> line = StrictJson.object(out.toString().strip());
        assertThat(line).containsEntry("event", "log_suppressed").containsEntry("suppressed_event", "frame_echo")
                .containsEntry("suppressed", BigDecimal.valueOf(950)).containsEntry("level", "WARN");
        assertThat(counters.suppressed.sum()).isEqualTo(950);
        assertThat(limit.hasPending()).isFalse();
        assertThat(limit.summaries(9000, true, new StringBuilder())).isZero();
    }

    @Test
    void aBurstOfZeroTurnsTheLimitOff() {
        FloodLimit limit = new FloodLimit(new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), new LogCounters());
        for (int i = 0; i < 100_000; i++) {
            assertThat(limit.admit(event("frame_echo", 0, 1))).isTrue();
        }
    }
}
