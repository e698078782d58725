package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.event.KeyValuePair;

/**
 * Keeps one client from erasing the log's history: each event name has a token bucket of
 * {@link LogSettings#burst()} lines refilled at {@link LogSettings#perSecond()}. The first
 * {@link LogSettings#firstPerConnection()} lines of a name from one connection ({@code conn_id}) may empty the
 * bucket; later ones only its upper half, so a flooding connection leaves room for everyone else's first
 * frames. What is held back is counted and said in one {@code log_suppressed} line per name and second.
 * Lifecycle events ({@code server_start}, {@code server_stop}, {@code command_done}) always pass.
 * Used by the log's single writer thread only, so nothing here is synchronised but its {@link #verdict()}, which
 * the threads that make lines ask.
 */
final class FloodLimit {
    static final Set<String> ALWAYS = Set.of("server_start", "server_stop", "command_done");
    static final String SUPPRESSED = "log_suppressed";
    private static final long SUMMARY_EVERY_MILLIS = 1000;
    /** Connections remembered for their first lines; past that the oldest are forgotten (and start afresh). */
    private static final int CONNECTIONS_REMEMBERED = 4096;

    private static final class Bucket {
        double tokens;
        long refilledAt;
        long suppressed;
        long suppressedSince;
    }

    private final LogSettings settings;
    private final LogCounters counters;
    private final Verdict verdict; // null when the limit is off
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Integer> linesPerConnection = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > CONNECTIONS_REMEMBERED;
        }
    };
    private int pending;

    FloodLimit(LogSettings settings, LogCounters counters) {
        this.settings = settings;
        this.counters = counters;
        this.verdict = settings.limited() ? new Verdict(settings.firstPerConnection(), counters.suppressed) : null;
    }

    /** What the threads that make lines ask before making one; {@link FloodVerdict#NONE} when the limit is off. */
    FloodVerdict verdict() {
        return verdict == null ? FloodVerdict.NONE : verdict;
    }

    /** Whether {@code event} is written; if not, it is counted as suppressed. */
    boolean admit(ILoggingEvent event) {
        String name = event.getMessage();
        if (!settings.limited() || name == null || ALWAYS.contains(name)) {
            return true;
        }
        long now = event.getTimeStamp();
        Bucket bucket = bucket(name, now);
        refill(bucket, now);
        double floor = firstLinesOfItsConnection(name, event) ? 1 : laterLinesFloor();
        if (bucket.tokens >= floor) {
            bucket.tokens--;
            return true;
        }
        held(bucket, 1, now);
        counters.suppressed.increment();
        return false;
    }

    private Bucket bucket(String name, long now) {
        return buckets.computeIfAbsent(name, n -> {
            Bucket b = new Bucket();
            b.tokens = settings.burst();
            b.refilledAt = now;
            return b;
        });
    }

    private void refill(Bucket bucket, long now) {
        if (now > bucket.refilledAt) {
            bucket.tokens = Math.min(settings.burst(), bucket.tokens + (now - bucket.refilledAt) * settings.perSecond() / 1000.0);
            bucket.refilledAt = now;
        }
    }

    /** Below this many tokens a name's lines past a connection's first ones are held back. */
    private double laterLinesFloor() {
        return settings.burst() / 2.0 + 1;
    }

    private void held(Bucket bucket, long lines, long now) {
        if (bucket.suppressed == 0) {
            bucket.suppressedSince = now;
            pending++;
        }
        bucket.suppressed += lines;
    }

    /**
     * Takes in what the threads that make lines skipped ({@link #verdict()}), as if held back here, so it is said
     * in {@code log_suppressed}. Called before each pass's events: a {@code server_stop} in the pass then says all.
     */
    void takeSkipped(long now) {
        if (verdict != null) {
            verdict.skipped.forEach((name, count) -> {
                long n = count.sumThenReset();
                if (n > 0) {
                    held(bucket(name, now), n, now);
                }
            });
        }
    }

    /** Tells the threads that make lines which names are held back now. Called after each pass. */
    void shareVerdict(long now) {
        if (verdict == null) {
            return;
        }
        Set<String> later = new HashSet<>();
        Set<String> all = new HashSet<>();
        buckets.forEach((name, b) -> {
            refill(b, now);
            if (b.tokens < laterLinesFloor()) {
                later.add(name);
            }
            if (b.tokens < 1) {
                all.add(name);
            }
        });
        verdict.publish(later, all);
    }

    /** The log stops: from now on nothing is skipped (what was is taken in by the last pass, and said). */
    void lift() {
        if (verdict != null) {
            verdict.publish(Set.of(), Set.of());
        }
    }

    private boolean firstLinesOfItsConnection(String name, ILoggingEvent event) {
        Object conn = connId(event);
        if (conn == null) {
            return true;
        }
        String key = name + '\0' + conn;
        int seen = linesPerConnection.merge(key, 1, Integer::sum);
        return seen <= settings.firstPerConnection();
    }

    private static Object connId(ILoggingEvent event) {
        KeyValuePair conn = JsonLine.find(event.getKeyValuePairs(), "conn_id");
        return conn == null ? null : conn.value;
    }

    /** True when some suppression has not been said yet. */
    boolean hasPending() {
        return pending > 0;
    }

    /**
     * One {@code log_suppressed} line for each name whose suppression started at least a second before
     * {@code now} (or for every one, when {@code all}), appended to {@code out}; returns how many lines.
     */
    int summaries(long now, boolean all, StringBuilder out) {
        if (pending == 0) {
            return 0;
        }
        List<String> said = new ArrayList<>();
        buckets.forEach((name, b) -> {
            if (b.suppressed > 0 && (all || now - b.suppressedSince >= SUMMARY_EVERY_MILLIS)) {
                out.append(JsonLine.now("WARN", SUPPRESSED, List.of(
                        new KeyValuePair("suppressed_event", name), new KeyValuePair("suppressed", b.suppressed),
                        new KeyValuePair("window_ms", Math.max(0, now - b.suppressedSince)),
                        new KeyValuePair("burst", settings.burst()),
                        new KeyValuePair("per_second", settings.perSecond()))));
                b.suppressed = 0;
                said.add(name);
            }
        });
        pending -= said.size();
        return said.size();
    }

    /**
     * The verdict as the threads that make lines see it: later lines of a name are skipped while its bucket is
     * under the later-lines floor, all of them while it is empty. Written by the writer thread after each pass.
     */
    private static final class Verdict implements FloodVerdict {
        // Always a HashSet: one receiver type at the per-frame contains() call, so the JIT compiles it once for
        // good (Set.of and Set.copyOf return different classes for different sizes).
        private volatile Set<String> holdingLater = new HashSet<>();
        private volatile Set<String> holdingAll = new HashSet<>();
        private final long firstPerConnection;
        private final LongAdder suppressed;
        /** Skipped since the writer last took them in, per event name. */
        private final Map<String, LongAdder> skipped = new ConcurrentHashMap<>();

        Verdict(long firstPerConnection, LongAdder suppressed) {
            this.firstPerConnection = firstPerConnection;
            this.suppressed = suppressed;
        }

        @Override
        public boolean skips(String event, long nth) {
            if (!holdingAll.contains(event) && (nth <= firstPerConnection || !holdingLater.contains(event))) {
                return false;
            }
            skipped.computeIfAbsent(event, name -> new LongAdder()).increment();
            suppressed.increment();
            return true;
        }

        void publish(Set<String> later, Set<String> all) {
            if (!later.equals(holdingLater)) {
                holdingLater = new HashSet<>(later);
            }
            if (!all.equals(holdingAll)) {
                holdingAll = new HashSet<>(all);
            }
        }
    }
}
