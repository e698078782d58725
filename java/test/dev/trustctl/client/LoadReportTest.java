package dev.trustctl.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.LoadFailure;
import dev.trustctl.testing.StrictJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The load report's arithmetic (HdrHistogram's nearest-rank percentiles, pass/fail) and its JSON form. */
class LoadReportTest {
    private static final LoadSettings SETTINGS = new LoadSettings("127.0.0.1", 9900, 10, 10, 1, 32, false,
            Duration.ofSeconds(60), Duration.ofSeconds(5));

    @Test
    void percentilesAreNearestRankExactBelow2UsElseRoundedUpByAtMostATenthOfAPercent() {
        LoadReport exact = report(LongStream.rangeClosed(1, 100).map(i -> i * 10)); // 10 ns .. 1 us
        assertThat(exact.latencyMicros(50)).isEqualTo(0.5);
        assertThat(exact.latencyMicros(90)).isEqualTo(0.9);
        assertThat(exact.latencyMicros(99)).isEqualTo(0.99);
        assertThat(exact.latencyMicros(99.5)).isEqualTo(1.0);
        assertThat(exact.latencyMicros(100)).isEqualTo(1.0);
        assertThat(report(LongStream.of(7)).latencyMicros(99)).isEqualTo(0.007);
        LoadReport wide = report(LongStream.rangeClosed(1, 100).map(i -> i * 1_000_000)); // 1 .. 100 ms
        for (int p : new int[] {50, 90, 99, 100}) {
            assertThat(wide.latencyMicros(p)).isBetween(p * 1000.0, p * 1000.0 * 1.001);
        }
    }

    @Test
    void latenciesTakeAFixedSizeWhateverTheRunsLength() {
        Histogram day = LoadTest.latencyHistogram(Duration.ofDays(1)); // the longest --deadline
        long before = day.getEstimatedFootprintInBytes();
        LongStream.range(0, 1_000_000).forEach(i -> day.recordValue(1 + i * 86_400_000L)); // 1 ns .. a day
        assertThat(day.getEstimatedFootprintInBytes()).isEqualTo(before).isLessThan(320 * 1024);
        assertThat(day.getTotalCount()).isEqualTo(1_000_000);
    }

    @Test
    void aRunPassesOnlyWithEveryRoundTripAndNoFailure() {
        assertThat(report(100, Map.of()).passed()).isTrue();
        assertThat(report(99, Map.of()).passed()).isFalse();
        assertThat(report(100, Map.of(LoadFailure.RESET, 1L)).passed()).isFalse();
        assertThat(report(99, Map.of(LoadFailure.RESET, 1L, LoadFailure.TIMEOUT, 2L)).failed()).isEqualTo(3);
    }

    @Test
    void theJsonFormIsOneFlatObjectWithEveryFailureKind() {
        String json = report(98, Map.of(LoadFailure.RESET, 2L)).json();
        assertThat(json).doesNotContain("\n");
        Map<String, Object> fields = StrictJson.object(json);
        assertThat(fields).containsEntry("hold", false)
                .containsKeys("failed_connect", "failed_reset", "failed_timeout", "failed_closed", "failed_mismatch",
                        "failed_deadline", "failed_other", "elapsed_s", "rt_per_s", "p50_us", "p99_us", "max_us");
        assertThat(fields.get("expected")).isEqualTo(new BigDecimal("100"));
        assertThat(fields.get("ok")).isEqualTo(new BigDecimal("98"));
        assertThat(fields.get("failed_reset")).isEqualTo(new BigDecimal("2"));
        assertThat(fields.get("failed")).isEqualTo(new BigDecimal("2"));
        assertThat(fields.values()).noneMatch(v -> v instanceof Map || v instanceof List);
    }

    @Test
    void anEmptyRunStillGivesValidJsonAndText() {
        LoadReport empty = new LoadReport(SETTINGS, 0, Map.of(), 0, 0, 0, nanos(LongStream.empty()), null, 0);
        assertThat(StrictJson.object(empty.json())).containsKey("p99_us");
        assertThat(empty.text()).contains("round trips: 0/100 ok, 0 failed");
    }

    @Test
    void theTextSummaryHasThePasteableSecondLine() {
        String text = report(100, Map.of()).text();
        assertThat(text.lines().toList().get(1))
                .isEqualTo("round trips: 100/100 ok, 0 failed (connect 0, reset 0, timeout 0, closed 0, mismatch 0,"
                        + " deadline 0, other 0)");
    }

    @Test
    void oneOfAnythingIsSingular() {
        LoadSettings one = new LoadSettings("127.0.0.1", 9900, 1, 1, 1, 1, false, Duration.ofSeconds(60),
                Duration.ofSeconds(5));
        assertThat(new LoadReport(one, 1, Map.of(), 0.1, 1, 0, nanos(LongStream.of(1000)), null, 0).text().lines()
                .findFirst())
                .hasValue("echo-load-test: 1 client x 1 message of 1 byte, concurrency 1, against 127.0.0.1:9900");
    }

    @Test
    void aConcurrencyAboveTheClientsIsReportedAsWhatRan() {
        LoadSettings capped = new LoadSettings("127.0.0.1", 9900, 10, 10, 50, 32, false, Duration.ofSeconds(60),
                Duration.ofSeconds(5));
        LoadReport r = new LoadReport(capped, 100, Map.of(), 0.5, 10, 0, nanos(LongStream.of(1000)), null, 0);
        assertThat(r.text().lines().findFirst()).hasValue("echo-load-test: 10 clients x 10 messages of 32 bytes,"
                + " concurrency 10 (--concurrency 50 capped at --clients), against 127.0.0.1:9900");
        assertThat(StrictJson.object(r.json()).get("concurrency")).isEqualTo(new BigDecimal("10"));
    }

    @Test
    void aRunWithNoRoundTripPrintsNoLatencyOfZeros() {
        LoadReport none = new LoadReport(SETTINGS, 0, Map.of(LoadFailure.CONNECT, 10L), 0.1, 0, 0,
                nanos(LongStream.empty()), "connect to 127.0.0.1:9900: ECONNREFUSED (Connection refused)", 0);
        assertThat(none.text()).doesNotContain("latency").contains("first failure: connect to");
        assertThat(StrictJson.object(none.json())).containsEntry("p50_us", null).containsEntry("max_us", null);
        assertThat(report(1, Map.of(LoadFailure.RESET, 9L)).text()).contains("latency: p50 1.0 us");
    }

    @Test
    void sessionsClosedAtAcceptNameTheServersMaxClients() {
        LoadReport full = new LoadReport(SETTINGS, 20, Map.of(LoadFailure.RESET, 8L), 0.1, 2, 0,
                nanos(LongStream.rangeClosed(1, 20)), "round trip: ECONNRESET (Connection reset)", 8);
        assertThat(full.text()).contains("server full? 8 connections closed right after accept, before any echo:"
                + " raise the server's --max-clients or lower --concurrency\n");
        assertThat(StrictJson.object(full.json()).get("closed_at_accept")).isEqualTo(new BigDecimal("8"));
        assertThat(report(100, Map.of()).text()).doesNotContain("--max-clients");
    }

    @Test
    void roundTripsCutOffByTheDeadlineAreCountedSoTheNumbersAddUp() {
        LoadSettings big = new LoadSettings("127.0.0.1", 9900, 200, 1000, 4, 32, false, Duration.ofSeconds(60),
                Duration.ofSeconds(5));
        LoadReport cut = new LoadReport(big, 120_100, Map.of(LoadFailure.DEADLINE, 850L), 60, 120, 0,
                nanos(LongStream.of(1000)), "round trip: cut off by the --deadline of 60 s", 0);
        assertThat(cut.notRun()).isEqualTo(79_050);
        assertThat(cut.ok() + cut.failed() + cut.notRun()).isEqualTo(big.expected());
        assertThat(cut.text().lines().toList().get(1)).isEqualTo("round trips: 120100/200000 ok, 850 failed (connect 0,"
                + " reset 0, timeout 0, closed 0, mismatch 0, deadline 850, other 0), 79050 not run");
        assertThat(cut.text()).contains("(120100 ok + 850 failed + 79050 not run = 200000)\n")
                .contains("first failure: round trip: cut off by the --deadline of 60 s\n");
        assertThat(StrictJson.object(cut.json()).get("not_run")).isEqualTo(new BigDecimal("79050"));
        assertThat(report(100, Map.of()).text()).doesNotContain("not run");
    }

    private static LoadReport report(long ok, Map<LoadFailure, Long> failures) {
        return new LoadReport(SETTINGS, ok, failures, 0.5, 10, 0.1,
                nanos(LongStream.rangeClosed(1, ok).map(i -> i * 1000)), null, 0);
    }

    private static LoadReport report(LongStream samples) {
        return new LoadReport(SETTINGS, 0, Map.of(), 0.5, 10, 0.1, nanos(samples), null, 0);
    }

    /** Round-trip times as LoadTest keeps them. */
    private static Histogram nanos(LongStream samples) {
        Histogram h = LoadTest.latencyHistogram(SETTINGS.deadline());
        samples.forEach(h::recordValue);
        return h;
    }
}
