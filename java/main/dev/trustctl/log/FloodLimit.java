package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.event.KeyValuePair;

/**
 * Keeps one client from erasing the log's history: each event name has a token bucket of {@link LogSettings#burst()}
 * lines refilled at {@link LogSettings#perSecond()}. The first {@link LogSettings#firstPerConnection()} lines of a
 * name from one connection ({@code conn_id}) may empty the bucket; later ones only its upper half, so a flooding
 * connection leaves room for everyone else's first lines. What is held back is counted and said in one
 * {@code log_suppressed} line per name and second (all of it before {@code server_stop}). Lifecycle events
 * ({@code server_start}, {@code server_stop}, {@code command_done}) always pass.
 * <p>
 * The log's writer thread alone decides ({@link #admits}), so no line costs a lock. It is also the
 * {@link FloodVerdict} handed to where lines are made: after each pass the writer shows each bucket's tokens, and a
 * connection about to log a line the bucket would hold back skips making it, for a map look-up and a count.
 */
final class FloodLimit implements FloodVerdict {
    static final Set<String> ALWAYS = Set.of("server_start", "server_stop", "command_done");
    private static final long SAY_EVERY_MILLIS = 1000;
    /** (name, connection) pairs remembered for their first lines; past that, all start afresh. */
    private static final int CONNECTIONS_REMEMBERED = 4096;

    private static final long NOT_HELD = Long.MIN_VALUE;
    /**
     * Lines held back or skipped where they are made, process-wide: each said in a log_suppressed line. A flood
     * counts one per frame on every loop thread, hence a LongAdder; here, not in {@link Log}, so a short call,
     * which never loads this class, never initialises one (its VarHandles cost milliseconds of --version).
     */
    static final LongAdder SUPPRESSED = new LongAdder();

    /** One event name's bucket: the writer's own, but for what it shows and the count, which any thread reads. */
    private static final class Bucket {
        /** Tokens taken and not yet refilled: 0 is a full bucket. */
        double spent;
        long refilledAt;
        long heldSince = NOT_HELD;
        /** {@code spent} as of the writer's last pass; 0 (full) once the log stops. */
        volatile double shownSpent;
        final LongAdder held = new LongAdder();
    }

    private final LogSettings settings;
    /** Below this many tokens a name's lines past a connection's first ones are held back: the upper half. */
    private final double laterFloor;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Integer> linesPerConnection = new HashMap<>();

    FloodLimit(LogSettings settings) {
        this.settings = settings;
        this.laterFloor = settings.burst() / 2.0 + 1;
    }

    /** Whether the writer writes {@code event}; if not, it is counted as held back. */
    boolean admits(ILoggingEvent event) {
        String name = event.getMessage();
        if (name == null || ALWAYS.contains(name)) {
            return true;
        }
        long now = event.getTimeStamp();
        Bucket b = refilled(buckets.computeIfAbsent(name, n -> new Bucket()), now);
        if (linesPerConnection.size() > CONNECTIONS_REMEMBERED) {
            linesPerConnection.clear();
        }
        KeyValuePair conn = Json.find(event.getKeyValuePairs(), "conn_id");
        boolean first = conn == null
                || linesPerConnection.merge(name + '\0' + conn.value, 1, Integer::sum) <= settings.firstPerConnection();
        if (b.spent <= settings.burst() - (first ? 1 : laterFloor)) {
            b.spent++;
            return true;
        }
        b.heldSince = b.heldSince == NOT_HELD ? now : b.heldSince;
        hold(b);
        return false;
    }

    private Bucket refilled(Bucket b, long now) {
        b.spent = Math.max(0, b.spent - Math.max(0, now - b.refilledAt) * settings.perSecond() / 1000.0);
        b.refilledAt = Math.max(now, b.refilledAt);
        return b;
    }

    private static void hold(Bucket b) {
        b.held.increment();
        SUPPRESSED.increment();
    }

    /** Asked where lines are made, with the writer's last look at the bucket: no lock. */
    @Override
    public boolean skips(String event, long nth) {
        Bucket b = buckets.get(event);
        if (b == null || b.shownSpent <= settings.burst() - (nth <= settings.firstPerConnection() ? 1 : laterFloor)) {
            return false;
        }
        hold(b);
        return true;
    }

    /**
     * Shows each bucket to {@link #skips} (as full when {@code all}: the log, or the server, stops) and appends a
     * {@code log_suppressed} line for each name held back a second or more ago (or ever, when {@code all}).
     */
    void say(long now, boolean all, StringBuilder out) {
        for (Map.Entry<String, Bucket> entry : buckets.entrySet()) {
            Bucket b = refilled(entry.getValue(), now);
            b.shownSpent = all ? 0 : b.spent;
            if (b.heldSince == NOT_HELD && b.held.sum() > 0) {
                b.heldSince = now; // skipped where made since the last pass
            }
            if (b.heldSince != NOT_HELD && (all || now - b.heldSince >= SAY_EVERY_MILLIS)) {
                out.append(Json.line(now, "WARN", "log_suppressed", List.of(
                        new KeyValuePair("suppressed_event", entry.getKey()),
                        new KeyValuePair("suppressed", b.held.sumThenReset()),
                        new KeyValuePair("window_ms", Math.max(0, now - b.heldSince)),
                        new KeyValuePair("burst", settings.burst()),
                        new KeyValuePair("per_second", settings.perSecond()))));
                b.heldSince = NOT_HELD;
            }
        }
    }
}
