package dev.trustctl.client;

import dev.trustctl.display.HostPort;
import dev.trustctl.errors.LoadFailure;
import dev.trustctl.log.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.AbstractHistogram;

/**
 * What a load run measured: round trips, failures by kind, rates and latency percentiles (HdrHistogram's: the
 * nearest rank, exact below 2 us, else rounded up by at most 0.1%).
 * {@code closedAtAccept} counts sessions the server reset or closed before their first echo, as a server at its
 * {@code --max-clients} does. {@code firstError} is null when nothing failed.
 */
public record LoadReport(LoadSettings settings, long ok, Map<LoadFailure, Long> failures, double elapsedSeconds,
                         long sessionsDone, double connectSeconds, AbstractHistogram latencyNanos, String firstError,
                         long closedAtAccept) {
    private static final int[] PERCENTILES = {50, 90, 99, 100};

    public long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Round trips neither ok nor failed: the rest of each session a failure or the deadline ended, and every
     * session that never started. A failed session counts one failure, so ok + failed + notRun = expected.
     */
    public long notRun() {
        return Math.max(0, settings.expected() - ok - failed());
    }

    public boolean passed() {
        return ok == settings.expected() && failed() == 0;
    }

    public double roundTripsPerSecond() {
        return elapsedSeconds > 0 ? ok / elapsedSeconds : 0;
    }

    /** Completed sessions per second; with --hold, connects per second of the connect phase. */
    public double connectionsPerSecond() {
        if (settings.hold()) {
            return connectSeconds > 0 ? settings.clients() / connectSeconds : 0;
        }
        return elapsedSeconds > 0 ? sessionsDone / elapsedSeconds : 0;
    }

    public double latencyMicros(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * Human summary; its second line is the one to paste: {@code round trips: 1000/1000 ok, 0 failed}. Failures
     * count sessions (a failed session ends there); the first one is named on a later line. The latency line is
     * left out when no round trip came back, and a line names --max-clients when the server turned sessions away.
     */
    public String text() {
        String kinds = Arrays.stream(LoadFailure.values()).map(f -> f.label() + " " + failures.getOrDefault(f, 0L))
                .collect(Collectors.joining(", "));
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "echo-load-test: %s x %s of %s,"
                + " concurrency %s, against %s%nround trips: %d/%d ok, %d failed (%s)%s%n"
                + "elapsed: %.3f s, %.0f round trips/s, %.1f connections/s%n", count(settings.clients(), "client"),
                count(settings.messages(), "message"), count(settings.payloadSize(), "byte"), concurrencyText(),
                HostPort.of(settings.host(), settings.port()), ok, settings.expected(), failed(), kinds,
                notRun() > 0 ? ", " + notRun() + " not run" : "", elapsedSeconds, roundTripsPerSecond(),
                connectionsPerSecond()));
        if (notRun() > 0) {
            text.append(String.format(Locale.ROOT, "not run: the rest of the sessions a failure or the deadline"
                    + " ended, and those never started (%d ok + %d failed + %d not run = %d)%n", ok, failed(), notRun(),
                    settings.expected()));
        }
        if (latencyNanos.getTotalCount() > 0) {
            text.append(String.format(Locale.ROOT, "latency: p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us%n",
                    latencyMicros(50), latencyMicros(90), latencyMicros(99), latencyMicros(100)));
        }
        if (closedAtAccept > 0) {
            text.append(String.format("server full? %s closed right after accept, before any echo: raise the server's"
                    + " --max-clients or %s%n", count(closedAtAccept, "connection"),
                    settings.hold() ? "hold fewer --clients" : "lower --concurrency"));
        }
        if (firstError != null) {
            text.append("first failure: ").append(firstError).append(System.lineSeparator());
        }
        return text.toString();
    }

    /** What ran, which --concurrency above --clients is not: {@code 10 (--concurrency 50 capped at --clients)}. */
    private String concurrencyText() {
        int ran = settings.effectiveConcurrency();
        return settings.hold() ? "all (--hold)" : ran < settings.concurrency()
                ? ran + " (--concurrency " + settings.concurrency() + " capped at --clients)" : String.valueOf(ran);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** The same as one JSON object, for scripts; the latencies are null when no round trip came back (not 0). */
    public String json() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("clients", settings.clients());
        fields.put("messages", settings.messages());
        fields.put("payload_size", settings.payloadSize());
        fields.put("concurrency", settings.effectiveConcurrency());
        fields.put("hold", settings.hold());
        fields.put("expected", settings.expected());
        fields.put("ok", ok);
        fields.put("failed", failed());
        fields.put("not_run", notRun());
        for (LoadFailure f : LoadFailure.values()) {
            fields.put("failed_" + f.label(), failures.getOrDefault(f, 0L));
        }
        fields.put("elapsed_s", round(elapsedSeconds, 6));
        fields.put("rt_per_s", round(roundTripsPerSecond(), 1));
        fields.put("conn_per_s", round(connectionsPerSecond(), 1));
        for (int p : PERCENTILES) {
            fields.put(p == 100 ? "max_us" : "p" + p + "_us",
                    latencyNanos.getTotalCount() > 0 ? round(latencyMicros(p), 1) : null);
        }
        fields.put("closed_at_accept", closedAtAccept);
        fields.put("first_error", firstError);
        return Json.object(fields);
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
