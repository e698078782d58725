package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.LoggingEvent;

/**
 * Keeps one client from erasing the log's history: a logback TurboFilter, so it decides in the thread that logs,
 * before logback makes the event. Each event name has a token bucket of {@link LogSettings#burst()} lines refilled at
 * {@link LogSettings#perSecond()}. The first {@link LogSettings#firstPerConnection()} lines of a name from one
 * connection ({@code conn_id}) may empty the bucket; later ones only its upper half, so a flooding connection leaves
 * room for everyone else's first lines. What is held back is counted and said in one {@code log_suppressed} line per
 * name and second (all of it before {@code server_stop}). Lifecycle events always pass.
 * <p>
 * It is also the {@link FloodVerdict} handed to where lines are made: a connection asks it before making a line,
 * and while the bucket holds that line back the answer costs no lock (each bucket publishes until when it holds).
 */
final class FloodLimit extends TurboFilter implements FloodVerdict {
    static final Set<String> ALWAYS = Set.of("server_start", "server_stop", "command_done", "log_suppressed");
    /** Lines held back by the limit, or skipped where they are made: each said in a log_suppressed line. */
    static final LongAdder SUPPRESSED = new LongAdder();
    private static final long SAY_EVERY_MILLIS = 1000;
    private static final int CONNECTIONS_REMEMBERED = 4096;
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("log");

    /** One event name's bucket: its tokens change under the limit's lock; the rest is read without it. */
    private static final class Bucket {
        /** Until when lines past a connection's first are held back, and until when all of them are (millis). */
        volatile long laterHeldUntil;
        volatile long allHeldUntil;
        final LongAdder held = new LongAdder();
        /** When the lines not yet said began to be held back; 0 when there are none. */
        final AtomicLong heldSince = new AtomicLong();
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    private final LogSettings settings;
    /** Below this many tokens a name's lines past a connection's first ones are held back: the upper half. */
    private final double laterFloor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** Lines of each name from each connection, for its first lines: past {@value #CONNECTIONS_REMEMBERED}, all start afresh. */
    private final Map<String, Integer> linesPerConnection = new HashMap<>();

    FloodLimit(LogSettings settings) {
        this.settings = settings;
        this.laterFloor = settings.burst() / 2.0 + 1;
    }

    /** A started limit, asked by {@code context} about every line from now on. */
    static FloodLimit install(LogSettings settings, LoggerContext context) {
        FloodLimit limit = new FloodLimit(settings);
        limit.setContext(context);
        limit.start();
        context.addTurboFilter(limit);
        return limit;
    }

    /** The classic API's question (is a level on, a message with arguments): not the limit's business. */
    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return FilterReply.NEUTRAL;
    }

    /** SLF4J's fluent API: every line this program logs. */
    @Override
    public FilterReply decide(Logger logger, LoggingEvent event) {
        String name = event.getMessage();
        long now = System.currentTimeMillis();
        if (name == null || ALWAYS.contains(name)) {
            if ("server_stop".equals(name)) {
                sayHeld(now, true); // what was held back, before the last word
            }
            return FilterReply.NEUTRAL;
        }
        KeyValuePair conn = JsonLine.find(event.getKeyValuePairs(), "conn_id");
        boolean passes = admits(name, conn == null ? null : conn.value, now);
        sayHeld(now, false);
        return passes ? FilterReply.NEUTRAL : FilterReply.DENY;
    }

    /** Whether the line passes; if not, it is counted as held back. A lock, not a monitor: no virtual thread pins. */
    boolean admits(String name, Object connId, long now) {
        lock.lock();
        try {
            return admitsLocked(name, connId, now);
        } finally {
            lock.unlock();
        }
    }

    private boolean admitsLocked(String name, Object connId, long now) {
        Bucket b = buckets.computeIfAbsent(name, n -> new Bucket(settings.burst(), now));
        b.tokens = Math.min(settings.burst(), b.tokens + Math.max(0, now - b.refilledAt) * settings.perSecond() / 1000.0);
        b.refilledAt = Math.max(now, b.refilledAt);
        if (linesPerConnection.size() > CONNECTIONS_REMEMBERED) {
            linesPerConnection.clear();
        }
        boolean first = connId == null
                || linesPerConnection.merge(name + '\0' + connId, 1, Integer::sum) <= settings.firstPerConnection();
        boolean passes = b.tokens >= (first ? 1 : laterFloor);
        if (passes) {
            b.tokens--;
        } else {
            hold(b, now);
        }
        b.allHeldUntil = heldUntil(b, 1, now);
        b.laterHeldUntil = heldUntil(b, laterFloor, now);
        return passes;
    }

    /** When the bucket will have refilled to {@code floor} tokens: until then, lines that need as many are held. */
    private long heldUntil(Bucket b, double floor, long now) {
        return b.tokens >= floor ? 0 : settings.perSecond() == 0 ? Long.MAX_VALUE
                : now + (long) Math.ceil((floor - b.tokens) * 1000 / settings.perSecond());
    }

    @Override
    public boolean skips(String event, long nth) {
        return skips(event, nth, System.currentTimeMillis());
    }

    boolean skips(String event, long nth, long now) {
        Bucket b = buckets.get(event);
        if (b == null || now >= (nth <= settings.firstPerConnection() ? b.allHeldUntil : b.laterHeldUntil)) {
            return false;
        }
        hold(b, now);
        if (now - b.heldSince.get() >= SAY_EVERY_MILLIS) {
            sayHeld(now, false);
        }
        return true;
    }

    private static void hold(Bucket b, long now) {
        b.held.increment();
        if (b.heldSince.get() == 0) { // a read, not a write, for every line held back after the first
            b.heldSince.compareAndSet(0, now);
        }
        SUPPRESSED.increment();
    }

    /** One {@code log_suppressed} line for each name held back a second or more ago (or, when {@code all}, ever). */
    void sayHeld(long now, boolean all) {
        buckets.forEach((name, b) -> {
            long since = b.heldSince.get();
            if (since != 0 && (all || now - since >= SAY_EVERY_MILLIS) && b.heldSince.compareAndSet(since, 0)) {
                long lines = b.held.sumThenReset();
                if (lines > 0) {
                    LOG.atWarn().setMessage("log_suppressed").addKeyValue("suppressed_event", name)
                            .addKeyValue("suppressed", lines).addKeyValue("window_ms", Math.max(0, now - since))
                            .addKeyValue("burst", settings.burst()).addKeyValue("per_second", settings.perSecond())
                            .log();
                }
            }
        });
    }
}
