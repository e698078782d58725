package dev.trustctl.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.LoadFailure;
import dev.trustctl.testing.StrictJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The load report's arithmetic (nearest-rank percentiles, pass/fail) and its JSON form. */
class LoadReportTest {
    private static final LoadSettings SETTINGS = new LoadSettings("127.0.0.1", 9900, 10, 10, 1, 32, false,
            Duration.ofSeconds(60), Duration.ofSeconds(5));

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = LongStream.rangeClosed(1, 100).toArray();
        assertThat(Latencies.percentile(sorted, 50)).isEqualTo(50);
        assertThat(Latencies.percentile(sorted, 90)).isEqualTo(90);
        assertThat(Latencies.percentile(sorted, 99)).isEqualTo(99);
        assertThat(Latencies.percentile(sorted, 99.5)).isEqualTo(100);
        assertThat(Latencies.percentile(sorted, 100)).isEqualTo(100);
        assertThat(Latencies.percentile(sorted, 0)).isEqualTo(1);
        assertThat(Latencies.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(Latencies.percentile(new long[0], 50)).isZero();
    }

    @Test
    void samplesFromEveryThreadAreMergedAndSorted() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        for (int i = 3000; i > 0; i--) {
            (i % 2 == 0 ? a : b).add(i);
        }
        long[] all = Latencies.sortedUnion(List.of(a, b));
        assertThat(all).hasSize(3000).isSorted();
        assertThat(all[0]).isEqualTo(1);
        assertThat(all[2999]).isEqualTo(3000);
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
        LoadReport empty = new LoadReport(SETTINGS, 0, Map.of(), 0, 0, 0, new long[0]);
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
        assertThat(new LoadReport(one, 1, Map.of(), 0.1, 1, 0, new long[] {1000}).text().lines().findFirst())
                .hasValue("echo-load-test: 1 client x 1 message of 1 byte, concurrency 1, against 127.0.0.1:9900");
    }

    @Test
    void aConcurrencyAboveTheClientsIsReportedAsWhatRan() {
        LoadSettings capped = new LoadSettings("127.0.0.1", 9900, 10, 10, 50, 32, false, Duration.ofSeconds(60),
                Duration.ofSeconds(5));
        LoadReport r = new LoadReport(capped, 100, Map.of(), 0.5, 10, 0, new long[] {1000});
        assertThat(r.text().lines().findFirst()).hasValue("echo-load-test: 10 clients x 10 messages of 32 bytes,"
                + " concurrency 10 (--concurrency 50 capped at --clients), against 127.0.0.1:9900");
        assertThat(StrictJson.object(r.json()).get("concurrency")).isEqualTo(new BigDecimal("10"));
    }

    @Test
    void aRunWithNoRoundTripPrintsNoLatencyOfZeros() {
        LoadReport none = new LoadReport(SETTINGS, 0, Map.of(LoadFailure.CONNECT, 10L), 0.1, 0, 0, new long[0],
                "connect to 127.0.0.1:9900: ECONNREFUSED (Connection refused)", 0);
        assertThat(none.text()).doesNotContain("latency").contains("first failure: connect to");
        assertThat(StrictJson.object(none.json())).containsEntry("p50_us", null).containsEntry("max_us", null);
        assertThat(report(1, Map.of(LoadFailure.RESET, 9L)).text()).contains("latency: p50 1.0 us");
    }

    @Test
    void sessionsClosedAtAcceptNameTheServersMaxClients() {
        LoadReport full = new LoadReport(SETTINGS, 20, Map.of(LoadFailure.RESET, 8L), 0.1, 2, 0,
                LongStream.rangeClosed(1, 20).toArray(), "round trip: ECONNRESET (Connection reset)", 8);
        assertThat(full.text()).contains("server full? 8 connections closed right after accept, before any echo:"
                + " raise the server's --max-clients or lower --concurrency\n");
        assertThat(StrictJson.object(full.json()).get("closed_at_accept")).isEqualTo(new BigDecimal("8"));
        assertThat(report(100, Map.of()).text()).doesNotContain("--max-clients");
    }

    @Test
    void roundTripsCutOffByTheDeadlineAreCountedSoTheNumbersAddUp() {
        LoadSettings big = new LoadSettings("127.0.0.1", 9900, 200, 1000, 4, 32, false, Duration.ofSeconds(60),
                Duration.ofSeconds(5));
        LoadReport cut = new LoadReport(big, 120_100, Map.of(LoadFailure.DEADLINE, 850L), 60, 120, 0, new long[] {1000},
                "round trip: cut off by the --deadline of 60 s", 0);
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
        long[] nanos = LongStream.rangeClosed(1, ok).map(i -> i * 1000).toArray();
        return new LoadReport(SETTINGS, ok, failures, 0.5, 10, 0.1, nanos);
    }
}
