package dev.trustctl.log;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The flood limit's answer, made available where lines are made: while {@link FloodLimit} holds back the later
 * lines of an event, the thread about to log one (an event loop echoing its 100 000th frame) can skip making it
 * at all, rather than build an event the writer would only count and drop. A connection's first lines are
 * skipped only while the gate holds back every line of that name (its bucket is empty). What is skipped is counted with what the gate holds back, in {@code log_suppressed} and
 * {@link Log#linesSuppressed()}. Inactive (nothing skipped) unless a limited, queued log is running.
 */
public final class LogThrottle {
    // Always a HashSet: one receiver type at the per-frame contains() call, so the JIT compiles it once for good
    // (Set.of and Set.copyOf return different classes for different sizes).
    private static volatile Set<String> holdingLater = new HashSet<>(); // lines past a connection's first ones held
    private static volatile Set<String> holdingAll = new HashSet<>();   // the name's bucket is empty: all lines held
    private static volatile long firstPerConnection = Long.MAX_VALUE;
    private static volatile Object owner; // the gate whose verdict this is: only it publishes and takes the counts
    private static final Map<String, LongAdder> SKIPPED = new ConcurrentHashMap<>();
    private static final LongAdder SKIPPED_EVER = new LongAdder();

    private LogThrottle() {
    }

    /**
     * Whether the {@code nth} line of {@code event} from one connection is held back by the flood limit right now;
     * if so it is counted as suppressed and the caller should not log it.
     */
    public static boolean skips(String event, long nth) {
        if (!holdingAll.contains(event) && (nth <= firstPerConnection || !holdingLater.contains(event))) {
            return false;
        }
        SKIPPED.computeIfAbsent(event, name -> new LongAdder()).increment();
        SKIPPED_EVER.increment();
        return true;
    }

    /** The gate of a limited, queued log takes over: lines past a connection's first {@code first} may be skipped. */
    static void activate(Object gate, int first) {
        owner = gate;
        holdingLater = new HashSet<>();
        holdingAll = new HashSet<>();
        firstPerConnection = first;
    }

    /** No limit applies any more (the log stopped, or it is not limited): nothing is skipped. */
    static void deactivate() {
        owner = null;
        firstPerConnection = Long.MAX_VALUE;
        holdingLater = new HashSet<>();
        holdingAll = new HashSet<>();
    }

    static boolean ownedBy(Object gate) {
        return owner == gate;
    }

    /** The owning gate's verdict: the names whose later lines it holds back now, and those it holds back all of. */
    static void publish(Object gate, Set<String> later, Set<String> all) {
        if (owner != gate) {
            return;
        }
        if (!later.equals(holdingLater)) {
            holdingLater = new HashSet<>(later);
        }
        if (!all.equals(holdingAll)) {
            holdingAll = new HashSet<>(all);
        }
    }

    /** Takes the lines skipped since the last call, per event name, for the owning gate to report. */
    static Map<String, Long> drain(Object gate) {
        Map<String, Long> taken = new HashMap<>();
        if (owner == gate) {
            SKIPPED.forEach((name, count) -> {
                long n = count.sumThenReset();
                if (n > 0) {
                    taken.put(name, n);
                }
            });
        }
        return taken;
    }

    /** Every line skipped in this process. */
    static long skippedTotal() {
        return SKIPPED_EVER.sum();
    }
}
